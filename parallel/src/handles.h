// Opaque handles: a table of objects whose guest-visible handles are neither
// small nor sequential (the contract forbids guests to assume either), and
// are validated on every use. Each table scrambles with its own salt, so a
// buffer handle passed as a device is rejected rather than aliased.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

namespace wpvm::parallel {

template <class T>
class HandleTable {
 public:
  explicit HandleTable(uint32_t salt) : salt_(salt) {}

  uint32_t insert(std::unique_ptr<T> object) {
    objects_.push_back(std::move(object));
    return scramble(static_cast<uint32_t>(objects_.size()));
  }
  // nullptr for a handle this table never gave out.
  T* find(uint32_t handle) const {
    uint32_t index = unscramble(handle);
    if (index == 0 || index > objects_.size()) return nullptr;
    return objects_[index - 1].get();
  }
  size_t size() const { return objects_.size(); }

 private:
  // A bijection on u32: xor with the salt, multiply by an odd constant (its
  // inverse mod 2^32 undoes it).
  static constexpr uint32_t kMul = 0x9e3779b1u;
  static constexpr uint32_t kInv = 0x0e8b2f51u;
  static_assert(kMul * kInv == 1u);
  uint32_t scramble(uint32_t i) const { return (i ^ salt_) * kMul; }
  uint32_t unscramble(uint32_t h) const { return (h * kInv) ^ salt_; }

  uint32_t salt_;
  std::vector<std::unique_ptr<T>> objects_;
};

}  // namespace wpvm::parallel

// Bounds-checked access to a guest's linear memory for host functions. Every
// pointer/length pair a guest passes goes through check() before it is touched;
// a failed check becomes errno `fault` in the caller.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace wpvm::wasi {

class GuestMemory {
 public:
  GuestMemory(uint8_t* base, uint64_t size) : base_(base), size_(size) {}

  bool check(uint64_t ptr, uint64_t len) const { return ptr <= size_ && len <= size_ - ptr; }
  uint8_t* at(uint32_t ptr) const { return base_ + ptr; }

  // Little-endian scalar loads/stores (the host is little-endian, so a memcpy).
  template <class T>
  bool load(uint32_t ptr, T& out) const {
    static_assert(std::is_trivially_copyable_v<T>);
    if (!check(ptr, sizeof(T))) return false;
    std::memcpy(&out, base_ + ptr, sizeof(T));
    return true;
  }
  template <class T>
  bool store(uint32_t ptr, T v) const {
    static_assert(std::is_trivially_copyable_v<T>);
    if (!check(ptr, sizeof(T))) return false;
    std::memcpy(base_ + ptr, &v, sizeof(T));
    return true;
  }
  // Unchecked variants for fields inside a region already check()ed.
  template <class T>
  T get(uint32_t ptr) const {
    T v;
    std::memcpy(&v, base_ + ptr, sizeof(T));
    return v;
  }
  template <class T>
  void put(uint32_t ptr, T v) const {
    std::memcpy(base_ + ptr, &v, sizeof(T));
  }

  bool read_string(uint32_t ptr, uint32_t len, std::string_view& out) const {
    if (!check(ptr, len)) return false;
    out = {reinterpret_cast<const char*>(base_ + ptr), len};
    return true;
  }

 private:
  uint8_t* base_;
  uint64_t size_;
};

}  // namespace wpvm::wasi

// An array whose pages the OS commits on first touch, for large stacks of
// which a run usually uses the start: an anonymous mapping of its own, not
// the heap, so no allocator touches it first (a reused heap block, or the
// fill malloc's debugging modes give every block, MALLOC_PERTURB_ included,
// would commit all of it). Elements are not initialised.
#pragma once
#include <sys/mman.h>

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace wpvm::exec {

template <class T>
class Reserved {
  static_assert(std::is_trivially_default_constructible_v<T> && std::is_trivially_destructible_v<T>);

 public:
  Reserved() = default;
  // Room for n elements; throws std::bad_alloc if the OS refuses it.
  explicit Reserved(size_t n) : bytes_(n * sizeof(T)) {
    if (bytes_ == 0) return;
    void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    p_ = static_cast<T*>(p);
  }
  ~Reserved() {
    if (p_) munmap(p_, bytes_);
  }
  Reserved(Reserved&& o) noexcept : p_(std::exchange(o.p_, nullptr)), bytes_(std::exchange(o.bytes_, 0)) {}
  Reserved& operator=(Reserved&& o) noexcept {
    std::swap(p_, o.p_);
    std::swap(bytes_, o.bytes_);
    return *this;
  }

  T* get() const { return p_; }
  T& operator[](size_t i) const { return p_[i]; }

 private:
  T* p_ = nullptr;
  size_t bytes_ = 0;
};

}  // namespace wpvm::exec

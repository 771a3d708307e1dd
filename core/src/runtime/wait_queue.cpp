// The process-wide wait queue (wait_queue.h): buckets of FIFO waiter lists
// hashed by address, each under its own mutex. A waiter lives on its own
// stack frame and sleeps on its own condition variable, so notify wakes
// exactly the chosen waiters, in arrival order, and allocates nothing.
#include "runtime/wait_queue.h"

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace wpvm::wait_queue {

namespace {

struct Waiter {
  const void* addr = nullptr;
  std::condition_variable cv;
  bool woken = false;
  Waiter* next = nullptr;
  Waiter* prev = nullptr;
};

struct Bucket {
  std::mutex mu;
  Waiter* head = nullptr;  // oldest
  Waiter* tail = nullptr;

  void push(Waiter* w) {
    w->prev = tail;
    w->next = nullptr;
    (tail ? tail->next : head) = w;
    tail = w;
  }
  void remove(Waiter* w) {
    (w->prev ? w->prev->next : head) = w->next;
    (w->next ? w->next->prev : tail) = w->prev;
    w->next = w->prev = nullptr;
  }
};

constexpr size_t kBuckets = 64;

Bucket& bucket_of(const void* addr) {
  static std::array<Bucket, kBuckets> buckets;
  auto a = reinterpret_cast<uintptr_t>(addr);
  return buckets[(a >> 2) * 0x9E3779B97F4A7C15ull >> 58];  // top 6 bits: 64 buckets
}

// The value is read atomically: other threads may store to it concurrently.
uint64_t load(const void* addr, uint32_t width) {
  if (width == 8)
    return std::atomic_ref<uint64_t>(*static_cast<uint64_t*>(const_cast<void*>(addr))).load();
  return std::atomic_ref<uint32_t>(*static_cast<uint32_t*>(const_cast<void*>(addr))).load();
}

}  // namespace

WaitResult wait(const void* addr, uint64_t expected, uint32_t width, int64_t timeout_ns) {
  Bucket& b = bucket_of(addr);
  std::unique_lock lock(b.mu);
  if (load(addr, width) != expected) return WaitResult::kNotEqual;
  if (timeout_ns == 0) return WaitResult::kTimedOut;
  Waiter w;
  w.addr = addr;
  b.push(&w);
  // now() + a timeout near INT64_MAX would overflow the clock: past ~146
  // years (2^62 ns) the wait is as good as forever.
  constexpr int64_t kForever = int64_t{1} << 62;
  if (timeout_ns < 0 || timeout_ns >= kForever) {
    w.cv.wait(lock, [&] { return w.woken; });
  } else {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(timeout_ns);
    w.cv.wait_until(lock, deadline, [&] { return w.woken; });
  }
  if (w.woken) return WaitResult::kOk;  // notify already unlinked it
  b.remove(&w);
  return WaitResult::kTimedOut;
}

uint32_t notify(const void* addr, uint32_t count) {
  Bucket& b = bucket_of(addr);
  std::lock_guard lock(b.mu);
  uint32_t n = 0;
  for (Waiter* w = b.head; w && n < count;) {
    Waiter* next = w->next;
    if (w->addr == addr) {
      b.remove(w);
      w->woken = true;
      // Notified under the lock: the waiter cannot return (and destroy its
      // condition variable) before this call is done with it.
      w->cv.notify_one();
      ++n;
    }
    w = next;
  }
  return n;
}

uint32_t waiters(const void* addr) {
  Bucket& b = bucket_of(addr);
  std::lock_guard lock(b.mu);
  uint32_t n = 0;
  for (Waiter* w = b.head; w; w = w->next) n += w->addr == addr;
  return n;
}

}  // namespace wpvm::wait_queue

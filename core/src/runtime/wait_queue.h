// The wait queue behind memory.atomic.wait32/wait64 and memory.atomic.notify:
// one process-wide table of blocked waiters keyed by host address. Keying by
// the host address (not a memory object) makes every view of the same pages
// (aliases in other stores, worker copies) meet in the same queue.
#pragma once
#include <cstdint>

namespace wpvm::wait_queue {

// memory.atomic.wait's results.
enum class WaitResult : uint32_t { kOk = 0, kNotEqual = 1, kTimedOut = 2 };

// Blocks the calling thread if the `width`-byte (4 or 8) value at `addr`
// equals `expected`, until notified or `timeout_ns` (negative: forever) has
// passed. The comparison and the enqueueing are atomic with respect to
// notify(), so a notify that follows a store of a new value cannot be missed.
// `addr` must be naturally aligned.
WaitResult wait(const void* addr, uint64_t expected, uint32_t width, int64_t timeout_ns);

// Wakes up to `count` waiters on `addr`, oldest first; returns how many woke.
uint32_t notify(const void* addr, uint32_t count);

// Number of threads blocked on `addr` (for tests and diagnostics).
uint32_t waiters(const void* addr);

}  // namespace wpvm::wait_queue

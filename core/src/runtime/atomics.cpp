// wait/notify for every tier (atomics.h): the checks the threads proposal
// asks for, then the process-wide wait queue (wait_queue.h).
#include "runtime/atomics.h"

#include <atomic>

#include "runtime/wait_queue.h"

namespace wpvm::atomics {

namespace {

// Bounds first, then alignment, as the reference interpreter orders them.
Outcome check(const MemoryImpl& mem, uint64_t ea, uint32_t width) {
  if (ea + width > memory_size_acquire(*mem.lin)) return trap_outcome(TrapKind::kMemoryOutOfBounds);
  if (ea & (width - 1)) return trap_outcome(TrapKind::kUnalignedAtomic);
  return 0;
}

Outcome wait(MemoryImpl& mem, uint64_t ea, uint64_t expected, uint32_t width, int64_t timeout_ns) {
  if (Outcome o = check(mem, ea, width)) return o;
  if (!mem.type_.limits.shared) return trap_outcome(TrapKind::kExpectedSharedMemory);
  return static_cast<uint32_t>(wait_queue::wait(mem.lin->base + ea, expected, width, timeout_ns));
}

}  // namespace

Outcome memory_wait32(MemoryImpl& mem, uint64_t ea, uint32_t expected, int64_t timeout_ns) {
  return wait(mem, ea, expected, 4, timeout_ns);
}

Outcome memory_wait64(MemoryImpl& mem, uint64_t ea, uint64_t expected, int64_t timeout_ns) {
  return wait(mem, ea, expected, 8, timeout_ns);
}

Outcome memory_notify(MemoryImpl& mem, uint64_t ea, uint32_t count) {
  if (Outcome o = check(mem, ea, 4)) return o;
  if (!mem.type_.limits.shared) return 0;
  return wait_queue::notify(mem.lin->base + ea, count);
}

}  // namespace wpvm::atomics

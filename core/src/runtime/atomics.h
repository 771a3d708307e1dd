// Runtime entry points for memory.atomic.wait32/wait64 and memory.atomic.notify,
// shared by every tier: the interpreter calls them from its handlers, native
// code through the JIT's helpers. They do the whole instruction after the
// operands are popped: bounds, alignment, the shared-memory check, blocking.
#pragma once
#include <atomic>
#include <cstdint>

#include "exec/trap_code.h"
#include "runtime/runtime_impl.h"

namespace wpvm::atomics {

// A result (< 2^32) or a trap, its TrapCode << 32: one register, no
// exceptions, tested with one compare.
using Outcome = uint64_t;
constexpr bool is_trap(Outcome o) { return (o >> 32) != 0; }
constexpr TrapKind trap_of(Outcome o) { return exec::trap_kind(static_cast<exec::TrapCode>(o >> 32)); }
constexpr Outcome trap_outcome(TrapKind k) { return uint64_t{exec::trap_code(k)} << 32; }

// ea = address operand + memarg offset (no wrap-around: computed in 64 bits).
// Waits return 0 (woken), 1 (value not equal), 2 (timed out); a negative
// timeout waits forever. Waiting on an unshared memory traps.
Outcome memory_wait32(MemoryImpl& mem, uint64_t ea, uint32_t expected, int64_t timeout_ns);
Outcome memory_wait64(MemoryImpl& mem, uint64_t ea, uint64_t expected, int64_t timeout_ns);
// Number of waiters woken (0 on an unshared memory, which has none).
Outcome memory_notify(MemoryImpl& mem, uint64_t ea, uint32_t count);

// Current size in bytes of a memory another thread may be growing (inline:
// the interpreter reads it whenever it reloads its memory registers).
inline uint64_t memory_size_acquire(const LinearMemory& lin) {
  return std::atomic_ref<uint64_t>(const_cast<uint64_t&>(lin.size)).load(std::memory_order_acquire);
}

}  // namespace wpvm::atomics

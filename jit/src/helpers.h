// C++ functions that JIT code calls for operations not worth inlining:
// the rarer numeric opcodes (generated from the row table both tiers share,
// exec/numeric_ops.def), wait/notify, bulk
// memory, tables, and calls that leave native code (host functions,
// interpreted functions).
// All take and return raw 64-bit words; statuses are as in context.h.
#pragma once
#include <cstdint>
#include <span>

#include "context.h"
#include "opcode.h"

namespace wpvm::jit {

// Returned in rax (value) and rdx (status) by the SysV ABI.
struct HelperResult {
  uint64_t value;
  uint64_t status;
};

// A numeric opcode's reference implementation: uint64_t(uint64_t[, uint64_t]),
// or HelperResult(...) when `traps`.
struct NumericHelper {
  const void* fn = nullptr;
  uint8_t arity = 0;
  bool traps = false;
};
NumericHelper numeric_helper(Opcode op);

// memory.atomic.wait32/wait64/notify (the other atomics are inline):
// fn(MemoryImpl*, operands in push order..., offset) returning HelperResult.
struct AtomicHelper {
  const void* fn = nullptr;
  uint8_t pops = 0;
};
AtomicHelper atomic_helper(Opcode op);

// Every function native code calls or jumps to (the helpers below, the
// numeric and atomic ones, capture_backtrace, trap_exit), numbered. Code
// reaches helper k through ExecContext::helpers[k], never by its address, so
// the same bytes run in every process of this build. The order depends on
// the build alone.
std::span<const void* const> helper_table();
uint32_t helper_id(const void* fn);  // fn's index; fn must be in the table

namespace helper {
uint64_t memory_grow(MemoryImpl* m, uint64_t delta);
uint64_t memory_fill(MemoryImpl* m, uint64_t d, uint64_t value, uint64_t n);
uint64_t memory_copy(MemoryImpl* m, uint64_t d, uint64_t s, uint64_t n);
uint64_t memory_init(InstanceImpl* inst, uint64_t d, uint64_t s, uint64_t n, uint64_t seg);
uint64_t data_drop(InstanceImpl* inst, uint64_t seg);
HelperResult table_get(TableImpl* t, uint64_t i);
uint64_t table_set(TableImpl* t, uint64_t i, uint64_t v);
uint64_t table_size(TableImpl* t);
uint64_t table_grow(TableImpl* t, uint64_t init, uint64_t delta);
uint64_t table_fill(TableImpl* t, uint64_t i, uint64_t v, uint64_t n);
uint64_t table_copy(TableImpl* dst, TableImpl* src, uint64_t d, uint64_t s, uint64_t n);
uint64_t table_init(InstanceImpl* inst, TableImpl* t, uint64_t d, uint64_t s, uint64_t n, uint64_t seg);
uint64_t elem_drop(InstanceImpl* inst, uint64_t seg);
// A call from native code to a function without native code of its own
// (host, interpreted, or not yet compiled). Arguments/results in `slots`.
uint64_t call_slow(ExecContext* ctx, FuncImpl* f, Slot* slots, InstanceImpl* caller);
}  // namespace helper

}  // namespace wpvm::jit

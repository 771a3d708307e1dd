// C++ functions that JIT code calls for operations not worth inlining:
// the rarer numeric opcodes (generated from the row table both tiers share,
// exec/numeric_ops.def), wait/notify, bulk memory and tables (exec/bulk.h),
// and calls that leave native code (host functions, interpreted functions).
// Arguments arrive as 64-bit words; a parameter declared uint32_t reads the
// low half (an i32 operand), which the ABI allows. Results come back as
// 64-bit words (i32 results zero-extended), statuses as in context.h.
#pragma once
#include <cstdint>
#include <span>

#include "context.h"
#include "exec/bulk.h"
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
// The bulk memory and table instructions are exec/bulk.h's: data_drop,
// table_set/fill/copy/init and elem_drop are called as they are, these adapt
// the others (memory 0 as its MemoryImpl, results as 64-bit words).
uint64_t memory_grow(MemoryImpl* m, uint32_t delta);
exec::TrapCode memory_fill(MemoryImpl* m, uint32_t d, uint32_t value, uint32_t n);
exec::TrapCode memory_copy(MemoryImpl* m, uint32_t d, uint32_t s, uint32_t n);
exec::TrapCode memory_init(InstanceImpl* inst, uint32_t d, uint32_t s, uint32_t n, uint32_t seg);
HelperResult table_get(TableImpl* t, uint32_t i);
uint64_t table_size(TableImpl* t);
uint64_t table_grow(TableImpl* t, Slot init, uint32_t delta);
// A call from native code to a function without native code of its own
// (host, interpreted, or not yet compiled). Arguments/results in `slots`.
uint64_t call_slow(ExecContext* ctx, FuncImpl* f, Slot* slots, InstanceImpl* caller);
}  // namespace helper

}  // namespace wpvm::jit

// The bulk memory and table instructions, written once for every tier:
// memory.grow/fill/copy/init, data.drop, table.get/set/size/grow/fill/copy/init
// and elem.drop. The interpreter's handlers call them inline; the JIT calls
// them through its helper table (jit/src/helpers.cpp), directly where the
// signature fits its convention (runtime objects as pointers first, then the
// operands, a TrapCode or nothing back) and through a one-line adapter where
// it does not.
//
// Operands are Wasm i32 values (a native caller's upper halves are ignored);
// reference operands are slots (a FuncImpl* or host pointer, 0 for null).
// Memory instructions act on memory 0 as the caller sees it, [base, base +
// size): the interpreter passes the size it cached (and retries a trap
// against the live size), native code the size it reads.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "exec/trap_code.h"
#include "runtime/runtime_impl.h"

namespace wpvm::exec {

inline constexpr TrapCode kMemoryOob = trap_code(TrapKind::kMemoryOutOfBounds);
inline constexpr TrapCode kTableOob = trap_code(TrapKind::kTableOutOfBounds);

inline void* ref_of(Slot v) { return reinterpret_cast<void*>(static_cast<uintptr_t>(v)); }

// ---- memory ----

// The old size in pages, or 0xffffffff (-1) if m cannot grow by delta pages
// (its maximum, the reservation, or its store's ResourceLimiter says no).
inline uint32_t memory_grow(MemoryImpl* m, uint32_t delta) {
  auto old = m->lin->grow(delta, m->store->limiter().get());
  return old ? static_cast<uint32_t>(*old) : 0xffffffffu;
}

inline TrapCode memory_fill(uint8_t* base, uint64_t size, uint32_t d, uint32_t value, uint32_t n) {
  if (uint64_t{d} + n > size) return kMemoryOob;
  std::memset(base + d, static_cast<int>(value & 0xff), n);
  return 0;
}

inline TrapCode memory_copy(uint8_t* base, uint64_t size, uint32_t d, uint32_t s, uint32_t n) {
  if (uint64_t{d} + n > size || uint64_t{s} + n > size) return kMemoryOob;
  std::memmove(base + d, base + s, n);
  return 0;
}

// Data segment `seg` of inst's module (empty once dropped) into memory 0.
inline TrapCode memory_init(const InstanceImpl* inst, uint8_t* base, uint64_t size, uint32_t d, uint32_t s,
                            uint32_t n, uint32_t seg) {
  const DataSegment& ds = inst->mod->datas[seg];
  uint64_t len = inst->data_dropped[seg] ? 0 : ds.data_size;
  if (uint64_t{s} + n > len || uint64_t{d} + n > size) return kMemoryOob;
  if (n) std::memcpy(base + d, inst->mod->bytes.data() + ds.data_offset + s, n);
  return 0;
}

inline void data_drop(InstanceImpl* inst, uint32_t seg) { inst->data_dropped[seg] = 1; }

// ---- tables ----

inline TrapCode table_get(const TableImpl* t, uint32_t i, Slot* out) {
  if (i >= t->elems.size()) return kTableOob;
  *out = reinterpret_cast<uintptr_t>(t->elems[i]);
  return 0;
}

inline TrapCode table_set(TableImpl* t, uint32_t i, Slot v) {
  if (i >= t->elems.size()) return kTableOob;
  t->elems[i] = ref_of(v);
  return 0;
}

inline uint32_t table_size(const TableImpl* t) { return static_cast<uint32_t>(t->elems.size()); }

// The old size, or 0xffffffff (-1) past the table's capacity or when its
// store's ResourceLimiter says no (TableImpl::grow_raw).
inline uint32_t table_grow(TableImpl* t, Slot init, uint32_t delta) {
  auto old = t->grow_raw(delta, ref_of(init));
  return old ? *old : 0xffffffffu;
}

inline TrapCode table_fill(TableImpl* t, uint32_t i, Slot v, uint32_t n) {
  if (uint64_t{i} + n > t->elems.size()) return kTableOob;
  std::fill_n(t->elems.data() + i, n, ref_of(v));
  return 0;
}

inline TrapCode table_copy(TableImpl* dst, const TableImpl* src, uint32_t d, uint32_t s, uint32_t n) {
  if (uint64_t{d} + n > dst->elems.size() || uint64_t{s} + n > src->elems.size()) return kTableOob;
  if (n) std::memmove(dst->elems.data() + d, src->elems.data() + s, n * sizeof(void*));
  return 0;
}

// Element segment `seg` of inst (empty once dropped) into table t.
inline TrapCode table_init(const InstanceImpl* inst, TableImpl* t, uint32_t d, uint32_t s, uint32_t n,
                           uint32_t seg) {
  const std::vector<void*>& es = inst->elems[seg];
  if (uint64_t{s} + n > es.size() || uint64_t{d} + n > t->elems.size()) return kTableOob;
  if (n) std::memcpy(t->elems.data() + d, es.data() + s, n * sizeof(void*));
  return 0;
}

inline void elem_drop(InstanceImpl* inst, uint32_t seg) { std::vector<void*>().swap(inst->elems[seg]); }

}  // namespace wpvm::exec

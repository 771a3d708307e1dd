// Out-of-line operations called from JIT code (helpers.h).
#include "helpers.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "exec/bulk.h"
#include "exec/numeric.h"
#include "exec/simd.h"
#include "exec/slot_tags.h"
#include "exec/tier.h"
#include "runtime/atomics.h"

namespace wpvm::jit {

namespace {

#define WPVM_UN(name, in, out, expr) \
  uint64_t h_##name(uint64_t x) {    \
    T_##in a = RD_##in(x);           \
    return WR_##out(expr);           \
  }
#define WPVM_BIN(name, in, out, expr)     \
  uint64_t h_##name(uint64_t x, uint64_t y) { \
    T_##in a = RD_##in(x);                \
    T_##in b = RD_##in(y);                \
    return WR_##out(expr);                \
  }
#define WPVM_UN_TRAP(name, in, out, fn)     \
  HelperResult h_##name(uint64_t x) {       \
    T_##in a = RD_##in(x);                  \
    T_##out r{};                            \
    if (uint32_t t = fn(a, &r)) return {0, t}; \
    return {WR_##out(r), 0};                \
  }
#define WPVM_BIN_TRAP(name, in, out, fn)              \
  HelperResult h_##name(uint64_t x, uint64_t y) {     \
    T_##in a = RD_##in(x);                            \
    T_##in b = RD_##in(y);                            \
    T_##in r{};                                       \
    if (uint32_t t = fn(a, b, &r)) return {0, t};     \
    return {WR_##out(r), 0};                          \
  }
#include "exec/numeric_ops.def"

}  // namespace

NumericHelper numeric_helper(Opcode op) {
  switch (op) {
#define WPVM_UN(name, in, out, expr) \
  case Opcode::name: return {reinterpret_cast<const void*>(&h_##name), 1, false};
#define WPVM_BIN(name, in, out, expr) \
  case Opcode::name: return {reinterpret_cast<const void*>(&h_##name), 2, false};
#define WPVM_UN_TRAP(name, in, out, fn) \
  case Opcode::name: return {reinterpret_cast<const void*>(&h_##name), 1, true};
#define WPVM_BIN_TRAP(name, in, out, fn) \
  case Opcode::name: return {reinterpret_cast<const void*>(&h_##name), 2, true};
#include "exec/numeric_ops.def"
    default: return {};
  }
}

namespace {

HelperResult of_outcome(atomics::Outcome o) {
  if (atomics::is_trap(o)) return {0, exec::trap_code(atomics::trap_of(o))};
  return {static_cast<uint32_t>(o), 0};
}
HelperResult a_notify(MemoryImpl* m, uint64_t addr, uint64_t count, uint64_t offset) {
  return of_outcome(atomics::memory_notify(*m, static_cast<uint32_t>(addr) + offset, static_cast<uint32_t>(count)));
}
HelperResult a_wait32(MemoryImpl* m, uint64_t addr, uint64_t expected, uint64_t timeout, uint64_t offset) {
  return of_outcome(atomics::memory_wait32(*m, static_cast<uint32_t>(addr) + offset, static_cast<uint32_t>(expected),
                                           static_cast<int64_t>(timeout)));
}
HelperResult a_wait64(MemoryImpl* m, uint64_t addr, uint64_t expected, uint64_t timeout, uint64_t offset) {
  return of_outcome(atomics::memory_wait64(*m, static_cast<uint32_t>(addr) + offset, expected, static_cast<int64_t>(timeout)));
}

}  // namespace

AtomicHelper atomic_helper(Opcode op) {
  auto f = [](auto fn) { return reinterpret_cast<const void*>(fn); };
  switch (op) {
    case Opcode::MemoryAtomicNotify: return {f(&a_notify), 2};
    case Opcode::MemoryAtomicWait32: return {f(&a_wait32), 3};
    case Opcode::MemoryAtomicWait64: return {f(&a_wait64), 3};
    default: return {};
  }
}

namespace helper {

// Adapters to exec/bulk.h where its signature does not fit the helper
// convention: memory 0 comes as its MemoryImpl, results as 64-bit words.
uint64_t memory_grow(MemoryImpl* m, uint32_t delta) { return exec::memory_grow(m, delta); }
exec::TrapCode memory_fill(MemoryImpl* m, uint32_t d, uint32_t value, uint32_t n) {
  return exec::memory_fill(m->lin->base, m->lin->size, d, value, n);
}
exec::TrapCode memory_copy(MemoryImpl* m, uint32_t d, uint32_t s, uint32_t n) {
  return exec::memory_copy(m->lin->base, m->lin->size, d, s, n);
}
exec::TrapCode memory_init(InstanceImpl* inst, uint32_t d, uint32_t s, uint32_t n, uint32_t seg) {
  const LinearMemory& lin = *inst->memories[0]->lin;
  return exec::memory_init(inst, lin.base, lin.size, d, s, n, seg);
}
HelperResult table_get(TableImpl* t, uint32_t i) {
  Slot v = 0;
  exec::TrapCode c = exec::table_get(t, i, &v);
  return {v, c};
}
uint64_t table_size(TableImpl* t) { return exec::table_size(t); }
uint64_t table_grow(TableImpl* t, Slot init, uint32_t delta) { return exec::table_grow(t, init, delta); }

namespace {
uint64_t status_of(ExecContext* ctx, std::optional<Trap> t) {
  if (!t) return 0;
  ctx->pending = std::move(t);
  return kPendingTrap;
}

uint64_t call_out(ExecContext* ctx, FuncImpl* f, Slot* slots, InstanceImpl* caller) {
  Store::Impl& store = *ctx->store;
  if (!f->instance) return status_of(ctx, call_host(store, *f, caller, slots));
  if (tier::ensure_native(store, *f)) return status_of(ctx, invoke_native(store, *f, slots));
  // The interpreter runs its frames on the store's value stack, from its top.
  uint32_t n = call_slots(*f->sig);
  Slot* base = tier::entry_slots(store, n);
  if (!base) return exec::trap_code(TrapKind::kCallStackExhausted);
  std::copy_n(slots, n, base);
  auto t = tier::interpret(store, *f, base);
  if (t) return status_of(ctx, std::move(t));
  std::copy_n(base, n, slots);
  return 0;
}

}  // namespace

// Fuel and the deadline pass through the store while the callee runs
// (context.h): it, or a host function, may read or change them.
uint64_t call_slow(ExecContext* ctx, FuncImpl* f, Slot* slots, InstanceImpl* caller) {
  save_store_state(*ctx);
  uint64_t status = call_out(ctx, f, slots, caller);
  load_store_state(*ctx);
  return status;
}

}  // namespace helper

namespace {

struct HelperTable {
  std::vector<const void*> fns;
  std::unordered_map<const void*, uint32_t> ids;
  void add(const void* fn) {
    if (ids.emplace(fn, static_cast<uint32_t>(fns.size())).second) fns.push_back(fn);
  }
};

const HelperTable& table() {
  static const HelperTable t = [] {
    HelperTable h;
    auto f = [](auto fn) { return reinterpret_cast<const void*>(fn); };
#define WPVM_UN(name, in, out, expr) h.add(f(&h_##name));
#define WPVM_BIN(name, in, out, expr) h.add(f(&h_##name));
#define WPVM_UN_TRAP(name, in, out, fn) h.add(f(&h_##name));
#define WPVM_BIN_TRAP(name, in, out, fn) h.add(f(&h_##name));
#include "exec/numeric_ops.def"
    for (const void* a : std::initializer_list<const void*>{f(&a_notify), f(&a_wait32), f(&a_wait64)}) h.add(a);
    for (const void* a : std::initializer_list<const void*>{
             f(&helper::memory_grow), f(&helper::memory_fill), f(&helper::memory_copy), f(&helper::memory_init),
             f(&exec::data_drop), f(&helper::table_get), f(&exec::table_set), f(&helper::table_size),
             f(&helper::table_grow), f(&exec::table_fill), f(&exec::table_copy), f(&exec::table_init),
             f(&exec::elem_drop), f(&helper::call_slow), f(&capture_backtrace), trap_exit()})
      h.add(a);
    // The SIMD instructions' semantics (emit_simd.cpp calls those it does not inline).
    for (size_t op = 0; op < static_cast<size_t>(Opcode::kCount); ++op)
      if (exec::simd::ValueFn v = exec::simd::value_fn(static_cast<Opcode>(op))) h.add(f(v));
    return h;
  }();
  return t;
}

}  // namespace

std::span<const void* const> helper_table() { return table().fns; }

uint32_t helper_id(const void* fn) { return table().ids.at(fn); }

}  // namespace wpvm::jit

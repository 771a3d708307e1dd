// Out-of-line operations called from JIT code (helpers.h).
#include "helpers.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "exec/numeric.h"
#include "exec/slot_tags.h"
#include "interp/code.h"
#include "runtime/atomics.h"
#include "runtime/tier.h"

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

namespace {
constexpr uint64_t kOobMem = exec::trap_code(TrapKind::kMemoryOutOfBounds);
constexpr uint64_t kOobTable = exec::trap_code(TrapKind::kTableOutOfBounds);
void* as_ptr(uint64_t v) { return reinterpret_cast<void*>(static_cast<uintptr_t>(v)); }
}  // namespace

uint64_t memory_grow(MemoryImpl* m, uint64_t delta) {
  auto old = m->grow(static_cast<uint32_t>(delta));
  return old ? static_cast<uint32_t>(*old) : 0xffffffffu;
}

uint64_t memory_fill(MemoryImpl* m, uint64_t d, uint64_t value, uint64_t n) {
  d = static_cast<uint32_t>(d);
  n = static_cast<uint32_t>(n);
  if (d + n > m->lin->size) return kOobMem;
  std::memset(m->lin->base + d, static_cast<int>(value & 0xff), n);
  return 0;
}

uint64_t memory_copy(MemoryImpl* m, uint64_t d, uint64_t s, uint64_t n) {
  d = static_cast<uint32_t>(d);
  s = static_cast<uint32_t>(s);
  n = static_cast<uint32_t>(n);
  uint64_t size = m->lin->size;
  if (d + n > size || s + n > size) return kOobMem;
  std::memmove(m->lin->base + d, m->lin->base + s, n);
  return 0;
}

uint64_t memory_init(InstanceImpl* inst, uint64_t d, uint64_t s, uint64_t n, uint64_t seg) {
  d = static_cast<uint32_t>(d);
  s = static_cast<uint32_t>(s);
  n = static_cast<uint32_t>(n);
  const DataSegment& ds = inst->mod->datas[seg];
  uint64_t len = inst->data_dropped[seg] ? 0 : ds.data_size;
  LinearMemory* lin = inst->memories[0]->lin.get();
  if (s + n > len || d + n > lin->size) return kOobMem;
  if (n) std::memcpy(lin->base + d, inst->mod->bytes.data() + ds.data_offset + s, n);
  return 0;
}

uint64_t data_drop(InstanceImpl* inst, uint64_t seg) {
  inst->data_dropped[seg] = 1;
  return 0;
}

HelperResult table_get(TableImpl* t, uint64_t i) {
  i = static_cast<uint32_t>(i);
  if (i >= t->elems.size()) return {0, kOobTable};
  return {reinterpret_cast<uintptr_t>(t->elems[i]), 0};
}

uint64_t table_set(TableImpl* t, uint64_t i, uint64_t v) {
  i = static_cast<uint32_t>(i);
  if (i >= t->elems.size()) return kOobTable;
  t->elems[i] = as_ptr(v);
  return 0;
}

uint64_t table_size(TableImpl* t) { return static_cast<uint32_t>(t->elems.size()); }

uint64_t table_grow(TableImpl* t, uint64_t init, uint64_t delta) {
  auto old = t->grow_raw(static_cast<uint32_t>(delta), as_ptr(init));
  return old ? *old : 0xffffffffu;
}

uint64_t table_fill(TableImpl* t, uint64_t i, uint64_t v, uint64_t n) {
  i = static_cast<uint32_t>(i);
  n = static_cast<uint32_t>(n);
  if (i + n > t->elems.size()) return kOobTable;
  std::fill_n(t->elems.data() + i, n, as_ptr(v));
  return 0;
}

uint64_t table_copy(TableImpl* dst, TableImpl* src, uint64_t d, uint64_t s, uint64_t n) {
  d = static_cast<uint32_t>(d);
  s = static_cast<uint32_t>(s);
  n = static_cast<uint32_t>(n);
  if (d + n > dst->elems.size() || s + n > src->elems.size()) return kOobTable;
  if (n) std::memmove(dst->elems.data() + d, src->elems.data() + s, n * sizeof(void*));
  return 0;
}

uint64_t table_init(InstanceImpl* inst, TableImpl* t, uint64_t d, uint64_t s, uint64_t n, uint64_t seg) {
  d = static_cast<uint32_t>(d);
  s = static_cast<uint32_t>(s);
  n = static_cast<uint32_t>(n);
  const std::vector<void*>& es = inst->elems[seg];
  if (s + n > es.size() || d + n > t->elems.size()) return kOobTable;
  if (n) std::memcpy(t->elems.data() + d, es.data() + s, n * sizeof(void*));
  return 0;
}

uint64_t elem_drop(InstanceImpl* inst, uint64_t seg) {
  std::vector<void*>().swap(inst->elems[seg]);
  return 0;
}

namespace {
uint64_t status_of(ExecContext* ctx, std::optional<Trap> t) {
  if (!t) return 0;
  ctx->pending = std::move(t);
  return kPendingTrap;
}
uint32_t slots_of(std::span<const ValType> types) {
  uint32_t n = 0;
  for (ValType t : types) n += slot_width(t);
  return n;
}
}  // namespace

uint64_t call_slow(ExecContext* ctx, FuncImpl* f, Slot* slots, InstanceImpl* caller) {
  Store::Impl& store = *ctx->store;
  if (!f->instance) return status_of(ctx, call_host(store, *f, caller, slots));
  if (tier::ensure_native(store, *f)) return status_of(ctx, invoke_native(store, *f, slots));
  // The interpreter runs its frames on the thread's value stack, from top.
  interp::ThreadState& ts = store.thread();
  uint32_t n = std::max(slots_of(f->sig->params), slots_of(f->sig->results));
  Slot* base = ts.top;
  if (base + n > ts.stack_end) return exec::trap_code(TrapKind::kCallStackExhausted);
  std::copy_n(slots, n, base);
  auto t = interp::execute(store, *f, base);
  if (t) return status_of(ctx, std::move(t));
  std::copy_n(base, n, slots);
  return 0;
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
    for (const void* a : std::initializer_list<const void*>{f(&helper::memory_grow), f(&helper::memory_fill), f(&helper::memory_copy),
                                                            f(&helper::memory_init), f(&helper::data_drop), f(&helper::table_get),
                          f(&helper::table_set), f(&helper::table_size), f(&helper::table_grow),
                          f(&helper::table_fill), f(&helper::table_copy), f(&helper::table_init),
                          f(&helper::elem_drop), f(&helper::call_slow), f(&capture_backtrace), trap_exit()})
      h.add(a);
    return h;
  }();
  return t;
}

}  // namespace

std::span<const void* const> helper_table() { return table().fns; }

uint32_t helper_id(const void* fn) { return table().ids.at(fn); }

}  // namespace wpvm::jit

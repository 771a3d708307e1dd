// Fuzz harness `differential`: a module instantiated and run on the
// interpreter and on the JIT, side by side, with fuel. The two tiers must
// agree on everything observable: whether instantiation succeeds (and the
// error kind), then for every exported function called with zero arguments,
// in export order: its results (any NaN equals any NaN), its trap kind, the
// fuel left, every global of the instance and every exported memory (size
// and bytes) and table (size, which elements are null).
//
// Imports are stubbed: functions return zeros, globals hold zero, tables
// are empty, memories are fresh. Every call gets kFuelPerCall fuel, so no
// input runs for long; both stores have the same resource limits
// (StoreLimits: kMaxPages per memory, kMaxTableElements per table), so no
// input exhausts the host's memory, and a module past them must fail to
// instantiate, or memory.grow / table.grow return -1, alike on both tiers.
//
// Skipped, as legitimately different: modules with a shared memory (atomic
// waits could block; the threads proposal's behaviour is checked by the
// threads suite). A call in which either tier runs out of stack ends the
// comparison: both tiers share one byte budget (EngineConfig::max_wasm_stack),
// but their frames differ in size, so they run out at different depths.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wpvm/module.h"
#include "wpvm/module_def.h"
#include "wpvm/runtime.h"
#include "wpvm/share.h"

namespace {

using namespace wpvm;

constexpr uint64_t kFuelPerCall = 20'000;
constexpr uint32_t kMaxPages = 64;  // 4 MiB per memory
constexpr uint32_t kMaxTableElements = 10'000;
constexpr size_t kMaxCalls = 64;

EngineConfig config(Tier tier) {
  EngineConfig c;
  c.tier = tier;
  c.parallel_compile = false;
  c.consume_fuel = true;
  c.max_table_elements = kMaxTableElements;
  return c;
}

const Engine& engine(Tier tier) {
  static const Engine interp{config(Tier::kInterp)};
  static const Engine jit{config(Tier::kJit)};
  return tier == Tier::kInterp ? interp : jit;
}

[[noreturn]] void mismatch(const std::string& what) {
  std::fprintf(stderr, "differential: the interpreter and the JIT disagree: %s\n", what.c_str());
  std::abort();
}

// ---- One side: a store, its stubbed imports, the instance ----

struct Side {
  explicit Side(Tier tier) : store(engine(tier)) {
    StoreLimits limits;
    limits.memory_size = uint64_t{kMaxPages} * kPageSize;
    limits.table_elements = kMaxTableElements;
    store.set_limits(limits);
  }
  Store store;
  Instance* instance = nullptr;
  std::optional<Error> error;
};

// Defines a stub for every import; false to skip the module.
bool stub_imports(Store& store, const Module& module, Linker& linker) {
  for (const ImportType& imp : module_imports(module)) {
    const ExternType& t = imp.type;
    switch (t.kind) {
      case ExternKind::kFunc: {
        FuncType type = t.func;
        Func* f = store.create_host_func(
            type,
            [type](Caller&, Span<const Value>, Span<Value> results) -> std::optional<Trap> {
              for (size_t i = 0; i < results.size(); ++i) results[i] = Value::zero(type.results[i]);
              return std::nullopt;
            },
            imp.name);
        linker.define(imp.module, imp.name, f);
        break;
      }
      case ExternKind::kTable: {
        TableType type = t.table;
        if (type.limits.min > kMaxTableElements) return false;
        auto table = store.create_table(type, Value::zero(type.elem));
        if (!table.ok()) return false;
        linker.define(imp.module, imp.name, *table);
        break;
      }
      case ExternKind::kMemory: {
        MemoryType type = t.memory;
        if (type.limits.shared || type.limits.min > kMaxPages) return false;
        auto memory = store.create_memory(type);
        if (!memory.ok()) return false;
        linker.define(imp.module, imp.name, *memory);
        break;
      }
      case ExternKind::kGlobal: {
        auto global = store.create_global(t.global, Value::zero(t.global.type));
        if (!global.ok()) return false;
        linker.define(imp.module, imp.name, *global);
        break;
      }
    }
  }
  return true;
}

// ---- Comparing ----

bool is_nan32(uint32_t b) { return (b & 0x7f800000u) == 0x7f800000u && (b & 0x007fffffu) != 0; }
bool is_nan64(uint64_t b) { return (b & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (b & 0x000fffffffffffffull) != 0; }

bool same_f32(uint32_t a, uint32_t b) { return a == b || (is_nan32(a) && is_nan32(b)); }
bool same_f64(uint64_t a, uint64_t b) { return a == b || (is_nan64(a) && is_nan64(b)); }

// A v128 may hold floats of either width: equal bits, or equal lane by lane
// when NaN lanes count as equal (read as f32x4 or as f64x2).
bool same_v128(V128 a, V128 b) {
  if (a == b) return true;
  bool f32 = same_f32(uint32_t(a.lo), uint32_t(b.lo)) && same_f32(uint32_t(a.lo >> 32), uint32_t(b.lo >> 32)) &&
             same_f32(uint32_t(a.hi), uint32_t(b.hi)) && same_f32(uint32_t(a.hi >> 32), uint32_t(b.hi >> 32));
  return f32 || (same_f64(a.lo, b.lo) && same_f64(a.hi, b.hi));
}

// Functions are compared by their index in their instance (or as "a host
// or foreign function"), externrefs by identity (only null ever exists).
bool same_value(const Value& a, const Instance& ia, const Value& b, const Instance& ib) {
  if (a.type != b.type) return false;
  switch (a.type) {
    case ValType::kI32: return a.i32 == b.i32;
    case ValType::kI64: return a.i64 == b.i64;
    case ValType::kF32: return same_f32(a.f32_bits, b.f32_bits);
    case ValType::kF64: return same_f64(a.f64_bits, b.f64_bits);
    case ValType::kV128: return same_v128(a.v128, b.v128);
    case ValType::kFuncRef:
      if ((a.ref == nullptr) != (b.ref == nullptr)) return false;
      if (a.ref == nullptr) return true;
      return defined_func_index(ia, static_cast<const Func*>(a.ref)) ==
             defined_func_index(ib, static_cast<const Func*>(b.ref));
    default: return (a.ref == nullptr) == (b.ref == nullptr);
  }
}

void compare_state(const Instance& a, const Instance& b, const std::string& when) {
  for (uint32_t g = 0;; ++g) {
    Global* ga = instance_global(a, g);
    Global* gb = instance_global(b, g);
    if ((ga == nullptr) != (gb == nullptr)) mismatch("the number of globals " + when);
    if (!ga) break;
    if (!same_value(ga->get(), a, gb->get(), b))
      mismatch("global " + std::to_string(g) + " " + when + ": " + ga->get().to_string() + " vs " +
               gb->get().to_string());
  }
  auto ea = a.exports();
  auto eb = b.exports();
  if (ea.size() != eb.size()) mismatch("the number of exports");
  for (size_t i = 0; i < ea.size(); ++i) {
    const std::string& name = ea[i].first;
    if (auto* const* m = std::get_if<Memory*>(&ea[i].second)) {
      Memory* ma = *m;
      Memory* mb = std::get<Memory*>(eb[i].second);
      if (ma->size_bytes() != mb->size_bytes()) mismatch("the size of memory " + name + " " + when);
      if (std::memcmp(ma->data(), mb->data(), ma->size_bytes()) != 0) {
        size_t at = 0;
        while (ma->data()[at] == mb->data()[at]) ++at;
        mismatch("the bytes of memory " + name + " " + when + ", first at " + std::to_string(at));
      }
    } else if (auto* const* t = std::get_if<Table*>(&ea[i].second)) {
      Table* ta = *t;
      Table* tb = std::get<Table*>(eb[i].second);
      if (ta->size() != tb->size()) mismatch("the size of table " + name + " " + when);
      for (uint32_t e = 0; e < ta->size(); ++e) {
        auto va = ta->get(e);
        auto vb = tb->get(e);
        if (va.ok() != vb.ok() || (va.ok() && !same_value(*va, a, *vb, b)))
          mismatch("element " + std::to_string(e) + " of table " + name + " " + when);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto loaded = load_module(Span<const uint8_t>(data, size));
  if (!loaded.ok()) return 0;
  std::shared_ptr<const Module> module = *loaded;
  for (const MemoryType& m : module->memories)
    if (m.limits.shared) return 0;

  Side interp(Tier::kInterp), jit(Tier::kJit);
  for (Side* side : {&interp, &jit}) {
    Linker linker;
    if (!stub_imports(side->store, *module, linker)) return 0;
    if (!side->store.set_fuel(kFuelPerCall).ok()) std::abort();
    auto inst = side->store.instantiate(module, linker);
    if (inst.ok())
      side->instance = *inst;
    else
      side->error = inst.error();
  }
  if (interp.error.has_value() != jit.error.has_value())
    mismatch("instantiation: " + (interp.error ? interp.error->to_string() : std::string("ok")) + " vs " +
             (jit.error ? jit.error->to_string() : std::string("ok")));
  if (interp.error) {
    if (interp.error->kind != jit.error->kind)
      mismatch("the instantiation error: " + interp.error->to_string() + " vs " + jit.error->to_string());
    // A start function out of stack on one tier only (see the top) shows as
    // different messages; other errors must say the same.
    bool stack = interp.error->message.find("call stack exhausted") != std::string::npos ||
                 jit.error->message.find("call stack exhausted") != std::string::npos;
    if (!stack && interp.error->message != jit.error->message)
      mismatch("the instantiation error: " + interp.error->to_string() + " vs " + jit.error->to_string());
    return 0;
  }
  if (interp.store.get_fuel().value() != jit.store.get_fuel().value()) mismatch("the fuel left after instantiation");
  compare_state(*interp.instance, *jit.instance, "after instantiation");

  auto exports_a = interp.instance->exports();
  auto exports_b = jit.instance->exports();
  size_t calls = 0;
  for (size_t i = 0; i < exports_a.size() && calls < kMaxCalls; ++i) {
    auto* const* fa = std::get_if<Func*>(&exports_a[i].second);
    if (!fa) continue;
    Func* fb = std::get<Func*>(exports_b[i].second);
    ++calls;
    std::vector<Value> args;
    for (ValType t : (*fa)->type().params) args.push_back(Value::zero(t));
    const std::string when = "after calling " + exports_a[i].first;
    if (!interp.store.set_fuel(kFuelPerCall).ok() || !jit.store.set_fuel(kFuelPerCall).ok()) std::abort();
    CallResult ra = interp.store.call(*fa, args);
    CallResult rb = jit.store.call(fb, args);
    bool stack_a = ra.trap && ra.trap->kind == TrapKind::kCallStackExhausted;
    bool stack_b = rb.trap && rb.trap->kind == TrapKind::kCallStackExhausted;
    if (stack_a || stack_b) return 0;
    if (ra.ok() != rb.ok())
      mismatch(when + ": " + (ra.trap ? ra.trap->to_string() : std::string("ok")) + " vs " +
               (rb.trap ? rb.trap->to_string() : std::string("ok")));
    if (ra.trap && ra.trap->kind != rb.trap->kind)
      mismatch(when + ": trap " + ra.trap->to_string() + " vs " + rb.trap->to_string());
    if (ra.ok()) {
      if (ra.values.size() != rb.values.size()) mismatch(when + ": the number of results");
      for (size_t r = 0; r < ra.values.size(); ++r)
        if (!same_value(ra.values[r], *interp.instance, rb.values[r], *jit.instance))
          mismatch(when + ": result " + std::to_string(r) + " " + ra.values[r].to_string() + " vs " +
                   rb.values[r].to_string());
    }
    uint64_t fuel_a = interp.store.get_fuel().value(), fuel_b = jit.store.get_fuel().value();
    if (fuel_a != fuel_b)
      mismatch(when + ": fuel left " + std::to_string(fuel_a) + " vs " + std::to_string(fuel_b));
    compare_state(*interp.instance, *jit.instance, when);
  }
  return 0;
}

// The stack budget (EngineConfig::max_wasm_stack) on every tier: deep
// recursion runs (plain, using v128, mixing the tiers), recursion without
// end traps "call stack exhausted" (also across host re-entries) and the
// store keeps working, a small budget traps early, and the budget is one per
// thread, shared by nested entries.
#include <doctest/doctest.h>

#include "runtime/runtime_impl.h"
#include "wpvm/runtime.h"
#include "refuse.h"
#include "test_calls.h"
#include "test_wasm_file.h"

namespace {

using namespace wpvm;

constexpr Tier kTiers[] = {Tier::kInterp, Tier::kJit};

struct Fixture {
  // The JIT leaves these to the interpreter: code mixing the tiers.
  test::Refuse refuse{"rec_v128,mix_v128"};
  Engine engine;
  Store store{engine};
  Instance* inst = nullptr;
  bool reenter_forever = false;
  uint32_t reentries = 0;

  explicit Fixture(Tier t, size_t max_wasm_stack = EngineConfig{}.max_wasm_stack)
      : engine(EngineConfig{.tier = t, .max_wasm_stack = max_wasm_stack}) {
    Linker linker;
    FuncType i_i{{ValType::kI32}, {ValType::kI32}};
    // nest(n, 0), or with reenter_forever nest(0, 1): host -> Wasm -> host ... without end.
    linker.define("env", "reenter", store.create_host_func(i_i, [this](Caller& c, Span<const Value> a, Span<Value> r) {
      ++reentries;
      Value args[2] = {Value::from_i32(reenter_forever ? 0 : a[0].i32), Value::from_i32(reenter_forever ? 1 : 0)};
      CallResult inner = c.store().call(inst->func("nest"), args);
      if (!inner.ok()) return inner.trap;
      r[0] = inner.values[0];
      return std::optional<Trap>{};
    }));
    auto i = store.instantiate(test::load_wat("stack", "WPVM_JIT_TEST_DIR"), linker);
    REQUIRE(i.ok());
    inst = *i;
  }
  CallResult call(const char* name, std::vector<Value> args) { return test::call_export(store, inst, name, args); }
  // The result of a call that must not trap.
  uint32_t i32(const char* name, std::vector<Value> args) {
    CallResult r = call(name, std::move(args));
    REQUIRE_MESSAGE(r.ok(), r.trap->to_string());
    return r.values.at(0).i32;
  }
  bool exhausted(const char* name, std::vector<Value> args) {
    CallResult r = call(name, std::move(args));
    return !r.ok() && r.trap->kind == TrapKind::kCallStackExhausted;
  }
  // The deepest nest(k, 0) that runs (one frame more traps "call stack exhausted").
  uint32_t max_nest() {
    uint32_t lo = 0, hi = 1u << 24;
    REQUIRE(exhausted("nest", {Value::from_i32(hi), Value::from_i32(0)}));
    while (hi - lo > 1) {
      uint32_t mid = lo + (hi - lo) / 2;
      (exhausted("nest", {Value::from_i32(mid), Value::from_i32(0)}) ? hi : lo) = mid;
    }
    return lo;
  }
};

Value I32(uint32_t v) { return Value::from_i32(v); }

// Under AddressSanitizer the C++ frames of interpreter entries and host
// calls carry redzones and are several times larger, so fewer of the frames
// that cross them fit in the same budget.
#if defined(__SANITIZE_ADDRESS__)
constexpr uint32_t kNativeFrameScale = 4;
#else
constexpr uint32_t kNativeFrameScale = 1;
#endif

bool is_native(Fixture& f, const char* name) { return static_cast<FuncImpl*>(f.inst->func(name))->native != nullptr; }

}  // namespace

TEST_CASE("stack: the default budget runs 50,000 frames of a small function on every tier, plain and using v128") {
  for (Tier t : kTiers) {
    CAPTURE(static_cast<int>(t));
    Fixture f(t);
    CHECK(f.i32("rec", {I32(50000)}) == 50000);
    CHECK(f.i32("rec_v128", {I32(50000)}) == 50000);
    if (t == Tier::kJit) {
      CHECK(is_native(f, "rec"));
      CHECK_FALSE(is_native(f, "rec_v128"));
    }
  }
}

TEST_CASE("stack: recursion mixing the tiers is bounded by the budget, not by how often it crosses them") {
  for (Tier t : kTiers) {
    CAPTURE(static_cast<int>(t));
    Fixture f(t);
    // Each frame of mix crosses between native code and the interpreter on
    // the JIT tier (about 12,500 frames fit by default; a fixed count of
    // nested interpreter entries allowed about 600).
    CHECK(f.i32("mix", {I32(2000 / kNativeFrameScale)}) == 2000 / kNativeFrameScale);
    CHECK(f.exhausted("forever_mixed", {I32(0)}));
    CHECK(f.i32("mix", {I32(100)}) == 100);
  }
}

TEST_CASE("stack: recursion without end traps \"call stack exhausted\" on every tier, then the store works") {
  for (Tier t : kTiers) {
    CAPTURE(static_cast<int>(t));
    Fixture f(t);
    CallResult r = f.call("forever", {I32(0)});
    REQUIRE_FALSE(r.ok());
    CHECK(r.trap->kind == TrapKind::kCallStackExhausted);
    CHECK(std::string(trap_text(r.trap->kind)) == "call stack exhausted");
    CHECK(r.trap->backtrace.size() > 50000);
    CHECK(f.exhausted("rec_v128", {I32(100000000)}));
    CHECK(f.exhausted("forever", {I32(0)}));
    CHECK(f.i32("rec", {I32(1000)}) == 1000);
  }
}

TEST_CASE("stack: host -> Wasm -> host re-entries without end trap and share the budget") {
  for (Tier t : kTiers) {
    CAPTURE(static_cast<int>(t));
    Fixture f(t);
    f.reenter_forever = true;
    CHECK(f.exhausted("nest", {I32(0), I32(1)}));
    // Bounded by bytes (about 3,500 by default), not by a count of nested
    // entries (the interpreter allowed 256).
    CHECK(f.reentries > 500 / kNativeFrameScale);
    f.reenter_forever = false;
    CHECK(f.i32("nest", {I32(20000), I32(20000)}) == 40000);
  }
}

TEST_CASE("stack: a small budget traps early, and it is one per thread, not per entry") {
  for (Tier t : kTiers) {
    CAPTURE(static_cast<int>(t));
    Fixture f(t, 64 * 1024);
    uint32_t d = f.max_nest();
    CAPTURE(d);
    CHECK(d > 100);
    CHECK(d < 10000);
    CHECK(f.i32("nest", {I32(d), I32(0)}) == d);
    CHECK(f.exhausted("rec", {I32(10000)}));
    CHECK(f.exhausted("rec_v128", {I32(10000)}));
    CHECK(f.exhausted("mix", {I32(10000)}));
    // nest(k, n) runs k frames, then n more in an entry from a host function:
    // together they get one budget.
    CHECK(f.i32("nest", {I32(d / 3), I32(d / 3)}) == d / 3 * 2);
    CHECK(f.exhausted("nest", {I32(d / 2 + 1), I32(d / 2 + 1)}));
    CHECK(f.exhausted("nest", {I32(d), I32(1)}));
    // A larger budget goes deeper.
    Fixture big(t, 256 * 1024);
    CHECK(big.max_nest() > 3 * d);
  }
}

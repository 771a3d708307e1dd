// Execution tests written once and run on every tier: results, traps (each
// followed by a second call that must still work), calls across host and
// tiers. On the JIT tier they also check that the code really is native.
#include <doctest/doctest.h>

#include <cstdlib>

#include "runtime/runtime_impl.h"
#include "wpvm/jit.h"
#include "refuse.h"
#include "wpvm/runtime.h"
#include "test_calls.h"
#include "test_wasm_file.h"

namespace {

using namespace wpvm;

std::shared_ptr<const Module> load_wasm(const char* name) { return test::load_wat(name, "WPVM_JIT_TEST_DIR"); }

struct Fixture {
  Engine engine;
  Store store{engine};
  Instance* inst = nullptr;
  Tier tier;

  explicit Fixture(Tier t, bool explicit_bounds = false)
      : engine(EngineConfig{.tier = t, .explicit_bounds_checks = explicit_bounds}),
        tier(t) {
    Linker linker;
    FuncType bin{{ValType::kI32, ValType::kI32}, {ValType::kI32}};
    linker.define("env", "host_add", store.create_host_func(bin, [](Caller&, std::span<const Value> a, std::span<Value> r) {
      r[0] = Value::from_i32(a[0].i32 + a[1].i32);
      return std::optional<Trap>{};
    }));
    auto i = store.instantiate(load_wasm("exec"), linker);
    REQUIRE(i.ok());
    inst = *i;
  }
  CallResult call(const char* name, std::vector<Value> args) {
    Func* f = test::export_func(inst, name);
    CallResult r = store.call(f, args);
    if (tier == Tier::kJit) CHECK(static_cast<FuncImpl*>(f)->native != nullptr);
    return r;
  }
  uint32_t i32(const char* name, std::vector<Value> args) {
    CallResult r = call(name, std::move(args));
    REQUIRE(r.ok());
    return r.values.at(0).i32;
  }
  TrapKind trap(const char* name, std::vector<Value> args) {
    CallResult r = call(name, std::move(args));
    REQUIRE_FALSE(r.ok());
    return r.trap->kind;
  }
};

Value I32(uint32_t v) { return Value::from_i32(v); }
Value I64(uint64_t v) { return Value::from_i64(v); }

constexpr Tier kTiers[] = {Tier::kInterp, Tier::kJit};

}  // namespace

TEST_CASE("exec: arithmetic, loops, calls") {
  for (Tier t : kTiers) {
    CAPTURE(static_cast<int>(t));
    Fixture f(t);
    CHECK(f.i32("add", {I32(2), I32(40)}) == 42);
    CHECK(f.i32("sum", {I32(100)}) == 4950);
    CallResult fac = f.call("fac", {I64(20)});
    REQUIRE(fac.ok());
    CHECK(fac.values[0].i64 == 2432902008176640000ull);
    CHECK(f.i32("div_s", {I32(static_cast<uint32_t>(-7)), I32(2)}) == static_cast<uint32_t>(-3));
    CHECK(f.i32("rem_s", {I32(0x80000000u), I32(static_cast<uint32_t>(-1))}) == 0);
    CHECK(f.i32("call_ind", {I32(1), I32(10), I32(3)}) == 7);
    CHECK(f.i32("call_host", {I32(5), I32(6)}) == 11);
    CHECK(f.i32("trunc", {Value::from_f64(-3.9)}) == static_cast<uint32_t>(-3));
    CHECK(f.i32("switch", {I32(0)}) == 10);
    CHECK(f.i32("switch", {I32(2)}) == 30);
    CHECK(f.i32("switch", {I32(99)}) == 40);
    CHECK(f.i32("rotl_clz", {I32(1), I32(33)}) == 2 + 31);
    CallResult fm = f.call("fmix", {Value::from_f64(2.0), Value::from_f32(16.0f)});
    REQUIRE(fm.ok());
    CHECK(fm.values[0].f64() == 9.0);
    CallResult sel = f.call("select", {I32(0), I64(1), I64(2)});
    REQUIRE(sel.ok());
    CHECK(sel.values[0].i64 == 2);
    CHECK(f.call("counter", {}).values.at(0).i64 == 1);
    CHECK(f.call("counter", {}).values.at(0).i64 == 2);
    CallResult multi = f.call("multi", {I32(static_cast<uint32_t>(-5))});
    REQUIRE(multi.ok());
    REQUIRE(multi.values.size() == 3);
    CHECK(multi.values[0].i32 == static_cast<uint32_t>(-5));
    CHECK(multi.values[1].i64 == static_cast<uint64_t>(-5));
    CHECK(multi.values[2].f64() == -5.0);
  }
}

// Register pressure, caller-saved pinned locals across calls, deferred ops
// on pinned locals: the JIT must agree with the interpreter bit for bit.
TEST_CASE("exec: pinned locals through loops and calls") {
  std::vector<uint64_t> pins;
  for (Tier t : kTiers) {
    CAPTURE(static_cast<int>(t));
    Fixture f(t);
    CallResult r = f.call("pins", {I32(1000)});
    REQUIRE(r.ok());
    pins.push_back(r.values.at(0).i64);
    CallResult axpy = f.call("axpy", {I32(100)});
    REQUIRE(axpy.ok());
    CHECK(axpy.values.at(0).f64() == 9.0 * 4950);
  }
  CHECK(pins[0] == pins[1]);
}

TEST_CASE("exec: address forms of pinned locals") {
  for (Tier t : kTiers) {
    CAPTURE(static_cast<int>(t));
    Fixture f(t);
    CHECK(f.i32("scaled", {I32(0x20000001)}) == 13);
    CallResult r = f.call("scaled64", {I64(0x4000000000000001ull), I64(10)});
    REQUIRE(r.ok());
    CHECK(r.values.at(0).i64 == 11);
    CHECK(f.i32("scaled_load", {I32(100)}) == 77);
    CHECK(f.i32("cond_locals", {I32(1), I32(2)}) == 100101);
    CHECK(f.i32("cond_locals", {I32(5), I32(5)}) == 11);
    CHECK(f.i32("cond_locals", {I32(0xffffffffu), I32(1)}) == 100001);
  }
}

TEST_CASE("exec: memory accesses, growth, bounds") {
  for (bool explicit_bounds : {false, true}) {
    for (Tier t : kTiers) {
      CAPTURE(static_cast<int>(t));
      CAPTURE(explicit_bounds);
      Fixture f(t, explicit_bounds);
      f.call("store", {I32(65532), I32(0xdeadbeef)});
      CHECK(f.i32("load", {I32(65532)}) == 0xdeadbeef);
      CHECK(f.i32("load8_s", {I32(65535)}) == 0xffffffde);
      // The last byte of the access is one past the end.
      CHECK(f.trap("load", {I32(65533)}) == TrapKind::kMemoryOutOfBounds);
      // Far into the guard region (address + offset near 8 GiB).
      CHECK(f.trap("load_off", {I32(0xfffffff0u)}) == TrapKind::kMemoryOutOfBounds);
      CHECK(f.trap("store", {I32(0x7fffffff), I32(1)}) == TrapKind::kMemoryOutOfBounds);
      CHECK(f.i32("load", {I32(65532)}) == 0xdeadbeef);  // still working
      CHECK(f.i32("grow", {I32(1)}) == 1);
      CHECK(f.i32("size", {}) == 2);
      CHECK(f.i32("load", {I32(65533)}) == 0x00deadbe);  // in bounds after growth
      CHECK(f.trap("load", {I32(2 * 65536 - 3)}) == TrapKind::kMemoryOutOfBounds);
    }
  }
}

TEST_CASE("exec: traps return cleanly and the engine keeps working") {
  for (Tier t : kTiers) {
    CAPTURE(static_cast<int>(t));
    Fixture f(t);
    CHECK(f.trap("div_s", {I32(1), I32(0)}) == TrapKind::kIntegerDivideByZero);
    CHECK(f.trap("div_s", {I32(0x80000000u), I32(static_cast<uint32_t>(-1))}) == TrapKind::kIntegerOverflow);
    CHECK(f.trap("div_u64", {I64(1), I64(0)}) == TrapKind::kIntegerDivideByZero);
    CHECK(f.trap("unreach", {}) == TrapKind::kUnreachable);
    CHECK(f.trap("load_unreach", {I32(0)}) == TrapKind::kUnreachable);
    CHECK(f.trap("load_unreach", {I32(0xfffffff0u)}) == TrapKind::kMemoryOutOfBounds);
    CHECK(f.trap("trunc", {Value::from_f64(1e12)}) == TrapKind::kIntegerOverflow);
    CHECK(f.trap("call_ind", {I32(2), I32(1), I32(1)}) == TrapKind::kIndirectCallTypeMismatch);
    CHECK(f.trap("call_ind", {I32(3), I32(1), I32(1)}) == TrapKind::kUninitializedElement);
    CHECK(f.trap("call_ind", {I32(4), I32(1), I32(1)}) == TrapKind::kUndefinedElement);
    CHECK(f.trap("deep", {I32(0)}) == TrapKind::kCallStackExhausted);
    CHECK(f.trap("deep", {I32(0)}) == TrapKind::kCallStackExhausted);
    CHECK(f.i32("add", {I32(1), I32(2)}) == 3);
    CHECK(f.i32("sum", {I32(10)}) == 45);
  }
}

TEST_CASE("exec: calls cross between the tiers both ways") {
  test::Refuse refuse("simd_calls");  // the JIT leaves it to the interpreter
  for (Tier t : kTiers) {
    CAPTURE(static_cast<int>(t));
    Fixture f(t);
    CallResult r = f.store.call(f.inst->func("simd_calls"), std::vector<Value>{I32(41)});
    REQUIRE(r.ok());
    CHECK(r.values[0].i32 == 42);
    CHECK(f.i32("calls_simd", {I32(20)}) == 42);
    if (t == Tier::kJit) {
      CHECK(static_cast<FuncImpl*>(f.inst->func("simd_calls"))->native == nullptr);
      CHECK(static_cast<FuncImpl*>(f.inst->func("add"))->native != nullptr);
    }
  }
}

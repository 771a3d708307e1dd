// Tests of the interpreter: numeric semantics and traps, control flow with
// multi-value labels, the local.set folding and compare-branch fusion of the
// code builder, calls (direct, indirect, host, re-entrant), the stack budget
// and trap backtraces. Modules come from wat/*.wat, built by wat2wasm.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <vector>

#include "interp/code.h"
#include "runtime/runtime_impl.h"
#include "wpvm/runtime.h"
#include "wpvm/share.h"
#include "frame_offsets.h"
#include "test_calls.h"
#include "test_wasm_file.h"

namespace {

using namespace wpvm;

using test::load_wat;

struct Fixture {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store store{engine};
  Instance* inst = nullptr;

  explicit Fixture(const char* wat, EngineConfig config = {}) : engine(config) {
    Linker linker;
    auto r = store.instantiate(load_wat(wat), linker);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().to_string()));
    inst = *r;
  }
  CallResult call(const char* name, std::vector<Value> args) { return test::call_export(store, inst, name, args); }
  uint32_t i32(const char* name, std::vector<Value> args) {
    CallResult r = call(name, std::move(args));
    REQUIRE_MESSAGE(r.ok(), r.trap->to_string());
    REQUIRE(r.values.size() == 1);
    return r.values[0].i32;
  }
  TrapKind trap(const char* name, std::vector<Value> args) {
    CallResult r = call(name, std::move(args));
    REQUIRE(!r.ok());
    return r.trap->kind;
  }
};

Value I32(uint32_t v) { return Value::from_i32(v); }
Value I64(uint64_t v) { return Value::from_i64(v); }
Value F32(float v) { return Value::from_f32(v); }
Value F64(double v) { return Value::from_f64(v); }

}  // namespace

TEST_CASE("interp: recursion and integer arithmetic") {
  Fixture fx("interp_basic");
  CallResult r = fx.call("fac", {I64(20)});
  REQUIRE(r.ok());
  CHECK(r.values[0].i64 == 2432902008176640000ull);
  CHECK(fx.i32("div_s", {I32(static_cast<uint32_t>(-7)), I32(2)}) == static_cast<uint32_t>(-3));
  CHECK(fx.trap("div_s", {I32(1), I32(0)}) == TrapKind::kIntegerDivideByZero);
  CHECK(fx.trap("div_s", {I32(0x80000000u), I32(static_cast<uint32_t>(-1))}) == TrapKind::kIntegerOverflow);
  CHECK(fx.i32("rem_s", {I32(0x80000000u), I32(static_cast<uint32_t>(-1))}) == 0);
}

TEST_CASE("interp: float conversions and IEEE corner cases") {
  Fixture fx("interp_basic");
  CHECK(fx.i32("trunc", {F64(-2.9)}) == static_cast<uint32_t>(-2));
  CHECK(fx.trap("trunc", {F64(2147483648.0)}) == TrapKind::kIntegerOverflow);
  CHECK(fx.trap("trunc", {F64(std::nan(""))}) == TrapKind::kInvalidConversionToInteger);
  CHECK(fx.i32("trunc", {F64(-2147483648.9)}) == 0x80000000u);
  CHECK(fx.i32("trunc_sat", {F64(1e20)}) == 0xffffffffu);
  CHECK(fx.i32("trunc_sat", {F64(-5.0)}) == 0);
  CHECK(fx.i32("trunc_sat", {F64(std::nan(""))}) == 0);

  CallResult r = fx.call("fmin", {F32(0.0f), F32(-0.0f)});
  REQUIRE(r.ok());
  CHECK(r.values[0].f32_bits == 0x80000000u);
  r = fx.call("fmin", {F32(1.0f), F32(std::numeric_limits<float>::quiet_NaN())});
  CHECK(std::isnan(r.values[0].f32()));
  r = fx.call("fmax", {F64(-0.0), F64(0.0)});
  CHECK(r.values[0].f64_bits == 0);
  r = fx.call("nearest", {F32(2.5f)});
  CHECK(r.values[0].f32() == 2.0f);
  r = fx.call("nearest", {F32(-0.5f)});
  CHECK(r.values[0].f32_bits == 0x80000000u);  // -0.0, sign kept
  r = fx.call("nearest", {Value::from_f32_bits(0x7fa00000u)});  // signalling NaN in, quiet out
  CHECK((r.values[0].f32_bits & 0x00400000u) != 0);
}

TEST_CASE("interp: local.set folding keeps earlier reads") {
  Fixture fx("interp_basic");
  CHECK(fx.i32("old_plus_new", {I32(5)}) == 5 + 15);
  CallResult r = fx.call("swap", {I32(1), I32(2)});
  REQUIRE(r.ok());
  REQUIRE(r.values.size() == 2);
  CHECK(r.values[0].i32 == 2);
  CHECK(r.values[1].i32 == 1);
}

TEST_CASE("interp: loops, br_table with values, select") {
  Fixture fx("interp_basic");
  CHECK(fx.i32("sum_to", {I32(0)}) == 0);
  CHECK(fx.i32("sum_to", {I32(101)}) == 5050);
  for (uint32_t i = 0; i < 4; ++i) {
    CallResult r = fx.call("pick", {I32(i)});
    REQUIRE(r.ok());
    uint32_t expect = i == 0 ? 0 : i == 1 ? 1 : 7;
    CHECK(r.values[0].i32 == expect);
    CHECK(r.values[1].i32 == (i >= 2 ? 8u : expect));
  }
  CallResult r = fx.call("select", {I32(0), I64(1), I64(2)});
  CHECK(r.values[0].i64 == 2);
  r = fx.call("select", {I32(9), I64(1), I64(2)});
  CHECK(r.values[0].i64 == 1);
}

TEST_CASE("interp: call_indirect checks") {
  Fixture fx("interp_basic");
  CallResult r = fx.call("call_ind", {I32(0), I64(5)});
  REQUIRE(r.ok());
  CHECK(r.values[0].i64 == 120);
  CHECK(fx.trap("call_ind", {I32(1), I64(5)}) == TrapKind::kUninitializedElement);
  CHECK(fx.trap("call_ind", {I32(2), I64(5)}) == TrapKind::kUndefinedElement);
}

TEST_CASE("interp: deep recursion traps at the configured stack budget, then the store still works") {
  EngineConfig config;
  config.tier = Tier::kInterp;
  config.max_wasm_stack = 16 * 1024;
  Fixture fx("interp_basic", config);
  CallResult r = fx.call("deep", {I32(0)});
  REQUIRE_FALSE(r.ok());
  CHECK(r.trap->kind == TrapKind::kCallStackExhausted);
  // Frames of `deep` cost a few slots and a frame record each.
  CHECK(r.trap->backtrace.size() > 100);
  CHECK(r.trap->backtrace.size() < 16 * 1024 / 24);
  CHECK(fx.trap("big_frames", {I32(0)}) == TrapKind::kCallStackExhausted);
  CHECK(fx.i32("sum_to", {I32(4)}) == 6);
}

TEST_CASE("interp: a frame's slots count against the budget") {
  EngineConfig config;
  config.tier = Tier::kInterp;
  config.max_wasm_stack = 64 * 1024;
  Fixture fx("interp_basic", config);
  CallResult deep = fx.call("deep", {I32(0)});
  CallResult big = fx.call("big_frames", {I32(0)});
  REQUIRE_FALSE(deep.ok());
  REQUIRE_FALSE(big.ok());
  CHECK(deep.trap->kind == TrapKind::kCallStackExhausted);
  CHECK(big.trap->kind == TrapKind::kCallStackExhausted);
  // 32 i64 locals: at least 256 bytes a frame.
  CHECK(big.trap->backtrace.size() <= 64 * 1024 / 256);
  CHECK(deep.trap->backtrace.size() > 4 * big.trap->backtrace.size());
}

TEST_CASE("interp: traps carry a backtrace, innermost first") {
  Fixture fx("interp_basic");
  CallResult r = fx.call("outer", {});
  REQUIRE(!r.ok());
  CHECK(r.trap->kind == TrapKind::kUnreachable);
  REQUIRE(r.trap->backtrace.size() == 2);
  CHECK(r.trap->backtrace[0].func_index + 1 == r.trap->backtrace[1].func_index);
}

TEST_CASE("interp: memory access bounds and growth") {
  Fixture fx("interp_basic");
  CHECK(fx.call("store", {I32(65532), I32(0xdeadbeef)}).ok());
  CHECK(fx.i32("load", {I32(65532)}) == 0xdeadbeef);
  CHECK(fx.trap("load", {I32(65533)}) == TrapKind::kMemoryOutOfBounds);
  Memory* mem = fx.inst->memory("mem");
  REQUIRE(mem != nullptr);
  uint8_t* base = mem->data();
  CHECK(fx.i32("grow", {I32(2)}) == 1);
  CHECK(mem->data() == base);  // memories never move
  CHECK(fx.i32("load", {I32(65533)}) == 0x00deadbeu);  // now in bounds, straddling pages
  CHECK(fx.i32("grow", {I32(1)}) == 0xffffffffu);  // max is 3 pages
  CHECK(mem->pages() == 3);
}

TEST_CASE("interp: host functions, re-entrant calls and the caller's memory") {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store store(engine);
  Linker linker;
  Instance* inst = nullptr;
  FuncType ii_i{{ValType::kI32, ValType::kI32}, {ValType::kI32}};
  FuncType i_i{{ValType::kI32}, {ValType::kI32}};
  FuncType v_i{{}, {ValType::kI32}};
  linker.define("host", "add", store.create_host_func(ii_i, [](Caller&, std::span<const Value> a, std::span<Value> r) {
    r[0] = Value::from_i32(a[0].i32 + a[1].i32);
    return std::optional<Trap>{};
  }));
  linker.define("host", "reenter", store.create_host_func(i_i, [&](Caller& c, std::span<const Value> a, std::span<Value> r) {
    CallResult inner = c.store().call(inst->func("double"), std::vector<Value>{a[0]});
    if (!inner.ok()) return inner.trap;
    r[0] = inner.values[0];
    return std::optional<Trap>{};
  }));
  linker.define("host", "mem_size", store.create_host_func(v_i, [](Caller& c, std::span<const Value>, std::span<Value> r) {
    r[0] = Value::from_i32(c.memory() ? static_cast<uint32_t>(c.memory()->pages()) : 0);
    return std::optional<Trap>{};
  }));
  auto ri = store.instantiate(load_wat("host_calls"), linker);
  REQUIRE(ri.ok());
  inst = *ri;
  CallResult r = store.call(inst->func("use_add"), std::vector<Value>{Value::from_i32(5)});
  REQUIRE(r.ok());
  CHECK(r.values[0].i32 == 105);
  r = store.call(inst->func("via_host"), std::vector<Value>{Value::from_i32(20)});
  REQUIRE(r.ok());
  CHECK(r.values[0].i32 == 41);
  r = store.call(inst->func("mem_pages"), {});
  REQUIRE(r.ok());
  CHECK(r.values[0].i32 == 2);
}

TEST_CASE("interp: a host trap ends the Wasm call with that trap") {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store store(engine);
  Linker linker;
  FuncType ii_i{{ValType::kI32, ValType::kI32}, {ValType::kI32}};
  FuncType i_i{{ValType::kI32}, {ValType::kI32}};
  FuncType v_i{{}, {ValType::kI32}};
  auto fail = [](Caller&, std::span<const Value>, std::span<Value>) {
    return std::optional<Trap>(Trap{TrapKind::kHost, "boom", 0, {}});
  };
  linker.define("host", "add", store.create_host_func(ii_i, fail));
  linker.define("host", "reenter", store.create_host_func(i_i, fail));
  linker.define("host", "mem_size", store.create_host_func(v_i, fail));
  auto ri = store.instantiate(load_wat("host_calls"), linker);
  REQUIRE(ri.ok());
  CallResult r = store.call((*ri)->func("use_add"), std::vector<Value>{Value::from_i32(5)});
  REQUIRE(!r.ok());
  CHECK(r.trap->kind == TrapKind::kHost);
  CHECK(r.trap->message == "boom");
  CHECK(r.trap->backtrace.size() == 1);
}

TEST_CASE("interp: builder folds operands, local.set, compare+branch and address adds") {
  Fixture fx("interp_basic");
  auto listing = [&](const char* name) {
    auto* f = static_cast<FuncImpl*>(fx.inst->func(name));
    REQUIRE(interp::compile(*f).ok());
    return interp::dump(*f->code);
  };
  std::string sum = listing("sum_to");
  CHECK(sum.find("BrIfI32GeS") != std::string::npos);  // i32.ge_s + br_if fused
  CHECK(sum.find("Copy") == std::string::npos);        // every local.set folded
  CHECK(sum.find("I32Add2") != std::string::npos);     // s += i; i += 1 in one
  CHECK(listing("load_add").find("I32LoadAdd") != std::string::npos);

  CHECK(fx.call("store", {I32(0), I32(0x11223344)}).ok());
  CHECK(fx.i32("load_add", {I32(0xfffffffcu)}) == 0x00112233u);  // -4 + 4 wraps to 0, then offset 1
  CHECK(fx.trap("load_add", {I32(0xfffffffbu)}) == TrapKind::kMemoryOutOfBounds);  // 0xffffffff + 1
  CHECK(fx.trap("load_add", {I32(65531)}) == TrapKind::kMemoryOutOfBounds);

  CHECK(listing("load_index").find("I32LoadScaled") != std::string::npos);
  CHECK(fx.i32("load_index", {I32(0xfffffff4u), I32(3)}) == 0x00112233u);  // -12 + 12 wraps to 0, then offset 1
  CHECK(fx.i32("load_index", {I32(0), I32(0x40000000u)}) == 0x00112233u);   // the shift wraps to 0
  CHECK(fx.trap("load_index", {I32(65532), I32(1)}) == TrapKind::kMemoryOutOfBounds);

  CHECK(listing("store_add").find("I32StoreAdd") != std::string::npos);
  CHECK(fx.call("store_add", {I32(0xfffffffcu), I32(0xa1b2c3d4u)}).ok());  // wraps to 0, offset 1
  CHECK(fx.i32("load", {I32(1)}) == 0xa1b2c3d4u);
  CHECK(fx.trap("store_add", {I32(0xfffffffbu), I32(1)}) == TrapKind::kMemoryOutOfBounds);
}

TEST_CASE("interp: builder fuses loop latches and loads into their arithmetic") {
  Fixture fx("interp_basic");
  auto listing = [&](const char* name) {
    auto* f = static_cast<FuncImpl*>(fx.inst->func(name));
    REQUIRE(interp::compile(*f).ok());
    return interp::dump(*f->code);
  };
  CHECK(listing("count_up").find("I32AddBrIfNe") != std::string::npos);
  CHECK(listing("count_lt").find("I32AddBrIfLtS") != std::string::npos);  // swapped
  CHECK(listing("count_down").find("I32AddBrIfNez") != std::string::npos);
  CHECK(listing("sum_below").find("I32Add2BrIfLtU") != std::string::npos);  // swapped
  CHECK(fx.i32("sum_below", {I32(101)}) == 5050);
  CHECK(fx.i32("sum_below", {I32(1)}) == 0);
  CHECK(listing("add_chain").find("I32Add2") != std::string::npos);
  CHECK(fx.i32("add_chain", {I32(3), I32(4)}) == 14);  // the second add reads the first's result
  CHECK(fx.i32("count_up", {I32(5)}) == 5);
  CHECK(fx.i32("count_lt", {I32(10)}) == 12);
  CHECK(fx.i32("count_down", {I32(4)}) == static_cast<uint32_t>(-10));

  CHECK(listing("f64_add_load").find("F64Add_F64Load ") != std::string::npos);
  CHECK(listing("f64_mul_load_add").find("F64Mul_F64LoadAdd") != std::string::npos);
  CHECK(listing("i32_add_load_first").find("I32Add_I32Load ") != std::string::npos);  // commuted
  CHECK(listing("i32_sub_load_first").find("I32Sub_I32Load") == std::string::npos);   // does not commute
  CHECK(listing("i32_xor_load8").find("I32Xor_I32Load8U ") != std::string::npos);
  CHECK(fx.call("store", {I32(16), I32(0)}).ok());
  CHECK(fx.call("store", {I32(20), I32(0x40090000u)}).ok());  // 3.125 at 16
  CallResult r = fx.call("f64_add_load", {I32(16), F64(0.5)});
  REQUIRE(r.ok());
  CHECK(r.values[0].f64() == 3.625);
  r = fx.call("f64_mul_load_add", {I32(4), I32(4), F64(2.0)});  // 4 + 4 + offset 8
  REQUIRE(r.ok());
  CHECK(r.values[0].f64() == 6.25);
  CHECK(fx.i32("i32_add_load_first", {I32(20), I32(1)}) == 0x40090001u);
  CHECK(fx.i32("i32_sub_load_first", {I32(20), I32(1)}) == 0x4008ffffu);
  CHECK(fx.i32("i32_xor_load8", {I32(20), I32(0xff)}) == 0xf6u);  // byte 22 is 0x09
  CHECK(fx.trap("f64_add_load", {I32(65529), F64(0)}) == TrapKind::kMemoryOutOfBounds);
  CHECK(fx.trap("f64_mul_load_add", {I32(65528), I32(0), F64(0)}) == TrapKind::kMemoryOutOfBounds);
  CHECK(fx.trap("i32_xor_load8", {I32(65534), I32(0)}) == TrapKind::kMemoryOutOfBounds);

  CHECK(listing("f64_store_add").find("F64Add_F64Store") != std::string::npos);
  CHECK(listing("f64_add_to").find("F64Add_F64Load_F64Store") != std::string::npos);
  std::string next = listing("f64_add_next");
  CHECK(next.find("F64Add_F64Load ") != std::string::npos);
  CHECK(next.find("F64Add_F64Load_F64Store") == std::string::npos);
  auto f64_at = [&](uint32_t addr) {
    CallResult lo = fx.call("load", {I32(addr)}), hi = fx.call("load", {I32(addr + 4)});
    REQUIRE((lo.ok() && hi.ok()));
    return std::bit_cast<double>(uint64_t{hi.values[0].i32} << 32 | lo.values[0].i32);
  };
  CHECK(fx.call("f64_store_add", {I32(24), F64(1.5), F64(2.25)}).ok());
  CHECK(f64_at(32) == 3.75);
  CHECK(fx.call("f64_add_to", {I32(32), F64(0.25)}).ok());
  CHECK(f64_at(32) == 4.0);
  CHECK(fx.call("f64_add_next", {I32(16), F64(1.0)}).ok());  // 3.125 at 16, plus 1, to 24
  CHECK(f64_at(24) == 4.125);
  CHECK(f64_at(16) == 3.125);
  CHECK(fx.trap("f64_store_add", {I32(65528), F64(0), F64(0)}) == TrapKind::kMemoryOutOfBounds);
  // The read-modify-write traps where the load does: body offset 7 (past
  // the empty locals vector and three local.gets).
  CallResult r2 = fx.call("f64_add_to", {I32(65529), F64(0)});
  REQUIRE(!r2.ok());
  CHECK(r2.trap->kind == TrapKind::kMemoryOutOfBounds);
  REQUIRE(r2.trap->backtrace.size() == 1);
  CHECK(r2.trap->backtrace[0].func_offset == 7);
}

TEST_CASE("interp: unbounded Wasm->host->Wasm recursion traps instead of overflowing the native stack") {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store store(engine);
  Linker linker;
  Instance* inst = nullptr;
  FuncType ii_i{{ValType::kI32, ValType::kI32}, {ValType::kI32}};
  FuncType i_i{{ValType::kI32}, {ValType::kI32}};
  FuncType v_i{{}, {ValType::kI32}};
  auto unused = [](Caller&, std::span<const Value>, std::span<Value>) { return std::optional<Trap>{}; };
  linker.define("host", "add", store.create_host_func(ii_i, unused));
  linker.define("host", "mem_size", store.create_host_func(v_i, unused));
  int calls = 0;
  linker.define("host", "reenter", store.create_host_func(i_i, [&](Caller& c, std::span<const Value> a, std::span<Value> r) {
    ++calls;
    CallResult inner = c.store().call(inst->func("via_host"), std::vector<Value>{a[0]});
    if (!inner.ok()) return inner.trap;
    r[0] = inner.values[0];
    return std::optional<Trap>{};
  }));
  auto ri = store.instantiate(load_wat("host_calls"), linker);
  REQUIRE(ri.ok());
  inst = *ri;
  CallResult r = store.call(inst->func("via_host"), std::vector<Value>{Value::from_i32(1)});
  REQUIRE(!r.ok());
  CHECK(r.trap->kind == TrapKind::kCallStackExhausted);
  CHECK(calls > 10);
  r = store.call(inst->func("double"), std::vector<Value>{Value::from_i32(21)});  // still usable
  REQUIRE(r.ok());
  CHECK(r.values[0].i32 == 42);
}

TEST_CASE("interp: memory grown by another instance is seen after the call returns") {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store store(engine);
  auto a = store.instantiate(load_wat("interp_basic"), Linker());
  REQUIRE(a.ok());
  Linker linker;
  linker.define_instance("a", **a);
  // (import "a" "grow" (func (param i32) (result i32))) (import "a" "mem" (memory 1))
  // (func (export "f") (param i32) (result i32)
  //   (drop (call 0 (i32.const 1))) (i32.load (local.get 0)))
  const std::vector<uint8_t> importer = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,                    // header
      0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,                    // type (i32)->i32
      0x02, 0x13, 0x02, 0x01, 0x61, 0x04, 0x67, 0x72, 0x6f, 0x77, 0x00, 0x00,  // a.grow
      0x01, 0x61, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x01,              // a.mem
      0x03, 0x02, 0x01, 0x00,                                            // func 1: type 0
      0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x01,                          // export "f"
      0x0a, 0x0e, 0x01, 0x0c, 0x00, 0x41, 0x01, 0x10, 0x00, 0x1a,        // code
      0x20, 0x00, 0x28, 0x02, 0x00, 0x0b};
  auto m = load_module(importer);
  REQUIRE_MESSAGE(m.ok(), (m.ok() ? "" : m.error().to_string()));
  auto b = store.instantiate(*m, linker);
  REQUIRE(b.ok());
  CallResult r = store.call((*b)->func("f"), std::vector<Value>{Value::from_i32(65536)});
  REQUIRE_MESSAGE(r.ok(), r.trap->to_string());
  CHECK(r.values[0].i32 == 0);
  CHECK((*a)->memory("mem")->pages() == 2);
}

TEST_CASE("interp: every instance of a module, in every store and engine, runs the module's one copy of code") {
  std::shared_ptr<const Module> m = load_wat("shared_code");
  constexpr uint32_t kDefined = 6;  // bump, fib, double, apply, accumulate, is_set
  EngineConfig bounds{.tier = Tier::kInterp};
  bounds.explicit_bounds_checks = true;  // nothing the builder emits depends on the configuration
  Engine plain(EngineConfig{.tier = Tier::kInterp}), checked(bounds);
  std::vector<std::unique_ptr<Store>> stores;
  std::vector<std::pair<Store*, Instance*>> insts;
  for (int s = 0; s < 4; ++s) {
    stores.push_back(std::make_unique<Store>(s == 3 ? checked : plain));
    for (int i = 0; i < 3; ++i) {
      Linker linker;
      auto r = stores.back()->instantiate(m, linker);
      REQUIRE(r.ok());
      insts.emplace_back(stores.back().get(), *r);
    }
  }
  CHECK(interp::functions_built(*m) == 0);  // built on first call, not on instantiation
  auto i32 = [](Store& s, Instance* inst, const char* name, std::vector<Value> args) {
    CallResult r = s.call(inst->func(name), args);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.trap->to_string()));
    return r.values.at(0).i32;
  };
  for (size_t k = 0; k < insts.size(); ++k) {
    CAPTURE(k);
    auto [s, inst] = insts[k];
    uint32_t by = static_cast<uint32_t>(k) + 1;
    // Globals, memories and tables are the running instance's own.
    CHECK(i32(*s, inst, "bump", {I32(by)}) == by);
    CHECK(i32(*s, inst, "bump", {I32(by)}) == 2 * by);
    CHECK(i32(*s, inst, "accumulate", {I32(by)}) == by);
    CHECK(i32(*s, inst, "fib", {I32(15)}) == 610);
    CHECK(i32(*s, inst, "apply", {I32(0), I32(21)}) == 42);   // table[0] = $double
    CHECK(i32(*s, inst, "apply", {I32(1), I32(10)}) == 55);   // table[1] = $fib
    CHECK(i32(*s, inst, "is_set", {I32(1)}) == 1);
    CHECK(i32(*s, inst, "is_set", {I32(2)}) == 0);
  }
  CHECK(interp::functions_built(*m) == kDefined);
  for (const char* name : {"bump", "fib", "apply", "accumulate", "is_set"}) {
    CAPTURE(name);
    const interp::Code* first = static_cast<FuncImpl*>(insts[0].second->func(name))->code;
    REQUIRE(first != nullptr);
    for (auto [s, inst] : insts) CHECK(static_cast<FuncImpl*>(inst->func(name))->code == first);
  }
  // A copy of a module is another module: it starts without code.
  Module copy = *m;
  CHECK(interp::functions_built(copy) == 0);
}

namespace {

// The function indices of `inst` that have a FuncImpl.
std::vector<uint32_t> made_funcs(const Instance* inst) {
  std::vector<uint32_t> out;
  static_cast<const InstanceImpl*>(inst)->for_each_made([&](uint32_t i, const FuncImpl*) { out.push_back(i); });
  return out;
}

}  // namespace

TEST_CASE("interp: an instance makes FuncImpls for referenced functions, the rest on first call") {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store store(engine);
  auto inst = store.instantiate(load_wat("lazy_funcs"), Linker{});
  REQUIRE(inst.ok());
  CHECK(made_funcs(*inst) == std::vector<uint32_t>{4});  // the export
  CallResult r = store.call((*inst)->func("run"), {});
  REQUIRE(r.ok());
  CHECK(r.values.at(0).i32 == 111);
  CHECK(made_funcs(*inst) == std::vector<uint32_t>{0, 1, 2, 4});  // $unused never
  CHECK(instance_func(**inst, 3) != nullptr);  // the API makes one on request
  CHECK(made_funcs(*inst) == std::vector<uint32_t>{0, 1, 2, 3, 4});
}

TEST_CASE("interp: frames give the offsets of their instructions") {
  test::check_frame_offsets(EngineConfig{.tier = Tier::kInterp});
}

TEST_CASE("interp: with fuel, a loop's branches pay the segments they enter, and no Fuel runs per turn") {
  Fixture fx("interp_basic", EngineConfig{.tier = Tier::kInterp, .consume_fuel = true});
  auto* f = static_cast<FuncImpl*>(fx.inst->func("sum_to"));
  REQUIRE(interp::compile(*f).ok());
  std::string listing = interp::dump(*f->code);
  INFO(listing);
  // Entry (with the loop header's first pass), then the loop: the exit test
  // pays the loop's body and header when not taken, the code after the loop
  // when taken; the back-edge has nothing left to pay. The one other Fuel
  // is the exit's, for the other ways in (none here).
  CHECK(listing.find("BrIfI32GeSFuel 1,0 @14 1,13") != std::string::npos);
  CHECK(listing.find("BrFuel") == std::string::npos);
  CHECK(listing.find("   0 Fuel 4,0\n") == 0);
  size_t fuels = 0;
  for (size_t at = listing.find(" Fuel "); at != std::string::npos; at = listing.find(" Fuel ", at + 1)) ++fuels;
  CHECK(fuels == 2);
  // The documented rate: 4 on entry, 13 per turn, 1 after the loop.
  REQUIRE(fx.store.set_fuel(1000).ok());
  CHECK(fx.i32("sum_to", {I32(10)}) == 45);
  CHECK(fx.store.get_fuel().value() == 1000 - (4 + 10 * 13 + 1));
  // A branch that cannot pay traps there, leaving no fuel.
  REQUIRE(fx.store.set_fuel(4 + 13 * 3 + 5).ok());
  CHECK(fx.trap("sum_to", {I32(10)}) == TrapKind::kOutOfFuel);
  CHECK(fx.store.get_fuel().value() == 0);
}

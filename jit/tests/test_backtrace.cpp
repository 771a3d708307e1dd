// Backtraces of traps: the same call chains trap on both tiers and must
// report the same frames (innermost first, index and name), whether the trap
// comes from a trap stub, a helper, a guard-page fault, a host function or a
// callee run by the interpreter; each trap is followed by a working call.
// Every frame names its instance.
#include <doctest/doctest.h>

#include <cstdlib>

#include "runtime/runtime_impl.h"
#include "wpvm/jit.h"
#include "refuse.h"
#include "wpvm/runtime.h"
#include "wpvm/serialize.h"
#include "frame_offsets.h"
#include "test_calls.h"
#include "test_wasm_file.h"

namespace {

using namespace wpvm;

std::shared_ptr<const Module> load_backtrace_wasm() { return test::load_wat("backtrace", "WPVM_JIT_TEST_DIR"); }

struct BtFixture {
  // The JIT leaves interp_middle to the interpreter (mixed_top's chain).
  test::Refuse refuse{"interp_middle"};
  Engine engine;
  Store store{engine};
  Instance* inst = nullptr;

  explicit BtFixture(Tier t, std::shared_ptr<const Module> m = load_backtrace_wasm())
      : engine(EngineConfig{.tier = t}) {
    Linker linker;
    linker.define("env", "host_trap", store.create_host_func(FuncType{}, [](Caller&, std::span<const Value>, std::span<Value>) {
      return std::optional<Trap>{Trap{TrapKind::kHost, "host says no", 0, {}}};
    }));
    auto i = store.instantiate(m, linker);
    REQUIRE(i.ok());
    inst = *i;
  }
  CallResult call(const char* name, std::vector<Value> args) { return test::call_export(store, inst, name, args); }
};

// "index:name" of each frame, innermost first.
std::vector<std::string> frames(const CallResult& r) {
  std::vector<std::string> out;
  if (r.trap)
    for (const Frame& f : r.trap->backtrace) out.push_back(std::to_string(f.func_index) + ":" + f.name);
  return out;
}

// "module_offset/func_offset" of each frame, innermost first.
std::vector<std::string> offsets(const CallResult& r) {
  std::vector<std::string> out;
  if (r.trap)
    for (const Frame& f : r.trap->backtrace)
      out.push_back(std::to_string(f.module_offset) + "/" + std::to_string(f.func_offset));
  return out;
}

struct Case {
  const char* export_name;
  uint32_t arg;
  bool has_arg;
  TrapKind kind;
  std::vector<std::string> expected;
};

const Case kCases[] = {
    {"top", 0, true, TrapKind::kUnreachable, {"1:bottom", "2:middle", "3:top"}},  // trap stub
    {"top", 0x7ffffff0u, true, TrapKind::kMemoryOutOfBounds, {"1:bottom", "2:middle", "3:top"}},  // guard page
    {"fill_top", 65530, true, TrapKind::kMemoryOutOfBounds, {"4:fill_bottom", "5:fill_middle", "6:fill_top"}},  // helper
    {"host_top", 0, false, TrapKind::kHost, {"7:host_middle", "8:host_top"}},  // host function
    {"mixed_top", 0, true, TrapKind::kUnreachable, {"1:bottom", "9:interp_middle", "10:mixed_top"}},  // via interpreter
};

}  // namespace

TEST_CASE("backtrace: same frames on both tiers, and the engine keeps working") {
  BtFixture interp(Tier::kInterp), jit(Tier::kJit);
  for (const Case& c : kCases) {
    CAPTURE(c.export_name);
    CAPTURE(c.arg);
    std::vector<Value> args;
    if (c.has_arg) args.push_back(Value::from_i32(c.arg));
    CallResult ri = interp.call(c.export_name, args);
    CallResult rj = jit.call(c.export_name, args);
    REQUIRE(ri.trap.has_value());
    REQUIRE(rj.trap.has_value());
    CHECK(ri.trap->kind == c.kind);
    CHECK(rj.trap->kind == c.kind);
    CHECK(frames(ri) == c.expected);
    CHECK(frames(rj) == c.expected);
    // Both tiers place every frame at the same instruction.
    CHECK(offsets(ri) == offsets(rj));
    for (const Frame& f : rj.trap->backtrace) CHECK(f.module_offset != kNoOffset);
    // Every frame is of the one instance called.
    for (const Frame& f : ri.trap->backtrace) CHECK(f.instance == interp.inst);
    for (const Frame& f : rj.trap->backtrace) CHECK(f.instance == jit.inst);
    // A second call in the same store still works after the trap.
    CallResult ok = jit.call("top", {Value::from_i32(8)});
    REQUIRE(ok.ok());
    CHECK(ok.values.at(0).i32 == 1);
  }
  // The top function really ran as native code.
  CHECK(static_cast<FuncImpl*>(jit.inst->func("top"))->native != nullptr);
}

TEST_CASE("backtrace: the same frames from code loaded from a compiled module") {
  Engine engine(EngineConfig{.tier = Tier::kJit});
  auto file = serialize_module(engine, *load_backtrace_wasm());
  REQUIRE(file.ok());
  auto m = deserialize_module(engine, *file);
  REQUIRE(m.ok());
  uint64_t compiled = jit::modules_compiled();
  BtFixture loaded(Tier::kJit, *m), interp(Tier::kInterp);
  for (const Case& c : kCases) {
    CAPTURE(c.export_name);
    std::vector<Value> args;
    if (c.has_arg) args.push_back(Value::from_i32(c.arg));
    CallResult r = loaded.call(c.export_name, args);
    REQUIRE(r.trap.has_value());
    CHECK(r.trap->kind == c.kind);
    CHECK(frames(r) == c.expected);
    CHECK(offsets(r) == offsets(interp.call(c.export_name, args)));
  }
  CHECK(jit::modules_compiled() == compiled);  // the file's code ran
}

TEST_CASE("backtrace: frames give the offsets of their instructions") {
  SUBCASE("guard pages: accesses fault") { test::check_frame_offsets(EngineConfig{.tier = Tier::kJit}); }
  SUBCASE("explicit bounds checks") {
    test::check_frame_offsets(EngineConfig{.tier = Tier::kJit, .explicit_bounds_checks = true});
  }
}

// Fuel and epoch interruption (EngineConfig::consume_fuel,
// epoch_interruption) on every tier: the documented rate, the same fuel left
// by the same program on the interpreter and the JIT (at traps too), fuel
// added after a trap and by a host function, interruption from another
// thread and from a signal handler.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <sys/time.h>
#include <thread>
#include <tuple>

#include "runtime/runtime_impl.h"
#include "wpvm/runtime.h"
#include "test_calls.h"
#include "test_wasm_file.h"

namespace {

using namespace wpvm;

constexpr Tier kTiers[] = {Tier::kInterp, Tier::kJit};

struct Fixture {
  Engine engine;
  Store store{engine};
  Instance* inst = nullptr;
  Tier tier;

  Fixture(Tier t, bool fuel, bool epoch)
      : engine(EngineConfig{.tier = t, .consume_fuel = fuel, .epoch_interruption = epoch}), tier(t) {
    Linker linker;
    linker.define("env", "refuel", store.create_host_func(FuncType{{}, {}}, [](Caller& c, Span<const Value>, Span<Value>) {
      REQUIRE(c.store().add_fuel(100).ok());
      return std::optional<Trap>{};
    }));
    linker.define("env", "peek", store.create_host_func(FuncType{{}, {ValType::kI64}},
                                                         [](Caller& c, Span<const Value>, Span<Value> r) {
      auto f = c.store().get_fuel();
      REQUIRE(f.ok());
      r[0] = Value::from_i64(*f);
      return std::optional<Trap>{};
    }));
    auto other = store.instantiate(test::load_wat("fuel_other", "WPVM_JIT_TEST_DIR"), linker);
    REQUIRE(other.ok());
    linker.define_instance("other", **other);
    auto i = store.instantiate(test::load_wat("fuel", "WPVM_JIT_TEST_DIR"), linker);
    REQUIRE(i.ok());
    inst = *i;
  }
  CallResult call(const char* name, std::vector<Value> args = {}) {
    Func* f = test::export_func(inst, name);
    CallResult r = store.call(f, args);
    if (tier == Tier::kJit) CHECK(static_cast<FuncImpl*>(f)->native != nullptr);
    return r;
  }
  uint64_t fuel() {
    auto f = store.get_fuel();
    REQUIRE(f.ok());
    return *f;
  }
};

Value I32(uint32_t v) { return Value::from_i32(v); }

// What a call leaves: whether it trapped and how, its result, the fuel left.
using Outcome = std::tuple<bool, int, uint64_t, uint64_t>;
Outcome outcome(Fixture& f, const char* name, std::vector<Value> args, uint64_t fuel) {
  REQUIRE(f.store.set_fuel(fuel).ok());
  CallResult r = f.call(name, std::move(args));
  uint64_t v = r.ok() && !r.values.empty() ? r.values[0].i64 & (r.values[0].type == ValType::kI32 ? 0xffffffffu : ~0ull) : 0;
  return {r.ok(), r.ok() ? -1 : static_cast<int>(r.trap->kind), v, f.fuel()};
}

}  // namespace

TEST_CASE("fuel: the documented rate on every tier") {
  for (Tier t : kTiers) {
    CAPTURE(static_cast<int>(t));
    Fixture f(t, true, false);
    REQUIRE(f.store.set_fuel(1000).ok());
    REQUIRE(f.call("three").ok());
    CHECK(f.fuel() == 997);  // two constants and an add
    REQUIRE(f.store.set_fuel(1000).ok());
    REQUIRE(f.call("free").ok());
    CHECK(f.fuel() == 999);  // nop, drop, block and end are free: the constant alone
    REQUIRE(f.store.set_fuel(1000).ok());
    CallResult r = f.call("sum", {I32(10)});
    REQUIRE(r.ok());
    CHECK(r.values[0].i32 == 45);
    // loop header run (4) n + 1 times, body (9) n times, the result (1)
    CHECK(f.fuel() == 1000 - (13 * 10 + 5));
  }
}

TEST_CASE("fuel: the same program leaves the same fuel on the interpreter and the JIT") {
  Fixture in(Tier::kInterp, true, false), jit(Tier::kJit, true, false);
  struct Program {
    const char* name;
    std::vector<Value> args;
    uint64_t max_fuel;
  };
  const Program programs[] = {
      {"sum", {I32(20)}, 300},      {"fib", {I32(8)}, 1000},     {"mix", {I32(12)}, 700},
      {"trap_late", {I32(9)}, 200}, {"fill", {I32(20)}, 300},    {"refuel_loop", {I32(5)}, 60},
      {"peek", {}, 10},             {"pins", {I32(6)}, 300},     {"trap_callee", {I32(6)}, 200},
      {"trap_interp", {I32(6)}, 200}, {"cross", {I32(6)}, 200}, {"dispatch", {I32(12)}, 400},
  };
  for (const Program& p : programs) {
    CAPTURE(p.name);
    bool completed = false;
    for (uint64_t fuel = 0; fuel <= p.max_fuel; ++fuel) {
      CAPTURE(fuel);
      Outcome a = outcome(in, p.name, p.args, fuel), b = outcome(jit, p.name, p.args, fuel);
      CHECK(a == b);
      if (std::get<0>(a) || std::get<1>(a) != static_cast<int>(TrapKind::kOutOfFuel)) completed = true;
      if (!std::get<0>(a) && std::get<1>(a) == static_cast<int>(TrapKind::kOutOfFuel)) CHECK(std::get<3>(a) == 0);
    }
    CHECK(completed);  // the range reaches the program's end (or its own trap)
  }
}

TEST_CASE("fuel: a trap mid-way leaves its segments paid on both tiers") {
  for (Tier t : kTiers) {
    CAPTURE(static_cast<int>(t));
    Fixture f(t, true, false);
    Outcome o = outcome(f, "trap_late", {I32(4)}, 1000);
    CHECK(std::get<1>(o) == static_cast<int>(TrapKind::kIntegerDivideByZero));
    // loop body (9) 4 times, then the division's segment (3), paid before it traps
    CHECK(std::get<3>(o) == 1000 - 4 * 9 - 3);
  }
}

TEST_CASE("fuel: out of fuel traps, adding fuel resumes") {
  for (Tier t : kTiers) {
    CAPTURE(static_cast<int>(t));
    Fixture f(t, true, false);
    CallResult r = f.call("three");  // a new store has none
    REQUIRE_FALSE(r.ok());
    CHECK(r.trap->kind == TrapKind::kOutOfFuel);
    CHECK(r.trap->to_string() == "all fuel consumed");
    REQUIRE(f.store.set_fuel(100).ok());
    r = f.call("sum", {I32(100)});
    REQUIRE_FALSE(r.ok());
    CHECK(r.trap->kind == TrapKind::kOutOfFuel);
    REQUIRE_FALSE(r.trap->backtrace.empty());
    CHECK(f.fuel() == 0);
    REQUIRE(f.store.add_fuel(10000).ok());
    r = f.call("sum", {I32(100)});
    REQUIRE(r.ok());
    CHECK(r.values[0].i32 == 4950);
    CHECK(f.fuel() == 10000 - (13 * 100 + 5));
    REQUIRE(f.store.add_fuel(UINT64_MAX).ok());
    CHECK(f.fuel() == UINT64_MAX);  // saturates
  }
}

TEST_CASE("fuel: host functions read and add fuel while Wasm runs") {
  for (Tier t : kTiers) {
    CAPTURE(static_cast<int>(t));
    Fixture f(t, true, false);
    // Each round costs 6 and the host adds 100: 50 would not last 9 rounds alone.
    REQUIRE(f.store.set_fuel(50).ok());
    REQUIRE(f.call("refuel_loop", {I32(100)}).ok());
    CHECK(f.fuel() == 50 + 100 * 100 - 6 * 100);
    // The host sees the segment up to its call paid (1), not what follows (2).
    REQUIRE(f.store.set_fuel(40).ok());
    CallResult r = f.call("peek");
    REQUIRE(r.ok());
    CHECK(r.values[0].i64 == 39);
    CHECK(f.fuel() == 37);
  }
}

TEST_CASE("fuel: the fuel calls are usage errors without consume_fuel") {
  Engine engine;
  Store store(engine);
  CHECK(store.set_fuel(1).error().kind == ErrorKind::kUsage);
  CHECK(store.add_fuel(1).error().kind == ErrorKind::kUsage);
  CHECK(store.get_fuel().error().kind == ErrorKind::kUsage);
}

TEST_CASE("epoch: the deadline is checked on entry and engine copies share the epoch") {
  for (Tier t : kTiers) {
    CAPTURE(static_cast<int>(t));
    Fixture f(t, false, true);
    REQUIRE(f.call("three").ok());  // no deadline yet
    f.store.set_epoch_deadline(0);
    CallResult r = f.call("three");
    REQUIRE_FALSE(r.ok());
    CHECK(r.trap->kind == TrapKind::kInterrupted);
    CHECK(r.trap->to_string() == "interrupted");
    f.store.set_epoch_deadline(2);
    REQUIRE(f.call("three").ok());
    Engine copy = f.engine;
    copy.increment_epoch();
    CHECK(f.engine.current_epoch() == copy.current_epoch());
    REQUIRE(f.call("three").ok());  // one tick of two
    copy.increment_epoch();
    r = f.call("three");
    REQUIRE_FALSE(r.ok());
    CHECK(r.trap->kind == TrapKind::kInterrupted);
    f.store.set_epoch_deadline(1);
    REQUIRE(f.call("three").ok());  // the store stays usable
  }
}

TEST_CASE("epoch: a guest looping for ever is stopped from another thread") {
  for (bool fuel : {false, true}) {
    for (Tier t : kTiers) {
      CAPTURE(static_cast<int>(t));
      CAPTURE(fuel);
      Fixture f(t, fuel, true);
      if (fuel) REQUIRE(f.store.set_fuel(UINT64_MAX).ok());
      for (const char* name : {"spin"}) {
        f.store.set_epoch_deadline(1);
        std::thread ticker([&] {
          std::this_thread::sleep_for(std::chrono::milliseconds(30));
          f.engine.increment_epoch();
        });
        auto start = std::chrono::steady_clock::now();
        CallResult r = f.call(name);
        ticker.join();
        REQUIRE_FALSE(r.ok());
        CHECK(r.trap->kind == TrapKind::kInterrupted);
        REQUIRE(r.trap->backtrace.size() == 1);
        CHECK(r.trap->backtrace[0].func_offset != kNoOffset);
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
      }
      f.store.set_epoch_deadline(1);
      REQUIRE(f.call("three").ok());
    }
  }
}

namespace {
Engine* g_signal_engine = nullptr;
void on_alarm(int) { g_signal_engine->increment_epoch(); }
}  // namespace

TEST_CASE("epoch: increment_epoch from a signal handler stops a guest") {
  for (Tier t : kTiers) {
    CAPTURE(static_cast<int>(t));
    Fixture f(t, false, true);
    g_signal_engine = &f.engine;
    struct sigaction sa = {}, old = {};
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    REQUIRE(sigaction(SIGALRM, &sa, &old) == 0);
    itimerval timer = {};
    timer.it_value.tv_usec = 20000;  // once, after 20 ms
    f.store.set_epoch_deadline(1);
    REQUIRE(setitimer(ITIMER_REAL, &timer, nullptr) == 0);
    CallResult r = f.call("spin");
    sigaction(SIGALRM, &old, nullptr);
    REQUIRE_FALSE(r.ok());
    CHECK(r.trap->kind == TrapKind::kInterrupted);
  }
}

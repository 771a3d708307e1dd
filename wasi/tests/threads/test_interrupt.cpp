// wasi-threads threads under epoch interruption, on both tiers: threads
// spawned by an instance take its store's deadline, so one increment of the
// engine's epoch stops the spinning main thread and every spinning thread,
// each with the trap "interrupted"; and with fuel, each thread gets the fuel
// its spawner had left.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "wpvm/module.h"
#include "wpvm/runtime.h"
#include "wpvm/wasi_threads.h"
#include "test_modules.h"

namespace {

using namespace wpvm;
using test::wait_for;
using namespace std::chrono_literals;

struct Run {
  Engine engine;
  Store store{engine};
  std::atomic<int> interrupted{0}, out_of_fuel{0}, other{0};
  WasiThreads threads;
  Instance* inst = nullptr;

  Run(Tier tier, bool fuel)
      : engine(EngineConfig{.tier = tier, .consume_fuel = fuel, .epoch_interruption = true}),
        threads(engine, test::threads_module("spin_threads.wasm"), {}, [this](const Trap& t) {
          if (t.kind == TrapKind::kInterrupted) ++interrupted;
          else if (t.kind == TrapKind::kOutOfFuel) ++out_of_fuel;
          else ++other;
        }) {
    Linker linker;
    REQUIRE(threads.define(linker, store).ok());
    if (fuel) REQUIRE(store.set_fuel(UINT64_MAX).ok());
    auto i = store.instantiate(test::threads_module("spin_threads.wasm"), linker);
    REQUIRE(i.ok());
    inst = *i;
  }
  int32_t i32(const char* name, std::vector<Value> args = {}) {
    CallResult r = store.call(inst->func(name), args);
    REQUIRE(r.ok());
    return static_cast<int32_t>(r.values.at(0).i32);
  }
  ~Run() {
    // The threads' stores go after their OnExit call: let them.
    std::this_thread::sleep_for(50ms);
  }
};

constexpr int kThreads = 4;

}  // namespace

TEST_CASE("wasi-threads: one epoch increment stops the main thread and every spinning thread") {
  for (Tier tier : {Tier::kInterp, Tier::kJit}) {
    CAPTURE(static_cast<int>(tier));
    Run run(tier, false);
    run.store.set_epoch_deadline(1);
    REQUIRE(run.i32("start", {Value::from_i32(kThreads)}) == kThreads);
    REQUIRE(wait_for([&] { return run.i32("running") == kThreads; }, 10s));
    std::thread ticker([&] {
      std::this_thread::sleep_for(50ms);
      run.engine.increment_epoch();
    });
    CallResult r = run.store.call(run.inst->func("spin"), {});
    ticker.join();
    REQUIRE_FALSE(r.ok());
    CHECK(r.trap->kind == TrapKind::kInterrupted);
    CHECK(wait_for([&] { return run.interrupted.load() == kThreads; }, 10s));
    CHECK(run.other.load() == 0);
  }
}

TEST_CASE("wasi-threads: a thread gets the fuel its spawner had left") {
  for (Tier tier : {Tier::kInterp, Tier::kJit}) {
    CAPTURE(static_cast<int>(tier));
    Run run(tier, true);
    REQUIRE(run.store.set_fuel(100'000).ok());
    REQUIRE(run.i32("start", {Value::from_i32(kThreads)}) == kThreads);
    // Each spinning thread runs out of its own copy; the main thread keeps its rest.
    CHECK(wait_for([&] { return run.out_of_fuel.load() == kThreads; }, 20s));
    CHECK(run.other.load() == 0);
    auto left = run.store.get_fuel();
    REQUIRE(left.ok());
    CHECK(*left > 99'000);
  }
}

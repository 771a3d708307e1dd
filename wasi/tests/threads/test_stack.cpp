// wasi-threads threads and the stack budget (EngineConfig::max_wasm_stack),
// on both tiers: a spawned thread's native stack holds the whole budget (it
// recurses as deep as the budget allows, past what a default 8 MiB thread
// stack could hold), and a thread recursing without end traps "call stack
// exhausted", reported to OnExit, while the process and the main instance
// carry on.
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
using namespace std::chrono_literals;

struct Run {
  Engine engine;
  Store store{engine};
  std::atomic<int> exhausted{0}, other{0};
  WasiThreads threads;
  Instance* inst = nullptr;

  Run(Tier tier, size_t max_wasm_stack)
      : engine(EngineConfig{.tier = tier, .max_wasm_stack = max_wasm_stack}),
        threads(engine, test::threads_module("deep_threads.wasm"), {}, [this](const Trap& t) {
          if (t.kind == TrapKind::kCallStackExhausted) ++exhausted;
          else ++other;
        }) {
    Linker linker;
    REQUIRE(threads.define(linker, store).ok());
    auto i = store.instantiate(test::threads_module("deep_threads.wasm"), linker);
    REQUIRE(i.ok());
    inst = *i;
  }
  int32_t i32(const char* name, std::vector<Value> args = {}) {
    CallResult r = store.call(inst->func(name), args);
    REQUIRE_MESSAGE(r.ok(), r.trap->to_string());
    return static_cast<int32_t>(r.values.at(0).i32);
  }
  // Waits up to a minute for the thread's result or its trap.
  bool wait() {
    auto end = std::chrono::steady_clock::now() + 60s;
    while (i32("result") == 0 && exhausted + other == 0) {
      if (std::chrono::steady_clock::now() > end) return false;
      std::this_thread::sleep_for(1ms);
    }
    return true;
  }
  ~Run() {
    // The threads' stores go after their OnExit call: let them.
    std::this_thread::sleep_for(50ms);
  }
};

constexpr Tier kTiers[] = {Tier::kInterp, Tier::kJit};

}  // namespace

TEST_CASE("wasi-threads: a thread's stack holds the budget, and recursion without end traps cleanly") {
  for (Tier tier : kTiers) {
    CAPTURE(static_cast<int>(tier));
    // Frames of rec cost at least 16 bytes on either tier: 1,000,000 of
    // them need more than a default 8 MiB thread stack has.
    constexpr int32_t kDeep = 1'000'000;
    Run run(tier, 128u << 20);
    REQUIRE(run.i32("start", {Value::from_i32(kDeep)}) > 0);
    REQUIRE(run.wait());
    CHECK(run.i32("result") == kDeep);
    CHECK(run.exhausted == 0);
    CHECK(run.other == 0);

    // The default budget: 50,000 frames in a thread.
    Run small(tier, EngineConfig{}.max_wasm_stack);
    REQUIRE(small.i32("start", {Value::from_i32(50000)}) > 0);
    REQUIRE(small.wait());
    CHECK(small.i32("result") == 50000);
    REQUIRE(small.i32("start", {Value::from_i32(0)}) > 0);
    REQUIRE(small.wait());
    CHECK(small.exhausted == 1);
    CHECK(small.other == 0);
    CHECK(small.i32("rec", {Value::from_i32(1000)}) == 1000);
  }
}

// wasi-threads threads count against their spawner's resource limits, on
// both tiers: with room for two more instances, thread-spawn starts two
// threads and refuses the others (a negative result); once the threads have
// ended, their instances no longer count.
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

}  // namespace

TEST_CASE("wasi-threads: thread-spawn is refused past the spawner's instance limit") {
  for (Tier tier : {Tier::kInterp, Tier::kJit}) {
    CAPTURE(static_cast<int>(tier));
    Engine engine(EngineConfig{.tier = tier});
    WasiThreads threads(engine, test::threads_module("hold_threads.wasm"), {}, {});
    Store store(engine);
    Linker linker;
    REQUIRE(threads.define(linker, store).ok());
    auto i = store.instantiate(test::threads_module("hold_threads.wasm"), linker);
    REQUIRE(i.ok());
    auto call = [&](const char* name, std::vector<Value> args = {}) {
      CallResult r = store.call((*i)->func(name), args);
      REQUIRE(r.ok());
      return r.values.empty() ? 0 : static_cast<int32_t>(r.values[0].i32);
    };
    store.set_limits(StoreLimits{.instances = 3});  // the main instance and two threads
    CHECK(call("start", {Value::from_i32(4)}) == 2);
    REQUIRE(wait_for([&] { return call("running") == 2; }, 10s));
    call("release");
    REQUIRE(wait_for([&] { return call("running") == 0; }, 10s));
    // A thread's store, and its instance, go as the thread ends (just after
    // it returns): then two threads start again (released, they end at once).
    CHECK(wait_for([&] { return call("start", {Value::from_i32(2)}) == 2; }, 10s));
    REQUIRE(wait_for([&] { return call("running") == 0; }, 10s));
    std::this_thread::sleep_for(50ms);  // the threads' stores go after they return
  }
}

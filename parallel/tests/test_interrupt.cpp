// Interruption and fuel in wasi-parallel kernels, on the sequential and CPU
// devices (the GPU device's launches: test_gpu_device.cpp): the workers'
// stores take the caller's epoch deadline, so a parallel_exec of 2^32 - 1
// iterations returns the trap "interrupted" soon after the engine's epoch
// passes it, and kernel instances draw from the caller's fuel.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "fixture.h"

using namespace wpvm;
using namespace wpvm::parallel::test;
using namespace std::chrono_literals;

namespace {

EngineConfig with(bool fuel, bool epoch) {
  EngineConfig config = test_engine_config();
  config.consume_fuel = fuel;
  config.epoch_interruption = epoch;
  return config;
}

}  // namespace

TEST_CASE("an interruption stops every worker of a 2^32 - 1 iteration launch") {
  for (uint32_t hint : {kSeq, kCpu}) {
    CAPTURE(hint);
    Fixture f("caller", Fixture::config_of(0, false, "auto"), with(false, true));
    uint32_t dev = f.device(hint);
    uint32_t len = f.put_kernel("k_nop");
    uint32_t out = f.buffer(dev, kData, 16);
    f.store.set_epoch_deadline(1);
    std::thread ticker([&] {
      std::this_thread::sleep_for(100ms);
      f.engine.increment_epoch();
    });
    auto start = std::chrono::steady_clock::now();
    CallResult r = f.exec_raw(dev, len, UINT32_MAX, 1, {}, {out});
    ticker.join();
    REQUIRE_FALSE(r.ok());
    CHECK(r.trap->kind == TrapKind::kInterrupted);
    CHECK(std::chrono::steady_clock::now() - start < 10s);
    // The store and the device stay usable.
    f.store.set_epoch_deadline(1);
    CHECK(f.exec(dev, len, 1000, 1, {}, {out}) == WASI_PARALLEL_SUCCESS);
  }
}

TEST_CASE("kernel instances draw from the caller's fuel") {
  for (uint32_t hint : {kSeq, kCpu}) {
    CAPTURE(hint);
    Fixture f("caller", Fixture::config_of(0, false, "auto"), with(true, false));
    REQUIRE(f.store.set_fuel(UINT64_MAX).ok());
    uint32_t dev = f.device(hint);
    uint32_t len = f.put_kernel("k_trivial");
    uint32_t out = f.buffer(dev, kData, 4 * 100);
    REQUIRE(f.store.set_fuel(10'000).ok());
    CHECK(f.exec(dev, len, 100, 1, {}, {out}) == WASI_PARALLEL_SUCCESS);
    // The caller's wrapper (9 local.get and the call), then 9 units per
    // iteration (k_trivial's one segment): the same on every device.
    CHECK(*f.store.get_fuel() == 10'000 - 10 - 100 * 9);
    for (uint32_t i = 0; i < 100; ++i) REQUIRE(f.u32(kData + 4 * i) == i + 1);
    // Too little for the launch: the kernel traps, the caller has none left.
    REQUIRE(f.store.set_fuel(50).ok());
    CallResult r = f.exec_raw(dev, len, 100, 1, {}, {out});
    REQUIRE_FALSE(r.ok());
    CHECK(r.trap->kind == TrapKind::kOutOfFuel);
    CHECK(*f.store.get_fuel() == 0);
  }
}

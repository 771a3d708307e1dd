// Kernel instances count against the caller's resource limits, on the
// sequential and CPU devices (a GPU device's CPU fallback:
// test_gpu_device.cpp): a store limited to the instances it holds cannot
// instantiate a kernel (parallel_exec and 2021 parallel_for return
// out_of_memory with the reason), raising the limit lets the same call run,
// and a kernel's memory.grow of the caller's memory is asked of the caller's
// limiter.
#include <doctest/doctest.h>

#include "fixture.h"

using namespace wpvm;
using namespace wpvm::parallel::test;

TEST_CASE("a kernel instance is refused by the caller's instance limit: out_of_memory") {
  for (uint32_t hint : {kSeq, kCpu}) {
    for (uint32_t threads : {1u, 4u}) {
      CAPTURE(hint);
      CAPTURE(threads);
      Fixture f("caller", threads);
      uint32_t dev = f.device(hint);
      uint32_t len = f.put_kernel("k_trivial");
      uint32_t out = f.buffer(dev, kData, 4 * 64);
      f.store.set_limits(StoreLimits{.instances = 1});  // the caller's own
      CHECK(f.exec(dev, len, 64, 1, {}, {out}) == WASI_PARALLEL_ENOMEM);
      CHECK(f.last_error_has("would make 2 instances in the store, more than its limit of 1"));
      CHECK(f.u32(kData) == 0);  // nothing ran
      f.store.set_limits(StoreLimits{.instances = 1 + threads});
      CHECK(f.exec(dev, len, 64, 1, {}, {out}) == WASI_PARALLEL_SUCCESS);
      for (uint32_t i = 0; i < 64; ++i) REQUIRE(f.u32(kData + 4 * i) == i + 1);
      if (hint == kSeq) {
        // The one worker keeps its kernel instance for the next call, and it
        // counts: the same call runs again, but the caller cannot
        // instantiate beside it.
        f.store.set_limits(StoreLimits{.instances = 2});
        CHECK(f.exec(dev, len, 64, 1, {}, {out}) == WASI_PARALLEL_SUCCESS);
        auto again = f.store.instantiate(load_module(wasm_bytes("k_nop")).value(), Linker());
        REQUIRE_FALSE(again.ok());
        CHECK(again.error().message ==
              "instantiating the module would make 3 instances in the store, more than its limit of 2 "
              "(StoreLimits::instances)");
      }
    }
  }
}

TEST_CASE("a 2021 kernel's worker copy is refused by the caller's instance limit: out_of_memory") {
  for (uint32_t threads : {1u, 4u}) {
    CAPTURE(threads);
    Fixture f("prog2021", threads);
    uint32_t dev = f.device(0);
    uint32_t b = f.buffer(dev, kData, 4 * 8);
    f.put_u32(kOutList, b);
    f.store.set_limits(StoreLimits{.instances = 1});
    CHECK(f.call("parallel_for", {1, 8, 1, kInList, 0, kOutList, 1}) == WASI_PARALLEL_ENOMEM);
    // Workers copy at once and each count is added before it is checked (so
    // that no two pass a limit together): the count a refusal names may
    // include another worker's copy in flight.
    CHECK(f.last_error_has("copying the instance would make "));
    CHECK(f.last_error_has(" instances in the store, more than its limit of 1"));
    // The copy's table counts as one of the caller's tables too.
    f.store.set_limits(StoreLimits{.instances = 1 + threads, .tables = 1});
    CHECK(f.call("parallel_for", {1, 8, 1, kInList, 0, kOutList, 1}) == WASI_PARALLEL_ENOMEM);
    CHECK(f.last_error_has("tables in the store, more than its limit of 1"));
    f.store.set_limits(StoreLimits{.instances = 1 + threads, .tables = 1 + threads});
    CHECK(f.call("parallel_for", {1, 8, 1, kInList, 0, kOutList, 1}) == WASI_PARALLEL_SUCCESS);
  }
}

TEST_CASE("a kernel's memory.grow of the caller's memory is held to the caller's limits") {
  for (uint32_t hint : {kSeq, kCpu}) {
    CAPTURE(hint);
    Fixture f("caller");
    uint32_t dev = f.device(hint);
    uint32_t len = f.put_kernel("k_grow");
    uint32_t out = f.buffer(dev, kData, 4 * 4);
    uint64_t pages = f.mem->pages();
    f.store.set_limits(StoreLimits{.memory_size = pages * 65536});
    CHECK(f.exec(dev, len, 4, 1, {}, {out}) == WASI_PARALLEL_SUCCESS);
    for (uint32_t i = 0; i < 4; ++i) CHECK(f.u32(kData + 4 * i) == 0xffffffffu);
    CHECK(f.mem->pages() == pages);
    // Room for two more pages: two iterations grow, the others get -1.
    f.store.set_limits(StoreLimits{.memory_size = (pages + 2) * 65536});
    CHECK(f.exec(dev, len, 4, 1, {}, {out}) == WASI_PARALLEL_SUCCESS);
    uint32_t grown = 0;
    for (uint32_t i = 0; i < 4; ++i) grown += f.u32(kData + 4 * i) != 0xffffffffu;
    CHECK(grown == 2);
    CHECK(f.mem->pages() == pages + 2);
  }
}

// The Wasm stack budget (EngineConfig::max_wasm_stack) in wasi-parallel
// kernels: a CPU-device worker's native stack holds the whole budget (a
// kernel there recurses as deep as one on the caller's own thread, which
// oneTBB's default worker stack of 4 MiB would not allow), and a kernel
// recursing without end returns the trap "call stack exhausted" from the
// parallel call on the sequential and CPU devices, leaving both usable.
#include <doctest/doctest.h>

#include "fixture.h"

using namespace wpvm;
using namespace wpvm::parallel::test;

namespace {

struct Deep {
  Fixture f{"caller", Fixture::config_of(2, false, "auto"), test_engine_config()};
  uint32_t len = f.put_kernel("k_deep");

  // Runs `n` iterations of k_deep to `depth` on the device: true if they
  // returned depth, false if one trapped "call stack exhausted".
  bool runs(uint32_t dev, uint32_t depth, uint32_t n = 1) {
    f.put_u32(kData, depth);
    f.put_u32(kData + 4, 0);
    uint32_t b = f.buffer(dev, kData, 8);
    CallResult r = f.exec_raw(dev, len, n, 1, {}, {b});
    if (!r.ok()) {
      CHECK(r.trap->kind == TrapKind::kCallStackExhausted);
      return false;
    }
    CHECK(r.values.at(0).i32 == WASI_PARALLEL_SUCCESS);
    REQUIRE(f.call("read_buffer", {b, kData, 8}) == WASI_PARALLEL_SUCCESS);
    CHECK(f.u32(kData + 4) == depth);
    return true;
  }
  // The deepest recursion that runs on the device.
  uint32_t max_depth(uint32_t dev) {
    uint32_t lo = 0, hi = 1u << 24;
    REQUIRE_FALSE(runs(dev, hi));
    while (hi - lo > 1) {
      uint32_t mid = lo + (hi - lo) / 2;
      (runs(dev, mid) ? lo : hi) = mid;
    }
    return lo;
  }
};

}  // namespace

TEST_CASE("a kernel recursing without end traps \"call stack exhausted\" on the sequential and CPU devices") {
  for (uint32_t hint : {kSeq, kCpu}) {
    CAPTURE(hint);
    Deep d;
    uint32_t dev = d.f.device(hint);
    CHECK_FALSE(d.runs(dev, UINT32_MAX));
    CHECK(d.runs(dev, 50000));
    CHECK_FALSE(d.runs(dev, UINT32_MAX));
    CHECK(d.runs(dev, 1000));
  }
}

TEST_CASE("a CPU-device worker's stack holds the budget: a kernel there recurses as deep as on the caller's thread") {
  Deep d;
  // The sequential device runs the kernel on the caller's thread (the test's
  // main thread, 8 MiB of stack), nested in the caller's call.
  uint32_t seq = d.f.device(kSeq), cpu = d.f.device(kCpu);
  uint32_t on_caller = d.max_depth(seq);
  CAPTURE(on_caller);
  CHECK(on_caller > 50000);
  // Enough iterations that the calling thread, which takes part, does not
  // run them all: the pool's workers run the rest.
  CHECK(d.runs(cpu, on_caller / 10 * 9, 64));
}

// The 2021 generation: parallel_for with a funcref kernel from the caller's
// exported table, run in worker copies with their own mutable globals, and
// the 2021 device enum for modules that import parallel_for.
#include "fixture.h"

namespace wpvm::parallel::test {

TEST_CASE("a 2021 program reads get_device hints with the 2021 enum") {
  Fixture f("prog2021");
  CHECK(is_2021_program(f.inst->module()));
  CHECK(f.host().device_kind(f.device(0)) == DeviceKind::kCpu);  // 2021 CPU = 0
  CHECK(gpu_or_cpu(f.host().device_kind(f.device(1))));          // 2021 DISCRETE_GPU = 1
  CHECK(gpu_or_cpu(f.host().device_kind(f.device(2))));          // 2021 INTEGRATED_GPU = 2
  CHECK(f.host().device_kind(f.device(3)) == DeviceKind::kCpu);  // unknown: the default
  Fixture current("caller");
  CHECK_FALSE(is_2021_program(current.inst->module()));
  CHECK(current.host().device_kind(current.device(0)) == DeviceKind::kSequential);
}

TEST_CASE("parallel_for runs a funcref kernel with per-worker globals") {
  for (uint32_t threads : {1u, 2u, 4u}) {
    CAPTURE(threads);
    Fixture f("prog2021", threads);
    uint32_t dev = f.device(0);
    constexpr uint32_t kN = 64;
    uint32_t b = f.buffer(dev, kData, 4 * kN);
    f.put_u32(kOutList, b);
    REQUIRE(f.call("parallel_for", {1, kN, 1, kInList, 0, kOutList, 1}) == WASI_PARALLEL_SUCCESS);
    // Each worker's copy of g started at the caller's 100 and counted its own
    // calls: every value is thread_id*10 + 100 + k for some 1 <= k <= kN.
    uint32_t max_k = 0;
    for (uint32_t i = 0; i < kN; ++i) {
      uint32_t v = f.u32(kData + 4 * i);
      REQUIRE(v > i * 10 + 100);
      REQUIRE(v <= i * 10 + 100 + kN);
      max_k = std::max(max_k, v - i * 10 - 100);
    }
    if (threads == 1) CHECK(max_k == kN);  // one worker saw every call
    // The caller's own global is untouched: the workers had copies.
    CHECK(f.inst->global("g")->get().i32 == 100);
  }
}

TEST_CASE("parallel_for errors") {
  Fixture f("prog2021");
  uint32_t dev = f.device(0);
  uint32_t b = f.buffer(dev, kData, 64);
  f.put_u32(kOutList, b);
  CHECK(f.call("parallel_for", {2, 4, 1, kInList, 0, kOutList, 1}) == WASI_PARALLEL_EKERNEL);  // wrong type
  CHECK(f.call("parallel_for", {0, 4, 1, kInList, 0, kOutList, 1}) == WASI_PARALLEL_EKERNEL);  // null entry
  CHECK(f.call("parallel_for", {9, 4, 1, kInList, 0, kOutList, 1}) == WASI_PARALLEL_EKERNEL);  // past the table
  CHECK(f.call("parallel_for", {1, 4, 1, kInList, 0, kOutList, 0}) == WASI_PARALLEL_EKERNEL);  // buffer count
  CHECK(f.call("parallel_for", {1, 4, 1, kInList, 0, 0xfffffffeu, 1}) == WASI_PARALLEL_EOUTOFBOUNDS);
  f.put_u32(kOutList, b ^ 1);
  CHECK(f.call("parallel_for", {1, 4, 1, kInList, 0, kOutList, 1}) == WASI_PARALLEL_EBADHANDLE);
  f.put_u32(kOutList, b);
  CHECK(f.call("parallel_for", {1, 0, 1, kInList, 0, kOutList, 1}) == WASI_PARALLEL_SUCCESS);  // nothing to run
  CHECK(f.u32(kData) == 0);
}

TEST_CASE("a kernel that calls parallel_for or a buffer function gets invalid_argument at once") {
  for (uint32_t threads : {1u, 2u, 4u}) {
    CAPTURE(threads);
    Fixture f("prog2021_nested", threads);
    uint32_t dev = f.device(0);  // 2021 CPU
    constexpr uint32_t kN = 16;
    uint32_t b = f.buffer(dev, kData, 4 * kN);
    f.put_u32(kOutList, b);
    REQUIRE(f.call("parallel_for", {1, kN, 1, kInList, 0, kOutList, 1}) == WASI_PARALLEL_SUCCESS);
    for (uint32_t i = 0; i < kN; ++i) CHECK(f.u32(kData + 4 * i) == 100 * WASI_PARALLEL_EINVAL + WASI_PARALLEL_EINVAL);
    CHECK(f.last_error_has("inside a kernel"));
    // The host is still usable afterwards.
    REQUIRE(f.call("parallel_for", {1, 1, 1, kInList, 0, kOutList, 1}) == WASI_PARALLEL_SUCCESS);
  }
}

TEST_CASE("parallel_for: launches whose num_threads * block_size overflow 32 bits are invalid_argument") {
  Fixture f("prog2021");
  uint32_t b = f.buffer(f.device(0), kData, 64);
  f.put_u32(kOutList, b);
  CHECK(f.call("parallel_for", {1, 65536, 65536, kInList, 0, kOutList, 1}) == WASI_PARALLEL_EINVAL);
  CHECK(f.u32(kData) == 0);
}

}  // namespace wpvm::parallel::test

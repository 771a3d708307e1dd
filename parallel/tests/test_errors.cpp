// Every errno of the contract provoked at least once, opaque handles, the
// kernel rules with their reasons, and a kernel that traps in one iteration.
#include "fixture.h"
#include "test_bytes.h"

namespace wpvm::parallel::test {

namespace {
bool logged(const Fixture& f, const std::string& part) {
  for (const std::string& l : f.log)
    if (l.find(part) != std::string::npos) return true;
  return false;
}
}  // namespace

TEST_CASE("get_device never fails on its hint and gives opaque handles") {
  Fixture f;
  uint32_t seq = f.device(kSeq), cpu = f.device(kCpu);
  CHECK(f.host().device_kind(seq) == DeviceKind::kSequential);
  CHECK(f.host().device_kind(cpu) == DeviceKind::kCpu);
  // GPU hints: a GPU device, or the CPU device where there is none.
  for (uint32_t hint : {2u, 3u}) CHECK(gpu_or_cpu(f.host().device_kind(f.device(hint))));
  // Unknown hints: the default device, the CPU device.
  for (uint32_t hint : {4u, 0xffffffffu}) CHECK(f.host().device_kind(f.device(hint)) == DeviceKind::kCpu);
  CHECK(seq != cpu);
  for (uint32_t h : {0u, 1u, 2u, 3u}) CHECK_FALSE(f.host().device_kind(h).has_value());
  CHECK(f.call("get_device", {kCpu, 0xfffffffcu}) == WASI_PARALLEL_EOUTOFBOUNDS);
}

TEST_CASE("invalid_argument") {
  Fixture f;
  uint32_t dev = f.device(kCpu);
  CHECK(f.call("create_buffer", {dev, 64, 3, kOut}) == WASI_PARALLEL_EINVAL);  // unknown access kind
  CHECK(f.last_error_has("buffer_access_kind"));
  REQUIRE(f.call("create_buffer", {dev, 64, WASI_PARALLEL_ACCESS_READ, kOut}) == WASI_PARALLEL_SUCCESS);
  uint32_t b = f.u32(kOut);
  CHECK(f.call("write_buffer", {kData, 63, b}) == WASI_PARALLEL_EINVAL);  // length != size
  CHECK(f.call("read_buffer", {b, kData, 64}) == WASI_PARALLEL_EINVAL);   // never written: no address
  uint32_t len = f.put_kernel("k_trivial");
  CHECK(f.exec(dev, len, 4, 1, {}, {b}) == WASI_PARALLEL_EINVAL);        // idem, as a kernel buffer
  REQUIRE(f.call("write_buffer", {kData, 64, b}) == WASI_PARALLEL_SUCCESS);
  CHECK(f.call("read_buffer", {b, kData, 65}) == WASI_PARALLEL_EINVAL);
}

TEST_CASE("invalid_argument: launches whose num_iterations * block_size overflow 32 bits, on every device") {
  for (uint32_t hint : {kSeq, kCpu, kGpu}) {
    CAPTURE(hint);
    Fixture f("caller", 0, false, hint == kGpu ? test_gpu_or_auto() : "auto");
    uint32_t dev = f.device(hint);
    uint32_t b = f.buffer(dev, kData, 64);
    uint32_t len = f.put_kernel("k_trivial");
    CHECK(f.exec(dev, len, 65536, 65536, {}, {b}) == WASI_PARALLEL_EINVAL);
    CHECK(f.last_error_has("does not fit in 32 bits"));
    CHECK(f.exec(dev, len, 0xffffffffu, 2, {}, {b}) == WASI_PARALLEL_EINVAL);
    CHECK(f.u32(kData) == 0);  // nothing ran
    CHECK(f.exec(dev, len, 16, 0x0fffffffu, {}, {b}) == WASI_PARALLEL_SUCCESS);  // 2^32 - 16 fits
  }
}

TEST_CASE("invalid_argument: distinct buffers of one call that overlap in memory, on every device") {
  for (uint32_t hint : {kSeq, kCpu, kGpu}) {
    CAPTURE(hint);
    Fixture f("caller", 0, false, hint == kGpu ? test_gpu_or_auto() : "auto");
    uint32_t dev = f.device(hint);
    uint32_t len = f.put_kernel("k_sum");
    // Two buffers uploaded through one reused staging region.
    uint32_t a = f.buffer(dev, kData, 64, WASI_PARALLEL_ACCESS_READ);
    uint32_t b = f.buffer(dev, kData, 64, WASI_PARALLEL_ACCESS_WRITE);
    CHECK(f.exec(dev, len, 4, 4, {a}, {b}) == WASI_PARALLEL_EINVAL);
    CHECK(f.last_error_has("overlap"));
    // Partly overlapping regions too.
    uint32_t d = f.buffer(dev, kData + 60, 64, WASI_PARALLEL_ACCESS_WRITE);
    CHECK(f.exec(dev, len, 4, 4, {a}, {d}) == WASI_PARALLEL_EINVAL);
    // Adjacent regions do not overlap; one buffer passed twice is one buffer.
    uint32_t e = f.buffer(dev, kData + 64, 64, WASI_PARALLEL_ACCESS_WRITE);
    CHECK(f.exec(dev, len, 4, 4, {a}, {e}) == WASI_PARALLEL_SUCCESS);
    CHECK(f.exec(dev, len, 4, 4, {a}, {a}) == WASI_PARALLEL_SUCCESS);
  }
}

TEST_CASE("invalid_handle") {
  Fixture f;
  uint32_t seq = f.device(kSeq), cpu = f.device(kCpu);
  CHECK(f.call("create_buffer", {12345, 64, 0, kOut}) == WASI_PARALLEL_EBADHANDLE);
  uint32_t b = f.buffer(cpu, kData, 64);
  CHECK(f.call("create_buffer", {b, 64, 0, kOut}) == WASI_PARALLEL_EBADHANDLE);  // a buffer is no device
  CHECK(f.call("write_buffer", {kData, 64, cpu}) == WASI_PARALLEL_EBADHANDLE);   // a device is no buffer
  CHECK(f.call("read_buffer", {b + 1, kData, 64}) == WASI_PARALLEL_EBADHANDLE);
  uint32_t len = f.put_kernel("k_trivial");
  CHECK(f.exec(seq, len, 4, 1, {}, {b}) == WASI_PARALLEL_EBADHANDLE);  // buffer of another device
  CHECK(f.exec(7, len, 4, 1, {}, {b}) == WASI_PARALLEL_EBADHANDLE);
  CHECK(f.exec(cpu, len, 4, 1, {}, {0}) == WASI_PARALLEL_EBADHANDLE);
}

TEST_CASE("out_of_bounds: every pointer/length pair is checked") {
  Fixture f;
  uint32_t dev = f.device(kCpu);
  const uint32_t end = static_cast<uint32_t>(f.mem->size_bytes());
  CHECK(f.call("create_buffer", {dev, 64, 0, end - 3}) == WASI_PARALLEL_EOUTOFBOUNDS);
  REQUIRE(f.call("create_buffer", {dev, 64, 0, kOut}) == WASI_PARALLEL_SUCCESS);
  uint32_t b = f.u32(kOut);
  CHECK(f.call("write_buffer", {end - 63, 64, b}) == WASI_PARALLEL_EOUTOFBOUNDS);
  CHECK(f.call("write_buffer", {0xffffffc0u, 64, b}) == WASI_PARALLEL_EOUTOFBOUNDS);
  REQUIRE(f.call("write_buffer", {end - 64, 64, b}) == WASI_PARALLEL_SUCCESS);  // the last 64 bytes are fine
  CHECK(f.call("read_buffer", {b, end - 32, 64}) == WASI_PARALLEL_EOUTOFBOUNDS);
  uint32_t len = f.put_kernel("k_trivial");
  CHECK(f.call("parallel_exec", {dev, end - 8, len, 1, 1, kInList, 0, kOutList, 0}) == WASI_PARALLEL_EOUTOFBOUNDS);
  CHECK(f.call("parallel_exec", {dev, kKernelAt, len, 1, 1, end - 4, 2, kOutList, 0}) ==
        WASI_PARALLEL_EOUTOFBOUNDS);
  CHECK(f.call("parallel_exec", {dev, kKernelAt, len, 1, 1, kInList, 0, 0, 0x40000000u}) ==
        WASI_PARALLEL_EOUTOFBOUNDS);
}

TEST_CASE("out_of_memory: a buffer the caller's memory can never hold") {
  Fixture f("caller_bounded");
  uint32_t dev = f.device(kCpu);
  CHECK(f.call("create_buffer", {dev, 65537, 0, kOut}) == WASI_PARALLEL_ENOMEM);
  CHECK(f.call("create_buffer", {dev, 65536, 0, kOut}) == WASI_PARALLEL_SUCCESS);
}

TEST_CASE("invalid_kernel, each rule with its reason") {
  struct Case {
    const char* kernel;
    const char* reason;
  };
  const Case cases[] = {
      {"k_data", "data segment 0 is active"},
      {"k_start", "start function"},
      {"k_imports", "exactly one thing, a memory"},
      {"k_shape", "\"kernel\" export must have the type"},
      {"k_big_memory", "cannot hold the caller's memory"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.kernel);
    Fixture f;
    uint32_t dev = f.device(kSeq);
    uint32_t b = f.buffer(dev, kData, 64);
    uint32_t len = f.put_kernel(c.kernel);
    CHECK(f.exec(dev, len, 4, 1, {}, {b}) == WASI_PARALLEL_EKERNEL);
    CHECK(f.last_error_has(c.reason));
    CHECK(logged(f, c.reason));  // said on the log (stderr by default), not only stored
    CHECK(f.u32(16) == 0);       // nothing of the kernel ran or was copied
  }
  SUBCASE("bytes that do not decode") {
    Fixture f;
    uint32_t dev = f.device(kCpu);
    f.put(kKernelAt, "\0asm\x02\0\0\0", 8);
    CHECK(f.exec(dev, 8, 1, 1, {}, {}) == WASI_PARALLEL_EKERNEL);
  }
  SUBCASE("a buffer count that does not match the kernel's parameters") {
    Fixture f;
    uint32_t dev = f.device(kCpu);
    uint32_t b = f.buffer(dev, kData, 64);
    uint32_t len = f.put_kernel("k_trivial");
    CHECK(f.exec(dev, len, 4, 1, {b}, {b}) == WASI_PARALLEL_EKERNEL);
    CHECK(f.last_error_has("takes 1 buffers, parallel_exec passes 2"));
  }
}

TEST_CASE("kernel tables count against the engine's table limit and are allocated lazily") {
  for (uint32_t hint : {kSeq, kCpu}) {
    CAPTURE(hint);
    Fixture f("caller", 2);
    uint32_t dev = f.device(hint);
    constexpr uint32_t kN = 64;
    uint32_t b = f.buffer(dev, kData, 4 * kN);
    uint32_t len = f.put_kernel("k_big_table");
    CHECK(f.exec(dev, len, kN, 1, {}, {b}) == WASI_PARALLEL_EKERNEL);
    CHECK(f.last_error_has("exceeds the limit"));
    // Within the limit: every worker instantiates it without paying for the
    // 5,000,000 null elements (a few KiB each, not 40 MB). The workers,
    // their stores and stacks are started first, so that only the kernel's
    // instances are measured.
    REQUIRE(f.exec(dev, f.put_kernel("k_nop"), kN, 1, {}, {b}) == WASI_PARALLEL_SUCCESS);
    uint64_t before = wpvm::test::rss_bytes();
    uint32_t sparse = f.put_kernel("k_sparse_table");
    REQUIRE(f.exec(dev, sparse, kN, 1, {}, {b}) == WASI_PARALLEL_SUCCESS);
    for (uint32_t i = 0; i < kN; ++i) CHECK(f.u32(kData + 4 * i) == 7 + i);
    CHECK(wpvm::test::rss_bytes() - before < uint64_t{20} << 20);
  }
}

TEST_CASE("device_error: the device cannot set the kernel up") {
  for (uint32_t hint : {kSeq, kCpu}) {
    CAPTURE(hint);
    Fixture f;
    uint32_t dev = f.device(hint);
    uint32_t b = f.buffer(dev, kData, 64);
    uint32_t len = f.put_kernel("k_elem_oob");
    CHECK(f.exec(dev, len, 4, 1, {}, {b}) == WASI_PARALLEL_EDEVICE);
    CHECK(f.last_error_has("out of bounds table access"));
  }
}

TEST_CASE("a kernel that traps in one iteration traps the caller and cancels the rest") {
  for (uint32_t hint : {kSeq, kCpu}) {
    CAPTURE(hint);
    Fixture f;
    uint32_t dev = f.device(hint);
    constexpr uint32_t kN = 4096;
    uint32_t b = f.buffer(dev, kData, 4 * kN);
    uint32_t len = f.put_kernel("k_trap");
    CallResult r = f.exec_raw(dev, len, kN, 1, {}, {b});
    REQUIRE_FALSE(r.ok());
    CHECK(r.trap->kind == TrapKind::kIntegerDivideByZero);
    CHECK(r.trap->to_string().find("iteration 5 of 4096") != std::string::npos);
    CHECK(f.u32(kData + 4 * 5) == 0);  // the trapping iteration stored nothing
    if (hint == kSeq) {
      CHECK(f.u32(kData + 4 * 4) == 5);  // in order: the ones before ran,
      CHECK(f.u32(kData + 4 * 6) == 0);  // the ones after were cancelled
    }  // (on the CPU device how many others ran before the cancel is a race)
    // An out-of-bounds store traps the same way (on the JIT tier through the
    // guard-page fault handler, on a worker thread).
    uint32_t oob = f.put_kernel("k_oob");
    CallResult o = f.exec_raw(dev, oob, kN, 1, {}, {b});
    REQUIRE_FALSE(o.ok());
    CHECK(o.trap->kind == TrapKind::kMemoryOutOfBounds);
    CHECK(o.trap->to_string().find("iteration 3 of 4096") != std::string::npos);
    // The caller survives the traps and can run the next job.
    uint32_t ok = f.put_kernel("k_trivial");
    CHECK(f.exec(dev, ok, kN, 1, {}, {b}) == WASI_PARALLEL_SUCCESS);
    CHECK(f.u32(kData + 4 * 5) == 6);
  }
}

TEST_CASE("the trap reported is the lowest trapping iteration on every device, whatever traps first in time") {
  for (uint32_t threads : {1u, 2u, 4u}) {
    for (uint32_t hint : {kSeq, kCpu, kGpu}) {
      CAPTURE(threads);
      CAPTURE(hint);
      Fixture f("caller", threads, false, hint == kGpu ? test_gpu_or_auto() : "auto");
      uint32_t dev = f.device(hint);
      constexpr uint32_t kN = 4096;
      uint32_t b = f.buffer(dev, kData, 4 * kN);
      uint32_t len = f.put_kernel("k_trap_two");
      CallResult r = f.exec_raw(dev, len, kN, 1, {}, {b});
      REQUIRE_FALSE(r.ok());
      CHECK(r.trap->kind == TrapKind::kUnreachable);
      CHECK(r.trap->to_string().find("iteration 1 of 4096") != std::string::npos);
      if (hint == kGpu) REQUIRE(f.call("read_buffer", {b, kData, 4 * kN}) == WASI_PARALLEL_SUCCESS);
      CHECK(f.u32(kData) == 1);      // the iteration below the trap ran to its end
      CHECK(f.u32(kData + 4) == 0);  // the trapping one stored nothing
    }
  }
}

}  // namespace wpvm::parallel::test

// What kernels compute through parallel_exec on both CPU-side devices: the
// proof-of-concept's test ideas (trivial kernel, nstream alone and through
// parallel_exec, sum of partials, buffer round trip) with real assertions.
#include <algorithm>
#include <cmath>

#include "fixture.h"
#include "test_bytes.h"
#include "interp/code.h"
#include "wpvm/jit.h"
#include "wpvm/share.h"

namespace wpvm::parallel::test {

TEST_CASE("a trivial kernel runs every iteration exactly once") {
  for (uint32_t hint : {kSeq, kCpu}) {
    CAPTURE(hint);
    Fixture f;
    uint32_t dev = f.device(hint);
    constexpr uint32_t kN = 1000;
    uint32_t out = f.buffer(dev, kData, 4 * kN);
    uint32_t len = f.put_kernel("k_trivial");
    REQUIRE(f.exec(dev, len, kN, 1, {}, {out}) == WASI_PARALLEL_SUCCESS);
    for (uint32_t i = 0; i < kN; ++i) REQUIRE(f.u32(kData + 4 * i) == i + 1);
    CHECK(f.u32(kData + 4 * kN) == 0);  // nothing past the last iteration
  }
}

TEST_CASE("num_iterations == 0 succeeds and runs nothing") {
  Fixture f;
  uint32_t dev = f.device(kCpu);
  uint32_t out = f.buffer(dev, kData, 16);
  uint32_t len = f.put_kernel("k_trivial");
  REQUIRE(f.exec(dev, len, 0, 1, {}, {out}) == WASI_PARALLEL_SUCCESS);
  CHECK(f.u32(kData) == 0);
}

// The PRK nstream kernel (built from the guest sources) called directly on a
// memory of its own, then through parallel_exec: both give the triad.
TEST_CASE("the nstream kernel alone and through parallel_exec") {
  constexpr uint32_t kLen = 4096, kBlock = 256;
  const uint32_t a = kData, b = a + 8 * kLen, c = b + 8 * kLen;
  auto fill = [&](Memory& m) {
    for (uint32_t i = 0; i < kLen; ++i) {
      double va = 1.0, vb = i, vc = 2.0 * i;
      std::memcpy(m.data() + a + 8 * i, &va, 8);
      std::memcpy(m.data() + b + 8 * i, &vb, 8);
      std::memcpy(m.data() + c + 8 * i, &vc, 8);
    }
  };
  auto check = [&](Memory& m) {
    for (uint32_t i = 0; i < kLen; ++i) {
      double v;
      std::memcpy(&v, m.data() + a + 8 * i, 8);
      REQUIRE(v == 1.0 + i + 3.0 * (2.0 * i));
    }
  };
  SUBCASE("alone") {
    Engine engine(test_engine_config());
    Store store(engine);
    auto memory = store.create_memory(MemoryType{Limits{8, 65536, true}});
    REQUIRE(memory.ok());
    fill(**memory);
    Linker linker;
    linker.define("env", "memory", *memory);
    auto module = load_module(wasm_bytes("nstream_kernel"));
    REQUIRE(module.ok());
    auto inst = store.instantiate(*module, linker);
    REQUIRE(inst.ok());
    for (uint32_t id = 0; id < kLen / kBlock; ++id) {
      std::vector<Value> args;
      for (uint32_t v : {id, kLen / kBlock, kBlock, b, 8 * kLen, c, 8 * kLen, a, 8 * kLen})
        args.push_back(Value::from_i32(v));
      REQUIRE(store.call((*inst)->func("kernel"), args).ok());
    }
    check(**memory);
  }
  for (uint32_t hint : {kSeq, kCpu}) {
    SUBCASE(hint == kSeq ? "through parallel_exec, sequential" : "through parallel_exec, cpu") {
      Fixture f;
      fill(*f.mem);
      uint32_t dev = f.device(hint);
      uint32_t bb = f.buffer(dev, b, 8 * kLen, WASI_PARALLEL_ACCESS_READ);
      uint32_t cb = f.buffer(dev, c, 8 * kLen, WASI_PARALLEL_ACCESS_READ);
      uint32_t ab = f.buffer(dev, a, 8 * kLen);
      uint32_t len = f.put_kernel("nstream_kernel");
      REQUIRE(f.exec(dev, len, kLen / kBlock, kBlock, {bb, cb}, {ab}) == WASI_PARALLEL_SUCCESS);
      check(*f.mem);
    }
  }
}

TEST_CASE("a sum reduction over per-iteration partials") {
  for (uint32_t hint : {kSeq, kCpu}) {
    CAPTURE(hint);
    Fixture f;
    constexpr uint32_t kLen = 10000, kBlock = 64, kIters = (kLen + kBlock - 1) / kBlock;
    const uint32_t in = kData, partials = kData + 4 * kLen;
    uint64_t expect = 0;
    for (uint32_t i = 0; i < kLen; ++i) {
      f.put_u32(in + 4 * i, i * 7 + 1);
      expect += i * 7 + 1;
    }
    uint32_t dev = f.device(hint);
    uint32_t ib = f.buffer(dev, in, 4 * kLen, WASI_PARALLEL_ACCESS_READ);
    uint32_t pb = f.buffer(dev, partials, 4 * kIters, WASI_PARALLEL_ACCESS_WRITE);
    uint32_t len = f.put_kernel("k_sum");
    REQUIRE(f.exec(dev, len, kIters, kBlock, {ib}, {pb}) == WASI_PARALLEL_SUCCESS);
    uint64_t sum = 0;
    for (uint32_t i = 0; i < kIters; ++i) sum += f.u32(partials + 4 * i);
    CHECK(sum == expect);
    CHECK(f.u32(partials + 4 * (kIters - 1)) != 0);  // the partial last block ran
  }
}

TEST_CASE("a buffer round trip copies from the recorded region") {
  Fixture f;
  uint32_t dev = f.device(kCpu);
  const char text[] = "wasi-parallel round trip";
  f.put(kData, text, sizeof text);
  uint32_t b = f.buffer(dev, kData, sizeof text);
  REQUIRE(f.call("read_buffer", {b, kData + 0x100, sizeof text}) == WASI_PARALLEL_SUCCESS);
  CHECK(std::memcmp(f.mem->data() + kData + 0x100, text, sizeof text) == 0);
  // Reading into the region itself is a no-op, not a corruption.
  REQUIRE(f.call("read_buffer", {b, kData, sizeof text}) == WASI_PARALLEL_SUCCESS);
  CHECK(std::memcmp(f.mem->data() + kData, text, sizeof text) == 0);
}

TEST_CASE("kernels are decoded once, instantiated per worker, and start every call from their initial globals") {
  constexpr uint32_t kN = 64, kRounds = 3, kThreads = 2;
  for (uint32_t hint : {kSeq, kCpu}) {
    CAPTURE(hint);
    Fixture f("caller", kThreads);
    uint32_t dev = f.device(hint);
    uint32_t out = f.buffer(dev, kData, 4 * kN);
    uint32_t len = f.put_kernel("k_wasm_ld");  // wasm-ld's table and __stack_pointer are accepted
    for (uint32_t round = 0; round < kRounds; ++round) {
      CAPTURE(round);
      REQUIRE(f.exec(dev, len, kN, 1, {}, {out}) == WASI_PARALLEL_SUCCESS);
      uint32_t max_calls = 0;
      for (uint32_t i = 0; i < kN; ++i) max_calls = std::max(max_calls, f.u32(kData + 4 * i));
      // Each instance counts its calls in a global that every call resets:
      // the sequential device's one instance saw exactly this call's kN
      // iterations (not the earlier rounds'); on the CPU device a worker
      // runs chunks of several iterations (a per-iteration instance would
      // count 1), never more than one call's.
      if (hint == kSeq) CHECK(f.u32(kData + 4 * (kN - 1)) == kN);
      else CHECK(max_calls >= 4);
      CHECK(max_calls <= kN);
    }
    CHECK(f.parallel->cached_kernels() == 1);
  }
}

TEST_CASE("a kernel's code is built once across calls, devices and workers") {
  constexpr uint32_t kN = 512, kRounds = 3, kThreads = 4;
  uint64_t jit_compiles = jit::modules_compiled();
  Fixture f("caller", kThreads);
  uint32_t len = f.put_kernel("k_trivial");
  for (uint32_t hint : {kSeq, kCpu}) {
    CAPTURE(hint);
    uint32_t dev = f.device(hint);
    for (uint32_t round = 0; round < kRounds; ++round) {
      CAPTURE(round);
      std::memset(f.mem->data() + kData, 0, 4 * kN);
      uint32_t out = f.buffer(dev, kData, 4 * kN);
      REQUIRE(f.exec(dev, len, kN, 1, {}, {out}) == WASI_PARALLEL_SUCCESS);
      for (uint32_t i = 0; i < kN; ++i) REQUIRE(f.u32(kData + 4 * i) == i + 1);
    }
  }
  std::shared_ptr<const Module> kernel = f.host().cached_kernel_module(wasm_bytes("k_trivial"));
  REQUIRE(kernel != nullptr);
  // Its one function was built by whichever instance called it first (on the
  // JIT tier it runs as native code and the interpreter builds nothing).
  bool interp = f.engine.config().tier == Tier::kInterp;
  CHECK(interp::functions_built(*kernel) == (interp ? 1u : 0u));
  // On the JIT tier the caller's module and the kernel's compiled once each:
  // not per device, worker, instance or call.
  CHECK(jit::modules_compiled() - jit_compiles == (interp ? 0u : 2u));
}

namespace {

// `base` with a custom section appended whose payload is `size` bytes of a
// pattern starting at `tag`: a distinct kernel of about that many more bytes.
std::vector<uint8_t> with_custom_section(std::vector<uint8_t> base, uint32_t tag, uint32_t size) {
  const std::string name = "pad";
  std::vector<uint8_t> payload;
  wpvm::test::append_leb(payload, static_cast<uint32_t>(name.size()));
  payload.insert(payload.end(), name.begin(), name.end());
  for (uint32_t i = 0; i < size; ++i) payload.push_back(static_cast<uint8_t>(tag + i * 7 + (tag >> 8)));
  base.push_back(0);
  wpvm::test::append_leb(base, static_cast<uint32_t>(payload.size()));
  base.insert(base.end(), payload.begin(), payload.end());
  return base;
}

}  // namespace

TEST_CASE("the kernel cache is bounded in entries and bytes and keeps no rejected kernel") {
  Fixture f("caller", 2);
  REQUIRE(f.mem->grow(96).ok());  // room for 4 MiB kernels
  uint32_t dev = f.device(kCpu);
  uint32_t out = f.buffer(dev, kData, 64);
  std::vector<uint8_t> trivial = wasm_bytes("k_trivial");
  auto run = [&](const std::vector<uint8_t>& k) {
    f.put(kKernelAt, k.data(), k.size());
    return f.exec(dev, static_cast<uint32_t>(k.size()), 16, 1, {}, {out});
  };
  // Many distinct small kernels: at most kMaxEntries stay, each still runs.
  for (uint32_t i = 0; i < KernelCache::kMaxEntries + 44; ++i) REQUIRE(run(with_custom_section(trivial, i, 8)) == 0);
  CHECK(f.parallel->cached_kernels() == KernelCache::kMaxEntries);
  // An evicted kernel is decoded again and still runs.
  f.put_u32(kData, 0);
  CHECK(run(with_custom_section(trivial, 0, 8)) == WASI_PARALLEL_SUCCESS);
  CHECK(f.u32(kData) == 1);
  // Kernels carrying 4 MiB sections: the bytes stay under the bound.
  for (uint32_t i = 0; i < 24; ++i) {
    REQUIRE(run(with_custom_section(trivial, 1000 + i, 4u << 20)) == WASI_PARALLEL_SUCCESS);
    CHECK(f.host().cached_kernel_bytes() <= KernelCache::kMaxBytes);
  }
  CHECK(f.parallel->cached_kernels() <= KernelCache::kMaxBytes / (4u << 20));
  // Rejected kernels are not kept at all.
  size_t before = f.parallel->cached_kernels();
  size_t bytes = f.host().cached_kernel_bytes();
  std::vector<uint8_t> bad = wasm_bytes("k_data");  // breaks a rule: an active data segment
  for (uint32_t i = 0; i < 50; ++i) CHECK(run(with_custom_section(bad, i, 1024)) == WASI_PARALLEL_EKERNEL);
  CHECK(f.parallel->cached_kernels() == before);
  CHECK(f.host().cached_kernel_bytes() == bytes);
}

}  // namespace wpvm::parallel::test

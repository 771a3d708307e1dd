// The wasi-parallel GPU device through the host's six functions: GPU hints
// get it, buffers live in device memory (results appear on read_buffer), the
// PRK nstream kernel's GLSL twin agrees with the sequential device, a kernel
// without SPIR-V runs on the CPU device, and every failure has its errno and
// reason (reflection mismatches, corrupt sections, launch limits, buffers too
// large, no driver). Exits 77 (skip) when no Vulkan driver is present.
// Flags: --expect-no-driver (only the no-driver case), --require-layer NAME
// (exits 77 unless that instance layer exists).
#define DOCTEST_CONFIG_IMPLEMENT
#include <cstring>
#include <iostream>

#include "fixture.h"
#include "test_util.h"
#include "wpvm/vulkan/context.h"
#include "wpvm/vulkan/fault_injection.h"
#include "wpvm/vulkan/spirv_section.h"

namespace wpvm::parallel::test {
namespace {

constexpr uint32_t kGpu = WASI_PARALLEL_DEVICE_DISCRETE_GPU;
constexpr uint32_t kIgpu = WASI_PARALLEL_DEVICE_INTEGRATED_GPU;
constexpr uint32_t kLen = 4096, kBlock = 256;
constexpr uint32_t kA = kData, kB = kA + 8 * kLen, kC = kB + 8 * kLen;

bool is_gpu(std::optional<DeviceKind> k) {
  return k == DeviceKind::kDiscreteGpu || k == DeviceKind::kIntegratedGpu;
}

std::vector<uint8_t> spirv_bytes(const std::string& shader) {
  std::vector<uint32_t> words = vulkan::testing::load_spirv(shader);
  REQUIRE_MESSAGE(!words.empty(), shader);
  std::vector<uint8_t> bytes(words.size() * 4);
  std::memcpy(bytes.data(), words.data(), bytes.size());
  return bytes;
}

// The PRK nstream kernel with its own SPIR-V replaced by `spirv` (or none).
std::vector<uint8_t> nstream_with(std::optional<std::vector<uint8_t>> spirv) {
  auto plain = vulkan::remove_spirv_sections(wasm_bytes("nstream_kernel"), 0);
  REQUIRE(plain.ok());
  if (!spirv) return *plain;
  auto with = vulkan::append_spirv_section(*plain, 0, *spirv);
  REQUIRE(with.ok());
  return *with;
}

// A raw `wasi-parallel` custom section (any payload, even a broken one).
std::vector<uint8_t> with_raw_section(std::vector<uint8_t> wasm, std::span<const uint8_t> payload) {
  const std::string name(vulkan::kSpirvSectionName);
  std::vector<uint8_t> body{static_cast<uint8_t>(name.size())};
  body.insert(body.end(), name.begin(), name.end());
  body.insert(body.end(), payload.begin(), payload.end());
  REQUIRE(body.size() < 128);  // one-byte LEB size
  wasm.push_back(0);
  wasm.push_back(static_cast<uint8_t>(body.size()));
  wasm.insert(wasm.end(), body.begin(), body.end());
  return wasm;
}

void fill(Fixture& f) {
  for (uint32_t i = 0; i < kLen; ++i) {
    double va = 1.0, vb = i, vc = 2.0 * i;
    f.put(kA + 8 * i, &va, 8);
    f.put(kB + 8 * i, &vb, 8);
    f.put(kC + 8 * i, &vc, 8);
  }
}

double a_at(Fixture& f, uint32_t i) {
  double v;
  std::memcpy(&v, f.mem->data() + kA + 8 * i, 8);
  return v;
}

// nstream (a += b + 3c) over kLen elements with `kernel`; the errno, and the
// output buffer handle in `out`.
uint32_t run_nstream(Fixture& f, uint32_t dev, const std::vector<uint8_t>& kernel, uint32_t& out,
                     uint32_t n = kLen / kBlock, uint32_t bs = kBlock) {
  fill(f);
  uint32_t b = f.buffer(dev, kB, 8 * kLen, WASI_PARALLEL_ACCESS_READ);
  uint32_t c = f.buffer(dev, kC, 8 * kLen, WASI_PARALLEL_ACCESS_READ);
  out = f.buffer(dev, kA, 8 * kLen);
  f.put(kKernelAt, kernel.data(), kernel.size());
  return f.exec(dev, static_cast<uint32_t>(kernel.size()), n, bs, {b, c}, {out});
}

TEST_CASE("GPU hints get the Vulkan device; the PRK nstream twin agrees with SEQUENTIAL") {
  std::vector<double> seq(kLen);
  {
    Fixture f;
    uint32_t out = 0;
    REQUIRE(run_nstream(f, f.device(kSeq), wasm_bytes("nstream_kernel"), out) == WASI_PARALLEL_SUCCESS);
    for (uint32_t i = 0; i < kLen; ++i) seq[i] = a_at(f, i);
  }
  for (uint32_t hint : {kGpu, kIgpu}) {
    CAPTURE(hint);
    Fixture f("caller", 0, true);
    uint32_t dev = f.device(hint);
    REQUIRE(is_gpu(f.host().device_kind(dev)));
    uint32_t out = 0;
    REQUIRE(run_nstream(f, dev, wasm_bytes("nstream_kernel"), out) == WASI_PARALLEL_SUCCESS);
    CHECK(f.logged("pipeline built for a SPIR-V kernel (3 buffers"));
    // Device memory: the caller's copy is untouched until read_buffer.
    CHECK(a_at(f, 7) == 1.0);
    REQUIRE(f.call("read_buffer", {out, kA, 8 * kLen}) == WASI_PARALLEL_SUCCESS);
    for (uint32_t i = 0; i < kLen; ++i) REQUIRE(a_at(f, i) == seq[i]);
    CHECK(seq[7] == 1.0 + 7 + 3.0 * 14);
  }
}

TEST_CASE("both GPU hints share one device per Vulkan device") {
  Fixture f;
  uint32_t gpu = f.device(kGpu), igpu = f.device(kIgpu);
  if (vulkan::list_devices().size() == 1) CHECK(gpu == igpu);
  CHECK(gpu != f.device(kCpu));
}

TEST_CASE("a kernel without SPIR-V runs on the CPU device over the GPU buffers") {
  Fixture f("caller", 0, true);
  uint32_t dev = f.device(kGpu);
  uint32_t out = 0;
  REQUIRE(run_nstream(f, dev, nstream_with(std::nullopt), out) == WASI_PARALLEL_SUCCESS);
  CHECK(f.logged("carries no SPIR-V: the CPU device runs it"));
  // Run again: the second launch must start from the device's contents.
  uint32_t len = static_cast<uint32_t>(nstream_with(std::nullopt).size());
  REQUIRE(f.exec(dev, len, kLen / kBlock, kBlock, {f.u32(kInList), f.u32(kInList + 4)}, {out}) ==
          WASI_PARALLEL_SUCCESS);
  double zero = 0;
  for (uint32_t i = 0; i < kLen; ++i) f.put(kA + 8 * i, &zero, 8);
  REQUIRE(f.call("read_buffer", {out, kA, 8 * kLen}) == WASI_PARALLEL_SUCCESS);
  for (uint32_t i = 0; i < kLen; ++i) REQUIRE(a_at(f, i) == 1.0 + 2 * (i + 3.0 * (2.0 * i)));
}

TEST_CASE("SPIR-V that breaks the conventions is invalid_kernel with the reason") {
  struct Case {
    const char* shader;
    const char* reason;
  };
  for (Case c : {Case{"one_binding", "binds 1"}, Case{"no_push", "no push-constant block"},
                 Case{"wrong_push", "push-constant block"}, Case{"set_one", "descriptor set 1"}}) {
    CAPTURE(c.shader);
    Fixture f;
    uint32_t out = 0;
    REQUIRE(run_nstream(f, f.device(kGpu), nstream_with(spirv_bytes(c.shader)), out) == WASI_PARALLEL_EKERNEL);
    CHECK(f.last_error_has("invalid_kernel"));
    CHECK(f.last_error_has("SPIR-V kernel"));
    if (std::string(c.shader) != "one_binding") CHECK(f.last_error_has(c.reason));
  }
}

TEST_CASE("a corrupt wasi-parallel section is invalid_kernel") {
  std::vector<uint8_t> plain = nstream_with(std::nullopt);
  SUBCASE("not whole words") {
    const uint8_t payload[] = {0, 0, 0, 0, 0x03, 0x02, 0x23, 0x07, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    Fixture f;
    uint32_t out = 0;
    REQUIRE(run_nstream(f, f.device(kGpu), with_raw_section(plain, payload), out) == WASI_PARALLEL_EKERNEL);
    CHECK(f.last_error_has("not a SPIR-V module"));
  }
  SUBCASE("no id") {
    const uint8_t payload[] = {0, 0};
    Fixture f;
    uint32_t out = 0;
    REQUIRE(run_nstream(f, f.device(kGpu), with_raw_section(plain, payload), out) == WASI_PARALLEL_EKERNEL);
    CHECK(f.last_error_has("without an id"));
  }
  SUBCASE("SPIR-V magic then garbage") {
    std::vector<uint8_t> spirv = spirv_bytes("nstream");
    for (size_t i = 20; i < spirv.size(); i += 7) spirv[i] ^= 0x5a;
    Fixture f;
    uint32_t out = 0;
    REQUIRE(run_nstream(f, f.device(kGpu), nstream_with(spirv), out) == WASI_PARALLEL_EKERNEL);
    CHECK(f.last_error_has("SPIR-V kernel"));
  }
}

TEST_CASE("launch limits and buffer sizes give their errnos") {
  Fixture f;
  uint32_t dev = f.device(kGpu);
  uint32_t out = 0;
  SUBCASE("num_iterations * block_size beyond 32 bits") {
    REQUIRE(run_nstream(f, dev, wasm_bytes("nstream_kernel"), out, 65536, 65536) == WASI_PARALLEL_EINVAL);
    CHECK(f.last_error_has("num_iterations * block_size"));
  }
  // 2^23 invocations in groups of 64: 131072 groups, beyond 65535 (the
  // kernels guard against the buffers' length).
  SUBCASE("more workgroups than one dispatch takes, no base_invocation") {
    REQUIRE(run_nstream(f, dev, nstream_with(spirv_bytes("nstream")), out, 1u << 15, 256) == WASI_PARALLEL_EINVAL);
    CHECK(f.last_error_has("base_invocation"));
  }
  SUBCASE("the same launch split, for a twin with base_invocation") {
    REQUIRE(run_nstream(f, dev, wasm_bytes("nstream_kernel"), out, 1u << 15, 256) == WASI_PARALLEL_SUCCESS);
    REQUIRE(f.call("read_buffer", {out, kA, 8 * kLen}) == WASI_PARALLEL_SUCCESS);
    for (uint32_t i = 0; i < kLen; ++i) REQUIRE(a_at(f, i) == 1.0 + i + 3.0 * (2.0 * i));
  }
  SUBCASE("a buffer larger than the device can bind") {
    auto ctx = vulkan::Context::create();
    REQUIRE(ctx.ok());
    size_t too_big = (*ctx)->max_buffer_size() + 1;
    if (too_big > UINT32_MAX) return;  // a real GPU: no wasi-parallel size reaches the limit
    REQUIRE(f.call("create_buffer", {dev, static_cast<uint32_t>(too_big), WASI_PARALLEL_ACCESS_READ_WRITE, kOut}) ==
            WASI_PARALLEL_ENOMEM);
    CHECK(f.last_error_has("exceed the largest buffer"));
  }
}

// The 2021 generation: the SPIR-V sits in the caller's own module under the
// kernel's table index; its GPU twin writes i * 10 + 7 where the Wasm kernel
// would write i * 10 + (its global's value, 101 and up).
TEST_CASE("2021 parallel_for runs the caller's SPIR-V for its table index") {
  Fixture f("prog2021_gpu", 0, true);
  uint32_t dev = f.device(1);  // the 2021 enum's DISCRETE_GPU
  REQUIRE(is_gpu(f.host().device_kind(dev)));
  constexpr uint32_t kN = 100;
  std::vector<uint32_t> zeros(kN, 0);
  f.put(kData, zeros.data(), 4 * kN);
  uint32_t out = f.buffer(dev, kData, 4 * kN);
  f.put_u32(kOutList, out);
  REQUIRE(f.call("parallel_for", {1, kN, 1, kInList, 0, kOutList, 1}) == WASI_PARALLEL_SUCCESS);
  CHECK(f.logged("pipeline built for a SPIR-V kernel (1 buffers"));
  REQUIRE(f.call("read_buffer", {out, kData, 4 * kN}) == WASI_PARALLEL_SUCCESS);
  for (uint32_t i = 0; i < kN; ++i) REQUIRE(f.u32(kData + 4 * i) == i * 10 + 7);
  CHECK(f.inst->global("g")->get().i32 == 100);  // the caller's global is untouched either way
}

TEST_CASE("a buffer of the GPU device is rejected by the CPU device and back") {
  Fixture f;
  uint32_t gpu = f.device(kGpu), cpu = f.device(kCpu);
  uint32_t g = f.buffer(gpu, kB, 8 * kLen), c = f.buffer(cpu, kC, 8 * kLen), a = f.buffer(cpu, kA, 8 * kLen);
  std::vector<uint8_t> k = wasm_bytes("nstream_kernel");
  f.put(kKernelAt, k.data(), k.size());
  CHECK(f.exec(cpu, static_cast<uint32_t>(k.size()), 1, 1, {g, c}, {a}) == WASI_PARALLEL_EBADHANDLE);
  CHECK(f.exec(gpu, static_cast<uint32_t>(k.size()), 1, 1, {c, g}, {a}) == WASI_PARALLEL_EBADHANDLE);
}

// Run only with --expect-no-driver (meson points the ICD list at a missing
// file): GPU hints get the CPU device, and verbose mode says why.
TEST_CASE("no Vulkan driver: GPU hints get the CPU device" * doctest::skip(true)) {
  Fixture f("caller", 0, true);
  uint32_t dev = f.device(kGpu);
  CHECK(f.host().device_kind(dev) == DeviceKind::kCpu);
  CHECK(f.logged("no Vulkan driver"));
  CHECK(f.logged("the CPU device serves GPU hints"));
  uint32_t out = 0;
  REQUIRE(run_nstream(f, dev, wasm_bytes("nstream_kernel"), out) == WASI_PARALLEL_SUCCESS);
  CHECK(a_at(f, 7) == 1.0 + 7 + 3.0 * 14);
}

// Fault injection (WPVM_VULKAN_FAIL, wpvm/vulkan/fault_injection.h): real
// checked Vulkan calls fail as if the driver had said so.

// The nstream buffers on `dev`, its kernel at kKernelAt; the kernel's length.
uint32_t nstream_setup(Fixture& f, uint32_t dev, uint32_t& b, uint32_t& c, uint32_t& out) {
  fill(f);
  b = f.buffer(dev, kB, 8 * kLen, WASI_PARALLEL_ACCESS_READ);
  c = f.buffer(dev, kC, 8 * kLen, WASI_PARALLEL_ACCESS_READ);
  out = f.buffer(dev, kA, 8 * kLen);
  std::vector<uint8_t> k = wasm_bytes("nstream_kernel");
  f.put(kKernelAt, k.data(), k.size());
  return static_cast<uint32_t>(k.size());
}

// A whole nstream run on a fresh host's GPU device gives the right results.
void check_fresh_gpu_works() {
  Fixture f;
  uint32_t dev = f.device(kGpu);
  REQUIRE(is_gpu(f.host().device_kind(dev)));
  uint32_t out = 0;
  REQUIRE(run_nstream(f, dev, wasm_bytes("nstream_kernel"), out) == WASI_PARALLEL_SUCCESS);
  REQUIRE(f.call("read_buffer", {out, kA, 8 * kLen}) == WASI_PARALLEL_SUCCESS);
  CHECK(a_at(f, 7) == 1.0 + 7 + 3.0 * 14);
}

TEST_CASE("fault specs: function name and optional nth call") {
  CHECK(vulkan::set_fault_injection("vkQueueSubmit"));
  CHECK(vulkan::fault_injection_armed());
  CHECK(vulkan::set_fault_injection("vkAllocateMemory:3"));
  CHECK(vulkan::fault_injection_armed());
  CHECK(vulkan::set_fault_injection(""));
  CHECK_FALSE(vulkan::fault_injection_armed());
  for (const char* bad : {"QueueSubmit", "vkQueueSubmit:0", "vkQueueSubmit:", "vkQueueSubmit:x", "vkQueueSubmit:2x"}) {
    CAPTURE(bad);
    CHECK_FALSE(vulkan::set_fault_injection(bad));
    CHECK_FALSE(vulkan::fault_injection_armed());
  }
}

TEST_CASE("vkQueueSubmit failing in parallel_exec is device_error; the process keeps working") {
  Fixture f("caller", 0, true);
  uint32_t dev = f.device(kGpu);
  REQUIRE(is_gpu(f.host().device_kind(dev)));
  uint32_t b = 0, c = 0, out = 0;
  uint32_t len = nstream_setup(f, dev, b, c, out);
  REQUIRE(vulkan::set_fault_injection("vkQueueSubmit"));
  CHECK(f.exec(dev, len, kLen / kBlock, kBlock, {b, c}, {out}) == WASI_PARALLEL_EDEVICE);
  CHECK_FALSE(vulkan::fault_injection_armed());  // it fired, once
  CHECK(f.last_error_has("device_error"));
  CHECK(f.last_error_has("vkQueueSubmit failed: VK_ERROR_DEVICE_LOST"));
  CHECK(f.logged("vkQueueSubmit failed: VK_ERROR_DEVICE_LOST"));
  // A lost device stays lost, and says so; it does not crash.
  CHECK(f.exec(dev, len, kLen / kBlock, kBlock, {b, c}, {out}) == WASI_PARALLEL_EDEVICE);
  CHECK(f.last_error_has("failed earlier"));
  // The same host's CPU device still runs the kernel.
  uint32_t cpu = f.device(kCpu);
  uint32_t cpu_out = 0;
  REQUIRE(run_nstream(f, cpu, wasm_bytes("nstream_kernel"), cpu_out) == WASI_PARALLEL_SUCCESS);
  CHECK(a_at(f, 7) == 1.0 + 7 + 3.0 * 14);
  // And a fresh GPU device works.
  check_fresh_gpu_works();
}

TEST_CASE("vkAllocateMemory failing in create_buffer is out_of_memory; the device keeps working") {
  Fixture f("caller", 0, true);
  uint32_t dev = f.device(kGpu);
  REQUIRE(is_gpu(f.host().device_kind(dev)));
  SUBCASE("the first allocation") { REQUIRE(vulkan::set_fault_injection("vkAllocateMemory")); }
  SUBCASE("the second allocation, counted from arming") {
    REQUIRE(vulkan::set_fault_injection("vkAllocateMemory:2"));
    REQUIRE(f.call("create_buffer", {dev, 64, WASI_PARALLEL_ACCESS_READ_WRITE, kOut}) == WASI_PARALLEL_SUCCESS);
    CHECK(vulkan::fault_injection_armed());
  }
  CHECK(f.call("create_buffer", {dev, 8 * kLen, WASI_PARALLEL_ACCESS_READ_WRITE, kOut}) == WASI_PARALLEL_ENOMEM);
  CHECK_FALSE(vulkan::fault_injection_armed());
  CHECK(f.last_error_has("out_of_memory"));
  CHECK(f.last_error_has("vkAllocateMemory failed: VK_ERROR_OUT_OF_DEVICE_MEMORY"));
  // Out of memory loses nothing: the same GPU device creates buffers and runs.
  uint32_t out = 0;
  REQUIRE(run_nstream(f, dev, wasm_bytes("nstream_kernel"), out) == WASI_PARALLEL_SUCCESS);
  REQUIRE(f.call("read_buffer", {out, kA, 8 * kLen}) == WASI_PARALLEL_SUCCESS);
  CHECK(a_at(f, 7) == 1.0 + 7 + 3.0 * 14);
}

// Run only with --expect-env-fault (meson sets WPVM_VULKAN_FAIL=vkAllocateMemory):
// the variable, read at start-up, makes the first GPU buffer fail.
TEST_CASE("WPVM_VULKAN_FAIL=vkAllocateMemory: the first GPU buffer is out_of_memory" * doctest::skip(true)) {
  REQUIRE(vulkan::fault_injection_armed());
  Fixture f;
  uint32_t dev = f.device(kGpu);
  REQUIRE(is_gpu(f.host().device_kind(dev)));
  CHECK(f.call("create_buffer", {dev, 64, WASI_PARALLEL_ACCESS_READ_WRITE, kOut}) == WASI_PARALLEL_ENOMEM);
  CHECK(f.last_error_has("vkAllocateMemory failed: VK_ERROR_OUT_OF_DEVICE_MEMORY"));
  CHECK_FALSE(vulkan::fault_injection_armed());
  check_fresh_gpu_works();
}

}  // namespace
}  // namespace wpvm::parallel::test

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--require-layer") == 0 && i + 1 < argc &&
        !wpvm::vulkan::instance_layer_available(argv[i + 1])) {
      std::cout << "skipped: instance layer " << argv[i + 1] << " is not available\n";
      return 77;
    }
    if (std::strcmp(argv[i], "--expect-env-fault") == 0) {
      if (wpvm::vulkan::list_devices().empty()) {
        std::cout << "skipped: no Vulkan driver\n";
        return 77;
      }
      context.setOption("no-skip", true);
      context.setOption("test-case", "WPVM_VULKAN_FAIL=*");
      return context.run();
    }
    if (std::strcmp(argv[i], "--expect-no-driver") != 0) continue;
    context.setOption("no-skip", true);
    context.setOption("test-case", "no Vulkan driver*");
    return context.run();
  }
  if (!wpvm::vulkan::Context::create().ok()) {
    std::cout << "skipped: no Vulkan driver (Debian: mesa-vulkan-drivers)\n";
    return 77;
  }
  return context.run();
}

// The wasi-parallel GPU device through the host's six functions: device
// selection (auto never takes a CPU implementation of Vulkan; none, index,
// name, no match, the one warning), GPU hints on the selected test device
// (lavapipe by name), buffers live in device memory (results appear on read_buffer), the
// PRK nstream kernel's GLSL twin agrees with the sequential device, a kernel
// without SPIR-V runs on the CPU device, and every failure has its errno and
// reason (reflection mismatches, corrupt sections, launch limits, buffers too
// large, a memory budget, unwritten buffers, no driver). Exits 77 (skip)
// when no Vulkan device matches the test selector.
// Flags: --expect-no-driver (only the no-driver case), --require-layer NAME
// (exits 77 unless that instance layer exists).
#define DOCTEST_CONFIG_IMPLEMENT
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstring>
#include <iostream>
#include <thread>

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

// A host whose GPU hints get the test device (vulkan::testing::test_gpu(),
// lavapipe by default): selected by name, as automatic selection never picks
// a CPU implementation.
struct GpuFixture : Fixture {
  explicit GpuFixture(const std::string& caller = "caller", bool verbose = false)
      : Fixture(caller, 0, verbose, vulkan::testing::test_gpu()) {}
  explicit GpuFixture(ParallelConfig config) : Fixture("caller", with_test_gpu(std::move(config))) {}

  static ParallelConfig with_test_gpu(ParallelConfig config) {
    config.gpu = vulkan::testing::test_gpu();
    return config;
  }
};

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
    GpuFixture f("caller", true);
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
  GpuFixture f;
  uint32_t gpu = f.device(kGpu), igpu = f.device(kIgpu);
  if (vulkan::list_devices().size() == 1) CHECK(gpu == igpu);
  CHECK(gpu != f.device(kCpu));
}

// Device selection (ParallelConfig::gpu, `wpvm run --gpu`).
bool real_gpu_present() {
  for (const vulkan::DeviceInfo& d : vulkan::list_devices())
    if (d.has_compute && d.type != vulkan::DeviceType::kCpu && d.type != vulkan::DeviceType::kOther) return true;
  return false;
}

// The test device's index and name in list_devices().
vulkan::DeviceInfo test_device() {
  auto infos = vulkan::list_devices();
  auto chosen = vulkan::select_device(infos, vulkan::testing::test_gpu());
  REQUIRE(chosen.ok());
  REQUIRE(chosen->has_value());
  return infos[**chosen];
}

TEST_CASE("auto: GPU hints get a real GPU, never a CPU implementation, else the CPU device") {
  Fixture f("caller", 0, true);  // gpu = "auto"
  for (uint32_t hint : {kGpu, kIgpu}) {
    uint32_t dev = f.device(hint);
    if (real_gpu_present()) {
      CHECK(is_gpu(f.host().device_kind(dev)));
      CHECK(f.host().describe_device_for(DeviceKind::kDiscreteGpu).find("llvmpipe") == std::string::npos);
    } else {
      CHECK(f.host().device_kind(dev) == DeviceKind::kCpu);
      CHECK(f.logged("no Vulkan GPU"));
      CHECK(f.logged("the CPU device serves GPU hints"));
    }
  }
  CHECK_FALSE(f.logged("65,535"));
  if (real_gpu_present()) return;
  // The nstream kernel's SPIR-V is ignored there: the CPU device runs its Wasm.
  uint32_t out = 0;
  REQUIRE(run_nstream(f, f.device(kGpu), wasm_bytes("nstream_kernel"), out) == WASI_PARALLEL_SUCCESS);
  CHECK(a_at(f, 7) == 1.0 + 7 + 3.0 * 14);
  CHECK_FALSE(f.logged("pipeline built"));
}

TEST_CASE("none: GPU hints get the CPU device") {
  Fixture f("caller", 0, true, "none");
  CHECK(f.host().device_kind(f.device(kGpu)) == DeviceKind::kCpu);
  CHECK(f.host().device_kind(f.device(kIgpu)) == DeviceKind::kCpu);
  CHECK(f.logged("the CPU device serves GPU hints"));
}

TEST_CASE("a Vulkan device selected by index or by name (any case) serves both GPU hints") {
  vulkan::DeviceInfo d = test_device();
  std::string upper = vulkan::testing::test_gpu();
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string& selector : {std::to_string(d.index), vulkan::testing::test_gpu(), upper}) {
    CAPTURE(selector);
    Fixture f("caller", 0, false, selector);
    uint32_t gpu = f.device(kGpu);
    REQUIRE(is_gpu(f.host().device_kind(gpu)));
    CHECK(f.device(kIgpu) == gpu);
    CHECK(f.host().describe_device_for(DeviceKind::kIntegratedGpu) == "gpu " + d.name);
    uint32_t out = 0;
    REQUIRE(run_nstream(f, gpu, wasm_bytes("nstream_kernel"), out) == WASI_PARALLEL_SUCCESS);
    REQUIRE(f.call("read_buffer", {out, kA, 8 * kLen}) == WASI_PARALLEL_SUCCESS);
    CHECK(a_at(f, 7) == 1.0 + 7 + 3.0 * 14);
  }
}

TEST_CASE("a GPU selector that matches no Vulkan device makes Parallel::create fail") {
  for (const char* selector : {"no-such-gpu", "4096", ""}) {
    CAPTURE(selector);
    ParallelConfig config;
    config.gpu = selector;
    config.log = [](std::string_view) {};
    auto p = Parallel::create(config);
    REQUIRE_FALSE(p.ok());
    CHECK(p.error().message.find("GPU selector") != std::string::npos);
    if (*selector) CHECK(p.error().message.find(std::string("\"") + selector + "\"") != std::string::npos);
  }
}

TEST_CASE("a CPU implementation selected explicitly is warned about once, verbose or not") {
  vulkan::DeviceInfo d = test_device();
  for (bool verbose : {false, true}) {
    CAPTURE(verbose);
    GpuFixture f("caller", verbose);
    uint32_t out = 0;
    for (int i = 0; i < 3; ++i) {
      REQUIRE(is_gpu(f.host().device_kind(f.device(kGpu))));
      REQUIRE(is_gpu(f.host().device_kind(f.device(kIgpu))));
    }
    REQUIRE(run_nstream(f, f.device(kGpu), wasm_bytes("nstream_kernel"), out) == WASI_PARALLEL_SUCCESS);
    size_t warnings = 0;
    for (const std::string& line : f.log) warnings += line.find("65,535 iterations") != std::string::npos;
    CHECK(warnings == (d.type == vulkan::DeviceType::kCpu ? 1u : 0u));
    if (warnings) CHECK(f.logged("warning: GPU hints run on " + d.name));
  }
}

TEST_CASE("a kernel without SPIR-V runs on the CPU device over the GPU buffers") {
  GpuFixture f("caller", true);
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
  for (Case c : {Case{"one_binding", "binds 1"}, Case{"wrong_push", "push-constant block"},
                 Case{"set_one", "descriptor set 1"}}) {
    CAPTURE(c.shader);
    GpuFixture f;
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
    GpuFixture f;
    uint32_t out = 0;
    REQUIRE(run_nstream(f, f.device(kGpu), with_raw_section(plain, payload), out) == WASI_PARALLEL_EKERNEL);
    CHECK(f.last_error_has("not a multiple of 4"));
  }
  SUBCASE("no id") {
    const uint8_t payload[] = {0, 0};
    GpuFixture f;
    uint32_t out = 0;
    REQUIRE(run_nstream(f, f.device(kGpu), with_raw_section(plain, payload), out) == WASI_PARALLEL_EKERNEL);
    CHECK(f.last_error_has("shorter than its 4-byte id"));
  }
  SUBCASE("two sections with id 0") {
    // The test shader's section, then the PRK kernel's own id-0 section again.
    std::vector<uint8_t> twice = nstream_with(spirv_bytes("nstream"));
    std::vector<uint8_t> prk = wasm_bytes("nstream_kernel");
    auto sections = vulkan::find_spirv_sections(prk);
    REQUIRE(sections.ok());
    REQUIRE(sections->size() == 1);
    const vulkan::SpirvSection& s = (*sections)[0];
    twice.insert(twice.end(), prk.begin() + static_cast<ptrdiff_t>(s.offset),
                 prk.begin() + (s.spirv.data() + s.spirv.size() - prk.data()));
    GpuFixture f;
    uint32_t out = 0;
    REQUIRE(run_nstream(f, f.device(kGpu), twice, out) == WASI_PARALLEL_EKERNEL);
    CHECK(f.last_error_has("invalid_kernel"));
    CHECK(f.last_error_has("two wasi-parallel sections with id 0"));
  }
  SUBCASE("SPIR-V magic then garbage") {
    std::vector<uint8_t> spirv = spirv_bytes("nstream");
    for (size_t i = 20; i < spirv.size(); i += 7) spirv[i] ^= 0x5a;
    GpuFixture f;
    uint32_t out = 0;
    REQUIRE(run_nstream(f, f.device(kGpu), nstream_with(spirv), out) == WASI_PARALLEL_EKERNEL);
    CHECK(f.last_error_has("SPIR-V kernel"));
  }
}

TEST_CASE("launch limits and buffer sizes give their errnos") {
  GpuFixture f;
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
    vulkan::ContextOptions options;
    options.device = vulkan::testing::test_gpu();
    auto ctx = vulkan::Context::create(options);
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
// Epoch interruption: the launch goes in parts (dispatch_until), and an
// increment of the engine's epoch past the caller's deadline stops it
// between two parts, within a second, as the trap "interrupted". The launch
// is the largest a GPU takes: 2^32 - 256 invocations, whole workgroups of
// 256 (2^32 - 1 would round up past 32 bits: invalid_argument).
TEST_CASE("a kernel without SPIR-V counts against the caller's instance limit; a SPIR-V launch makes none") {
  GpuFixture f;
  uint32_t dev = f.device(kGpu);
  REQUIRE(is_gpu(f.host().device_kind(dev)));
  std::vector<uint8_t> plain = nstream_with(std::nullopt);
  f.store.set_limits(StoreLimits{.instances = 1});  // the caller's own
  uint32_t out = 0;
  CHECK(run_nstream(f, dev, plain, out) == WASI_PARALLEL_ENOMEM);
  CHECK(f.last_error_has("would make 2 instances in the store, more than its limit of 1"));
  CHECK(run_nstream(f, dev, wasm_bytes("nstream_kernel"), out) == WASI_PARALLEL_SUCCESS);
  f.store.set_limits(StoreLimits{});
  CHECK(run_nstream(f, dev, plain, out) == WASI_PARALLEL_SUCCESS);
}

TEST_CASE("an interruption stops a 2^32 - 256 invocation GPU launch between its parts") {
  EngineConfig config = test_engine_config();
  config.epoch_interruption = true;
  Fixture f("caller", GpuFixture::with_test_gpu(Fixture::config_of(0, false, "auto")), config);
  uint32_t dev = f.device(kGpu);
  REQUIRE(is_gpu(f.host().device_kind(dev)));
  fill(f);
  uint32_t b = f.buffer(dev, kB, 8 * kLen, WASI_PARALLEL_ACCESS_READ);
  uint32_t c = f.buffer(dev, kC, 8 * kLen, WASI_PARALLEL_ACCESS_READ);
  uint32_t out = f.buffer(dev, kA, 8 * kLen);
  std::vector<uint8_t> kernel = wasm_bytes("nstream_kernel");  // declares base_invocation
  f.put(kKernelAt, kernel.data(), kernel.size());
  f.store.set_epoch_deadline(1);
  std::atomic<int64_t> ticked_ns{0};
  std::thread ticker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ticked_ns = std::chrono::steady_clock::now().time_since_epoch().count();
    f.engine.increment_epoch();
  });
  CallResult r = f.exec_raw(dev, static_cast<uint32_t>(kernel.size()), UINT32_MAX - 255, 1, {b, c}, {out});
  auto ended = std::chrono::steady_clock::now().time_since_epoch().count();
  ticker.join();
  REQUIRE_MESSAGE(!r.ok(), "errno " << r.values.at(0).i32 << ": " << f.parallel->last_error());
  CHECK(r.trap->kind == TrapKind::kInterrupted);
  auto latency = std::chrono::nanoseconds(ended - ticked_ns.load());
  CHECK_MESSAGE(latency < std::chrono::seconds(1),
                "stopped " << std::chrono::duration_cast<std::chrono::milliseconds>(latency).count()
                           << " ms after the epoch passed the deadline");
  // Without a deadline passed the device runs a whole launch again.
  f.store.set_epoch_deadline(1);
  CHECK(f.exec(dev, static_cast<uint32_t>(kernel.size()), kLen / kBlock, kBlock, {b, c}, {out}) ==
        WASI_PARALLEL_SUCCESS);
}

TEST_CASE("2021 parallel_for runs the caller's SPIR-V for its table index") {
  GpuFixture f("prog2021_gpu", true);
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
  GpuFixture f;
  uint32_t gpu = f.device(kGpu), cpu = f.device(kCpu);
  uint32_t g = f.buffer(gpu, kB, 8 * kLen), c = f.buffer(cpu, kC, 8 * kLen), a = f.buffer(cpu, kA, 8 * kLen);
  std::vector<uint8_t> k = wasm_bytes("nstream_kernel");
  f.put(kKernelAt, k.data(), k.size());
  CHECK(f.exec(cpu, static_cast<uint32_t>(k.size()), 1, 1, {g, c}, {a}) == WASI_PARALLEL_EBADHANDLE);
  CHECK(f.exec(gpu, static_cast<uint32_t>(k.size()), 1, 1, {c, g}, {a}) == WASI_PARALLEL_EBADHANDLE);
}

// wasi-parallel has no destroy_buffer: a guest creating buffers in a loop
// must reach out_of_memory, never exhaust the host.
TEST_CASE("create_buffer in a loop reaches out_of_memory at the GPU device's memory budget") {
  ParallelConfig config;
  config.gpu_memory_budget = 1 << 20;
  GpuFixture f(config);
  uint32_t dev = f.device(kGpu);
  REQUIRE(is_gpu(f.host().device_kind(dev)));
  uint32_t created = 0, e = WASI_PARALLEL_SUCCESS;
  while (created < 1000 && (e = f.call("create_buffer", {dev, 64 << 10, WASI_PARALLEL_ACCESS_READ_WRITE, kOut})) ==
                               WASI_PARALLEL_SUCCESS)
    ++created;
  CHECK(created == 16);
  CHECK(e == WASI_PARALLEL_ENOMEM);
  CHECK(f.last_error_has("out_of_memory"));
  CHECK(f.last_error_has("memory budget"));
  // The CPU device is unaffected, and so is a buffer that fits nowhere else.
  uint32_t cpu = f.device(kCpu);
  CHECK(f.call("create_buffer", {cpu, 64 << 10, WASI_PARALLEL_ACCESS_READ_WRITE, kOut}) == WASI_PARALLEL_SUCCESS);
}

TEST_CASE("the default GPU memory budget stays below the heap and, for host memory, half the RAM") {
  vulkan::ContextOptions options;
  options.device = vulkan::testing::test_gpu();
  auto ctx = vulkan::Context::create(options);
  REQUIRE(ctx.ok());
  uint64_t ram = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(sysconf(_SC_PAGE_SIZE));
  CHECK((*ctx)->memory_budget() > 0);
  if ((*ctx)->unified_memory()) CHECK((*ctx)->memory_budget() <= ram / 2);
}

TEST_CASE("a GPU buffer never written is invalid_argument in parallel_exec and read_buffer") {
  GpuFixture f;
  uint32_t dev = f.device(kGpu);
  REQUIRE(is_gpu(f.host().device_kind(dev)));
  fill(f);
  uint32_t b = f.buffer(dev, kB, 8 * kLen, WASI_PARALLEL_ACCESS_READ);
  uint32_t c = f.buffer(dev, kC, 8 * kLen, WASI_PARALLEL_ACCESS_READ);
  REQUIRE(f.call("create_buffer", {dev, 8 * kLen, WASI_PARALLEL_ACCESS_READ_WRITE, kOut}) == WASI_PARALLEL_SUCCESS);
  uint32_t unwritten = f.u32(kOut);
  uint32_t len = f.put_kernel("nstream_kernel");
  CHECK(f.exec(dev, len, kLen / kBlock, kBlock, {b, c}, {unwritten}) == WASI_PARALLEL_EINVAL);
  CHECK(f.last_error_has("never written"));
  CHECK(f.call("read_buffer", {unwritten, kA, 8 * kLen}) == WASI_PARALLEL_EINVAL);
  CHECK(f.last_error_has("never written"));
  CHECK_FALSE(f.logged("pipeline built"));
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
  GpuFixture f;
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
  GpuFixture f("caller", true);
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
  GpuFixture f("caller", true);
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
  GpuFixture f;
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
  if (auto chosen = wpvm::vulkan::select_device(wpvm::vulkan::list_devices(), wpvm::vulkan::testing::test_gpu());
      !chosen) {
    std::cout << "skipped: " << chosen.error().message << " (Debian: mesa-vulkan-drivers; or set WPVM_TEST_GPU)\n";
    return 77;
  }
  return context.run();
}

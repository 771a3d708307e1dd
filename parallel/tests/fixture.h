// Test fixture for the wasi-parallel host: a caller module (tests/wat/) whose
// re-exported imports the tests call with arguments of their choice, helpers
// to lay out kernels, handles and data in its memory, and the host's log.
#pragma once
#include <doctest/doctest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "host.h"
#include "wpvm/parallel.h"
#include "wpvm/runtime.h"

namespace wpvm::parallel::test {

inline constexpr uint32_t kSeq = WASI_PARALLEL_DEVICE_SEQUENTIAL;
inline constexpr uint32_t kCpu = WASI_PARALLEL_DEVICE_CPU;
inline constexpr uint32_t kGpu = WASI_PARALLEL_DEVICE_DISCRETE_GPU;
// Caller memory layout: out-pointers and handle lists, kernel bytes, data.
inline constexpr uint32_t kOut = 0x100;
inline constexpr uint32_t kInList = 0x200;
inline constexpr uint32_t kOutList = 0x300;
inline constexpr uint32_t kKernelAt = 0x1000;
inline constexpr uint32_t kData = 0x10000;

// What a GPU hint may give: a GPU device, or the CPU device without one.
inline bool gpu_or_cpu(std::optional<DeviceKind> k) {
  return k == DeviceKind::kCpu || k == DeviceKind::kDiscreteGpu || k == DeviceKind::kIntegratedGpu;
}

// The tier under test: the interpreter, or with WPVM_PARALLEL_TEST_TIER=jit
// every kernel and caller as JIT code, the engine holding the JIT's code
// generator (meson registers each test for both tiers).
inline EngineConfig test_engine_config() {
  EngineConfig config{.tier = Tier::kInterp};
  const char* tier = std::getenv("WPVM_PARALLEL_TEST_TIER");
  if (tier && std::string(tier) == "jit") config.tier = Tier::kJit;
  return config;
}

inline std::vector<uint8_t> wasm_bytes(const std::string& name) {
  const char* dir = std::getenv("WPVM_PARALLEL_WASM_DIR");
  REQUIRE(dir != nullptr);
  std::ifstream in(std::string(dir) + "/" + name + ".wasm", std::ios::binary);
  REQUIRE_MESSAGE(in.good(), name);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The selector for tests that run GPU hints: $WPVM_TEST_GPU, else lavapipe
// by name where a Vulkan driver offers it, else "auto" (GPU hints then get
// a real GPU, or the CPU device).
inline std::string test_gpu_or_auto() {
  const char* s = std::getenv("WPVM_TEST_GPU");
  if (s && *s) return s;
  ParallelConfig probe;
  probe.gpu = "llvmpipe";
  probe.log = [](std::string_view) {};
  return Parallel::create(probe).ok() ? "llvmpipe" : "auto";
}

struct Fixture {
  // `gpu`: ParallelConfig::gpu (the GPU tests select lavapipe by name).
  explicit Fixture(const std::string& caller = "caller", uint32_t cpu_threads = 0, bool verbose = false,
                   const std::string& gpu = "auto")
      : Fixture(caller, config_of(cpu_threads, verbose, gpu)) {}

  // Any configuration; its log is replaced by the fixture's.
  Fixture(const std::string& caller, ParallelConfig config) { init(caller, std::move(config)); }
  // And any engine configuration.
  Fixture(const std::string& caller, ParallelConfig config, EngineConfig engine_config) : engine(engine_config) {
    init(caller, std::move(config));
  }

  void init(const std::string& caller, ParallelConfig config) {
    config.log = [this](std::string_view line) { log.emplace_back(line); };
    parallel = Parallel::create(config).value();
    Linker linker;
    parallel->define(linker, store);
    auto module = load_module(wasm_bytes(caller));
    REQUIRE(module.ok());
    auto i = store.instantiate(*module, linker);
    REQUIRE_MESSAGE(i.ok(), (i.ok() ? "" : i.error().to_string()));
    inst = *i;
    mem = inst->memory("memory");
    REQUIRE(mem != nullptr);
  }

  static ParallelConfig config_of(uint32_t cpu_threads, bool verbose, const std::string& gpu) {
    ParallelConfig config;
    config.cpu_threads = cpu_threads;
    config.verbose = verbose;
    config.gpu = gpu;
    return config;
  }

  CallResult call_raw(const char* name, std::initializer_list<uint32_t> args) {
    std::vector<Value> v;
    for (uint32_t a : args) v.push_back(Value::from_i32(a));
    return store.call(inst->func(name), v);
  }
  // The errno of a call that must not trap.
  uint32_t call(const char* name, std::initializer_list<uint32_t> args) {
    CallResult r = call_raw(name, args);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.trap->to_string()));
    return r.values.at(0).i32;
  }

  void put(uint32_t addr, const void* p, size_t n) { std::memcpy(mem->data() + addr, p, n); }
  void put_u32(uint32_t addr, uint32_t v) { put(addr, &v, 4); }
  uint32_t u32(uint32_t addr) const {
    uint32_t v;
    std::memcpy(&v, mem->data() + addr, 4);
    return v;
  }
  // Copies a kernel module to kKernelAt; returns its length.
  uint32_t put_kernel(const std::string& name) {
    std::vector<uint8_t> k = wasm_bytes(name);
    put(kKernelAt, k.data(), k.size());
    return static_cast<uint32_t>(k.size());
  }

  uint32_t device(uint32_t hint) {
    REQUIRE(call("get_device", {hint, kOut}) == WASI_PARALLEL_SUCCESS);
    return u32(kOut);
  }
  uint32_t buffer(uint32_t dev, uint32_t addr, uint32_t size, uint32_t access = WASI_PARALLEL_ACCESS_READ_WRITE) {
    REQUIRE(call("create_buffer", {dev, size, access, kOut}) == WASI_PARALLEL_SUCCESS);
    uint32_t b = u32(kOut);
    REQUIRE(call("write_buffer", {addr, size, b}) == WASI_PARALLEL_SUCCESS);
    return b;
  }
  // parallel_exec of the kernel already at kKernelAt (length `len`).
  CallResult exec_raw(uint32_t dev, uint32_t len, uint32_t n, uint32_t bs, std::vector<uint32_t> ins,
                      std::vector<uint32_t> outs) {
    for (size_t i = 0; i < ins.size(); ++i) put_u32(kInList + 4 * static_cast<uint32_t>(i), ins[i]);
    for (size_t i = 0; i < outs.size(); ++i) put_u32(kOutList + 4 * static_cast<uint32_t>(i), outs[i]);
    return call_raw("parallel_exec", {dev, kKernelAt, len, n, bs, kInList, static_cast<uint32_t>(ins.size()),
                                      kOutList, static_cast<uint32_t>(outs.size())});
  }
  uint32_t exec(uint32_t dev, uint32_t len, uint32_t n, uint32_t bs, std::vector<uint32_t> ins,
                std::vector<uint32_t> outs) {
    CallResult r = exec_raw(dev, len, n, bs, std::move(ins), std::move(outs));
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.trap->to_string()));
    return r.values.at(0).i32;
  }
  Host& host() { return parallel->host(); }
  bool logged(const std::string& part) const {
    for (const std::string& line : log)
      if (line.find(part) != std::string::npos) return true;
    return false;
  }
  bool last_error_has(const std::string& part) const {
    bool has = parallel->last_error().find(part) != std::string::npos;
    if (!has) MESSAGE("last error: ", parallel->last_error());
    return has;
  }

  // Declared first so it outlives the Parallel, which may log while it goes
  // away (the GPU device's totals in verbose mode).
  std::vector<std::string> log;
  Engine engine{test_engine_config()};
  Store store{engine};
  std::unique_ptr<Parallel> parallel;
  Instance* inst = nullptr;
  Memory* mem = nullptr;
};

}  // namespace wpvm::parallel::test

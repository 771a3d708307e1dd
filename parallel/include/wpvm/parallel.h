// wasi-parallel (`wasi_ephemeral_parallel`) for wpvm embedders: the host side
// of the contract in the project's wasi-parallel document, on the SEQUENTIAL,
// CPU and (when built with Vulkan) GPU devices.
//
// Build a Parallel, then define its imports in a Linker for one Store, next to
// WASI. The Parallel object owns the devices, handles and compiled kernels and
// must outlive every call into the instances that import it.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "wpvm/result.h"
#include "wpvm/runtime.h"

namespace wpvm {

inline constexpr const char* kParallelModuleName = "wasi_ephemeral_parallel";

struct ParallelConfig {
  // Threads of the CPU device (0: one per core).
  uint32_t cpu_threads = 0;
  // Where device errors and kernel rejections are explained (the errno alone
  // says little); the default writes one line to stderr.
  // Called until the Parallel is destroyed (the GPU device reports its
  // totals then, in verbose mode).
  std::function<void(std::string_view)> log;
  // Also say which device runs what (e.g. a GPU hint served by the CPU).
  bool verbose = false;
  // Which Vulkan device serves GPU hints (`wpvm run --gpu`): "auto" (a real
  // GPU, discrete/integrated/virtual, ranked by the hint; else the CPU
  // device), "none" (the CPU device), or an index or a name substring as
  // `wpvm devices` lists them (e.g. "0", "llvmpipe"). A CPU implementation of
  // Vulkan (lavapipe) serves only when selected explicitly, with a warning
  // on `log`. An explicit selector that matches no Vulkan device makes
  // Parallel::create fail.
  std::string gpu = "auto";
  // The GPU device's budget for live buffer bytes (0: derived from the
  // device's memory heap and, for host memory, the machine's RAM);
  // create_buffer beyond it is out_of_memory.
  uint64_t gpu_memory_budget = 0;
};

namespace parallel {
class Host;
}

class Parallel {
 public:
  static Result<std::unique_ptr<Parallel>> create(ParallelConfig config = {});
  ~Parallel();
  Parallel(const Parallel&) = delete;
  Parallel& operator=(const Parallel&) = delete;

  // Defines the six functions under kParallelModuleName as host functions of `store`.
  void define(Linker& linker, Store& store);

  // The reason for the last errno other than success (what `log` was told).
  std::string last_error() const;
  // Kernel modules decoded and checked so far (a cache hit adds none).
  size_t cached_kernels() const;

  // For `wpvm devices`: per get_device hint of the current enum, the device it
  // returns ("DISCRETE_GPU: gpu llvmpipe ..."), then one line per Vulkan
  // device found (none without Vulkan). Makes the GPU devices if not made yet.
  std::vector<std::string> describe_devices();

  parallel::Host& host() { return *host_; }

 private:
  Parallel();
  std::unique_ptr<parallel::Host> host_;
};

// True if the module imports anything from kParallelModuleName.
bool module_uses_parallel(const Module& module);

}  // namespace wpvm

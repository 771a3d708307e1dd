// The device interface every wasi-parallel device implements (sequential,
// CPU, later Vulkan): its kind, its view of buffers, and exec. A job arrives
// already checked; the device only decides where and in which order the
// iterations run, binding the job's kernel once per worker thread.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "parallel_errno.h"
#include "worker.h"
#include "wpvm/parallel.h"
#include "wpvm/runtime.h"

namespace wpvm::parallel {

class Device;

struct Buffer {
  Device* device = nullptr;
  uint32_t size = 0;
  Access access = Access::kReadWrite;
  // The region last written from (CPU devices alias it); none before the
  // first write_buffer.
  std::optional<uint32_t> addr;
  // What a device with its own memory keeps per buffer (GPU: the device
  // buffer), set by its create_buffer; freed with the buffer.
  std::shared_ptr<void> device_state;
};

// One parallel_exec / parallel_for, ready to run.
struct ExecJob {
  uint32_t num_iterations = 0;
  uint32_t block_size = 0;
  std::span<const uint32_t> buffer_args;  // (ptr, len) per buffer, ins then outs
  // Instantiates (or finds) the job's kernel in a worker and starts it from
  // the kernel's initial state; called once per worker that takes part, on
  // that worker's thread. `slot` numbers the device's workers from 0 (below
  // the CPU device's thread count): the job's per-worker resources, such as
  // shadow-stack regions, are indexed by it.
  std::function<Result<BoundKernel>(Worker&, uint32_t slot)> bind;
  // The job's buffers, ins then outs, for devices with their own memory.
  std::span<Buffer* const> buffers;
  // Where a GPU device looks for the kernel's SPIR-V: the `wasi-parallel`
  // custom section with this id (the kernel module and 0 for parallel_exec,
  // the caller's module and the table index for parallel_for).
  const Module* spirv_module = nullptr;
  uint32_t spirv_id = 0;
  // The calling store (not touched while the job runs). Its epoch deadline
  // and fuel left reach the workers' stores when they bind; what they
  // consume together is charged to it when the job ends (Host::run).
  Store* caller = nullptr;
  // Whether the caller's engine epoch has reached the caller's deadline
  // (EngineConfig::epoch_interruption): devices that run no Wasm code (the
  // GPU) check it between the parts of a launch.
  bool interrupted() const {
    return caller && caller->engine().config().epoch_interruption &&
           caller->engine().current_epoch() >= caller->epoch_deadline();
  }
};

class Device {
 public:
  virtual ~Device() = default;
  virtual DeviceKind kind() const = 0;
  virtual const char* name() const = 0;
  virtual uint32_t threads() const = 0;

  // Runs every iteration of `job` unless one traps or a worker cannot bind;
  // the sink then holds what happened. Returns when no iteration runs any more.
  virtual void exec(const ExecJob& job, JobSink& sink) = 0;

  // CPU-style buffers: write records the source region (no copy), read copies
  // from it. A device with its own memory (GPU) overrides both.
  virtual Errno write_buffer(Buffer& b, Memory& mem, uint32_t ptr);
  // Called once for a new buffer before its handle exists; a device with its
  // own memory allocates here (the reason goes to `reason` on failure).
  virtual Errno create_buffer(Buffer&, std::string&) { return Errno::kSuccess; }
  virtual Errno read_buffer(const Buffer& b, Memory& mem, uint32_t ptr);
};

std::unique_ptr<Device> make_sequential_device();
// `threads` == 0: one per core.
std::unique_ptr<Device> make_cpu_device(uint32_t threads);

// GPU devices: defined by device_gpu_vulkan.cpp when the Vulkan backend is
// built, else by device_gpu_none.cpp (no GPU: every call says so).
// The Vulkan device index that serves a GPU hint under `selector`
// (ParallelConfig::gpu), or why there is none (the CPU device serves then).
Result<int> choose_gpu(DeviceKind hint, const std::string& selector);
// Parallel::create's check: an explicit selector must name a Vulkan device.
Result<void> check_gpu_selector(const std::string& selector);
// The GPU device on that Vulkan device; kernels without SPIR-V run on `cpu`.
Result<std::unique_ptr<Device>> make_gpu_device(int index, Device& cpu, const ParallelConfig& config);
// One line per Vulkan device (for `wpvm devices`), saying which one
// `selector` picks; empty without Vulkan.
std::vector<std::string> describe_gpus(const std::string& selector);

}  // namespace wpvm::parallel

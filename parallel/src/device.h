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

#include "parallel_errno.h"
#include "worker.h"
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
};

// One parallel_exec / parallel_for, ready to run.
struct ExecJob {
  uint32_t num_iterations = 0;
  uint32_t block_size = 0;
  std::span<const uint32_t> buffer_args;  // (ptr, len) per buffer, ins then outs
  // Instantiates (or finds) the job's kernel in a worker; called once per
  // worker that takes part, on that worker's thread.
  std::function<Result<BoundKernel>(Worker&)> bind;
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
  virtual Errno read_buffer(const Buffer& b, Memory& mem, uint32_t ptr);
};

std::unique_ptr<Device> make_sequential_device();
// `threads` == 0: one per core.
std::unique_ptr<Device> make_cpu_device(uint32_t threads);

}  // namespace wpvm::parallel

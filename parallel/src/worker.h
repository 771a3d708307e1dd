// A worker: the per-thread execution context of a device. It owns a Store of
// its own (a Store is single-threaded) holding the kernel instances it has
// bound, so a kernel is instantiated once per worker and reused by later
// calls, never once per iteration. JobSink collects the outcome of one job
// from all workers: the lowest trapping iteration, or a failed binding.
#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "parallel_errno.h"
#include "wpvm/runtime.h"

namespace wpvm::parallel {

struct Kernel;

// A kernel function ready to be called on a worker's store.
struct BoundKernel {
  Store* store = nullptr;
  Instance* instance = nullptr;
  Func* func = nullptr;
};

// True while this thread runs kernel code for a device (a kernel's host
// calls then see it: nested parallel calls are refused, never deadlocked).
bool in_kernel_on_this_thread();

// The store's fuel left, when its engine consumes fuel.
std::optional<uint64_t> fuel_left(const Store& store);

// The outcome of one job. A trap in iteration t cancels only the iterations
// above t: the lower ones still run, so the trap reported is the lowest one
// whatever the scheduling, as on the sequential device.
class JobSink {
 public:
  // Iterations at or above this one need not run (any more).
  uint32_t stop_at() const { return stop_at_.load(std::memory_order_relaxed); }
  void trap(uint32_t iteration, Trap t);
  void fail(std::string reason);
  // A failure the device classified itself (default: device_error).
  void fail(std::string reason, Errno errno_value);
  // A worker that could not bind the kernel: out_of_memory when the error is
  // kResource (the caller's resource limits or the host's memory), else
  // device_error.
  void fail(const Error& bind_error);

  // After the job: the trap with the lowest iteration, or a binding failure.
  std::optional<std::pair<uint32_t, Trap>> first_trap;
  std::optional<std::string> failure;
  Errno failure_errno = Errno::kDeviceError;
  // The fuel the workers' stores consumed (EngineConfig::consume_fuel).
  std::atomic<uint64_t> fuel_used{0};

 private:
  void lower_stop(uint32_t to);

  std::atomic<uint32_t> stop_at_{UINT32_MAX};
  std::mutex mutex_;
};

class Worker {
 public:
  // The worker's instance of `kernel` whose memory import aliases `memory`.
  // The worker's stores count against `limits`' resource limits (the
  // calling store's: share_limits in wpvm/share.h), cached instances
  // included; a store of other limits starts a new cache.
  Result<BoundKernel> kernel_instance(const Engine& engine, const Store& limits,
                                      const std::shared_ptr<const Kernel>& kernel, Memory& memory);
  // A fresh worker copy of `caller` (2021 funcref kernels: globals copied at
  // each call), and its function `func_index`, counted against `limits`.
  Result<BoundKernel> caller_copy(const Engine& engine, const Store& limits, const Instance& caller,
                                  uint32_t func_index);

  // Runs iterations [begin, end) of a job bound to `kernel`, stopping at a
  // trap or at the sink's stop_at(); adds the fuel they consumed to the sink's.
  void run(const BoundKernel& kernel, std::span<const uint32_t> buffer_args, uint32_t num_iterations,
           uint32_t block_size, uint32_t begin, uint32_t end, JobSink& sink);

 private:
  // Drop every cached instance once this many, or kernels of this many bytes,
  // have piled up (a Store frees nothing before it dies; guests may send many
  // distinct kernels, and a cached instance keeps its kernel module alive).
  static constexpr size_t kMaxCachedInstances = 64;
  static constexpr size_t kMaxCachedBytes = size_t{32} << 20;

  Store& store(const Engine& engine, const Store& limits);

  const Engine* engine_ = nullptr;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Store> copy_store_;  // the current 2021 caller copy
  struct Key {
    const Kernel* kernel;
    const Memory* memory;
    uint8_t* base;
    auto operator<=>(const Key&) const = default;
  };
  struct Cached {
    std::shared_ptr<const Kernel> kernel;  // keeps Key::kernel alive
    Instance* instance;
    Func* func;
  };
  std::map<Key, Cached> cache_;
  size_t cached_bytes_ = 0;
  std::vector<Value> args_;  // reused across calls: no allocation per iteration
};

}  // namespace wpvm::parallel

// The host side of `wasi_ephemeral_parallel`: devices, buffer and device
// handles, the kernel cache, and the six functions with every errno of the
// contract. Every guest pointer is checked against the caller's memory before
// it is touched; handles are validated on every use.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "device.h"
#include "parallel_errno.h"
#include "handles.h"
#include "kernel.h"
#include "stacks.h"
#include "wpvm/parallel.h"

namespace wpvm::parallel {

// A host call's outcome: an errno for the guest, or a trap (kernel traps).
using Outcome = std::variant<Errno, Trap>;

class Host {
 public:
  explicit Host(ParallelConfig config);
  ~Host();

  Errno get_device(Caller& c, uint32_t hint, uint32_t out_ptr);
  Errno create_buffer(Caller& c, uint32_t device, uint32_t size, uint32_t access, uint32_t out_ptr);
  Errno write_buffer(Caller& c, uint32_t ptr, uint32_t len, uint32_t buffer);
  Errno read_buffer(Caller& c, uint32_t buffer, uint32_t ptr, uint32_t len);
  Outcome parallel_exec(Caller& c, std::span<const Value> a);
  Outcome parallel_for(Caller& c, std::span<const Value> a);

  void define(Linker& linker, Store& store);
  std::string last_error() const;
  size_t cached_kernels() const { return kernels_.size(); }
  size_t cached_kernel_bytes() const { return kernels_.bytes(); }
  // The cached kernel module of these bytes, if any (tests: what was built from it).
  std::shared_ptr<const Module> cached_kernel_module(std::span<const uint8_t> bytes) const {
    auto k = kernels_.find(bytes);
    return k ? k->module : nullptr;
  }
  // The kind of a device handle (tests: which device did a hint give?).
  std::optional<DeviceKind> device_kind(uint32_t handle) const;
  // "NAME (N threads)" of the device a current-enum hint gets.
  std::string describe_device_for(DeviceKind hint);
  const ParallelConfig& config() const { return config_; }

 private:
  // A checked list of buffers for one exec: their (ptr, len) pairs.
  struct BufferList {
    Device* device = nullptr;
    std::vector<uint32_t> args;
    std::vector<Buffer*> buffers;
  };

  Errno fail(Errno e, std::string reason);
  Errno from_kernel(const char* what);
  Device* find_device(uint32_t handle) const;
  Buffer* find_buffer(uint32_t handle) const;
  Errno collect_buffers(Memory* mem, uint32_t ptr, uint32_t count, Device*& device, BufferList& out);
  Errno check_lists(Memory* mem, std::span<const Value> a, size_t in_at, BufferList& out);
  Errno check_overlaps(const BufferList& list);
  Errno check_launch(uint32_t num_iterations, uint32_t block_size, const char* what);
  Errno check_tables(const Kernel& k, const Engine& engine);
  Errno check_memory_fits(const Kernel& k, const Memory& mem);
  // Stack regions for every worker `device` may use, when the code keeps a
  // shadow stack; `max_pages` bounds the caller's memory.
  Errno lease_stacks(Device& device, Memory& mem, const std::optional<ShadowStack>& stack, uint64_t max_pages,
                     StackLease& lease);
  Outcome run(Device& device, ExecJob& job, const char* what);
  uint32_t device_for_hint(const Caller& c, uint32_t hint);
  uint32_t gpu_device(DeviceKind hint);

  ParallelConfig config_;
  mutable std::mutex mutex_;  // handle tables and last_error_
  HandleTable<Device> devices_;
  HandleTable<Buffer> buffers_;
  uint32_t sequential_ = 0, cpu_ = 0;  // device handles
  // GPU devices, made on the first GPU hint: the handle serving each hint
  // (cpu_ when there is no GPU), and one device per Vulkan device index.
  std::map<DeviceKind, uint32_t> gpu_for_hint_;
  std::map<int, uint32_t> gpu_by_index_;
  KernelCache kernels_;
  StackRegions stacks_;
  std::string last_error_;
};

// True if the module imports the 2021 `parallel_for` (7 i32 params -> i32):
// its get_device hints use the 2021 enum.
bool is_2021_program(const Module& m);

}  // namespace wpvm::parallel

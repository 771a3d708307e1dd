// The Vulkan compute layer's public face: a Context (instance, one device, a
// compute queue), device-memory Buffers, cached compute Kernels and dispatch.
// No Vulkan header leaks out of it: callers need none of Vulkan's include
// paths. A Context must outlive the Buffers and Kernels made from it.
//
// Thread safety: every Context member may be called from several threads;
// submissions are serialised on the one queue, the kernel cache is locked.
// A Buffer must not be uploaded to or downloaded from while a dispatch that
// uses it runs on another thread.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wpvm/result.h"
#include "wpvm/vulkan/errors.h"
#include "wpvm/vulkan/kernel_info.h"

namespace wpvm::vulkan {

// As Vulkan reports it (VkPhysicalDeviceType); lavapipe is kCpu.
enum class DeviceType { kOther, kIntegrated, kDiscrete, kVirtual, kCpu };
const char* device_type_name(DeviceType type);

enum class DevicePreference { kDiscrete, kIntegrated, kAny };

struct DeviceInfo {
  uint32_t index = 0;  // position in Vulkan's enumeration
  std::string name;
  DeviceType type = DeviceType::kOther;
  uint32_t api_major = 1, api_minor = 0;
  bool has_compute = false;  // has a queue family with compute
};

struct ContextOptions {
  DevicePreference prefer = DevicePreference::kAny;
  // Which device, as select_device() reads it: "auto" (a real GPU, never a
  // CPU implementation), or an index or a name substring of list_devices().
  std::string device = "auto";
  bool force_staging = false;   // use device-local memory + staging copies even
                                // where host-visible memory would do
  uint32_t max_group_count = 0; // > 0: lower maxComputeWorkGroupCount[0] (tests
                                // of the split dispatch)
  // The kernel cache keeps at most this many pipelines and this many bytes
  // of their SPIR-V; the least recently used goes first.
  size_t kernel_cache_entries = 128;
  size_t kernel_cache_bytes = size_t{32} << 20;
  // Live buffer bytes allowed (0: derived from the device, see
  // Context::memory_budget()).
  uint64_t memory_budget = 0;
};

// Vulkan is loaded on first use, not linked: the first call of
// list_devices(), vulkan_available() or Context::create opens the loader
// (libvulkan.so.1; $WPVM_VULKAN_LOADER names another, tests a missing one)
// and makes the instance the process keeps. A program that never calls them
// never loads the loader or a driver.

// Every physical device (for `wpvm devices`). No loader or no driver: an
// empty list (vulkan_available() says why).
std::vector<DeviceInfo> list_devices();

// Whether Vulkan can be used at all: the loader loads and an instance can be
// made. Otherwise a device error starting "no Vulkan driver" that says why
// (the loader library missing or not a Vulkan loader, or no driver).
Result<void> vulkan_available();

// The one device choice (Context::create and the wasi-parallel GPU device
// both use it). `selector`:
//   "auto"  the best real GPU with a compute queue: discrete, integrated or
//           virtual, the `prefer`red type first, then in that order; nullopt
//           when there is none. A CPU implementation of Vulkan (lavapipe) is
//           never chosen automatically: it is slower than wpvm's CPU device
//           and Mesa 22.3's stops every shader loop after 65,535 iterations.
//   "none"  nullopt.
//   digits  the device with that index;
//   other   the best-ranked device whose name contains it (ASCII case
//           ignored), CPU implementations included.
// An explicit selector that names no device with a compute queue (or an
// empty one) is an ErrorKind::kUsage error that lists the devices.
Result<std::optional<uint32_t>> select_device(std::span<const DeviceInfo> devices, std::string_view selector,
                                              DevicePreference prefer = DevicePreference::kAny);

// Whether the loader knows this instance layer (e.g. the validation layer).
bool instance_layer_available(const std::string& name);

class Context;
class Kernel;

// A storage buffer of a fixed size in the device's memory.
class Buffer {
 public:
  struct Impl;
  Buffer(Buffer&&) noexcept;
  Buffer& operator=(Buffer&&) noexcept;
  ~Buffer();

  size_t size() const;
  // true: host-visible memory used directly (unified device); false: device-
  // local memory reached through staging copies.
  bool direct() const;
  // Both require data.size() == size() (ErrorKind::kUsage otherwise).
  Result<void> upload(std::span<const uint8_t> data);
  Result<void> download(std::span<uint8_t> data) const;
  const Impl& impl() const { return *impl_; }

 private:
  friend class Context;
  explicit Buffer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A compute pipeline built from one SPIR-V module; owned by the cache.
class Kernel {
 public:
  struct Impl;
  explicit Kernel(std::unique_ptr<Impl> impl);
  ~Kernel();
  const KernelInfo& info() const;
  uint64_t hash() const;  // of the SPIR-V words
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

class Context {
 public:
  struct Impl;
  // Fails cleanly (a device error whose message starts "no Vulkan driver")
  // when there is no usable device, so callers can fall back to the CPU; a
  // device error starting "no Vulkan GPU" when options.device is "auto" and
  // only CPU implementations exist (select one by name or index), and a
  // kUsage error for an explicit selector that matches nothing.
  static Result<std::unique_ptr<Context>> create(const ContextOptions& options = {});
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const DeviceInfo& device() const;
  // Buffers live in host-visible memory used directly (no staging).
  bool unified_memory() const;
  uint32_t max_group_count() const;  // per dispatch, in x
  // The largest buffer a kernel can bind: the storage-buffer range, single
  // allocation and heap limits (lavapipe: 128 MiB). Larger buffers are
  // refused with ErrorKind::kResource; a GPU device may fall back instead.
  size_t max_buffer_size() const;

  // Buffers count their bytes against memory_budget() while they live; one
  // that would exceed it is ErrorKind::kResource with both figures.
  Result<Buffer> create_buffer(size_t size);
  // The budget for live buffer bytes: ContextOptions::memory_budget, else
  // 3/4 of the memory heap buffers come from and, where that heap is the
  // host's memory (a unified device such as lavapipe), at most half of the
  // machine's physical RAM.
  uint64_t memory_budget() const;
  uint64_t memory_in_use() const;
  // Whether robustBufferAccess is enabled (where the device supports it):
  // out-of-bounds shader accesses stay inside the buffer or read zero.
  bool robust_buffer_access() const;

  // The pipeline for this SPIR-V, built once and cached by content; checked
  // against buffer_count (the caller's in ++ out buffers). The cache is
  // bounded (ContextOptions::kernel_cache_entries / _bytes, least recently
  // used evicted; a kernel still in use lives on with its holders); SPIR-V
  // that is refused is never kept, and one larger than the byte bound is
  // built but not cached.
  Result<std::shared_ptr<const Kernel>> kernel(std::span<const uint32_t> spirv,
                                               size_t buffer_count);
  size_t cached_kernels() const;
  size_t cached_kernel_bytes() const;  // of SPIR-V
  uint64_t kernels_built() const;      // pipelines built so far (cache misses)

  // Runs ceil(num_iterations * block_size / local_size_x) workgroups and
  // waits for them. num_iterations * block_size must fit in 32 bits (the
  // shader's guard is a uint); 0 runs nothing. Beyond max_group_count()
  // workgroups (Vulkan's maxComputeWorkGroupCount[0], at least 65535) a
  // launch is split into several dispatches only for kernels that declare the
  // optional third push constant `uint base_invocation;` (offset 8): each piece
  // gets its first invocation there and the shader adds it to
  // gl_GlobalInvocationID.x. For other kernels such a launch is an
  // ErrorKind::kUsage error that says so.
  Result<void> dispatch(const Kernel& kernel, std::span<const Buffer* const> buffers,
                        uint32_t num_iterations, uint32_t block_size);
  // The same launch, submitted piece by piece for a kernel that declares
  // base_invocation (one piece for another kernel), asking `stop` before
  // every piece but the first: once it says true no further piece runs. The
  // pieces are sized from the time the last one took, to last 20 to 100 ms,
  // so a stop takes effect within about that long. Returns how many of the
  // num_iterations * block_size invocations were launched (all, unless stopped).
  Result<uint64_t> dispatch_until(const Kernel& kernel, std::span<const Buffer* const> buffers,
                                  uint32_t num_iterations, uint32_t block_size, const std::function<bool()>& stop);

 private:
  explicit Context(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace wpvm::vulkan

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
#include <memory>
#include <span>
#include <string>
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
  int device_index = -1;        // >= 0: exactly this device of list_devices()
  bool force_staging = false;   // use device-local memory + staging copies even
                                // where host-visible memory would do
  uint32_t max_group_count = 0; // > 0: lower maxComputeWorkGroupCount[0] (tests
                                // of the split dispatch)
};

// Every physical device (for `wpvm devices`). No driver: an empty list.
std::vector<DeviceInfo> list_devices();

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
  // when there is no usable device, so callers can fall back to the CPU.
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

  Result<Buffer> create_buffer(size_t size);

  // The pipeline for this SPIR-V, built once and cached by content; checked
  // against buffer_count (the caller's in ++ out buffers).
  Result<std::shared_ptr<const Kernel>> kernel(std::span<const uint32_t> spirv,
                                               size_t buffer_count);
  size_t cached_kernels() const;

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

 private:
  explicit Context(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace wpvm::vulkan

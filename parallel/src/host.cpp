// The six wasi-parallel functions: argument checks in the contract's order
// (handles, then bounds, then contents), device selection for hints, and the
// hand-over of a checked job to a device.
#include "host.h"

#include <cstring>
#include <iostream>

#include "wpvm/share.h"

namespace wpvm::parallel {

namespace {

// More buffers than this is treated as the device running out of memory
// (a guest creating buffers in a loop must not exhaust the host).
constexpr size_t kMaxBuffers = size_t{1} << 20;

bool in_bounds(const Memory* mem, uint64_t ptr, uint64_t len) { return mem && mem->in_bounds(ptr, len); }

void put_u32(Memory& mem, uint32_t ptr, uint32_t v) { std::memcpy(mem.data() + ptr, &v, 4); }

}  // namespace

Host::Host(ParallelConfig config) : config_(std::move(config)), devices_(0x5eed0d3fu), buffers_(0xb0ff3e75u) {
  if (!config_.log) config_.log = [](std::string_view line) { std::cerr << line << "\n"; };
  sequential_ = devices_.insert(make_sequential_device());
  cpu_ = devices_.insert(make_cpu_device(config_.cpu_threads));
}

Host::~Host() = default;

Errno Host::fail(Errno e, std::string reason) {
  std::string line = std::string("wasi-parallel: ") + errno_name(e) + ": " + reason;
  {
    std::lock_guard lock(mutex_);
    last_error_ = line;
  }
  if (config_.verbose || e == Errno::kInvalidKernel || e == Errno::kDeviceError) config_.log(line);
  return e;
}

std::string Host::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

Device* Host::find_device(uint32_t handle) const {
  std::lock_guard lock(mutex_);
  return devices_.find(handle);
}

Buffer* Host::find_buffer(uint32_t handle) const {
  std::lock_guard lock(mutex_);
  return buffers_.find(handle);
}

std::optional<DeviceKind> Host::device_kind(uint32_t handle) const {
  Device* d = find_device(handle);
  if (!d) return std::nullopt;
  return d->kind();
}

bool is_2021_program(const Module& m) {
  for (const Import& imp : m.imports) {
    if (imp.kind != ExternKind::kFunc || imp.module != kParallelModuleName || imp.name != "parallel_for") continue;
    const FuncType& t = m.types[imp.type_index];
    return t.params == std::vector<ValType>(7, ValType::kI32) && t.results == std::vector<ValType>{ValType::kI32};
  }
  return false;
}

uint32_t Host::device_for_hint(const Caller& c, uint32_t hint) {
  Instance* inst = const_cast<Caller&>(c).instance();
  bool gen2021 = inst && is_2021_program(inst->module());
  // The 2021 enum has no SEQUENTIAL: CPU=0, DISCRETE_GPU=1, INTEGRATED_GPU=2.
  uint32_t kind = gen2021 ? hint + 1 : hint;
  if (gen2021 && hint > 2) kind = static_cast<uint32_t>(DeviceKind::kCpu);
  switch (static_cast<DeviceKind>(kind)) {
    case DeviceKind::kSequential: return sequential_;
    case DeviceKind::kCpu: return cpu_;
    case DeviceKind::kDiscreteGpu:
    case DeviceKind::kIntegratedGpu:
      return gpu_device(static_cast<DeviceKind>(kind));
  }
  return cpu_;  // unknown hints get the default device
}

// The GPU device for a hint, made on first use; the CPU device when there is
// no usable Vulkan device (or the build has no Vulkan backend).
uint32_t Host::gpu_device(DeviceKind hint) {
  std::lock_guard lock(mutex_);
  if (auto it = gpu_for_hint_.find(hint); it != gpu_for_hint_.end()) return it->second;
  uint32_t handle = cpu_;
  std::string why;
  if (auto index = choose_gpu(hint, config_.gpu); !index) {
    why = index.error().message;
  } else if (auto it = gpu_by_index_.find(*index); it != gpu_by_index_.end()) {
    handle = it->second;
  } else if (auto device = make_gpu_device(*index, *devices_.find(cpu_), config_); !device) {
    why = device.error().message;
  } else {
    handle = gpu_by_index_[*index] = devices_.insert(std::move(*device));
  }
  gpu_for_hint_[hint] = handle;
  if (config_.verbose) {
    config_.log(handle == cpu_ ? "wasi-parallel: no GPU device (" + why + "): the CPU device serves GPU hints"
                               : std::string("wasi-parallel: GPU hints get the ") + devices_.find(handle)->name() +
                                     " device");
  }
  return handle;
}

std::string Host::describe_device_for(DeviceKind hint) {
  uint32_t handle = hint == DeviceKind::kSequential ? sequential_
                    : hint == DeviceKind::kCpu      ? cpu_
                                                    : gpu_device(hint);
  Device* d = find_device(handle);
  if (d->kind() != DeviceKind::kSequential && d->kind() != DeviceKind::kCpu) return d->name();
  return std::string(d->name()) + " (" + std::to_string(d->threads()) + " thread" + (d->threads() == 1 ? ")" : "s)");
}

Errno Host::get_device(Caller& c, uint32_t hint, uint32_t out_ptr) {
  Memory* mem = c.memory();
  if (!in_bounds(mem, out_ptr, 4)) return fail(Errno::kOutOfBounds, "get_device: out_device_ptr outside memory");
  put_u32(*mem, out_ptr, device_for_hint(c, hint));
  return Errno::kSuccess;
}

// A kernel runs while its device is busy with it: buffer transfers from
// inside a kernel (a 2021 kernel is the caller's code and may call them)
// would wait for that same device.
Errno Host::from_kernel(const char* what) {
  return fail(Errno::kInvalidArgument, std::string(what) + " called from inside a kernel: buffers are managed by the "
                                                           "code that launches kernels, not by kernels");
}

Errno Host::create_buffer(Caller& c, uint32_t device, uint32_t size, uint32_t access, uint32_t out_ptr) {
  if (in_kernel_on_this_thread()) return from_kernel("create_buffer");
  Device* d = find_device(device);
  if (!d) return fail(Errno::kInvalidHandle, "create_buffer: unknown device handle");
  if (access > static_cast<uint32_t>(Access::kReadWrite))
    return fail(Errno::kInvalidArgument, "create_buffer: unknown buffer_access_kind " + std::to_string(access));
  Memory* mem = c.memory();
  if (!in_bounds(mem, out_ptr, 4)) return fail(Errno::kOutOfBounds, "create_buffer: out_buffer_ptr outside memory");
  // CPU buffers alias the caller's memory: one that can never hold `size`
  // bytes cannot back the buffer.
  uint64_t max_bytes = mem->type().limits.max.value_or(kMaxPages) * kPageSize;
  if (size > max_bytes) return fail(Errno::kOutOfMemory, "create_buffer: larger than the caller's memory can grow");
  auto b = std::make_unique<Buffer>();
  b->device = d;
  b->size = size;
  b->access = static_cast<Access>(access);
  std::string why;
  if (Errno e = d->create_buffer(*b, why); e != Errno::kSuccess) return fail(e, "create_buffer: " + why);
  uint32_t handle = 0;  // never a real handle: the salt is no valid index
  {
    std::lock_guard lock(mutex_);
    if (buffers_.size() < kMaxBuffers) handle = buffers_.insert(std::move(b));
  }
  if (!handle) return fail(Errno::kOutOfMemory, "create_buffer: too many buffers");
  put_u32(*mem, out_ptr, handle);
  return Errno::kSuccess;
}

Errno Host::write_buffer(Caller& c, uint32_t ptr, uint32_t len, uint32_t buffer) {
  if (in_kernel_on_this_thread()) return from_kernel("write_buffer");
  Buffer* b = find_buffer(buffer);
  if (!b) return fail(Errno::kInvalidHandle, "write_buffer: unknown buffer handle");
  if (len != b->size) return fail(Errno::kInvalidArgument, "write_buffer: data_len differs from the buffer size");
  Memory* mem = c.memory();
  if (!in_bounds(mem, ptr, len)) return fail(Errno::kOutOfBounds, "write_buffer: data outside memory");
  Errno e = b->device->write_buffer(*b, *mem, ptr);
  return e == Errno::kSuccess ? e : fail(e, "write_buffer: the device failed");
}

Errno Host::read_buffer(Caller& c, uint32_t buffer, uint32_t ptr, uint32_t len) {
  if (in_kernel_on_this_thread()) return from_kernel("read_buffer");
  Buffer* b = find_buffer(buffer);
  if (!b) return fail(Errno::kInvalidHandle, "read_buffer: unknown buffer handle");
  if (len != b->size) return fail(Errno::kInvalidArgument, "read_buffer: data_len differs from the buffer size");
  Memory* mem = c.memory();
  if (!in_bounds(mem, ptr, len)) return fail(Errno::kOutOfBounds, "read_buffer: data outside memory");
  if (!b->addr) return fail(Errno::kInvalidArgument, "read_buffer: the buffer was never written");
  Errno e = b->device->read_buffer(*b, *mem, ptr);
  return e == Errno::kSuccess ? e : fail(e, "read_buffer: the device failed");
}

}  // namespace wpvm::parallel

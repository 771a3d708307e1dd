// The wasi-parallel GPU device: a parallel::Device on one Vulkan device.
// Buffers live in device memory (uploaded by write_buffer, downloaded by
// read_buffer); a job runs the SPIR-V its kernel carries in a `wasi-parallel`
// custom section as one (split) compute dispatch. A kernel without SPIR-V
// runs on the CPU device over the buffers' host copies. Also the GPU factory
// the host calls for GPU hints (device.h).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>

#include "device.h"
#include "wpvm/module_def.h"
#include "wpvm/vulkan/context.h"
#include "wpvm/vulkan/errors.h"
#include "wpvm/vulkan/spirv_section.h"

namespace wpvm::parallel {

namespace {

// Vulkan buffers cannot be empty: a zero-byte wasi-parallel buffer gets this
// many bytes, never transferred.
constexpr size_t kMinDeviceBuffer = 4;

Errno errno_of(const Error& e) {
  switch (vulkan::failure_of(e)) {
    case vulkan::Failure::kInvalidArgument: return Errno::kInvalidArgument;
    case vulkan::Failure::kInvalidKernel: return Errno::kInvalidKernel;
    case vulkan::Failure::kOutOfMemory: return Errno::kOutOfMemory;
    case vulkan::Failure::kDevice: return Errno::kDeviceError;
  }
  return Errno::kDeviceError;
}

// A buffer's device state: its device memory, and the caller memory it was
// last written from (where a CPU fallback finds its contents).
struct GpuBuffer {
  vulkan::Buffer buffer;
  Memory* memory = nullptr;
};

GpuBuffer& gpu_buffer(const Buffer& b) { return *static_cast<GpuBuffer*>(b.device_state.get()); }

// Time spent in transfers and dispatches, told in verbose mode when the
// device goes away (the PRK bench reads it: lavapipe's transfers are copies
// in host memory, a real GPU's cross the bus).
struct Stats {
  std::atomic<uint64_t> upload_ns{0}, download_ns{0}, dispatch_ns{0};
  std::atomic<uint64_t> upload_bytes{0}, download_bytes{0}, dispatches{0};
};

class Timer {
 public:
  explicit Timer(std::atomic<uint64_t>& into) : into_(into), start_(std::chrono::steady_clock::now()) {}
  ~Timer() {
    auto d = std::chrono::steady_clock::now() - start_;
    into_ += static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
  }

 private:
  std::atomic<uint64_t>& into_;
  std::chrono::steady_clock::time_point start_;
};

DeviceKind kind_of(vulkan::DeviceType t) {
  return t == vulkan::DeviceType::kDiscrete ? DeviceKind::kDiscreteGpu : DeviceKind::kIntegratedGpu;
}

class GpuDevice final : public Device {
 public:
  GpuDevice(std::unique_ptr<vulkan::Context> ctx, Device& cpu, const ParallelConfig& config)
      : ctx_(std::move(ctx)), cpu_(cpu), config_(config), name_("gpu " + ctx_->device().name) {}
  ~GpuDevice() override {
    if (!config_.verbose || !config_.log) return;
    char line[256];
    std::snprintf(line, sizeof line,
                  "device stats: %llu dispatches %.6f s, uploads %llu bytes %.6f s, downloads %llu bytes %.6f s",
                  static_cast<unsigned long long>(stats_.dispatches.load()), stats_.dispatch_ns * 1e-9,
                  static_cast<unsigned long long>(stats_.upload_bytes.load()), stats_.upload_ns * 1e-9,
                  static_cast<unsigned long long>(stats_.download_bytes.load()), stats_.download_ns * 1e-9);
    config_.log("wasi-parallel: " + name_ + " " + line);
  }

  DeviceKind kind() const override { return kind_of(ctx_->device().type); }
  const char* name() const override { return name_.c_str(); }
  uint32_t threads() const override { return 1; }

  Errno create_buffer(Buffer& b, std::string& reason) override {
    if (b.size > ctx_->max_buffer_size()) {
      reason = std::to_string(b.size) + " bytes exceed the largest buffer " + name_ + " can bind (" +
               std::to_string(ctx_->max_buffer_size()) + " bytes)";
      return Errno::kOutOfMemory;
    }
    auto buffer = ctx_->create_buffer(std::max<size_t>(b.size, kMinDeviceBuffer));
    if (!buffer) {
      reason = buffer.error().message;
      return errno_of(buffer.error());
    }
    b.device_state = std::make_shared<GpuBuffer>(GpuBuffer{std::move(*buffer), nullptr});
    return Errno::kSuccess;
  }

  // Transfers take turns with dispatches: a buffer must not change while a
  // dispatch that binds it runs.
  Errno write_buffer(Buffer& b, Memory& mem, uint32_t ptr) override {
    std::lock_guard lock(mutex_);
    return upload(b, mem, ptr);
  }

  Errno read_buffer(const Buffer& b, Memory& mem, uint32_t ptr) override {
    std::lock_guard lock(mutex_);
    return download(b, mem, ptr);
  }

  void exec(const ExecJob& job, JobSink& sink) override {
    std::lock_guard lock(mutex_);  // one job at a time; no transfer meanwhile
    if (!job.spirv_module) return sink.fail("the job names no module to find SPIR-V in");
    // The one section reader (wpvm/vulkan/spirv_section.h): a section too
    // short for its id, not whole words, or a second section with the same
    // id is an invalid kernel.
    auto found = vulkan::find_spirv(job.spirv_module->bytes, job.spirv_id);
    if (!found) return sink.fail(found.error().to_string(), Errno::kInvalidKernel);
    if (!*found) return exec_on_cpu(job, sink);
    uint64_t built = ctx_->kernels_built();
    auto kernel = ctx_->kernel(**found, job.buffers.size());
    if (!kernel) return sink.fail("SPIR-V kernel: " + kernel.error().message, errno_of(kernel.error()));
    if (config_.verbose && ctx_->kernels_built() != built)
      config_.log("wasi-parallel: " + name_ + " device: pipeline built for a SPIR-V kernel (" +
                  std::to_string((*kernel)->info().buffer_count) + " buffers, local_size_x " +
                  std::to_string((*kernel)->info().local_size_x) + ")");
    bound_.clear();
    for (Buffer* b : job.buffers) bound_.push_back(&gpu_buffer(*b).buffer);
    Timer t(stats_.dispatch_ns);
    ++stats_.dispatches;
    // Piece by piece, so that an interruption of the caller (its engine's
    // epoch past its deadline) stops the launch between pieces, as a trap in
    // the first iteration not launched.
    auto launched = ctx_->dispatch_until(**kernel, bound_, job.num_iterations, job.block_size,
                                         [&job] { return job.interrupted(); });
    if (!launched) return sink.fail(launched.error().message, errno_of(launched.error()));
    uint64_t total = uint64_t{job.num_iterations} * job.block_size;
    if (*launched < total)
      sink.trap(static_cast<uint32_t>(*launched / std::max<uint32_t>(job.block_size, 1)),
                Trap{TrapKind::kInterrupted, "the GPU launch was stopped between its parts", 0, {}});
  }

 private:
  Errno upload(Buffer& b, Memory& mem, uint32_t ptr) {
    if (b.size > 0) {
      Timer t(stats_.upload_ns);
      stats_.upload_bytes += b.size;
      if (auto r = gpu_buffer(b).buffer.upload({mem.data() + ptr, b.size}); !r) return failed(r.error(), "write_buffer");
    }
    b.addr = ptr;
    gpu_buffer(b).memory = &mem;
    return Errno::kSuccess;
  }

  Errno download(const Buffer& b, Memory& mem, uint32_t ptr) {
    if (b.size == 0) return Errno::kSuccess;
    Timer t(stats_.download_ns);
    stats_.download_bytes += b.size;
    if (auto r = gpu_buffer(b).buffer.download({mem.data() + ptr, b.size}); !r) return failed(r.error(), "read_buffer");
    return Errno::kSuccess;
  }

  Errno failed(const Error& e, const char* what) {
    config_.log(std::string("wasi-parallel: ") + name_ + " device: " + what + ": " + e.message);
    return errno_of(e);
  }

  // A kernel without SPIR-V: the buffers' contents go to the regions they
  // were last written from (the addresses the kernel is given), the CPU
  // device runs the job there in place, and the results come back.
  void exec_on_cpu(const ExecJob& job, JobSink& sink) {
    if (config_.verbose)
      config_.log("wasi-parallel: the kernel carries no SPIR-V: the CPU device runs it for the " + name_ + " device");
    for (Buffer* b : job.buffers) {
      if (Errno e = download(*b, *gpu_buffer(*b).memory, *b->addr); e != Errno::kSuccess)
        return sink.fail("cannot copy a buffer for the CPU device", e);
    }
    cpu_.exec(job, sink);
    // After a trap the iterations below it ran (as on every device): their
    // results go back too. A worker that could not bind ran nothing.
    if (sink.failure) return;
    for (Buffer* b : job.buffers) {
      if (Errno e = upload(*b, *gpu_buffer(*b).memory, *b->addr); e != Errno::kSuccess)
        return sink.fail("cannot copy a buffer back from the CPU device", e);
    }
  }

  std::unique_ptr<vulkan::Context> ctx_;
  Device& cpu_;
  ParallelConfig config_;
  std::string name_;
  std::mutex mutex_;
  std::vector<const vulkan::Buffer*> bound_;  // reused by every exec
  Stats stats_;
};

vulkan::DevicePreference preference_of(DeviceKind hint) {
  return hint == DeviceKind::kDiscreteGpu ? vulkan::DevicePreference::kDiscrete : vulkan::DevicePreference::kIntegrated;
}

}  // namespace

// The ranking is vulkan::select_device's (the only one): "auto" takes a real
// GPU of the hinted type first, never a CPU implementation of Vulkan.
Result<int> choose_gpu(DeviceKind hint, const std::string& selector) {
  std::vector<vulkan::DeviceInfo> infos = vulkan::list_devices();
  if (infos.empty()) {
    // No loader, no driver (vulkan_available() says which), or no device.
    if (auto available = vulkan::vulkan_available(); !available) return available.error();
    return vulkan::device_error("no Vulkan driver: no physical device");
  }
  auto chosen = vulkan::select_device(infos, selector, preference_of(hint));
  if (!chosen) return chosen.error();
  if (!*chosen)
    return vulkan::device_error(selector == "none" ? "GPU selector \"none\""
                                                   : "no Vulkan GPU; a CPU implementation of Vulkan (lavapipe) "
                                                     "serves only when selected by name or index (--gpu)");
  return static_cast<int>(**chosen);
}

Result<void> check_gpu_selector(const std::string& selector) {
  if (selector == "auto" || selector == "none") return {};
  std::vector<vulkan::DeviceInfo> infos = vulkan::list_devices();
  auto chosen = vulkan::select_device(infos, selector);
  if (!chosen) {
    std::string why;  // no devices: no loader or no driver, and why
    if (auto available = vulkan::vulkan_available(); infos.empty() && !available)
      why = "; " + available.error().message;
    return make_error(ErrorKind::kUsage, kNoOffset, "GPU selector: " + chosen.error().message + why);
  }
  return {};
}

Result<std::unique_ptr<Device>> make_gpu_device(int index, Device& cpu, const ParallelConfig& config) {
  vulkan::ContextOptions options;
  options.device = std::to_string(index);
  options.memory_budget = config.gpu_memory_budget;
  auto ctx = vulkan::Context::create(options);
  if (!ctx) return ctx.error();
  // Made once per Vulkan device and host, so this is said once.
  if ((*ctx)->device().type == vulkan::DeviceType::kCpu && config.log)
    config.log("wasi-parallel: warning: GPU hints run on " + (*ctx)->device().name +
               ", a CPU implementation of Vulkan: this driver stops every shader loop after 65,535 "
               "iterations in total (Mesa lavapipe), so kernels with longer loops give wrong results; "
               "it is also slower than the CPU device");
  return std::unique_ptr<Device>(new GpuDevice(std::move(*ctx), cpu, config));
}

std::vector<std::string> describe_gpus(const std::string& selector) {
  std::vector<std::string> lines;
  std::vector<vulkan::DeviceInfo> infos = vulkan::list_devices();
  std::vector<uint32_t> picked;  // by either GPU hint
  for (DeviceKind hint : {DeviceKind::kDiscreteGpu, DeviceKind::kIntegratedGpu}) {
    auto chosen = vulkan::select_device(infos, selector, preference_of(hint));
    if (chosen && *chosen) picked.push_back(**chosen);
  }
  for (const vulkan::DeviceInfo& d : infos) {
    std::string note;
    if (std::find(picked.begin(), picked.end(), d.index) != picked.end()) note = ", serves GPU hints";
    else if (d.type == vulkan::DeviceType::kCpu) note = ", a CPU implementation: only with --gpu " + std::to_string(d.index);
    lines.push_back("vulkan " + std::to_string(d.index) + ": " + d.name + " (" + vulkan::device_type_name(d.type) +
                    ", Vulkan " + std::to_string(d.api_major) + "." + std::to_string(d.api_minor) +
                    (d.has_compute ? "" : ", no compute queue") + note + ")");
  }
  return lines;
}

}  // namespace wpvm::parallel

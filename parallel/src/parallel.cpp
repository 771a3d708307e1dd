// The embedding surface (wpvm/parallel.h): creating the host and defining its
// six functions in a Linker, each as an i32 host function returning an errno.
#include "wpvm/parallel.h"

#include "host.h"

namespace wpvm {

namespace parallel {

const char* errno_name(Errno e) { return wasi_parallel_strerror(static_cast<uint32_t>(e)); }

namespace {

FuncType i32_func(size_t params) { return FuncType{std::vector<ValType>(params, ValType::kI32), {ValType::kI32}}; }

// Writes the outcome: an errno result, or the trap that ends the caller.
std::optional<Trap> finish(Outcome o, std::span<Value> results) {
  if (auto* t = std::get_if<Trap>(&o)) return std::move(*t);
  results[0] = Value::from_i32(static_cast<uint32_t>(std::get<Errno>(o)));
  return std::nullopt;
}

}  // namespace

void Host::define(Linker& linker, Store& store) {
  auto def = [&](const char* name, size_t params, auto fn) {
    HostFn host = [this, fn](Caller& c, std::span<const Value> a, std::span<Value> r) {
      return finish(fn(*this, c, a), r);
    };
    linker.define(kParallelModuleName, name, store.create_host_func(i32_func(params), std::move(host), name));
  };
  def("get_device", 2, [](Host& h, Caller& c, auto a) -> Outcome { return h.get_device(c, a[0].i32, a[1].i32); });
  def("create_buffer", 4, [](Host& h, Caller& c, auto a) -> Outcome {
    return h.create_buffer(c, a[0].i32, a[1].i32, a[2].i32, a[3].i32);
  });
  def("write_buffer", 3,
      [](Host& h, Caller& c, auto a) -> Outcome { return h.write_buffer(c, a[0].i32, a[1].i32, a[2].i32); });
  def("read_buffer", 3,
      [](Host& h, Caller& c, auto a) -> Outcome { return h.read_buffer(c, a[0].i32, a[1].i32, a[2].i32); });
  def("parallel_exec", 9, [](Host& h, Caller& c, auto a) { return h.parallel_exec(c, a); });
  def("parallel_for", 7, [](Host& h, Caller& c, auto a) { return h.parallel_for(c, a); });
}

}  // namespace parallel

Parallel::Parallel() = default;
Parallel::~Parallel() = default;

Result<std::unique_ptr<Parallel>> Parallel::create(ParallelConfig config) {
  // A GPU selector naming no Vulkan device is the embedder's error, found
  // before any guest runs.
  if (auto checked = parallel::check_gpu_selector(config.gpu); !checked) return checked.error();
  std::unique_ptr<Parallel> p(new Parallel());
  p->host_ = std::make_unique<parallel::Host>(std::move(config));
  return p;
}

void Parallel::define(Linker& linker, Store& store) { host_->define(linker, store); }
std::vector<std::string> Parallel::describe_devices() {
  using parallel::DeviceKind;
  const std::pair<const char*, DeviceKind> hints[] = {{"SEQUENTIAL", DeviceKind::kSequential},
                                                      {"CPU", DeviceKind::kCpu},
                                                      {"DISCRETE_GPU", DeviceKind::kDiscreteGpu},
                                                      {"INTEGRATED_GPU", DeviceKind::kIntegratedGpu}};
  std::vector<std::string> lines;
  for (auto [name, kind] : hints) lines.push_back(std::string(name) + ": " + host_->describe_device_for(kind));
  for (std::string& line : parallel::describe_gpus(host_->config().gpu)) lines.push_back(std::move(line));
  return lines;
}

std::string Parallel::last_error() const { return host_->last_error(); }
size_t Parallel::cached_kernels() const { return host_->cached_kernels(); }

bool module_uses_parallel(const Module& module) {
  for (const Import& imp : module.imports)
    if (imp.module == kParallelModuleName) return true;
  return false;
}

}  // namespace wpvm

// Workers: per-thread stores, kernel instances bound to the caller's memory
// (the lending rule), worker copies of 2021 callers, and the iteration loop.
#include "worker.h"

#include "kernel.h"
#include "wpvm/share.h"

namespace wpvm::parallel {

namespace {
thread_local int kernel_depth = 0;

// Marks this thread as running kernel code for its lifetime.
struct InKernel {
  InKernel() { ++kernel_depth; }
  ~InKernel() { --kernel_depth; }
};
}  // namespace

bool in_kernel_on_this_thread() { return kernel_depth > 0; }

std::optional<uint64_t> fuel_left(const Store& store) {
  // Asked only when the engine consumes fuel: otherwise the answer is an
  // error, whose message would be built (and allocated) for nothing.
  if (!store.engine().config().consume_fuel) return std::nullopt;
  auto fuel = store.get_fuel();
  return fuel ? std::optional<uint64_t>(*fuel) : std::nullopt;
}

void JobSink::lower_stop(uint32_t to) {
  uint32_t cur = stop_at_.load(std::memory_order_relaxed);
  while (to < cur && !stop_at_.compare_exchange_weak(cur, to, std::memory_order_relaxed)) {
  }
}

void JobSink::trap(uint32_t iteration, Trap t) {
  lower_stop(iteration);
  std::lock_guard lock(mutex_);
  if (!first_trap || iteration < first_trap->first) first_trap.emplace(iteration, std::move(t));
}

void JobSink::fail(std::string reason) { fail(std::move(reason), Errno::kDeviceError); }

void JobSink::fail(std::string reason, Errno errno_value) {
  lower_stop(0);
  std::lock_guard lock(mutex_);
  if (failure) return;
  failure = std::move(reason);
  failure_errno = errno_value;
}

void JobSink::fail(const Error& bind_error) {
  fail(bind_error.message, bind_error.kind == ErrorKind::kResource ? Errno::kOutOfMemory : Errno::kDeviceError);
}

Store& Worker::store(const Engine& engine, const Store& limits) {
  if (!store_ || engine_ != &engine || !shares_limits(*store_, limits) || cache_.size() >= kMaxCachedInstances ||
      cached_bytes_ >= kMaxCachedBytes) {
    cache_.clear();
    cached_bytes_ = 0;
    store_.reset();  // before the new one: its instances hold aliases only
    store_ = std::make_unique<Store>(engine);
    share_limits(*store_, limits);
    engine_ = &engine;
  }
  return *store_;
}

Result<BoundKernel> Worker::kernel_instance(const Engine& engine, const Store& limits,
                                            const std::shared_ptr<const Kernel>& kernel, Memory& memory) {
  Store& s = store(engine, limits);
  Key key{kernel.get(), &memory, memory.data()};
  if (auto it = cache_.find(key); it != cache_.end()) return BoundKernel{&s, it->second.instance, it->second.func};
  // The kernel sees the caller's pages typed as it declares them (usually
  // shared): the caller is blocked in parallel_exec, so lending is safe.
  const Import& imp = *kernel->memory;
  auto alias = create_memory_alias(s, memory, imp.memory);
  if (!alias) return alias.error();
  Linker linker;
  linker.define(imp.module, imp.name, *alias);
  auto inst = s.instantiate(kernel->module, linker);
  if (!inst) return inst.error();
  Func* f = (*inst)->func("kernel");
  cache_.emplace(key, Cached{kernel, *inst, f});
  cached_bytes_ += kernel->module->bytes.size();
  return BoundKernel{&s, *inst, f};
}

Result<BoundKernel> Worker::caller_copy(const Engine& engine, const Store& limits, const Instance& caller,
                                        uint32_t func_index) {
  copy_store_.reset();
  copy_store_ = std::make_unique<Store>(engine);
  share_limits(*copy_store_, limits);
  auto copy = clone_instance(*copy_store_, caller);
  if (!copy) return copy.error();
  Func* f = instance_func(**copy, func_index);
  if (!f) return make_error(ErrorKind::kUsage, kNoOffset, "no such function in the caller");
  return BoundKernel{copy_store_.get(), *copy, f};
}

void Worker::run(const BoundKernel& kernel, std::span<const uint32_t> buffer_args, uint32_t num_iterations,
                 uint32_t block_size, uint32_t begin, uint32_t end, JobSink& sink) {
  args_.resize(3 + buffer_args.size());
  args_[1] = Value::from_i32(num_iterations);
  args_[2] = Value::from_i32(block_size);
  for (size_t i = 0; i < buffer_args.size(); ++i) args_[3 + i] = Value::from_i32(buffer_args[i]);
  InKernel marked;
  struct FuelUsed {
    Store& store;
    JobSink& sink;
    std::optional<uint64_t> before = fuel_left(store);
    ~FuelUsed() {
      if (before) sink.fuel_used.fetch_add(*before - *store.get_fuel(), std::memory_order_relaxed);
    }
  } fuel{*kernel.store, sink};
  for (uint32_t id = begin; id < end; ++id) {
    if (id >= sink.stop_at()) return;
    args_[0] = Value::from_i32(id);
    CallResult r = kernel.store->call(kernel.func, args_);
    if (r.trap) {
      sink.trap(id, std::move(*r.trap));
      return;
    }
  }
}

}  // namespace wpvm::parallel

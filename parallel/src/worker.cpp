// Workers: per-thread stores, kernel instances bound to the caller's memory
// (the lending rule), worker copies of 2021 callers, and the iteration loop.
#include "worker.h"

#include "kernel.h"
#include "runtime/memory_share.h"

namespace wpvm::parallel {

void JobSink::trap(uint32_t iteration, Trap t) {
  cancelled_.store(true, std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  if (!first_trap || iteration < first_trap->first) first_trap.emplace(iteration, std::move(t));
}

void JobSink::fail(std::string reason) {
  cancelled_.store(true, std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  if (!failure) failure = std::move(reason);
}

void JobSink::fail(std::string reason, Errno errno_value) {
  cancelled_.store(true, std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  if (failure) return;
  failure = std::move(reason);
  failure_errno = errno_value;
}

Store& Worker::store(const Engine& engine) {
  if (!store_ || engine_ != &engine || cache_.size() >= kMaxCachedInstances) {
    cache_.clear();
    store_.reset();  // before the new one: its instances hold aliases only
    store_ = std::make_unique<Store>(engine);
    engine_ = &engine;
  }
  return *store_;
}

Result<BoundKernel> Worker::kernel_instance(const Engine& engine, const std::shared_ptr<const Kernel>& kernel,
                                            Memory& memory) {
  Store& s = store(engine);
  Key key{kernel.get(), &memory, memory.data()};
  if (auto it = cache_.find(key); it != cache_.end()) return BoundKernel{&s, it->second.func};
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
  cache_.emplace(key, Cached{kernel, f});
  return BoundKernel{&s, f};
}

Result<BoundKernel> Worker::caller_copy(const Engine& engine, const Instance& caller, uint32_t func_index) {
  copy_store_.reset();
  copy_store_ = std::make_unique<Store>(engine);
  auto copy = clone_instance(*copy_store_, caller);
  if (!copy) return copy.error();
  Func* f = instance_func(**copy, func_index);
  if (!f) return make_error(ErrorKind::kUsage, kNoOffset, "no such function in the caller");
  return BoundKernel{copy_store_.get(), f};
}

void Worker::run(const BoundKernel& kernel, std::span<const uint32_t> buffer_args, uint32_t num_iterations,
                 uint32_t block_size, uint32_t begin, uint32_t end, JobSink& sink) {
  args_.resize(3 + buffer_args.size());
  args_[1] = Value::from_i32(num_iterations);
  args_[2] = Value::from_i32(block_size);
  for (size_t i = 0; i < buffer_args.size(); ++i) args_[3 + i] = Value::from_i32(buffer_args[i]);
  for (uint32_t id = begin; id < end; ++id) {
    if (sink.cancelled()) return;
    args_[0] = Value::from_i32(id);
    CallResult r = kernel.store->call(kernel.func, args_);
    if (r.trap) {
      sink.trap(id, std::move(*r.trap));
      return;
    }
  }
}

}  // namespace wpvm::parallel

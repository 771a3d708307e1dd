// parallel_exec and the 2021 parallel_for: checks of the buffer lists (handles,
// overlaps), the launch size, the kernel (rules, cache, parameter count,
// memory limits), the workers' shadow stacks and the hand-over of the job to
// a device; a trapping kernel traps the caller.
#include <algorithm>
#include <cstring>

#include "host.h"
#include "wpvm/share.h"

namespace wpvm::parallel {

namespace {

bool in_bounds(const Memory* mem, uint64_t ptr, uint64_t len) { return mem && mem->in_bounds(ptr, len); }

uint32_t get_u32(Memory& mem, uint32_t ptr) {
  uint32_t v;
  std::memcpy(&v, mem.data() + ptr, 4);
  return v;
}

bool kernel_shaped(const FuncType& t, size_t buffers) {
  if (!t.results.empty() || t.params.size() != 3 + 2 * buffers) return false;
  for (ValType v : t.params)
    if (v != ValType::kI32) return false;
  return true;
}

}  // namespace

// Reads `count` buffer handles at `ptr`; all must belong to one device (the
// first one seen if `device` is still null).
Errno Host::collect_buffers(Memory* mem, uint32_t ptr, uint32_t count, Device*& device, BufferList& out) {
  const char* problem = nullptr;
  Errno e = Errno::kSuccess;
  {
    std::lock_guard lock(mutex_);  // once for the list (fail takes it too)
    for (uint32_t i = 0; i < count && !problem; ++i) {
      Buffer* b = buffers_.find(get_u32(*mem, ptr + 4 * i));
      if (!b) {
        e = Errno::kInvalidHandle, problem = "unknown buffer handle in a buffer list";
      } else if (device && b->device != device) {
        e = Errno::kInvalidHandle, problem = "a buffer of another device in a buffer list";
      } else if (!b->addr) {
        e = Errno::kInvalidArgument, problem = "a buffer in a buffer list was never written";
      } else {
        device = b->device;
        out.args.push_back(*b->addr);
        out.args.push_back(b->size);
        out.buffers.push_back(b);
      }
    }
  }
  return problem ? fail(e, problem) : Errno::kSuccess;
}

// The (in_ptr, in_count, out_ptr, out_count) quadruple starting at a[in_at].
Errno Host::check_lists(Memory* mem, std::span<const Value> a, size_t in_at, BufferList& out) {
  uint32_t in_ptr = a[in_at].i32, in_count = a[in_at + 1].i32;
  uint32_t out_ptr = a[in_at + 2].i32, out_count = a[in_at + 3].i32;
  if (!in_bounds(mem, in_ptr, uint64_t{4} * in_count) || !in_bounds(mem, out_ptr, uint64_t{4} * out_count))
    return fail(Errno::kOutOfBounds, "a buffer list outside memory");
  // One allocation each for the usual few buffers (a guest's count is not
  // trusted beyond that: the handles may be garbage).
  size_t expect = std::min<uint64_t>(uint64_t{in_count} + out_count, 16);
  out.args.reserve(2 * expect);
  out.buffers.reserve(expect);
  if (Errno e = collect_buffers(mem, in_ptr, in_count, out.device, out); e != Errno::kSuccess) return e;
  return collect_buffers(mem, out_ptr, out_count, out.device, out);
}

// Distinct buffers of one call must not share bytes of the caller's memory:
// on CPU devices both would alias the same region, on a GPU each would be
// written back over the other.
Errno Host::check_overlaps(const BufferList& list) {
  constexpr size_t kOnStack = 16;  // no allocation for the usual few buffers
  const Buffer* few[kOnStack];
  std::vector<const Buffer*> many;
  if (list.buffers.size() > kOnStack) many.resize(list.buffers.size());
  const Buffer** first = many.empty() ? few : many.data();
  size_t n = 0;
  for (const Buffer* b : list.buffers)
    if (b->size > 0) first[n++] = b;
  std::span<const Buffer*> sorted(first, n);
  std::sort(sorted.begin(), sorted.end(), [](const Buffer* x, const Buffer* y) { return *x->addr < *y->addr; });
  for (size_t i = 1; i < sorted.size(); ++i) {
    const Buffer* prev = sorted[i - 1];
    const Buffer* cur = sorted[i];
    if (prev == cur || uint64_t{*prev->addr} + prev->size <= *cur->addr) continue;
    return fail(Errno::kInvalidArgument,
                "two buffers of the call overlap in memory ([" + std::to_string(*prev->addr) + ", +" +
                    std::to_string(prev->size) + ") and [" + std::to_string(*cur->addr) + ", +" +
                    std::to_string(cur->size) + ")): data a kernel reads and writes goes in one read_write buffer");
  }
  return Errno::kSuccess;
}

Errno Host::check_launch(uint32_t num_iterations, uint32_t block_size, const char* what) {
  uint64_t total = uint64_t{num_iterations} * block_size;
  if (total > UINT32_MAX)
    return fail(Errno::kInvalidArgument, std::string(what) + ": num_iterations * block_size = " +
                                             std::to_string(total) + " does not fit in 32 bits");
  return Errno::kSuccess;
}

Errno Host::lease_stacks(Device& device, Memory& mem, const std::optional<ShadowStack>& stack, uint64_t max_pages,
                         StackLease& lease) {
  if (!stack) return Errno::kSuccess;
  // GPU devices run SPIR-V-less kernels on the CPU device's workers.
  uint32_t workers = device.kind() == DeviceKind::kSequential ? 1 : find_device(cpu_)->threads();
  auto got = stacks_.acquire(mem, workers, stack->region_bytes(), max_pages);
  if (!got) return fail(Errno::kInvalidKernel, got.error().message);
  lease = std::move(*got);
  return Errno::kSuccess;
}

// A kernel's tables count against the engine's table limit like any
// module's; checked here, where the engine is known, so that such a kernel
// is refused as a kernel rather than failing in every worker.
Errno Host::check_tables(const Kernel& k, const Engine& engine) {
  const Module& m = *k.module;
  uint64_t limit = engine.config().max_table_elements;
  for (size_t i = 0; i < m.tables.size(); ++i)
    if (m.tables[i].limits.min > limit)
      return fail(Errno::kInvalidKernel, "the kernel's table " + std::to_string(i) + " of " +
                                             std::to_string(m.tables[i].limits.min) +
                                             " elements exceeds the limit of " + std::to_string(limit) +
                                             " table elements");
  return Errno::kSuccess;
}

// The kernel sees the caller's memory through its own import type.
Errno Host::check_memory_fits(const Kernel& k, const Memory& mem) {
  const Limits& l = k.memory->memory.limits;
  uint64_t pages = mem.pages();
  if (pages < l.min || (l.max && *l.max < pages))
    return fail(Errno::kInvalidKernel, "the kernel's memory import (min " + std::to_string(l.min) + " pages" +
                                           (l.max ? ", max " + std::to_string(*l.max) : std::string()) +
                                           ") cannot hold the caller's memory of " + std::to_string(pages) +
                                           " pages");
  return Errno::kSuccess;
}

Outcome Host::run(Device& device, ExecJob& job, const char* what) {
  JobSink sink;
  device.exec(job, sink);
  // The kernel instances drew from the caller's fuel.
  if (job.caller)
    if (auto left = fuel_left(*job.caller))
      (void)job.caller->set_fuel(*left - std::min(*left, sink.fuel_used.load(std::memory_order_relaxed)));
  if (sink.first_trap) {
    auto& [iteration, t] = *sink.first_trap;
    std::string detail = std::string("in the ") + what + " kernel, iteration " + std::to_string(iteration) +
                         " of " + std::to_string(job.num_iterations) + " (the remaining iterations were cancelled)";
    t.message = t.message.empty() ? detail : t.message + "; " + detail;
    t.backtrace.clear();  // frames of the kernel module, not of the caller's
    return std::move(t);
  }
  if (sink.failure) return fail(sink.failure_errno, std::string(device.name()) + " device: " + *sink.failure);
  return Errno::kSuccess;
}

namespace {

// A worker's store takes the caller's epoch deadline and fuel left, so that
// an interruption stops every worker and kernels draw from the caller's fuel.
Result<BoundKernel> with_caller_limits(Result<BoundKernel> bound, const Store& caller) {
  if (bound) inherit_interruption(*bound->store, caller);
  return bound;
}

// Starts a worker's stack pointer at the top of its own region.
Result<BoundKernel> with_stack(Result<BoundKernel> bound, const std::optional<ShadowStack>& stack,
                               const StackLease& lease, uint32_t slot) {
  if (!bound || !stack) return bound;
  if (slot >= lease.tops().size())
    return make_error(ErrorKind::kUsage, kNoOffset, "worker slot " + std::to_string(slot) + " has no stack region");
  WPVM_TRY(instance_global(*bound->instance, stack->global_index)->set(Value::from_i32(lease.tops()[slot])));
  return bound;
}

}  // namespace

Outcome Host::parallel_exec(Caller& c, std::span<const Value> a) {
  if (in_kernel_on_this_thread())
    return fail(Errno::kInvalidArgument,
                "parallel_exec called from inside a kernel: nested parallel calls are not supported");
  Device* device = find_device(a[0].i32);
  if (!device) return fail(Errno::kInvalidHandle, "parallel_exec: unknown device handle");
  Memory* mem = c.memory();
  uint32_t kernel_ptr = a[1].i32, kernel_len = a[2].i32;
  if (!in_bounds(mem, kernel_ptr, kernel_len)) return fail(Errno::kOutOfBounds, "parallel_exec: kernel outside memory");
  BufferList list;
  list.device = device;
  if (Errno e = check_lists(mem, a, 5, list); e != Errno::kSuccess) return e;
  if (Errno e = check_overlaps(list); e != Errno::kSuccess) return e;
  auto kernel = kernels_.get({mem->data() + kernel_ptr, kernel_len});
  if (!kernel) return fail(Errno::kInvalidKernel, kernel.error().to_string());
  const Kernel& k = **kernel;
  size_t buffers = list.args.size() / 2;
  if (k.num_buffers != buffers)
    return fail(Errno::kInvalidKernel, "the kernel takes " + std::to_string(k.num_buffers) +
                                           " buffers, parallel_exec passes " + std::to_string(buffers));
  const Engine& engine = c.store().engine();
  if (Errno e = check_tables(k, engine); e != Errno::kSuccess) return e;
  ExecJob job;
  job.num_iterations = a[3].i32;
  job.block_size = a[4].i32;
  if (Errno e = check_launch(job.num_iterations, job.block_size, "parallel_exec"); e != Errno::kSuccess) return e;
  StackLease stacks;  // a call that runs nothing grows no memory
  uint64_t max_pages = k.memory->memory.limits.max.value_or(kMaxPages);
  if (job.num_iterations > 0)
    if (Errno e = lease_stacks(*device, *mem, k.stack, max_pages, stacks); e != Errno::kSuccess) return e;
  if (Errno e = check_memory_fits(k, *mem); e != Errno::kSuccess) return e;
  if (job.num_iterations == 0) return Errno::kSuccess;
  job.buffer_args = list.args;
  job.caller = &c.store();
  // What binding needs, captured as one pointer (std::function keeps it
  // without allocating).
  struct BindContext {
    const Engine& engine;
    Store& caller;
    const std::shared_ptr<const Kernel>& kernel;
    Memory& mem;
    const StackLease& stacks;
  } ctx{engine, c.store(), *kernel, *mem, stacks};
  job.bind = [ctx = &ctx](Worker& w, uint32_t slot) -> Result<BoundKernel> {
    auto bound = w.kernel_instance(ctx->engine, ctx->caller, ctx->kernel, ctx->mem);
    if (bound) reset_globals(*bound->instance);  // nothing carries over from an earlier call
    return with_caller_limits(with_stack(std::move(bound), ctx->kernel->stack, ctx->stacks, slot), ctx->caller);
  };
  job.buffers = list.buffers;
  job.spirv_module = k.module.get();
  return run(*device, job, "wasi-parallel");
}

// The 2021 generation: the kernel is a function of the caller, found through
// its exported funcref table; there is no device argument (the buffers'
// device runs it, the CPU device when there are none).
Outcome Host::parallel_for(Caller& c, std::span<const Value> a) {
  if (in_kernel_on_this_thread())
    return fail(Errno::kInvalidArgument,
                "parallel_for called from inside a kernel: nested parallel calls are not supported");
  Memory* mem = c.memory();
  Instance* caller = c.instance();
  BufferList list;
  if (Errno e = check_lists(mem, a, 3, list); e != Errno::kSuccess) return e;
  if (Errno e = check_overlaps(list); e != Errno::kSuccess) return e;
  Device* device = list.device ? list.device : find_device(cpu_);
  Table* table = caller ? caller->table("__indirect_function_table") : nullptr;
  if (!table && caller) table = caller->table("table");
  if (!table || table->type().elem != ValType::kFuncRef)
    return fail(Errno::kInvalidKernel, "parallel_for: the caller exports no funcref table");
  uint32_t index = a[0].i32;
  Result<Value> ref = table->get(index);
  std::optional<uint32_t> func = ref ? defined_func_index(*caller, static_cast<Func*>(ref->ref)) : std::nullopt;
  if (!func)
    return fail(Errno::kInvalidKernel, "parallel_for: table entry " + std::to_string(index) +
                                           " is not a function of the caller");
  const FuncType& type = caller->module().func_type(*func);
  if (!kernel_shaped(type, list.args.size() / 2))
    return fail(Errno::kInvalidKernel, "parallel_for: the kernel's type " + type.to_string() +
                                           " does not take (thread_id, num_threads, block_size) and the " +
                                           std::to_string(list.args.size() / 2) + " buffers");
  ExecJob job;
  job.num_iterations = a[1].i32;
  job.block_size = a[2].i32;
  if (Errno e = check_launch(job.num_iterations, job.block_size, "parallel_for"); e != Errno::kSuccess) return e;
  if (job.num_iterations == 0) return Errno::kSuccess;
  // The workers run the caller's own code: its shadow stack would be shared
  // by all of them (and be the caller's own), so each gets a region instead.
  std::optional<ShadowStack> stack = find_shadow_stack(caller->module());
  StackLease stacks;
  if (Errno e = lease_stacks(*device, *mem, stack, kMaxPages, stacks); e != Errno::kSuccess) return e;
  job.buffer_args = list.args;
  const Engine& engine = c.store().engine();
  job.caller = &c.store();
  job.bind = [&](Worker& w, uint32_t slot) {
    return with_caller_limits(with_stack(w.caller_copy(engine, *job.caller, *caller, *func), stack, stacks, slot),
                              *job.caller);
  };
  job.buffers = list.buffers;
  job.spirv_module = &caller->module();
  job.spirv_id = index;
  return run(*device, job, "parallel_for");
}

}  // namespace wpvm::parallel

// parallel_exec and the 2021 parallel_for: checks of the buffer lists, the
// kernel (rules, cache, parameter count, memory limits) and the hand-over of
// the job to a device; a trapping kernel traps the caller.
#include <cstring>

#include "host.h"
#include "runtime/memory_share.h"

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
  for (uint32_t i = 0; i < count; ++i) {
    Buffer* b = find_buffer(get_u32(*mem, ptr + 4 * i));
    if (!b) return fail(Errno::kInvalidHandle, "unknown buffer handle in a buffer list");
    if (!device) device = b->device;
    if (b->device != device) return fail(Errno::kInvalidHandle, "a buffer of another device in a buffer list");
    if (!b->addr) return fail(Errno::kInvalidArgument, "a buffer in a buffer list was never written");
    out.args.push_back(*b->addr);
    out.args.push_back(b->size);
    out.buffers.push_back(b);
  }
  return Errno::kSuccess;
}

// The (in_ptr, in_count, out_ptr, out_count) quadruple starting at a[in_at].
Errno Host::check_lists(Memory* mem, std::span<const Value> a, size_t in_at, BufferList& out) {
  uint32_t in_ptr = a[in_at].i32, in_count = a[in_at + 1].i32;
  uint32_t out_ptr = a[in_at + 2].i32, out_count = a[in_at + 3].i32;
  if (!in_bounds(mem, in_ptr, uint64_t{4} * in_count) || !in_bounds(mem, out_ptr, uint64_t{4} * out_count))
    return fail(Errno::kOutOfBounds, "a buffer list outside memory");
  if (Errno e = collect_buffers(mem, in_ptr, in_count, out.device, out); e != Errno::kSuccess) return e;
  return collect_buffers(mem, out_ptr, out_count, out.device, out);
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

Outcome Host::parallel_exec(Caller& c, std::span<const Value> a) {
  Device* device = find_device(a[0].i32);
  if (!device) return fail(Errno::kInvalidHandle, "parallel_exec: unknown device handle");
  Memory* mem = c.memory();
  uint32_t kernel_ptr = a[1].i32, kernel_len = a[2].i32;
  if (!in_bounds(mem, kernel_ptr, kernel_len)) return fail(Errno::kOutOfBounds, "parallel_exec: kernel outside memory");
  BufferList list;
  list.device = device;
  if (Errno e = check_lists(mem, a, 5, list); e != Errno::kSuccess) return e;
  auto kernel = kernels_.get({mem->data() + kernel_ptr, kernel_len});
  if (!kernel) return fail(Errno::kInvalidKernel, kernel.error().to_string());
  const Kernel& k = **kernel;
  size_t buffers = list.args.size() / 2;
  if (k.num_buffers != buffers)
    return fail(Errno::kInvalidKernel, "the kernel takes " + std::to_string(k.num_buffers) +
                                           " buffers, parallel_exec passes " + std::to_string(buffers));
  if (Errno e = check_memory_fits(k, *mem); e != Errno::kSuccess) return e;
  ExecJob job;
  job.num_iterations = a[3].i32;
  job.block_size = a[4].i32;
  if (job.num_iterations == 0) return Errno::kSuccess;
  job.buffer_args = list.args;
  const Engine& engine = c.store().engine();
  std::shared_ptr<const Kernel> shared = *kernel;
  job.bind = [&](Worker& w) { return w.kernel_instance(engine, shared, *mem); };
  job.buffers = list.buffers;
  job.spirv_module = k.module.get();
  return run(*device, job, "wasi-parallel");
}

// The 2021 generation: the kernel is a function of the caller, found through
// its exported funcref table; there is no device argument (the buffers'
// device runs it, the CPU device when there are none).
Outcome Host::parallel_for(Caller& c, std::span<const Value> a) {
  Memory* mem = c.memory();
  Instance* caller = c.instance();
  BufferList list;
  if (Errno e = check_lists(mem, a, 3, list); e != Errno::kSuccess) return e;
  Device* device = list.device ? list.device : find_device(cpu_);
  Table* table = caller ? caller->table("__indirect_function_table") : nullptr;
  if (!table && caller) table = caller->table("table");
  if (!table || table->type().elem != ValType::kFuncRef)
    return fail(Errno::kInvalidKernel, "parallel_for: the caller exports no funcref table");
  uint32_t index = a[0].i32;
  std::optional<Value> ref = table->get(index);
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
  if (job.num_iterations == 0) return Errno::kSuccess;
  job.buffer_args = list.args;
  const Engine& engine = c.store().engine();
  job.bind = [&](Worker& w) { return w.caller_copy(engine, *caller, *func); };
  job.buffers = list.buffers;
  job.spirv_module = &caller->module();
  job.spirv_id = index;
  return run(*device, job, "parallel_for");
}

}  // namespace wpvm::parallel

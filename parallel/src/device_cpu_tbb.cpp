// The CPU device: iterations spread over a oneTBB arena with one worker (and
// so one kernel instance) per arena slot. The only file that includes oneTBB.
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "device.h"

namespace wpvm::parallel {

namespace {

// Asks oneTBB for workers with at least `bytes` of stack. oneTBB sizes a
// worker when it starts it, to the largest size any live control asks for,
// so workers started before (for an engine with a smaller Wasm stack budget,
// or by the JIT's parallel compile, which asks for the default budget's)
// keep theirs: a kernel there traps "call stack exhausted" sooner, never
// overruns the stack (EngineConfig::max_wasm_stack).
void request_worker_stack(size_t bytes) {
  static std::mutex mutex;
  static size_t asked = 0;
  static auto* controls = new std::vector<std::unique_ptr<tbb::global_control>>;
  std::lock_guard lock(mutex);
  if (bytes <= asked) return;
  asked = bytes;
  controls->push_back(std::make_unique<tbb::global_control>(tbb::global_control::thread_stack_size, bytes));
}

class CpuDevice final : public Device {
 public:
  explicit CpuDevice(uint32_t threads) : requested_threads_(threads) {}

  DeviceKind kind() const override { return DeviceKind::kCpu; }
  const char* name() const override { return "cpu"; }
  uint32_t threads() const override { return pool().threads; }

  void exec(const ExecJob& job, JobSink& sink) override {
    // Workers run the kernel with the caller's engine: stacks for its budget.
    request_worker_stack(wasm_thread_stack_size(job.caller ? job.caller->engine().config() : EngineConfig{}));
    Pool& p = pool();
    // Workers belong to arena slots, not to jobs: two callers must not share
    // one worker's store, so jobs on this device take turns. (A kernel that
    // calls parallel_exec is refused by the host before it gets here.)
    std::lock_guard lock(exec_mutex_);
    // The job is published to the workers and their writes to memory are
    // collected through these two atomics rather than through oneTBB's own
    // hand-off alone, so that the ordering is explicit (and visible to
    // ThreadSanitizer, which does not see inside an uninstrumented oneTBB).
    started_.store(++generation_, std::memory_order_release);
    p.arena.execute([&] {
      // Chunks at or above a trapping iteration are skipped; those below it
      // still run (JobSink::stop_at).
      tbb::parallel_for(tbb::blocked_range<uint32_t>(0, job.num_iterations, grain(job, p.threads)),
                        [&](const tbb::blocked_range<uint32_t>& r) { run_chunk(job, sink, r, p); });
    });
    finished_.load(std::memory_order_acquire);
  }

 private:
  struct Slot {
    Worker worker;
    BoundKernel bound;
    const ExecJob* job = nullptr;
    uint64_t generation = 0;
  };

  // The oneTBB side of the device. oneTBB starts up on its first call (it
  // reads the machine's topology and loads its allocator), which costs a
  // program that never uses the CPU device about a millisecond: the pool is
  // made when a job, or a question about the thread count, first needs it.
  struct Pool {
    explicit Pool(uint32_t requested)
        : threads(requested ? requested : static_cast<uint32_t>(tbb::info::default_concurrency())),
          // More threads than cores are allowed when asked for (oneTBB caps
          // its pool at the core count otherwise).
          allow(tbb::global_control::max_allowed_parallelism,
                std::max<size_t>(threads, static_cast<size_t>(tbb::info::default_concurrency()))),
          arena(static_cast<int>(threads)),
          slots(threads) {}

    uint32_t threads;
    tbb::global_control allow;
    tbb::task_arena arena;
    std::vector<Slot> slots;  // by arena slot index
  };

  Pool& pool() const {
    std::call_once(pool_made_, [this] { pool_ = std::make_unique<Pool>(requested_threads_); });
    return *pool_;
  }

  // Chunks of about 1/(8*threads) of the work: enough to balance uneven
  // iterations, few enough that the per-chunk set-up stays invisible.
  static uint32_t grain(const ExecJob& job, uint32_t threads) {
    uint32_t g = job.num_iterations / (8 * threads);
    return g ? g : 1;
  }

  void run_chunk(const ExecJob& job, JobSink& sink, const tbb::blocked_range<uint32_t>& r, Pool& p) {
    uint64_t generation = started_.load(std::memory_order_acquire);
    if (r.begin() < sink.stop_at()) run_bound(job, sink, r, generation, p);
    finished_.fetch_add(1, std::memory_order_release);
  }

  void run_bound(const ExecJob& job, JobSink& sink, const tbb::blocked_range<uint32_t>& r, uint64_t generation,
                 Pool& p) {
    // The arena gives each of its threads a distinct index below threads
    // for as long as it runs in the arena: that slot's worker is ours.
    auto index = static_cast<uint32_t>(tbb::this_task_arena::current_thread_index());
    Slot& slot = p.slots[index];
    if (slot.job != &job || slot.generation != generation) {
      auto bound = job.bind(slot.worker, index);
      if (!bound) return sink.fail(bound.error());
      slot.bound = *bound;
      slot.job = &job;
      slot.generation = generation;
    }
    slot.worker.run(slot.bound, job.buffer_args, job.num_iterations, job.block_size, r.begin(), r.end(), sink);
  }

  uint32_t requested_threads_;  // 0: one per core
  mutable std::once_flag pool_made_;
  mutable std::unique_ptr<Pool> pool_;
  std::mutex exec_mutex_;
  // Each job gets a new generation so that a worker never reuses the binding
  // of an earlier job that happened to live at the same address.
  uint64_t generation_ = 0;  // written under exec_mutex_ only
  std::atomic<uint64_t> started_{0};
  std::atomic<uint64_t> finished_{0};
};

}  // namespace

std::unique_ptr<Device> make_cpu_device(uint32_t threads) { return std::make_unique<CpuDevice>(threads); }

}  // namespace wpvm::parallel

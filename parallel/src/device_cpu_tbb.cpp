// The CPU device: a team of workers on oneTBB threads, one worker (and so one
// kernel instance) per slot: slot 0 is the calling thread's, slots 1..T-1
// belong to helper tasks running on a oneTBB arena's worker threads. The only
// file that includes oneTBB.
//
// A job is handed to the team without a oneTBB call: the caller publishes it
// in `state_`, helpers that are waiting for work (lingering) join it, and
// everyone, the caller included, claims chunks of iterations, first of its
// own share (slot i: the i-th of T contiguous ranges), then of the others',
// until none is left. Helpers stay for kLinger after their last job
// before they give their thread back to oneTBB, so a guest issuing calls
// back to back (p2p: one call per anti-diagonal) pays no thread wake-up per
// call; when none is lingering the device enqueues new helpers into the
// arena. A job of a single chunk runs on the caller alone, without touching
// the helpers. The caller never waits for a helper that has not joined: a
// job whose helpers are late (asleep, or their cores busy) runs on the
// caller, so no call depends on oneTBB finding a thread.
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
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
  static std::atomic<size_t> granted{0};  // the fast path of every job
  if (bytes <= granted.load(std::memory_order_acquire)) return;
  static std::mutex mutex;
  static size_t asked = 0;
  static auto* controls = new std::vector<std::unique_ptr<tbb::global_control>>;
  std::lock_guard lock(mutex);
  if (bytes <= asked) return;
  asked = bytes;
  controls->push_back(std::make_unique<tbb::global_control>(tbb::global_control::thread_stack_size, bytes));
  granted.store(asked, std::memory_order_release);
}

inline void cpu_pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Step `spins` of a wait loop: a pause, and every 64th step a yield (a
// system call that returns at once when the core has nothing else to run):
// on a busy machine the thread waited for (the caller, a helper holding a
// chunk) may share the waiter's core. When the team has more threads than
// the machine has cores (`crowded`), every step yields.
inline void relax(uint32_t spins, bool crowded) {
  if (crowded || spins % 64 == 63)
    std::this_thread::yield();
  else
    cpu_pause();
}

// How long a helper waits for the next job after its last one (or after it
// started) before returning its thread to oneTBB, where it sleeps.
constexpr auto kLinger = std::chrono::microseconds(1000);

class CpuDevice final : public Device {
 public:
  explicit CpuDevice(uint32_t threads) : requested_threads_(threads) {}

  ~CpuDevice() override {
    if (!pool_) return;
    stopping_.store(true, std::memory_order_relaxed);
    // Every helper enqueued has ended (one that never found a thread runs
    // here, and returns at once): none touches the device any more.
    pool_->arena.execute([this] { pool_->helpers.wait(); });
  }

  DeviceKind kind() const override { return DeviceKind::kCpu; }
  const char* name() const override { return "cpu"; }
  uint32_t threads() const override { return pool().threads; }

  void exec(const ExecJob& job, JobSink& sink) override {
    // Helpers run the kernel with the caller's engine: stacks for its budget.
    request_worker_stack(wasm_thread_stack_size(job.caller ? job.caller->engine().config() : EngineConfig{}));
    Pool& p = pool();
    // Workers belong to slots, not to jobs: two callers must not share one
    // worker's store, so jobs on this device take turns. (A kernel that
    // calls parallel_exec is refused by the host before it gets here.)
    std::lock_guard lock(exec_mutex_);
    uint32_t grain = grain_for(job, p.threads);
    uint64_t chunks = (uint64_t{job.num_iterations} + grain - 1) / grain;
    // The job is published to the helpers, and their writes to memory are
    // collected, through `state_` alone, an atomic of this file (visible to
    // ThreadSanitizer, which does not see inside an uninstrumented oneTBB).
    job_ = &job;
    sink_ = &sink;
    grain_ = grain;
    // Slot i's own share: the i-th of `threads` contiguous ranges.
    for (uint32_t i = 0; i < p.threads; ++i) {
      p.ranges[i].next.store(uint64_t{job.num_iterations} * i / p.threads, std::memory_order_relaxed);
      p.ranges[i].end = uint64_t{job.num_iterations} * (i + 1) / p.threads;
    }
    uint64_t generation = ++generation_;
    if (chunks == 1 || p.threads == 1) {
      take_chunks(p, 0, generation);  // nothing to share: the caller alone
      return;
    }
    state_.store(generation << kGenerationShift | kOpen, std::memory_order_release);
    call_helpers(p, static_cast<uint32_t>(std::min<uint64_t>(chunks - 1, p.threads - 1)));
    take_chunks(p, 0, generation);
    // Every chunk is claimed: no helper joins any more, and those that did
    // finish the chunk they hold.
    state_.fetch_and(~kOpen, std::memory_order_relaxed);
    for (uint32_t spins = 0; state_.load(std::memory_order_acquire) & kJoinedMask; ++spins) relax(spins, p.crowded);
  }

 private:
  // Iterations [next, end) of one slot's share of the current job not yet
  // claimed; `end` is written before the job is published.
  struct Range {
    alignas(64) std::atomic<uint64_t> next{0};
    uint64_t end = 0;
  };

  struct Slot {
    Worker worker;
    BoundKernel bound;
    // The job this slot last took part in (helpers join a job once); only
    // the thread holding the slot reads or writes it.
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
          // threads slots, one of them reserved for a thread that enters
          // the arena (the device's destructor): oneTBB's workers get
          // indices 1..threads-1 while they run a helper, index 0 is the
          // caller's.
          arena(static_cast<int>(threads), 1),
          crowded(threads > static_cast<uint32_t>(tbb::info::default_concurrency())),
          ranges(new Range[threads]),
          slots(threads) {}

    uint32_t threads;
    tbb::global_control allow;
    tbb::task_arena arena;
    bool crowded;  // more threads than cores: waiters yield (relax)
    tbb::task_group helpers;  // every helper task, waited for by the destructor
    std::unique_ptr<Range[]> ranges;  // by slot index
    std::vector<Slot> slots;  // by slot index
  };

  Pool& pool() const {
    std::call_once(pool_made_, [this] { pool_ = std::make_unique<Pool>(requested_threads_); });
    return *pool_;
  }

  // Chunks of about 1/(8*threads) of the work: enough to balance uneven
  // iterations, few enough that the per-chunk set-up stays invisible.
  static uint32_t grain_for(const ExecJob& job, uint32_t threads) {
    uint32_t g = job.num_iterations / (8 * threads);
    return g ? g : 1;
  }

  // Makes sure `want` helpers linger or are on their way (enqueued).
  void call_helpers(Pool& p, uint32_t want) {
    uint32_t have = helpers_.load(std::memory_order_relaxed);
    if (have >= want) return;
    // Release: with the helper's acquire load below, everything written
    // before (the device, its pool) happens before the helper runs, by
    // atomics of our own rather than oneTBB's hand-off inside its (for
    // ThreadSanitizer, invisible) library.
    helpers_.fetch_add(want - have, std::memory_order_release);
    for (uint32_t i = have; i < want; ++i) p.arena.enqueue(p.helpers.defer([this, &p] { helper(p); }));
  }

  // A helper task: joins every job published while it lingers.
  void helper(Pool& p) {
    (void)helpers_.load(std::memory_order_acquire);  // pairs with call_helpers' release
    auto index = static_cast<uint32_t>(tbb::this_task_arena::current_thread_index());
    // Only oneTBB's workers run helpers, outside the reserved slot 0; the
    // destructor's thread runs the ones still queued after stopping_.
    if (index == 0 || index >= p.threads) index = 0;
    auto deadline = std::chrono::steady_clock::now() + kLinger;
    uint32_t spins = 0;
    while (index != 0 && !stopping_.load(std::memory_order_relaxed)) {
      uint64_t s = state_.load(std::memory_order_acquire);
      uint64_t generation = s >> kGenerationShift;
      if ((s & kOpen) && generation != p.slots[index].generation) {
        if (!state_.compare_exchange_weak(s, s + 1, std::memory_order_acquire, std::memory_order_relaxed)) continue;
        take_chunks(p, index, generation);
        state_.fetch_sub(1, std::memory_order_release);
        deadline = std::chrono::steady_clock::now() + kLinger;
        spins = 0;
        continue;
      }
      if (++spins % 64 == 0 && std::chrono::steady_clock::now() > deadline) break;
      relax(spins, p.crowded);
    }
    helpers_.fetch_sub(1, std::memory_order_relaxed);
  }

  // Runs chunks of the current job on slot `index` until none is left (or
  // the job stops at a trap): first from the slot's own range, then from the
  // others' (those of helpers that are late or slower). As with OpenMP's
  // static schedule, a slot keeps the same share of every call (p2p: the
  // same band of tile rows on every anti-diagonal), so the data it wrote in
  // the last call is still in its core's cache; taking every chunk from one
  // shared counter made neighbouring tiles change cores at every call, and
  // each tile waited for cache lines from the other core. Within a range
  // chunks are claimed in increasing order, so every chunk below a trapping
  // iteration is claimed before it or still unclaimed, and runs.
  void take_chunks(Pool& p, uint32_t index, uint64_t generation) {
    const ExecJob& job = *job_;
    JobSink& sink = *sink_;
    Slot& slot = p.slots[index];
    slot.generation = generation;
    bool bound = false;
    for (uint32_t k = 0; k < p.threads; ++k) {
      Range& range = p.ranges[(index + k) % p.threads];
      for (;;) {
        uint64_t begin = range.next.fetch_add(grain_, std::memory_order_relaxed);
        if (begin >= range.end || begin >= sink.stop_at()) break;
        auto end = static_cast<uint32_t>(std::min<uint64_t>(begin + grain_, range.end));
        if (!bound) {
          // The arena gives each of its threads a distinct index below
          // threads for as long as it runs there: that slot's worker is ours.
          auto b = job.bind(slot.worker, index);
          if (!b) return sink.fail(b.error());
          slot.bound = *b;
          bound = true;
        }
        slot.worker.run(slot.bound, job.buffer_args, job.num_iterations, job.block_size,
                        static_cast<uint32_t>(begin), end, sink);
      }
    }
  }

  // state_: the generation of the current job (high bits), whether helpers
  // may still join it, and how many have joined and not yet finished.
  static constexpr int kGenerationShift = 32;
  static constexpr uint64_t kOpen = uint64_t{1} << 31;
  static constexpr uint64_t kJoinedMask = kOpen - 1;

  uint32_t requested_threads_;  // 0: one per core
  mutable std::once_flag pool_made_;
  mutable std::unique_ptr<Pool> pool_;
  std::mutex exec_mutex_;
  // The current job, written under exec_mutex_ while no helper has joined.
  const ExecJob* job_ = nullptr;
  JobSink* sink_ = nullptr;
  uint32_t grain_ = 1;
  uint64_t generation_ = 0;
  alignas(64) std::atomic<uint64_t> state_{0};
  alignas(64) std::atomic<uint32_t> helpers_{0};  // helpers lingering or enqueued
  std::atomic<bool> stopping_{false};
};

}  // namespace

std::unique_ptr<Device> make_cpu_device(uint32_t threads) { return std::make_unique<CpuDevice>(threads); }

}  // namespace wpvm::parallel

// parallel_for_each (pool.h).
#include "pool.h"

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <mutex>

#include "wpvm/runtime.h"

namespace wpvm::jit {

// oneTBB's workers serve every arena: those the compile starts also run
// wasi-parallel kernels on the CPU device later, so they get the stack the
// default Wasm stack budget needs (wasm_thread_stack_size) rather than
// oneTBB's default of 4 MiB. oneTBB sizes a worker when it starts it, to the
// largest size any live control asks for; this control lives as long as the
// process (never destroyed: oneTBB may outlive static destructors). Its
// pointer has external linkage so that the store is kept and the control
// stays reachable (LeakSanitizer).
extern const tbb::global_control* worker_stack_control;
const tbb::global_control* worker_stack_control = nullptr;

namespace {

void size_workers() {
  static std::once_flag once;
  std::call_once(once, [] {
    worker_stack_control =
        new tbb::global_control(tbb::global_control::thread_stack_size, wasm_thread_stack_size(EngineConfig{}));
  });
}

}  // namespace

void parallel_for_each(size_t n, const std::function<void(size_t)>& body) {
  size_workers();
  std::atomic<bool> published{false};
  std::atomic<size_t> finished{0};
  published.store(true, std::memory_order_release);
  tbb::this_task_arena::isolate([&] {
    tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 1), [&](const tbb::blocked_range<size_t>& r) {
      (void)published.load(std::memory_order_acquire);
      for (size_t k = r.begin(); k != r.end(); ++k) body(k);
      finished.fetch_add(r.size(), std::memory_order_release);
    });
  });
  (void)finished.load(std::memory_order_acquire);
}

}  // namespace wpvm::jit

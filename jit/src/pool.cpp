// parallel_for_each (pool.h).
#include "pool.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <atomic>

namespace wpvm::jit {

void parallel_for_each(size_t n, const std::function<void(size_t)>& body) {
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

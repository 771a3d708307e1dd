// run_with_stack (guest_thread.h).
#include "guest_thread.h"

#include <pthread.h>

#include <cstdint>

namespace wpvm::cli {

namespace {

// Stack the calling thread has left below this frame (0 if unknown).
size_t stack_left() {
  pthread_attr_t attr;
  void* addr = nullptr;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return 0;
  pthread_attr_getstack(&attr, &addr, &size);
  pthread_attr_destroy(&attr);
  auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  auto lo = reinterpret_cast<uintptr_t>(addr);
  return here > lo ? here - lo : 0;
}

struct Job {
  const std::function<int()>* fn;
  int result = 0;
};

void* run_job(void* arg) {
  auto* job = static_cast<Job*>(arg);
  job->result = (*job->fn)();
  return nullptr;
}

}  // namespace

int run_with_stack(size_t stack_bytes, const std::function<int()>& fn) {
  if (stack_left() >= stack_bytes) return fn();
  Job job{&fn};
  pthread_attr_t attr;
  pthread_t thread;
  if (pthread_attr_init(&attr) != 0) return fn();
  bool started = pthread_attr_setstacksize(&attr, stack_bytes) == 0 && pthread_create(&thread, &attr, run_job, &job) == 0;
  pthread_attr_destroy(&attr);
  if (!started) return fn();
  pthread_join(thread, nullptr);
  return job.result;
}

}  // namespace wpvm::cli

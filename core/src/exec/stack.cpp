// The thread's stack limit and where an outermost entry puts it (stack.h).
#include "exec/stack.h"

#include <pthread.h>

#include <algorithm>

namespace wpvm::exec {

uintptr_t& stack_limit() {
  thread_local uintptr_t limit = 0;
  return limit;
}

namespace {

// The lowest address Wasm frames may reach on this thread: its stack bottom
// plus the host reserve (half the stack if it is smaller than two reserves).
uintptr_t stack_floor() {
  thread_local uintptr_t floor = 0;
  if (!floor) {
    pthread_attr_t attr;
    void* addr = nullptr;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      pthread_attr_getstack(&attr, &addr, &size);
      pthread_attr_destroy(&attr);
    }
    auto lo = reinterpret_cast<uintptr_t>(addr);
    floor = size > 2 * kHostStackReserve ? lo + kHostStackReserve : lo + size / 2;
    if (!floor) floor = 1;
  }
  return floor;
}

}  // namespace

uintptr_t outermost_stack_limit(uintptr_t sp, size_t budget) {
  uintptr_t limit = sp > budget ? sp - budget : 0;
  return std::max(limit, stack_floor());
}

}  // namespace wpvm::exec

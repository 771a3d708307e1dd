// The one platform file: the SIGSEGV/SIGBUS handler that turns a fault in
// JIT code (an access to a memory's guard region) into the out-of-bounds trap
// by resuming at a landing stub, and the lock-free registry of JIT code
// ranges it consults. Faults anywhere else go to the previous handler.
#include <pthread.h>
#include <signal.h>
#include <ucontext.h>

#include <atomic>
#include <mutex>

#include "context.h"

namespace wpvm::jit {

namespace {

constexpr size_t kMaxRanges = 1 << 14;
struct Range {
  std::atomic<uintptr_t> begin{0};
  std::atomic<uintptr_t> end{0};
};
Range g_ranges[kMaxRanges];
std::mutex g_ranges_mutex;  // writers only; the handler reads lock-free

struct sigaction g_prev_segv, g_prev_bus;

bool in_jit_code(uintptr_t pc) {
  for (Range& r : g_ranges) {
    uintptr_t b = r.begin.load(std::memory_order_acquire);
    if (b && pc >= b && pc < r.end.load(std::memory_order_acquire)) return true;
  }
  return false;
}

void chain(int sig, siginfo_t* info, void* uc) {
  struct sigaction& prev = sig == SIGBUS ? g_prev_bus : g_prev_segv;
  if (prev.sa_flags & SA_SIGINFO) {
    if (prev.sa_sigaction) return prev.sa_sigaction(sig, info, uc);
  } else if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
    return prev.sa_handler(sig);
  }
  // Default action: restore it and return, so the fault repeats and kills.
  sigaction(sig, &prev, nullptr);
}

void handler(int sig, siginfo_t* info, void* ucv) {
  auto* uc = static_cast<ucontext_t*>(ucv);
  uintptr_t pc = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
  if (!in_jit_code(pc)) return chain(sig, info, ucv);
  // r15 holds the thread's ExecContext in JIT code: record where the fault
  // happened for the backtrace (no TLS access in a signal handler).
  auto* ctx = reinterpret_cast<ExecContext*>(uc->uc_mcontext.gregs[REG_R15]);
  ctx->trap_pc = pc;
  ctx->trap_rbp = static_cast<uint64_t>(uc->uc_mcontext.gregs[REG_RBP]);
  uc->uc_mcontext.gregs[REG_RIP] = static_cast<greg_t>(reinterpret_cast<uintptr_t>(oob_landing()));
}

}  // namespace

bool register_code_range(uintptr_t begin, uintptr_t end) {
  std::lock_guard lock(g_ranges_mutex);
  for (Range& r : g_ranges)
    if (!r.begin.load(std::memory_order_relaxed)) {
      r.end.store(end, std::memory_order_release);
      r.begin.store(begin, std::memory_order_release);
      return true;
    }
  return false;
}

void unregister_code_range(uintptr_t begin) {
  std::lock_guard lock(g_ranges_mutex);
  for (Range& r : g_ranges)
    if (r.begin.load(std::memory_order_relaxed) == begin) {
      r.begin.store(0, std::memory_order_release);
      return;
    }
}

void install_signal_handler() {
  // Re-checked on every compilation: if someone replaced the handler since
  // (test frameworks do), install it again, chaining to the new one.
  static std::mutex m;
  std::lock_guard lock(m);
  struct sigaction cur {};
  sigaction(SIGSEGV, nullptr, &cur);
  if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == handler) return;
  struct sigaction sa {};
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, &g_prev_segv);
  sigaction(SIGBUS, &sa, &g_prev_bus);
}

}  // namespace wpvm::jit

// The per-thread execution context that JIT code keeps pinned in r15, and the
// status codes native code returns to its entry: a TrapCode
// (exec/trap_code.h: 0 = ok, else that trap), or kPendingTrap = a full Trap
// object waits in `pending` (host traps, traps from interpreted callees).
#pragma once
#include <cstddef>
#include <atomic>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <vector>

#include "exec/trap_code.h"
#include "runtime/runtime_impl.h"

namespace wpvm::jit {

struct ExecContext {
  uint64_t entry_rsp = 0;    // stack pointer of the innermost entry (trap unwinding)
  // Prologues trap "call stack exhausted" below this: the thread's stack
  // limit (exec/stack.h) as the innermost entry found it.
  uint64_t stack_limit = 0;
  // Where a guard-page fault left JIT code (set by the signal handler): the
  // faulting instruction and that function's frame pointer.
  uint64_t trap_pc = 0;
  uint64_t trap_rbp = 0;
  // The context of the instance whose code runs (vm_context.h): set by each
  // entry, switched by calls into another instance's function.
  uint64_t* vm = nullptr;
  // Every function native code calls, by HelperId (helpers.h): compiled code
  // holds no absolute address.
  const void* const* helpers = nullptr;
  Store::Impl* store = nullptr;
  // The running store's fuel left (EngineConfig::consume_fuel), copied in
  // by each entry and written back to the store by its exit and around
  // every call out of native code (call_slow). While native code runs, the
  // fuel left is in a register (compiler.h, kFuelReg), which the entry
  // trampoline loads from here and its exit stores here, and which code
  // writes here before and reloads after each call through call_slow. The
  // epoch and the store's deadline (EngineConfig::epoch_interruption) are
  // copied in and read from here.
  uint64_t fuel = 0;
  const std::atomic<uint64_t>* epoch = nullptr;
  uint64_t epoch_deadline = UINT64_MAX;
  std::optional<Trap> pending;
  std::vector<Frame> trap_frames;  // the JIT frames of the last trap, innermost first
};
static_assert(std::is_standard_layout_v<ExecContext>);
inline constexpr int32_t kCtxEntryRsp = offsetof(ExecContext, entry_rsp);
inline constexpr int32_t kCtxStackLimit = offsetof(ExecContext, stack_limit);
inline constexpr int32_t kCtxTrapPc = offsetof(ExecContext, trap_pc);
inline constexpr int32_t kCtxTrapRbp = offsetof(ExecContext, trap_rbp);
inline constexpr int32_t kCtxVm = offsetof(ExecContext, vm);
inline constexpr int32_t kCtxHelpers = offsetof(ExecContext, helpers);
inline constexpr int32_t kCtxFuel = offsetof(ExecContext, fuel);
inline constexpr int32_t kCtxEpoch = offsetof(ExecContext, epoch);
inline constexpr int32_t kCtxEpochDeadline = offsetof(ExecContext, epoch_deadline);

inline constexpr uint32_t kPendingTrap = 0xffff;

// Fuel and epoch state between the running store and the context: native
// code works on the context's copy; the store holds it whenever anything
// else may read or change it.
inline void load_store_state(ExecContext& ctx) {
  ctx.fuel = ctx.store->fuel;
  ctx.epoch = ctx.store->epoch;
  ctx.epoch_deadline = ctx.store->epoch_deadline;
}
inline void save_store_state(const ExecContext& ctx) { ctx.store->fuel = ctx.fuel; }

// The calling thread's context (stack limit initialised on first use).
ExecContext& thread_context();

// Entry trampoline: runs `code` with n argument/result slots copied in and out.
// Returns a status code as above.
using EntryFn = uint32_t (*)(ExecContext* ctx, void* code, Slot* slots, uint64_t n);
EntryFn entry_trampoline();
// Where JIT code jumps with the status in eax to unwind to the innermost entry.
void* trap_exit();
// Where the signal handler sends a faulting memory access.
void* oob_landing();

// Fills ctx->trap_frames by walking the rbp chain from a trap point (called
// from JIT code on every trap path, before the frames are unwound).
void capture_backtrace(ExecContext* ctx, uint64_t trap_pc, uint64_t trap_rbp);

// Runs f's native code (f.native set) with the current thread's context.
std::optional<Trap> invoke_native(Store::Impl& store, FuncImpl& f, Slot* slots);

// Code ranges known to the signal handler (signals.cpp).
bool register_code_range(uintptr_t begin, uintptr_t end);
void unregister_code_range(uintptr_t begin);
void install_signal_handler();

}  // namespace wpvm::jit

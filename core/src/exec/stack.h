// The one stack budget both tiers charge (EngineConfig::max_wasm_stack):
// per thread, for all the Wasm the thread runs, re-entries included.
//
// A thread running Wasm has a limit, an address on its native stack. The
// outermost entry into Wasm on the thread (either tier's) sets it to the
// stack pointer minus the budget, but never below the thread's stack bottom
// plus kHostStackReserve; nested entries (interpreter -> native code, native
// code -> interpreter, host -> Wasm) keep the limit they find, so host frames
// between entries count against the budget too. Native code checks its stack
// pointer against the limit in every function's prologue. The interpreter
// keeps its frames off the native stack (its value and frame stacks) and
// charges what they use, 8 bytes per slot of a frame and sizeof(FrameRec)
// (24 bytes) per frame, against the room between its own native frame and
// the limit; while it calls out of its loop (a host function, native code)
// it raises the limit by what its frames use, so the callee sees the budget
// that is left. Going past the budget traps "call stack exhausted".
#pragma once
#include <cstddef>
#include <cstdint>

namespace wpvm::exec {

// Native stack left below the limit for what runs under Wasm frames without
// a check of its own: host functions, the runtime's helpers, the
// interpreter's loop and its trap handling.
inline constexpr size_t kHostStackReserve = 256 * 1024;

// The calling thread's limit (0 while no Wasm runs on the thread).
uintptr_t& stack_limit();

// The calling function's place on the native stack.
#define WPVM_STACK_POINTER() reinterpret_cast<uintptr_t>(__builtin_frame_address(0))

// The limit an outermost entry at stack pointer `sp` sets for `budget` bytes.
uintptr_t outermost_stack_limit(uintptr_t sp, size_t budget);

// Held by each tier's entry while it runs: the outermost sets the thread's
// limit, and each puts back on exit the limit it found.
class StackEntry {
 public:
  StackEntry(uintptr_t sp, size_t budget) : saved_(stack_limit()) {
    if (!saved_) stack_limit() = outermost_stack_limit(sp, budget);
  }
  ~StackEntry() { stack_limit() = saved_; }
  StackEntry(const StackEntry&) = delete;
  StackEntry& operator=(const StackEntry&) = delete;

 private:
  uintptr_t saved_;
};

}  // namespace wpvm::exec

// Running the guest on a thread whose native stack holds the engine's Wasm
// stack budget (EngineConfig::max_wasm_stack) plus the host's headroom.
#pragma once
#include <cstddef>
#include <functional>

namespace wpvm::cli {

// Runs fn on the calling thread if its stack has `stack_bytes` left, else on
// a new thread with a stack of that size (joined before returning); returns
// fn's result. If no such thread can be started, fn runs on the calling
// thread, where Wasm then gets less stack (it traps sooner, see
// EngineConfig::max_wasm_stack).
int run_with_stack(size_t stack_bytes, const std::function<int()>& fn);

}  // namespace wpvm::cli

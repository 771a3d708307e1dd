// The asmjit x86-64 baseline JIT. An embedder gives it to an engine:
//
//   EngineConfig config;
//   config.code_generator = wpvm::jit::code_generator();
//   Engine engine(config);  // Tier::kJit (the default) now runs native code
//
// The call is an ordinary reference to the JIT's library, so linking its
// static archive is enough (nothing registers itself at start-up). In a build
// without the JIT (no asmjit, or not x86-64) the same header links against a
// stand-in whose code generator is nullptr: every function is interpreted.
#pragma once
#include <string>

#include "wpvm/module.h"
#include "wpvm/result.h"
#include "wpvm/runtime.h"

namespace wpvm::jit {

// The JIT's code generator (one per process, made on first use), for
// EngineConfig::code_generator; nullptr in a build without the JIT.
tier::CodeGenerator* code_generator();

// The listing of m's native code (for `wpvm objdump --jit` and golden
// tests), compiled anew with asmjit's logger attached: each function starts
// with a "func[N] name:" line. bounds_checks: the code for a memory 0
// without the guarded reservation.
Result<std::string> listing(const Module& m, bool bounds_checks = false);

// How many modules the JIT compiled in this process (each module once per
// kind of memory it ran with; listings not counted).
uint64_t modules_compiled();

}  // namespace wpvm::jit

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

#include "wpvm/result.h"
#include "wpvm/runtime.h"

namespace wpvm {
class InstanceImpl;
}

namespace wpvm::jit {

// The JIT's code generator (one per process, made on first use), for
// EngineConfig::code_generator; nullptr in a build without the JIT.
tier::CodeGenerator* code_generator();

// Compiles an instance again with asmjit's logger attached and returns the
// listing (for `wpvm objdump --jit` and golden tests). The instance's own
// code is replaced by the new compilation.
Result<std::string> listing(InstanceImpl& inst);

}  // namespace wpvm::jit

// The asmjit x86-64 baseline JIT. Linking the jit library registers it with
// the runtime (runtime/tier.h); EngineConfig::tier = Tier::kJit selects it.
#pragma once
#include <string>

#include "wpvm/result.h"

namespace wpvm {
class InstanceImpl;
}

namespace wpvm::jit {

// Forces the registration object to be linked (call once from main if the
// library is not linked whole).
void ensure_registered();

// Compiles an instance again with asmjit's logger attached and returns the
// listing (for `wpvm objdump --jit` and golden tests). The instance's own
// code is replaced by the new compilation.
Result<std::string> listing(InstanceImpl& inst);

}  // namespace wpvm::jit

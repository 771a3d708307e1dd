// The JIT of a build without it (no asmjit, or not x86-64): wpvm/jit.h links,
// and an engine given this code generator interprets every function.
#include "wpvm/jit.h"

namespace wpvm::jit {

tier::CodeGenerator* code_generator() { return nullptr; }

Result<std::string> listing(const Module&, bool) {
  return make_error(ErrorKind::kUsage, kNoOffset, "this build has no JIT");
}

uint64_t modules_compiled() { return 0; }

}  // namespace wpvm::jit

// The JIT's part of libwpvm in a build without it (no asmjit, or not
// x86-64): the engine has no native code generator, so every function is
// interpreted; wpvm/jit.h links and says so.
#include "exec/tier.h"
#include "wpvm/jit.h"

namespace wpvm::tier {

CodeGenerator* builtin_code_generator() { return nullptr; }

}  // namespace wpvm::tier

namespace wpvm::jit {

Result<std::string> listing(const Module&, bool) {
  return make_error(ErrorKind::kUsage, kNoOffset, "this build has no JIT");
}

Result<size_t> native_functions(const Module&) {
  return make_error(ErrorKind::kUsage, kNoOffset, "this build has no JIT");
}

void set_refused_functions(std::string_view) {}

uint64_t modules_compiled() { return 0; }

}  // namespace wpvm::jit

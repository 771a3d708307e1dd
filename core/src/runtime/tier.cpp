// The engine's native code generator and the lazy per-instance compile (tier.h).
#include "runtime/tier.h"

#include <mutex>

namespace wpvm::tier {

CodeGenerator* code_generator(const Store::Impl& store) { return store.engine.config().code_generator; }

bool ensure_native(Store::Impl& store, FuncImpl& f) {
  if (f.native) return true;
  InstanceImpl* inst = f.instance;
  if (!inst || inst->native_tried || store.engine.config().tier != Tier::kJit) return false;
  CodeGenerator* gen = code_generator(store);
  if (!gen) return false;
  // Kernels may call into one instance from several threads: compile once.
  static std::mutex compile_mutex;
  std::lock_guard lock(compile_mutex);
  if (!inst->native_tried) {
    inst->native_tried = true;
    gen->compile_instance(*inst);
  }
  return f.native != nullptr;
}

}  // namespace wpvm::tier

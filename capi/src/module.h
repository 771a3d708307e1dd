// The Object behind wasm_module_t: an engine module (immutable, shareable)
// taken into one store.
#pragma once
#include <memory>

#include "store.h"
#include "wpvm/module.h"

namespace capi {

class ModuleObject final : public Object {
 public:
  ModuleObject(StoreState* store, std::shared_ptr<const wpvm::Module> module)
      : Object(Kind::kModule, store), module_(std::move(module)) {}
  const std::shared_ptr<const wpvm::Module>& module() const { return module_; }

 private:
  std::shared_ptr<const wpvm::Module> module_;
};

// The engine module behind a module reference, or nullptr.
inline const std::shared_ptr<const wpvm::Module>* module_of(const wasm_module_t* m) {
  return ref_cast<wasm_module_t>(m) ? &static_cast<const ModuleObject*>(m->object())->module() : nullptr;
}

}  // namespace capi

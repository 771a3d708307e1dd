// wpvm_linker_t: new, delete, defining externs and instances.
#include "wpvm_linker.h"

#include <new>

#include "wpvm_error.h"

wpvm_linker_t* wpvm_linker_new(wasm_store_t* store) {
  if (!store) return nullptr;
  try {
    return new wpvm_linker_t{store->state, {}, nullptr, nullptr};
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

void wpvm_linker_delete(wpvm_linker_t* linker) { delete linker; }

wpvm_error_t* wpvm_linker_define(wpvm_linker_t* linker, const char* module, const char* name,
                                 const wasm_extern_t* item) {
  if (!linker || !module || !name || !item) return capi::new_error("wpvm_linker_define: a NULL argument");
  if (item->store() != linker->store.get())
    return capi::new_error(std::string("wpvm_linker_define: ") + module + "." + name + ": an extern of another store");
  auto ext = capi::engine_extern(item);
  if (!ext) return capi::new_error(std::string("wpvm_linker_define: ") + module + "." + name + ": not an extern");
  try {
    linker->linker.define(module, name, *ext);
    return nullptr;
  } catch (const std::bad_alloc&) {
    return capi::new_error("wpvm_linker_define: out of memory");
  }
}

wpvm_error_t* wpvm_linker_define_instance(wpvm_linker_t* linker, const char* module, const wasm_instance_t* instance) {
  if (!linker || !module || !instance) return capi::new_error("wpvm_linker_define_instance: a NULL argument");
  wpvm::Instance* inst = capi::instance_of(instance);
  if (!inst) return capi::new_error("wpvm_linker_define_instance: not an instance");
  if (instance->store() != linker->store.get())
    return capi::new_error("wpvm_linker_define_instance: an instance of another store");
  try {
    linker->linker.define_instance(module, *inst);
    return nullptr;
  } catch (const std::bad_alloc&) {
    return capi::new_error("wpvm_linker_define_instance: out of memory");
  }
}

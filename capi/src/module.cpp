// Modules: new and validate (decode and validate a binary), imports and
// exports, serialize and deserialize, share and obtain.
#include "module.h"

#include <new>
#include <optional>

#include "type.h"
#include "wpvm/serialize.h"

struct wasm_shared_module_t {
  std::shared_ptr<const wpvm::Module> module;
};

namespace {

// The bytes of a byte vector; nullopt for NULL, or for NULL data with a size.
std::optional<wpvm::Span<const uint8_t>> bytes_of(const wasm_byte_vec_t* v) {
  if (!v || (!v->data && v->size)) return std::nullopt;
  return wpvm::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(v->data), v->size);
}

wasm_module_t* new_module(capi::StoreState* store, std::shared_ptr<const wpvm::Module> module) {
  auto* object = new (std::nothrow) capi::ModuleObject(store, std::move(module));
  if (!object) return nullptr;
  capi::ObjectRef hold(object);  // freed here if no reference could be made
  return capi::new_ref<wasm_module_t>(object);
}

}  // namespace

wasm_module_t* wasm_module_new(wasm_store_t* store, const wasm_byte_vec_t* binary) {
  auto bytes = bytes_of(binary);
  if (!store || !bytes) return nullptr;
  try {
    auto m = wpvm::load_module(*bytes);
    return m ? new_module(store->state.get(), std::move(*m)) : nullptr;
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

bool wasm_module_validate(wasm_store_t* store, const wasm_byte_vec_t* binary) {
  auto bytes = bytes_of(binary);
  if (!store || !bytes) return false;
  try {
    return wpvm::load_module(*bytes).ok();
  } catch (const std::bad_alloc&) {
    return false;
  }
}

void wasm_module_imports(const wasm_module_t* module, wasm_importtype_vec_t* out) {
  auto* m = capi::module_of(module);
  if (!m || !out) return wasm_importtype_vec_new_empty(out);
  try {
    std::vector<wpvm::ImportType> imports = wpvm::module_imports(**m);
    wasm_importtype_vec_new_uninitialized(out, imports.size());
    for (size_t i = 0; i < out->size; ++i) {
      wasm_name_t mod = capi::name_of(imports[i].module), name = capi::name_of(imports[i].name);
      out->data[i] = wasm_importtype_new(&mod, &name, capi::new_externtype(imports[i].type));
    }
  } catch (const std::bad_alloc&) {
    wasm_importtype_vec_delete(out);
  }
}

void wasm_module_exports(const wasm_module_t* module, wasm_exporttype_vec_t* out) {
  auto* m = capi::module_of(module);
  if (!m || !out) return wasm_exporttype_vec_new_empty(out);
  try {
    std::vector<wpvm::ExportType> exports = wpvm::module_exports(**m);
    wasm_exporttype_vec_new_uninitialized(out, exports.size());
    for (size_t i = 0; i < out->size; ++i) {
      wasm_name_t name = capi::name_of(exports[i].name);
      out->data[i] = wasm_exporttype_new(&name, capi::new_externtype(exports[i].type));
    }
  } catch (const std::bad_alloc&) {
    wasm_exporttype_vec_delete(out);
  }
}

// The module compiled (wpvm/serialize.h: its code runs without compiling
// again); when the engine cannot compile it, the module's binary itself.
void wasm_module_serialize(const wasm_module_t* module, wasm_byte_vec_t* out) {
  auto* m = capi::module_of(module);
  if (!m || !out) return wasm_byte_vec_new_empty(out);
  try {
    auto compiled = wpvm::serialize_module(module->store()->engine(), **m);
    wpvm::Span<const uint8_t> bytes = compiled ? wpvm::Span<const uint8_t>(*compiled) : wpvm::module_bytes(**m);
    wasm_byte_vec_new(out, bytes.size(), reinterpret_cast<const wasm_byte_t*>(bytes.data()));
  } catch (const std::bad_alloc&) {
    wasm_byte_vec_new_empty(out);
  }
}

// What wasm_module_serialize wrote (either form), or a module binary.
wasm_module_t* wasm_module_deserialize(wasm_store_t* store, const wasm_byte_vec_t* bytes) {
  auto b = bytes_of(bytes);
  if (!store || !b) return nullptr;
  try {
    auto m = wpvm::is_compiled_module(*b) ? wpvm::deserialize_module(store->state->engine(), *b) : wpvm::load_module(*b);
    return m ? new_module(store->state.get(), std::move(*m)) : nullptr;
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

wasm_shared_module_t* wasm_module_share(const wasm_module_t* module) {
  auto* m = capi::module_of(module);
  return m ? new (std::nothrow) wasm_shared_module_t{*m} : nullptr;
}

wasm_module_t* wasm_module_obtain(wasm_store_t* store, const wasm_shared_module_t* shared) {
  if (!store || !shared) return nullptr;
  return new_module(store->state.get(), shared->module);
}

void wasm_shared_module_delete(wasm_shared_module_t* shared) { delete shared; }

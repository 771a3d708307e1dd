// Instances (new, exports) and externs (kind, type, conversions, vectors).
#include <new>
#include <string>

#include "module.h"
#include "trap.h"
#include "type.h"
#include "vec.h"
#include "wpvm/share.h"

namespace {

wasm_extern_t* extern_ref(capi::StoreState& store, const wpvm::Extern& e) {
  return std::visit([&store](auto* target) { return store.ref_of<wasm_extern_t>(target); }, e);
}

std::string import_name(const wpvm::ImportType& i) { return "import \"" + i.module + "\" \"" + i.name + "\""; }

// The linker for `imports`, given in the order of the module's imports; an
// error message for what does not fit.
wpvm::Result<wpvm::Linker> link(capi::StoreState& store, const std::vector<wpvm::ImportType>& types,
                                const wasm_extern_vec_t* imports) {
  auto error = [](std::string message) { return wpvm::make_error(wpvm::ErrorKind::kUnlinkable, wpvm::kNoOffset, message); };
  size_t given = imports ? imports->size : 0;
  if (given != types.size())
    return error("the module has " + std::to_string(types.size()) + " imports, " + std::to_string(given) + " given");
  if (given && !imports->data) return error("the imports' data is NULL");
  wpvm::Linker linker;
  for (size_t i = 0; i < given; ++i) {
    const wasm_extern_t* e = imports->data[i];
    if (!e) return error(import_name(types[i]) + ": NULL given");
    if (e->store() != &store) return error(import_name(types[i]) + ": an object of another store given");
    auto ext = capi::engine_extern(e);
    if (!ext) return error(import_name(types[i]) + ": not an extern given");
    // Imports are matched by name: two of one name must be given one object.
    if (auto known = linker.resolve(types[i].module, types[i].name); known && *known != *ext)
      return error(import_name(types[i]) + " is imported twice and given two different objects");
    linker.define(types[i].module, types[i].name, *ext);
  }
  return linker;
}

// Instantiates; a failure (link error, trap in the start function) as a trap.
wasm_instance_t* instantiate(capi::StoreState& store, const std::shared_ptr<const wpvm::Module>& module,
                             const wasm_extern_vec_t* imports, wasm_trap_t** trap) {
  auto fail = [&](wpvm::Trap t) -> wasm_instance_t* {
    if (trap) *trap = capi::new_trap(&store, std::move(t));
    return nullptr;
  };
  auto host_error = [&](std::string message) { return fail(wpvm::Trap{wpvm::TrapKind::kHost, std::move(message), 0, {}}); };
  auto linker = link(store, wpvm::module_imports(*module), imports);
  if (!linker) return host_error(linker.error().to_string());
  auto inst = store.store().instantiate(module, *linker, wpvm::Store::StartFunction::kDefer);
  if (!inst) return host_error(inst.error().to_string());
  if (auto start = wpvm::module_start(*module)) {
    wpvm::CallResult r = store.store().call(wpvm::instance_func(**inst, *start), {});
    if (r.trap) return fail(std::move(*r.trap));
  }
  return store.ref_of<wasm_instance_t>(*inst);
}

}  // namespace

// ---- instances ----

wasm_instance_t* wasm_instance_new(wasm_store_t* store, const wasm_module_t* module, const wasm_extern_vec_t* imports,
                                   wasm_trap_t** trap) {
  if (trap) *trap = nullptr;
  if (!store) {
    if (trap) *trap = capi::new_trap(nullptr, "wasm_instance_new: no store");
    return nullptr;
  }
  capi::StoreState* s = store->state.get();
  auto* m = capi::module_of(module);
  const char* misuse = !m ? "wasm_instance_new: no module"
                          : module->store() != s ? "wasm_instance_new: a module of another store (share and obtain it)"
                                                 : nullptr;
  if (misuse) {
    if (trap) *trap = capi::new_trap(s, misuse);
    return nullptr;
  }
  try {
    return instantiate(*s, *m, imports, trap);
  } catch (const std::bad_alloc&) {
    if (trap) *trap = capi::new_trap(s, "wasm_instance_new: out of memory");
    return nullptr;
  }
}

void wasm_instance_exports(const wasm_instance_t* instance, wasm_extern_vec_t* out) {
  wpvm::Instance* inst = capi::instance_of(instance);
  if (!inst || !out) return wasm_extern_vec_new_empty(out);
  try {
    std::vector<wpvm::ExportType> exports = wpvm::module_exports(inst->module());
    wasm_extern_vec_new_uninitialized(out, exports.size());
    for (size_t i = 0; i < out->size; ++i)
      out->data[i] = extern_ref(*instance->store(), *inst->find_export(exports[i].name));
  } catch (const std::bad_alloc&) {
    wasm_extern_vec_delete(out);
  }
}

// ---- externs ----

wasm_externkind_t wasm_extern_kind(const wasm_extern_t* e) {
  if (!capi::ref_cast<wasm_extern_t>(e)) return capi::kNoKind;
  switch (e->object()->kind()) {
    case capi::Kind::kFunc: return WASM_EXTERN_FUNC;
    case capi::Kind::kGlobal: return WASM_EXTERN_GLOBAL;
    case capi::Kind::kTable: return WASM_EXTERN_TABLE;
    default: return WASM_EXTERN_MEMORY;
  }
}

wasm_externtype_t* wasm_extern_type(const wasm_extern_t* e) {
  switch (wasm_extern_kind(e)) {
    case WASM_EXTERN_FUNC: return wasm_func_type(static_cast<const wasm_func_t*>(e));
    case WASM_EXTERN_GLOBAL: return wasm_global_type(static_cast<const wasm_global_t*>(e));
    case WASM_EXTERN_TABLE: return wasm_table_type(static_cast<const wasm_table_t*>(e));
    case WASM_EXTERN_MEMORY: return wasm_memory_type(static_cast<const wasm_memory_t*>(e));
  }
  return nullptr;
}

#define CAPI_EXTERN_CONVERSIONS(name)                                                                      \
  wasm_extern_t* wasm_##name##_as_extern(wasm_##name##_t* x) { return x; }                                  \
  const wasm_extern_t* wasm_##name##_as_extern_const(const wasm_##name##_t* x) { return x; }                \
  wasm_##name##_t* wasm_extern_as_##name(wasm_extern_t* e) { return capi::ref_cast<wasm_##name##_t>(e); }   \
  const wasm_##name##_t* wasm_extern_as_##name##_const(const wasm_extern_t* e) {                            \
    return capi::ref_cast<wasm_##name##_t>(e);                                                              \
  }

CAPI_EXTERN_CONVERSIONS(func)
CAPI_EXTERN_CONVERSIONS(global)
CAPI_EXTERN_CONVERSIONS(table)
CAPI_EXTERN_CONVERSIONS(memory)

CAPI_DEFINE_OWNED_VEC(extern)

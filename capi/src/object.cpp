// What every reference type has (WASM_DECLARE_REF_BASE / WASM_DECLARE_REF):
// delete, copy, same, host info, the conversions to and from wasm_ref_t;
// and foreign objects.
#include <new>

#include "store.h"

namespace capi {

wasm_ref_t* make_ref(Object* object) {
  if (!object) return nullptr;
  wasm_ref_t* r = nullptr;
  switch (object->kind()) {
    case Kind::kFunc: r = new (std::nothrow) wasm_func_t; break;
    case Kind::kGlobal: r = new (std::nothrow) wasm_global_t; break;
    case Kind::kTable: r = new (std::nothrow) wasm_table_t; break;
    case Kind::kMemory: r = new (std::nothrow) wasm_memory_t; break;
    case Kind::kInstance: r = new (std::nothrow) wasm_instance_t; break;
    case Kind::kForeign: r = new (std::nothrow) wasm_foreign_t; break;
    case Kind::kTrap: r = new (std::nothrow) wasm_trap_t; break;
    case Kind::kModule: r = new (std::nothrow) wasm_module_t; break;
  }
  if (!r) return nullptr;
  r->object_ref = ObjectRef(object);
  if (object->store()) r->keep_store = object->store()->shared_from_this();
  return r;
}

namespace {

class ForeignObject final : public Object {
 public:
  explicit ForeignObject(StoreState* store) : Object(Kind::kForeign, store) {}
};

// NULL is the null reference: two NULLs are the same, NULL and an object
// are not.
bool same(const wasm_ref_t* a, const wasm_ref_t* b) {
  if (!a || !b) return a == b;
  return a->object() == b->object();
}

void* get_host_info(const wasm_ref_t* r) { return r ? r->object()->host_info().get() : nullptr; }

void set_host_info(const wasm_ref_t* r, void* info, void (*finalizer)(void*)) {
  if (r) r->object()->host_info().set(info, finalizer);
}

}  // namespace

}  // namespace capi

#define CAPI_DEFINE_REF_BASE(name)                                                                          \
  void wasm_##name##_delete(wasm_##name##_t* r) { delete static_cast<wasm_ref_t*>(r); }                     \
  wasm_##name##_t* wasm_##name##_copy(const wasm_##name##_t* r) {                                           \
    return r ? capi::new_ref<wasm_##name##_t>(r->object()) : nullptr;                                       \
  }                                                                                                         \
  bool wasm_##name##_same(const wasm_##name##_t* a, const wasm_##name##_t* b) { return capi::same(a, b); } \
  void* wasm_##name##_get_host_info(const wasm_##name##_t* r) { return capi::get_host_info(r); }           \
  void wasm_##name##_set_host_info(wasm_##name##_t* r, void* info) { capi::set_host_info(r, info, nullptr); } \
  void wasm_##name##_set_host_info_with_finalizer(wasm_##name##_t* r, void* info, void (*finalizer)(void*)) { \
    capi::set_host_info(r, info, finalizer);                                                                \
  }

#define CAPI_DEFINE_REF(name)                                                                               \
  CAPI_DEFINE_REF_BASE(name)                                                                                \
  wasm_ref_t* wasm_##name##_as_ref(wasm_##name##_t* r) { return r; }                                        \
  const wasm_ref_t* wasm_##name##_as_ref_const(const wasm_##name##_t* r) { return r; }                      \
  wasm_##name##_t* wasm_ref_as_##name(wasm_ref_t* r) { return capi::ref_cast<wasm_##name##_t>(r); }         \
  const wasm_##name##_t* wasm_ref_as_##name##_const(const wasm_ref_t* r) {                                  \
    return capi::ref_cast<wasm_##name##_t>(r);                                                              \
  }

CAPI_DEFINE_REF_BASE(ref)
CAPI_DEFINE_REF(extern)
CAPI_DEFINE_REF(func)
CAPI_DEFINE_REF(global)
CAPI_DEFINE_REF(table)
CAPI_DEFINE_REF(memory)
CAPI_DEFINE_REF(instance)
CAPI_DEFINE_REF(foreign)
CAPI_DEFINE_REF(trap)
CAPI_DEFINE_REF(module)

wasm_foreign_t* wasm_foreign_new(wasm_store_t* store) {
  if (!store) return nullptr;
  auto* object = new (std::nothrow) capi::ForeignObject(store->state.get());
  if (!object) return nullptr;
  capi::ObjectRef hold(object);  // freed here if no reference could be made
  return capi::new_ref<wasm_foreign_t>(object);
}

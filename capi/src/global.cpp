// Globals: new, type, get and set.
#include <new>

#include "type.h"
#include "value.h"

wasm_global_t* wasm_global_new(wasm_store_t* store, const wasm_globaltype_t* type, const wasm_val_t* val) {
  auto t = type ? capi::globaltype_from(*type) : std::nullopt;
  if (!store || !t || !val) return nullptr;
  capi::StoreState& s = *store->state;
  try {
    auto v = capi::value_in(s, *val, t->type);
    if (!v) return nullptr;
    auto g = s.store().create_global(*t, *v);
    return g ? s.ref_of<wasm_global_t>(*g) : nullptr;
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

wasm_globaltype_t* wasm_global_type(const wasm_global_t* global) {
  wpvm::Global* g = capi::global_of(global);
  return g ? capi::new_globaltype(g->type()) : nullptr;
}

// A v128 global (and NULL) reads as the null externref.
void wasm_global_get(const wasm_global_t* global, wasm_val_t* out) {
  if (!out) return;
  wpvm::Global* g = capi::global_of(global);
  auto v = g ? capi::value_out(*global->store(), g->get()) : std::nullopt;
  *out = v ? *v : capi::no_value();
}

// Ignored for an immutable global and for a value that does not fit (the
// header gives no way to report it).
void wasm_global_set(wasm_global_t* global, const wasm_val_t* val) {
  wpvm::Global* g = capi::global_of(global);
  if (!g || !val) return;
  auto v = capi::value_in(*global->store(), *val, g->type().type);
  if (v) (void)g->set(*v);
}

// Tables: new, type, get, set, size and grow.
#include <new>

#include "type.h"
#include "value.h"

wasm_table_t* wasm_table_new(wasm_store_t* store, const wasm_tabletype_t* type, wasm_ref_t* init) {
  if (!store || !type) return nullptr;
  auto elem = capi::valtype_of(wasm_valtype_kind(type->element.get()));
  wpvm::TableType t{elem.value_or(wpvm::ValType::kI32), capi::limits_from(type->limits)};
  if (!elem || !wpvm::is_ref(*elem) || (t.limits.max && *t.limits.max < t.limits.min)) return nullptr;
  capi::StoreState& s = *store->state;
  try {
    auto r = capi::ref_in(s, init, t.elem);
    if (!r) return nullptr;
    auto table = s.store().create_table(t, wpvm::Value::from_ref(t.elem, *r));
    return table ? s.ref_of<wasm_table_t>(*table) : nullptr;
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

// Its current size as the minimum.
wasm_tabletype_t* wasm_table_type(const wasm_table_t* table) {
  wpvm::Table* t = capi::table_of(table);
  if (!t) return nullptr;
  wpvm::TableType type = t->type();
  type.limits.min = t->size();
  return capi::new_tabletype(type);
}

// NULL for a null element, and past the end.
wasm_ref_t* wasm_table_get(const wasm_table_t* table, wasm_table_size_t index) {
  wpvm::Table* t = capi::table_of(table);
  if (!t) return nullptr;
  auto v = t->get(index);
  return v ? capi::ref_out(*table->store(), v->type, v->ref) : nullptr;
}

bool wasm_table_set(wasm_table_t* table, wasm_table_size_t index, wasm_ref_t* ref) {
  wpvm::Table* t = capi::table_of(table);
  if (!t || index >= t->size()) return false;
  auto r = capi::ref_in(*table->store(), ref, t->type().elem);
  return r && t->set(index, wpvm::Value::from_ref(t->type().elem, *r));
}

wasm_table_size_t wasm_table_size(const wasm_table_t* table) {
  wpvm::Table* t = capi::table_of(table);
  return t ? t->size() : 0;
}

bool wasm_table_grow(wasm_table_t* table, wasm_table_size_t delta, wasm_ref_t* init) {
  wpvm::Table* t = capi::table_of(table);
  if (!t) return false;
  auto r = capi::ref_in(*table->store(), init, t->type().elem);
  return r && t->grow(delta, wpvm::Value::from_ref(t->type().elem, *r)).ok();
}

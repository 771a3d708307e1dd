// Values: wasm_val_t's delete and copy, its vector, and the conversions to
// and from the engine's values.
#include "value.h"

#include <cstring>

#include "type.h"
#include "vec.h"

namespace capi {

namespace {

wpvm::Error mismatch(std::string what) { return wpvm::make_error(wpvm::ErrorKind::kUsage, wpvm::kNoOffset, std::move(what)); }

bool is_ref_kind(wasm_valkind_t k) { return k == WASM_EXTERNREF || k == WASM_FUNCREF; }

}  // namespace

wpvm::Result<void*> ref_in(StoreState& store, const wasm_ref_t* ref, wpvm::ValType t) {
  if (!ref) return static_cast<void*>(nullptr);
  if (ref->store() != &store) return mismatch("a reference of another store");
  if (t == wpvm::ValType::kFuncRef) {
    wpvm::Func* f = func_of(ref);
    if (!f) return mismatch("a reference that is not a function where a funcref is expected");
    return static_cast<void*>(f);
  }
  store.keep(ref->object());
  return static_cast<void*>(ref->object());
}

wasm_ref_t* ref_out(StoreState& store, wpvm::ValType t, void* ref) {
  if (!ref) return nullptr;
  if (t == wpvm::ValType::kFuncRef) return store.ref_of<wasm_ref_t>(static_cast<wpvm::Func*>(ref));
  return make_ref(static_cast<Object*>(ref));
}

wpvm::Result<wpvm::Value> value_in(StoreState& store, const wasm_val_t& v, wpvm::ValType t) {
  bool fits = is_ref(t) ? is_ref_kind(v.kind) : valtype_of(v.kind) == t;
  if (!fits || t == wpvm::ValType::kV128)
    return mismatch("a value of kind " + std::to_string(v.kind) + " where " + wpvm::val_type_name(t) + " is expected");
  switch (t) {
    case wpvm::ValType::kI32: return wpvm::Value::from_i32(static_cast<uint32_t>(v.of.i32));
    case wpvm::ValType::kI64: return wpvm::Value::from_i64(static_cast<uint64_t>(v.of.i64));
    case wpvm::ValType::kF32: return wpvm::Value::from_f32(v.of.f32);
    case wpvm::ValType::kF64: return wpvm::Value::from_f64(v.of.f64);
    case wpvm::ValType::kFuncRef:
    case wpvm::ValType::kExternRef: {
      auto p = ref_in(store, v.of.ref, t);
      if (!p) return p.error();
      return wpvm::Value::from_ref(t, *p);
    }
    case wpvm::ValType::kV128: break;
  }
  return mismatch("unknown value type");
}

std::optional<wasm_val_t> value_out(StoreState& store, const wpvm::Value& v) {
  wasm_val_t out = no_value();
  out.kind = valkind_of(v.type);
  switch (v.type) {
    case wpvm::ValType::kI32: out.of.i32 = static_cast<int32_t>(v.i32); break;
    case wpvm::ValType::kI64: out.of.i64 = static_cast<int64_t>(v.i64); break;
    case wpvm::ValType::kF32: out.of.f32 = v.f32(); break;
    case wpvm::ValType::kF64: out.of.f64 = v.f64(); break;
    case wpvm::ValType::kFuncRef:
    case wpvm::ValType::kExternRef: out.of.ref = ref_out(store, v.type, v.ref); break;
    case wpvm::ValType::kV128: return std::nullopt;
  }
  return out;
}

}  // namespace capi

void wasm_val_delete(wasm_val_t* v) {
  if (!v || !capi::is_ref_kind(v->kind)) return;
  wasm_ref_delete(v->of.ref);
  v->of.ref = nullptr;
}

void wasm_val_copy(wasm_val_t* out, const wasm_val_t* v) {
  if (!out) return;
  *out = v ? *v : capi::no_value();
  if (capi::is_ref_kind(out->kind)) out->of.ref = wasm_ref_copy(out->of.ref);
}

CAPI_DEFINE_VEC(val, wasm_val_copy, wasm_val_delete)

// Values between wasm.h (wasm_val_t) and the engine (wpvm::Value).
//
// References travel as the engine expects them: a funcref is the
// wpvm::Func*, an externref is the capi::Object* of whatever reference was
// passed (a foreign object, a function, ...), which the store then keeps.
#pragma once
#include <string>
#include <vector>

#include "store.h"
#include "wasm.h"
#include "wpvm/result.h"
#include "wpvm/runtime.h"

namespace capi {

// A reference as a reference value of type t for Wasm code of `store`:
// an error for a reference of another store, or a non-function as a
// funcref.
wpvm::Result<void*> ref_in(StoreState& store, const wasm_ref_t* ref, wpvm::ValType t);
// A new reference for a reference value of `store` (nullptr for null).
wasm_ref_t* ref_out(StoreState& store, wpvm::ValType t, void* ref);

// v as a Value of type t: an error when its kind does not fit t (either
// reference kind is taken for either reference type) or for ref_in's
// reasons. v128 has no wasm_val_t: always an error.
wpvm::Result<wpvm::Value> value_in(StoreState& store, const wasm_val_t& v, wpvm::ValType t);
// v as a wasm_val_t owning a new reference; nullopt for a v128.
std::optional<wasm_val_t> value_out(StoreState& store, const wpvm::Value& v);

// The null externref, what an out-parameter gets when there is no value.
inline wasm_val_t no_value() {
  wasm_val_t v;
  v.kind = WASM_EXTERNREF;
  v.of.ref = nullptr;
  return v;
}

// wasm_val_t values owned here: their references are deleted with it.
class ValBuffer {
 public:
  explicit ValBuffer(size_t n) : vals_(n, no_value()) {}
  ValBuffer(const ValBuffer&) = delete;
  ValBuffer& operator=(const ValBuffer&) = delete;
  ~ValBuffer() {
    for (wasm_val_t& v : vals_) wasm_val_delete(&v);
  }
  wasm_val_t& operator[](size_t i) { return vals_[i]; }
  wasm_val_vec_t vec() { return {vals_.size(), vals_.empty() ? nullptr : vals_.data()}; }

 private:
  std::vector<wasm_val_t> vals_;
};

}  // namespace capi

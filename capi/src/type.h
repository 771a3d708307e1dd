// The type objects of wasm.h (value, function, global, table, memory,
// extern, import and export types) and their conversions to and from
// wpvm's types (wpvm/types.h, wpvm/module.h).
#pragma once
#include <memory>
#include <optional>
#include <string_view>

#include "vec.h"
#include "wasm.h"
#include "wpvm/module.h"
#include "wpvm/types.h"

namespace capi {

// The kind wasm_valtype_kind reports for v128, which wasm.h does not name.
inline constexpr wasm_valkind_t kV128Kind = 4;
// What the kind queries return for NULL: no kind at all.
inline constexpr uint8_t kNoKind = 0xff;

struct ValtypeDelete {
  void operator()(wasm_valtype_t* t) const { wasm_valtype_delete(t); }
};
using ValtypePtr = std::unique_ptr<wasm_valtype_t, ValtypeDelete>;
using ValtypeVec = OwnedVec<wasm_valtype_vec_t, wasm_valtype_vec_delete>;
using NameVec = OwnedVec<wasm_name_t, wasm_byte_vec_delete>;

}  // namespace capi

struct wasm_valtype_t {
  wasm_valkind_t kind;
};

// The four extern types share this base: the as_externtype conversions are
// casts.
struct wasm_externtype_t {
  explicit wasm_externtype_t(wasm_externkind_t k) : kind(k) {}
  wasm_externtype_t(const wasm_externtype_t&) = delete;
  wasm_externtype_t& operator=(const wasm_externtype_t&) = delete;
  virtual ~wasm_externtype_t() = default;
  const wasm_externkind_t kind;
};

struct wasm_functype_t : wasm_externtype_t {
  wasm_functype_t() : wasm_externtype_t(WASM_EXTERN_FUNC) {}
  capi::ValtypeVec params, results;
};

struct wasm_globaltype_t : wasm_externtype_t {
  wasm_globaltype_t(capi::ValtypePtr c, wasm_mutability_t m)
      : wasm_externtype_t(WASM_EXTERN_GLOBAL), content(std::move(c)), mutability(m) {}
  capi::ValtypePtr content;
  wasm_mutability_t mutability;
};

struct wasm_tabletype_t : wasm_externtype_t {
  wasm_tabletype_t(capi::ValtypePtr e, wasm_limits_t l)
      : wasm_externtype_t(WASM_EXTERN_TABLE), element(std::move(e)), limits(l) {}
  capi::ValtypePtr element;
  wasm_limits_t limits;
};

struct wasm_memorytype_t : wasm_externtype_t {
  explicit wasm_memorytype_t(wasm_limits_t l) : wasm_externtype_t(WASM_EXTERN_MEMORY), limits(l) {}
  wasm_limits_t limits;
};

struct ExterntypeDelete {
  void operator()(wasm_externtype_t* t) const { wasm_externtype_delete(t); }
};

using ExterntypePtr = std::unique_ptr<wasm_externtype_t, ExterntypeDelete>;

struct wasm_importtype_t {
  capi::NameVec module, name;
  ExterntypePtr type;
};

struct wasm_exporttype_t {
  capi::NameVec name;
  ExterntypePtr type;
};

namespace capi {

wasm_valkind_t valkind_of(wpvm::ValType t);
// nullopt for a kind that names no value type.
std::optional<wpvm::ValType> valtype_of(wasm_valkind_t k);

// wasm.h's limits have 32 bits and no "shared" flag; a maximum of
// wasm_limits_max_default means none.
wasm_limits_t limits_of(const wpvm::Limits& l);
wpvm::Limits limits_from(const wasm_limits_t& l);

// New type objects (nullptr when out of memory).
wasm_functype_t* new_functype(const wpvm::FuncType& t);
wasm_globaltype_t* new_globaltype(const wpvm::GlobalType& t);
wasm_tabletype_t* new_tabletype(const wpvm::TableType& t);
wasm_memorytype_t* new_memorytype(const wpvm::MemoryType& t);
wasm_externtype_t* new_externtype(const wpvm::ExternType& t);
// A name holding exactly the characters of s.
wasm_name_t name_of(std::string_view s);

// The engine's type for a type object; nullopt for one with a missing or
// unknown value type.
std::optional<wpvm::FuncType> functype_from(const wasm_functype_t& t);
std::optional<wpvm::GlobalType> globaltype_from(const wasm_globaltype_t& t);

}  // namespace capi

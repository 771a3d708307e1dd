// Type objects: value, function, global, table, memory, extern, import and
// export types, their vectors, and their conversions to wpvm's types.
// Constructors given NULL where they need an object return NULL (and still
// take ownership of what they were given); accessors given NULL return NULL,
// or kNoKind for a kind.
#include <new>

#include "type.h"

using capi::ValtypePtr;

namespace capi {

wasm_valkind_t valkind_of(wpvm::ValType t) {
  switch (t) {
    case wpvm::ValType::kI32: return WASM_I32;
    case wpvm::ValType::kI64: return WASM_I64;
    case wpvm::ValType::kF32: return WASM_F32;
    case wpvm::ValType::kF64: return WASM_F64;
    case wpvm::ValType::kV128: return kV128Kind;
    case wpvm::ValType::kExternRef: return WASM_EXTERNREF;
    case wpvm::ValType::kFuncRef: return WASM_FUNCREF;
  }
  return kNoKind;
}

std::optional<wpvm::ValType> valtype_of(wasm_valkind_t k) {
  switch (k) {
    case WASM_I32: return wpvm::ValType::kI32;
    case WASM_I64: return wpvm::ValType::kI64;
    case WASM_F32: return wpvm::ValType::kF32;
    case WASM_F64: return wpvm::ValType::kF64;
    case kV128Kind: return wpvm::ValType::kV128;
    case WASM_EXTERNREF: return wpvm::ValType::kExternRef;
    case WASM_FUNCREF: return wpvm::ValType::kFuncRef;
    default: return std::nullopt;
  }
}

wasm_limits_t limits_of(const wpvm::Limits& l) {
  auto clamp = [](uint64_t v) { return v > 0xffffffffu ? 0xffffffffu : static_cast<uint32_t>(v); };
  return {clamp(l.min), l.max ? clamp(*l.max) : wasm_limits_max_default};
}

wpvm::Limits limits_from(const wasm_limits_t& l) {
  wpvm::Limits out;
  out.min = l.min;
  if (l.max != wasm_limits_max_default) out.max = l.max;
  return out;
}

namespace {

ValtypePtr new_valtype(wpvm::ValType t) { return ValtypePtr(new (std::nothrow) wasm_valtype_t{valkind_of(t)}); }

// A vector of new value types; empty when out of memory.
wasm_valtype_vec_t new_valtypes(const std::vector<wpvm::ValType>& types) {
  wasm_valtype_vec_t v;
  vec_new_uninitialized(&v, types.size());
  for (size_t i = 0; i < v.size; ++i) v.data[i] = new_valtype(types[i]).release();
  return v;
}

std::optional<wpvm::ValType> valtype_from(const wasm_valtype_t* t) {
  return t ? valtype_of(t->kind) : std::nullopt;
}

}  // namespace

wasm_functype_t* new_functype(const wpvm::FuncType& t) {
  wasm_valtype_vec_t params = new_valtypes(t.params), results = new_valtypes(t.results);
  return wasm_functype_new(&params, &results);
}

wasm_globaltype_t* new_globaltype(const wpvm::GlobalType& t) {
  ValtypePtr content = new_valtype(t.type);
  if (!content) return nullptr;
  return new (std::nothrow) wasm_globaltype_t(std::move(content), t.mut ? WASM_VAR : WASM_CONST);
}

wasm_tabletype_t* new_tabletype(const wpvm::TableType& t) {
  ValtypePtr elem = new_valtype(t.elem);
  if (!elem) return nullptr;
  return new (std::nothrow) wasm_tabletype_t(std::move(elem), limits_of(t.limits));
}

wasm_memorytype_t* new_memorytype(const wpvm::MemoryType& t) {
  return new (std::nothrow) wasm_memorytype_t(limits_of(t.limits));
}

wasm_externtype_t* new_externtype(const wpvm::ExternType& t) {
  switch (t.kind) {
    case wpvm::ExternKind::kFunc: return new_functype(t.func);
    case wpvm::ExternKind::kGlobal: return new_globaltype(t.global);
    case wpvm::ExternKind::kTable: return new_tabletype(t.table);
    case wpvm::ExternKind::kMemory: return new_memorytype(t.memory);
  }
  return nullptr;
}

wasm_name_t name_of(std::string_view s) {
  wasm_name_t n;
  wasm_byte_vec_new(&n, s.size(), s.data());
  return n;
}

std::optional<wpvm::FuncType> functype_from(const wasm_functype_t& t) {
  auto types = [](const wasm_valtype_vec_t& list, std::vector<wpvm::ValType>& out) {
    for (size_t i = 0; i < list.size; ++i) {
      auto v = valtype_from(list.data[i]);
      if (!v) return false;
      out.push_back(*v);
    }
    return true;
  };
  wpvm::FuncType out;
  if (!types(t.params.get(), out.params) || !types(t.results.get(), out.results)) return std::nullopt;
  return out;
}

std::optional<wpvm::GlobalType> globaltype_from(const wasm_globaltype_t& t) {
  auto v = valtype_from(t.content.get());
  if (!v || t.mutability > WASM_VAR) return std::nullopt;
  return wpvm::GlobalType{*v, t.mutability == WASM_VAR};
}

}  // namespace capi

// ---- value types ----

wasm_valtype_t* wasm_valtype_new(wasm_valkind_t kind) {
  if (!capi::valtype_of(kind) || kind == capi::kV128Kind) return nullptr;
  return new (std::nothrow) wasm_valtype_t{kind};
}
void wasm_valtype_delete(wasm_valtype_t* t) { delete t; }
wasm_valtype_t* wasm_valtype_copy(const wasm_valtype_t* t) { return t ? new (std::nothrow) wasm_valtype_t{*t} : nullptr; }
wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t* t) { return t ? t->kind : capi::kNoKind; }
CAPI_DEFINE_OWNED_VEC(valtype)

// ---- function types ----

wasm_functype_t* wasm_functype_new(wasm_valtype_vec_t* params, wasm_valtype_vec_t* results) {
  // Takes both vectors (leaving them empty) whatever happens.
  capi::ValtypeVec p, r;
  p.take(params);
  r.take(results);
  auto* t = new (std::nothrow) wasm_functype_t;
  if (t) {
    t->params.swap(p);
    t->results.swap(r);
  }
  return t;
}
void wasm_functype_delete(wasm_functype_t* t) { delete t; }
wasm_functype_t* wasm_functype_copy(const wasm_functype_t* t) {
  if (!t) return nullptr;
  wasm_valtype_vec_t p, r;
  wasm_valtype_vec_copy(&p, &t->params.get());
  wasm_valtype_vec_copy(&r, &t->results.get());
  return wasm_functype_new(&p, &r);
}
const wasm_valtype_vec_t* wasm_functype_params(const wasm_functype_t* t) { return t ? &t->params.get() : nullptr; }
const wasm_valtype_vec_t* wasm_functype_results(const wasm_functype_t* t) { return t ? &t->results.get() : nullptr; }
CAPI_DEFINE_OWNED_VEC(functype)

// ---- global types ----

wasm_globaltype_t* wasm_globaltype_new(wasm_valtype_t* content, wasm_mutability_t mutability) {
  ValtypePtr c(content);
  if (!c || mutability > WASM_VAR) return nullptr;
  return new (std::nothrow) wasm_globaltype_t(std::move(c), mutability);
}
void wasm_globaltype_delete(wasm_globaltype_t* t) { delete t; }
wasm_globaltype_t* wasm_globaltype_copy(const wasm_globaltype_t* t) {
  return t ? wasm_globaltype_new(wasm_valtype_copy(t->content.get()), t->mutability) : nullptr;
}
const wasm_valtype_t* wasm_globaltype_content(const wasm_globaltype_t* t) { return t ? t->content.get() : nullptr; }
wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t* t) { return t ? t->mutability : capi::kNoKind; }
CAPI_DEFINE_OWNED_VEC(globaltype)

// ---- table types ----

wasm_tabletype_t* wasm_tabletype_new(wasm_valtype_t* element, const wasm_limits_t* limits) {
  ValtypePtr e(element);
  if (!e || !limits) return nullptr;
  return new (std::nothrow) wasm_tabletype_t(std::move(e), *limits);
}
void wasm_tabletype_delete(wasm_tabletype_t* t) { delete t; }
wasm_tabletype_t* wasm_tabletype_copy(const wasm_tabletype_t* t) {
  return t ? wasm_tabletype_new(wasm_valtype_copy(t->element.get()), &t->limits) : nullptr;
}
const wasm_valtype_t* wasm_tabletype_element(const wasm_tabletype_t* t) { return t ? t->element.get() : nullptr; }
const wasm_limits_t* wasm_tabletype_limits(const wasm_tabletype_t* t) { return t ? &t->limits : nullptr; }
CAPI_DEFINE_OWNED_VEC(tabletype)

// ---- memory types ----

wasm_memorytype_t* wasm_memorytype_new(const wasm_limits_t* limits) {
  return limits ? new (std::nothrow) wasm_memorytype_t(*limits) : nullptr;
}
void wasm_memorytype_delete(wasm_memorytype_t* t) { delete t; }
wasm_memorytype_t* wasm_memorytype_copy(const wasm_memorytype_t* t) { return t ? wasm_memorytype_new(&t->limits) : nullptr; }
const wasm_limits_t* wasm_memorytype_limits(const wasm_memorytype_t* t) { return t ? &t->limits : nullptr; }
CAPI_DEFINE_OWNED_VEC(memorytype)

// ---- extern types ----

void wasm_externtype_delete(wasm_externtype_t* t) { delete t; }
wasm_externtype_t* wasm_externtype_copy(const wasm_externtype_t* t) {
  if (!t) return nullptr;
  switch (t->kind) {
    case WASM_EXTERN_FUNC: return wasm_functype_copy(static_cast<const wasm_functype_t*>(t));
    case WASM_EXTERN_GLOBAL: return wasm_globaltype_copy(static_cast<const wasm_globaltype_t*>(t));
    case WASM_EXTERN_TABLE: return wasm_tabletype_copy(static_cast<const wasm_tabletype_t*>(t));
    case WASM_EXTERN_MEMORY: return wasm_memorytype_copy(static_cast<const wasm_memorytype_t*>(t));
  }
  return nullptr;
}
wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t* t) { return t ? t->kind : capi::kNoKind; }
CAPI_DEFINE_OWNED_VEC(externtype)

namespace {

template <class T, wasm_externkind_t K>
T* as_type(wasm_externtype_t* t) {
  return t && t->kind == K ? static_cast<T*>(t) : nullptr;
}
template <class T, wasm_externkind_t K>
const T* as_type(const wasm_externtype_t* t) {
  return t && t->kind == K ? static_cast<const T*>(t) : nullptr;
}

}  // namespace

#define CAPI_EXTERNTYPE_CONVERSIONS(name, kind)                                                                    \
  wasm_externtype_t* wasm_##name##_as_externtype(wasm_##name##_t* t) { return t; }                                  \
  const wasm_externtype_t* wasm_##name##_as_externtype_const(const wasm_##name##_t* t) { return t; }                \
  wasm_##name##_t* wasm_externtype_as_##name(wasm_externtype_t* t) { return as_type<wasm_##name##_t, kind>(t); }    \
  const wasm_##name##_t* wasm_externtype_as_##name##_const(const wasm_externtype_t* t) {                            \
    return as_type<wasm_##name##_t, kind>(t);                                                                       \
  }

CAPI_EXTERNTYPE_CONVERSIONS(functype, WASM_EXTERN_FUNC)
CAPI_EXTERNTYPE_CONVERSIONS(globaltype, WASM_EXTERN_GLOBAL)
CAPI_EXTERNTYPE_CONVERSIONS(tabletype, WASM_EXTERN_TABLE)
CAPI_EXTERNTYPE_CONVERSIONS(memorytype, WASM_EXTERN_MEMORY)

// ---- import and export types ----

wasm_importtype_t* wasm_importtype_new(wasm_name_t* module, wasm_name_t* name, wasm_externtype_t* type) {
  auto it = std::unique_ptr<wasm_importtype_t>(new (std::nothrow) wasm_importtype_t);
  capi::NameVec m, n;
  ExterntypePtr t(type);
  m.take(module);
  n.take(name);
  if (!it || !module || !name || !t) return nullptr;
  it->module.swap(m);
  it->name.swap(n);
  it->type = std::move(t);
  return it.release();
}
void wasm_importtype_delete(wasm_importtype_t* t) { delete t; }
wasm_importtype_t* wasm_importtype_copy(const wasm_importtype_t* t) {
  if (!t) return nullptr;
  wasm_name_t m, n;
  wasm_name_copy(&m, &t->module.get());
  wasm_name_copy(&n, &t->name.get());
  return wasm_importtype_new(&m, &n, wasm_externtype_copy(t->type.get()));
}
const wasm_name_t* wasm_importtype_module(const wasm_importtype_t* t) { return t ? &t->module.get() : nullptr; }
const wasm_name_t* wasm_importtype_name(const wasm_importtype_t* t) { return t ? &t->name.get() : nullptr; }
const wasm_externtype_t* wasm_importtype_type(const wasm_importtype_t* t) { return t ? t->type.get() : nullptr; }
CAPI_DEFINE_OWNED_VEC(importtype)

wasm_exporttype_t* wasm_exporttype_new(wasm_name_t* name, wasm_externtype_t* type) {
  auto et = std::unique_ptr<wasm_exporttype_t>(new (std::nothrow) wasm_exporttype_t);
  capi::NameVec n;
  ExterntypePtr t(type);
  n.take(name);
  if (!et || !name || !t) return nullptr;
  et->name.swap(n);
  et->type = std::move(t);
  return et.release();
}
void wasm_exporttype_delete(wasm_exporttype_t* t) { delete t; }
wasm_exporttype_t* wasm_exporttype_copy(const wasm_exporttype_t* t) {
  if (!t) return nullptr;
  wasm_name_t n;
  wasm_name_copy(&n, &t->name.get());
  return wasm_exporttype_new(&n, wasm_externtype_copy(t->type.get()));
}
const wasm_name_t* wasm_exporttype_name(const wasm_exporttype_t* t) { return t ? &t->name.get() : nullptr; }
const wasm_externtype_t* wasm_exporttype_type(const wasm_exporttype_t* t) { return t ? t->type.get() : nullptr; }
CAPI_DEFINE_OWNED_VEC(exporttype)

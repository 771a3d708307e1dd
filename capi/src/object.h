// The objects behind wasm.h's references and the references themselves.
//
// An Object is what a reference refers to: one per runtime object (a
// function, global, table, memory, instance, foreign object, trap or
// module), shared by every reference to it, holding its host info. Objects
// are counted: each reference holds one count, and the store holds one for
// every object Wasm code can reach (its functions, globals, tables,
// memories and instances, and any object that entered Wasm as an
// externref), so those live until the store goes.
//
// A reference (wasm_ref_t and the types derived from it: wasm_func_t, ...)
// is a small heap object holding its Object and the store's state; it keeps
// the store alive, so deleting a store while references to its objects
// remain only postpones the store's end to the last of them. Its dynamic
// type is always the one for its object's kind (a wasm_func_t for a
// function), so the as_ref/as_extern/ref_as conversions are casts.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>

#include "wasm.h"

namespace capi {

class StoreState;

// The externs first (holds<wasm_extern_t>), the kinds the store keeps only
// once Wasm saw them last (StoreState::keep).
enum class Kind : uint8_t { kFunc, kGlobal, kTable, kMemory, kInstance, kForeign, kTrap, kModule };

// A pointer the embedder attaches to an object, and the finalizer to call on
// it when it is replaced or when the object goes.
class HostInfo {
 public:
  HostInfo() = default;
  HostInfo(const HostInfo&) = delete;
  HostInfo& operator=(const HostInfo&) = delete;
  ~HostInfo() { finalize(); }

  void* get() const { return data_; }
  void set(void* data, void (*finalizer)(void*)) {
    finalize();
    data_ = data;
    finalizer_ = finalizer;
  }

 private:
  void finalize() {
    if (auto f = std::exchange(finalizer_, nullptr)) f(data_);
  }
  void* data_ = nullptr;
  void (*finalizer_)(void*) = nullptr;
};

class Object {
 public:
  Object(Kind kind, StoreState* store) : kind_(kind), store_(store) {}
  virtual ~Object() = default;
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;

  Kind kind() const { return kind_; }
  // The store the object belongs to (nullptr only for a trap made without
  // one, e.g. by wasm_func_call given no function).
  StoreState* store() const { return store_; }
  HostInfo& host_info() { return host_info_; }

  void retain() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

 private:
  std::atomic<uint32_t> refs_{0};
  Kind kind_;
  StoreState* store_;
  HostInfo host_info_;
};

// A counted pointer to an Object.
class ObjectRef {
 public:
  ObjectRef() = default;
  explicit ObjectRef(Object* o) : o_(o) {
    if (o_) o_->retain();
  }
  ObjectRef(const ObjectRef& r) : ObjectRef(r.o_) {}
  ObjectRef(ObjectRef&& r) noexcept : o_(std::exchange(r.o_, nullptr)) {}
  ObjectRef& operator=(ObjectRef r) noexcept {
    std::swap(o_, r.o_);
    return *this;
  }
  ~ObjectRef() {
    if (o_) o_->release();
  }
  Object* get() const { return o_; }
  Object* operator->() const { return o_; }

 private:
  Object* o_ = nullptr;
};

// An Object standing for a runtime object of the engine (wpvm::Func, ...).
template <class T, Kind K>
class EngineObject final : public Object {
 public:
  static constexpr Kind kKind = K;
  EngineObject(StoreState* store, T* target) : Object(K, store), target_(target) {}
  T* target() const { return target_; }

 private:
  T* target_;
};

}  // namespace capi

// The references. Every one is made by capi::make_ref, which picks the type
// for the object's kind.
struct wasm_ref_t {
  wasm_ref_t() = default;
  wasm_ref_t(const wasm_ref_t&) = delete;
  wasm_ref_t& operator=(const wasm_ref_t&) = delete;
  virtual ~wasm_ref_t() = default;

  capi::Object* object() const { return object_ref.get(); }
  capi::StoreState* store() const { return object_ref->store(); }

  capi::ObjectRef object_ref;
  std::shared_ptr<capi::StoreState> keep_store;  // nullptr for an object of no store
};
struct wasm_extern_t : wasm_ref_t {};
struct wasm_func_t : wasm_extern_t {};
struct wasm_global_t : wasm_extern_t {};
struct wasm_table_t : wasm_extern_t {};
struct wasm_memory_t : wasm_extern_t {};
struct wasm_instance_t : wasm_ref_t {};
struct wasm_foreign_t : wasm_ref_t {};
struct wasm_trap_t : wasm_ref_t {};
struct wasm_module_t : wasm_ref_t {};

namespace capi {

// A new reference to `object`, of the type its kind needs; nullptr for
// nullptr or when out of memory.
wasm_ref_t* make_ref(Object* object);

// Which reference type stands for which kinds of object.
template <class R>
inline bool holds(Kind k) {
  if constexpr (std::is_same_v<R, wasm_ref_t>) return true;
  else if constexpr (std::is_same_v<R, wasm_extern_t>) return k <= Kind::kMemory;
  else if constexpr (std::is_same_v<R, wasm_func_t>) return k == Kind::kFunc;
  else if constexpr (std::is_same_v<R, wasm_global_t>) return k == Kind::kGlobal;
  else if constexpr (std::is_same_v<R, wasm_table_t>) return k == Kind::kTable;
  else if constexpr (std::is_same_v<R, wasm_memory_t>) return k == Kind::kMemory;
  else if constexpr (std::is_same_v<R, wasm_instance_t>) return k == Kind::kInstance;
  else if constexpr (std::is_same_v<R, wasm_foreign_t>) return k == Kind::kForeign;
  else if constexpr (std::is_same_v<R, wasm_trap_t>) return k == Kind::kTrap;
  else {
    static_assert(std::is_same_v<R, wasm_module_t>);
    return k == Kind::kModule;
  }
}

// r seen as an R, or nullptr when r is null or of another kind.
template <class R, class From>
R* ref_cast(From* r) {
  return r && holds<R>(r->object()->kind()) ? static_cast<R*>(r) : nullptr;
}
template <class R, class From>
const R* ref_cast(const From* r) {
  return r && holds<R>(r->object()->kind()) ? static_cast<const R*>(r) : nullptr;
}

// A new reference of type R to `object`.
template <class R>
R* new_ref(Object* object) {
  return static_cast<R*>(make_ref(object));
}

// The engine object behind a reference of an EngineObject kind, or nullptr.
template <class O>
auto target_of(const wasm_ref_t* r) -> decltype(std::declval<O&>().target()) {
  if (!r || r->object()->kind() != O::kKind) return nullptr;
  return static_cast<O*>(r->object())->target();
}

}  // namespace capi

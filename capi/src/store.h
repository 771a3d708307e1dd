// Engines and stores behind wasm_engine_t and wasm_store_t, and the Objects
// of a store's runtime objects.
#pragma once
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "object.h"
#include "wpvm/runtime.h"

namespace capi {

using FuncObject = EngineObject<wpvm::Func, Kind::kFunc>;
using GlobalObject = EngineObject<wpvm::Global, Kind::kGlobal>;
using TableObject = EngineObject<wpvm::Table, Kind::kTable>;
using MemoryObject = EngineObject<wpvm::Memory, Kind::kMemory>;
using InstanceObject = EngineObject<wpvm::Instance, Kind::kInstance>;

// A wpvm::Store, and the Objects that must live as long as it. Used by one
// thread at a time (the store's rule); its engine may be shared.
class StoreState : public std::enable_shared_from_this<StoreState> {
 public:
  explicit StoreState(std::shared_ptr<const wpvm::Engine> engine)
      : engine_(std::move(engine)), store_(*engine_) {}
  // The kept Objects go first, in the order they came (their host info
  // finalizers run), then the store (its host functions' environments'
  // finalizers), then the kept hosts, then the engine reference.
  ~StoreState() {
    for (ObjectRef& r : kept_) r = ObjectRef();
  }
  StoreState(const StoreState&) = delete;
  StoreState& operator=(const StoreState&) = delete;

  wpvm::Store& store() { return store_; }
  const wpvm::Engine& engine() const { return *engine_; }

  // The Object of one of this store's runtime objects: made on first
  // request, kept as long as the store. nullptr for nullptr.
  template <class O>
  O* object_of(decltype(std::declval<O&>().target()) target) {
    if (!target) return nullptr;
    auto it = index_.find(target);
    if (it != index_.end()) return static_cast<O*>(it->second);
    ObjectRef o(new O(this, target));
    kept_.push_back(o);
    index_.emplace(target, o.get());
    return static_cast<O*>(o.get());
  }
  // A new reference to it.
  template <class R, class T>
  R* ref_of(T* target);

  // Keeps a host (WASI, wasi-parallel, wasi-threads) whose functions are
  // this store's: it goes after the store's objects, before the engine.
  void keep_host(std::shared_ptr<void> host) { hosts_.push_back(std::move(host)); }
  std::shared_ptr<const wpvm::Engine> engine_ref() const { return engine_; }

  // Keeps an object of this store as long as the store: what Wasm code may
  // hold as an externref must not go before the store does.
  void keep(Object* object) {
    if (!object || object->kind() < Kind::kForeign || index_.count(object)) return;
    kept_.emplace_back(object);
    index_.emplace(object, object);
  }

 private:
  std::shared_ptr<const wpvm::Engine> engine_;
  std::vector<std::shared_ptr<void>> hosts_;  // after store_: its host functions use them
  wpvm::Store store_;
  std::vector<ObjectRef> kept_;
  std::unordered_map<const void*, Object*> index_;  // kept_ by runtime object, or by itself
};

// The Object kind standing for each runtime object type.
template <class T>
struct ObjectFor;
template <> struct ObjectFor<wpvm::Func> { using type = FuncObject; };
template <> struct ObjectFor<wpvm::Global> { using type = GlobalObject; };
template <> struct ObjectFor<wpvm::Table> { using type = TableObject; };
template <> struct ObjectFor<wpvm::Memory> { using type = MemoryObject; };
template <> struct ObjectFor<wpvm::Instance> { using type = InstanceObject; };

template <class R, class T>
R* StoreState::ref_of(T* target) {
  using Obj = typename ObjectFor<std::remove_const_t<T>>::type;
  return new_ref<R>(object_of<Obj>(const_cast<std::remove_const_t<T>*>(target)));
}

// The engine object behind a reference of this kind, or nullptr.
inline wpvm::Func* func_of(const wasm_ref_t* r) { return target_of<FuncObject>(r); }
inline wpvm::Global* global_of(const wasm_ref_t* r) { return target_of<GlobalObject>(r); }
inline wpvm::Table* table_of(const wasm_ref_t* r) { return target_of<TableObject>(r); }
inline wpvm::Memory* memory_of(const wasm_ref_t* r) { return target_of<MemoryObject>(r); }
inline wpvm::Instance* instance_of(const wasm_ref_t* r) { return target_of<InstanceObject>(r); }

// The engine extern behind an extern reference, or nullopt.
inline std::optional<wpvm::Extern> engine_extern(const wasm_extern_t* e) {
  if (auto* f = func_of(e)) return wpvm::Extern(f);
  if (auto* g = global_of(e)) return wpvm::Extern(g);
  if (auto* t = table_of(e)) return wpvm::Extern(t);
  if (auto* m = memory_of(e)) return wpvm::Extern(m);
  return std::nullopt;
}

}  // namespace capi

// What wasm_engine_new_with_config takes: the tier (wpvm_config_tier_set),
// when set; otherwise WPVM_TIER decides.
struct wasm_config_t {
  std::optional<wpvm::Tier> tier;
  bool consume_fuel = false;        // wpvm_config_consume_fuel_set
  bool epoch_interruption = false;  // wpvm_config_epoch_interruption_set
  std::optional<size_t> max_wasm_stack;  // wpvm_config_max_wasm_stack_set
};

struct wasm_engine_t {
  std::shared_ptr<const wpvm::Engine> engine;
};

struct wasm_store_t {
  std::shared_ptr<capi::StoreState> state;
};

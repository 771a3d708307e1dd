// Internal shapes of the runtime objects behind the public API (runtime.h):
// functions, linear memories, tables, globals, instances and the store that
// owns them. The interpreter reads these fields directly; native code reads
// them through an instance's context (vm_context.h).
#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runtime/table_storage.h"
#include "wpvm/module_def.h"
#include "wpvm/runtime.h"

namespace wpvm {

// The interpreter's code per function and its state per store, opaque to the
// runtime (exec/tier.h).
namespace interp {
struct Code;
struct ThreadState;
}  // namespace interp

class InstanceImpl;
namespace tier {
class NativeCode;
}  // namespace tier

// A value occupies one 8-byte slot (v128: two) in frames, globals and tables.
using Slot = uint64_t;
inline uint32_t slot_width(ValType t) { return t == ValType::kV128 ? 2 : 1; }
// The slots a call of a function of type t passes its arguments and gets its
// results back in: as many as the wider of the two lists needs.
uint32_t call_slots(const FuncType& t);
void value_to_slots(const Value& v, Slot* out);
Value value_from_slots(ValType t, const Slot* in);

class FuncImpl;
// False for a funcref naming a function of another store than `store` (the
// only values that carry a store's object); true for every other value.
bool value_of_store(const Value& v, const Store::Impl& store);
// Whether v may go into an object of `store` typed `type` (a table element,
// a global): kUsage naming `what` ("the value") if it is of another type or
// a function of another store.
Result<void> check_value(const Value& v, ValType type, const Store::Impl& store, const char* what);

// What a host function is: shared by the copies of an instance that import it.
struct HostFunc {
  HostFn fn;
  std::string name;  // for backtraces, "" if none
};

// Wasm function (instance != nullptr) or host function. Holds nothing per
// function that the module already knows; an instance makes its functions'
// FuncImpls on first need (InstanceImpl::func).
class FuncImpl final : public Func {
 public:
  const FuncType& type() const override { return *sig; }
  // The name section's name of a Wasm function, a host function's name; "" if none.
  std::string_view name() const;

  const FuncType* sig = nullptr;  // canonical, owned by the store
  uint32_t sig_id = 0;            // equal ids <=> equal types (call_indirect)
  uint32_t func_index = 0;        // in the instance module's function space
  InstanceImpl* instance = nullptr;
  Store::Impl* store = nullptr;          // the owner
  std::shared_ptr<const HostFunc> host;  // host functions only
  // The interpreter's code for f, shared by every instance of the module
  // (runtime/compiled_code.h); looked up (or built) on f's first call.
  const interp::Code* code = nullptr;
  // Entry of f's native code (exec/tier.h), owned by the module's compiled
  // code; set once, when f's instance is bound to it. Read by native callers.
  std::atomic<void*> native{nullptr};
  uint64_t* vm = nullptr;  // f's instance's context (vm_context.h), for native callers
};

// A reserved, never-moving address range: [base, base + size) is committed,
// the rest up to `reserved` is PROT_NONE. Held by shared_ptr so one memory can
// later be shared by several stores and threads.
class LinearMemory {
 public:
  // guard_regions: reserve 4 GiB + 4 GiB of guard so that no u32 address plus
  // u32 offset can leave the reservation (what a JIT without bounds checks needs).
  static Result<std::shared_ptr<LinearMemory>> create(const MemoryType& type, bool guard_regions);
  ~LinearMemory();
  LinearMemory(const LinearMemory&) = delete;
  LinearMemory& operator=(const LinearMemory&) = delete;

  // Old size in pages, or nullopt past the maximum or the reservation, or
  // when `limiter` (if given) refuses the new size. The limiter is asked
  // outside the grow lock: if another thread grew the memory meanwhile, it
  // is asked again about the new size.
  std::optional<uint64_t> grow(uint64_t delta_pages, ResourceLimiter* limiter = nullptr);

  uint8_t* base = nullptr;
  uint64_t size = 0;  // bytes, a multiple of kPageSize
  uint64_t max_pages = kMaxPages;
  std::optional<uint64_t> declared_max_pages;  // the creating type's maximum
  bool guarded = false;  // the 8 GiB guarded reservation is in place
  uint64_t id = 0;       // unique in the process, never reused (memory_identity)

 private:
  LinearMemory() = default;
  size_t reserved_ = 0;
};

class MemoryImpl final : public Memory {
 public:
  const MemoryType& type() const override { return type_; }
  uint8_t* data() override { return lin->base; }
  uint64_t size_bytes() const override { return lin->size; }
  Result<uint64_t> grow(uint64_t delta) override;

  MemoryType type_;
  Store::Impl* store = nullptr;  // the owner
  std::shared_ptr<LinearMemory> lin;
};

class TableImpl final : public Table {
 public:
  const TableType& type() const override { return type_; }
  uint32_t size() const override { return static_cast<uint32_t>(elems.size()); }
  Result<Value> get(uint32_t index) const override;
  Result<void> set(uint32_t index, const Value& v) override;
  Result<uint32_t> grow(uint32_t delta, const Value& init) override;
  std::optional<uint32_t> grow_raw(uint32_t delta, void* init);

  TableType type_;
  Store::Impl* store = nullptr;  // the owner
  // FuncImpl* for funcref, host pointer for externref; reserved up to the
  // table's maximum (at most EngineConfig::max_table_elements), never moves.
  TableStorage elems;
};

class GlobalImpl final : public Global {
 public:
  const GlobalType& type() const override { return type_; }
  Value get() const override { return value_from_slots(type_.type, cell); }
  Result<void> set(const Value& v) override;

  GlobalType type_;
  Store::Impl* store = nullptr;  // the owner
  alignas(16) Slot cell[2] = {0, 0};
};

class InstanceImpl final : public Instance {
 public:
  InstanceImpl();
  ~InstanceImpl() override;
  const Module& module() const override { return *mod; }
  std::optional<Extern> find_export(std::string_view name) const override;
  std::vector<std::pair<std::string, Extern>> exports() const override;

  // Function i (imports first). A defined function's FuncImpl is made on
  // first need: eagerly for those the module can reference (exports,
  // elements, ref.func), else when something asks for it here (the
  // interpreter's first call of it, a stub, the API). Calls between native
  // functions never need one, so an instance costs what the module's
  // referenced functions cost, not what its code does. Thread-safe.
  FuncImpl* func(uint32_t i) const {
    FuncImpl* f = std::atomic_ref<FuncImpl*>(func_slots[i]).load(std::memory_order_acquire);
    return f ? f : materialize(i);
  }
  uint32_t num_funcs() const { return static_cast<uint32_t>(mod->func_types.size()); }
  // Sets an imported function's slot (instantiation, copies).
  void set_import(uint32_t i, FuncImpl* f) { func_slots[i] = f; }
  // Runs f for every function that has its FuncImpl, under the lock that
  // makes them (so none is made meanwhile).
  template <class F>
  void for_each_made(F&& f) const {
    std::lock_guard lock(funcs_mutex);
    for (uint32_t i = 0; i < num_funcs(); ++i)
      if (func_slots[i]) f(i, func_slots[i]);
  }

  std::shared_ptr<const Module> mod;
  Store::Impl* store = nullptr;
  std::vector<TableImpl*> tables;
  std::vector<MemoryImpl*> memories;
  std::vector<GlobalImpl*> globals;
  std::vector<uint32_t> type_ids;        // module type index -> canonical sig id
  std::vector<const FuncType*> type_sigs;  // module type index -> canonical type (the store's)
  std::vector<std::vector<void*>> elems;  // evaluated element segments (empty once dropped)
  std::vector<uint8_t> data_dropped;
  // The context compiled code reads this instance's data through
  // (vm_context.h): made first (its function slots are the instance's
  // functions), filled once the instance's objects are in place.
  std::unique_ptr<uint64_t[]> vm;
  FuncImpl** func_slots = nullptr;  // in vm
  std::once_flag native_bound;      // bound to the module's native code (exec/tier.h)
  // Gives the made functions their entries in the module's native code, and
  // functions made later theirs.
  void bind_native(const tier::NativeCode& code);

 private:
  const tier::NativeCode* native_code = nullptr;  // under funcs_mutex
  FuncImpl* materialize(uint32_t i) const;
  mutable std::mutex funcs_mutex;
  mutable std::vector<std::unique_ptr<FuncImpl>> made_;
};

// A store's resource limiter and the counts it limits, shared with the
// stores that run code on its behalf (share_limits in wpvm/share.h): each
// store adds what it holds to the counts and takes it back when it dies.
class StoreLimitState {
 public:
  StoreLimitState();
  // The limiter in force: the host's, or one that limits nothing.
  std::shared_ptr<ResourceLimiter> limiter() const;
  // The host's (Store::set_limiter, set_limits), nullptr if none.
  std::shared_ptr<ResourceLimiter> host_limiter() const;
  void set_limiter(std::shared_ptr<ResourceLimiter> l);
  std::atomic<uint64_t> instances{0}, memories{0}, tables{0};

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<ResourceLimiter> limiter_, host_limiter_;
};

class Store::Impl {
 public:
  explicit Impl(const Engine& e);
  ~Impl();

  // Canonical function types: equal types get the same id and pointer.
  uint32_t intern(const FuncType& t);
  const FuncType* sig(uint32_t id) const { return sigs_[id].get(); }

  FuncImpl* new_func();
  InstanceImpl* new_instance();
  // Counts (in the store's limit state) `instances`, `memories` and
  // `tables` more objects, or, if that exceeds one of the limiter's counts,
  // nothing and a kResource error naming the count, its limit, and `what`.
  Result<void> charge(uint32_t instances, uint32_t memories, uint32_t tables, const std::string& what);
  // Moves this store's counts to `state` and makes it the store's.
  void use_limits(std::shared_ptr<StoreLimitState> state);
  std::shared_ptr<ResourceLimiter> limiter() const { return limits->limiter(); }

  // A memory of type.limits.min pages, if the limiter allows that size (else
  // a kResource error naming `what`, "memory 0"). Not counted: see charge.
  Result<MemoryImpl*> new_memory(const MemoryType& type, const std::string& what);
  // A memory of this store over existing pages (memory_share.cpp).
  Result<MemoryImpl*> adopt_memory(const MemoryType& type, std::shared_ptr<LinearMemory> lin);
  // A table of type.limits.min elements set to init, with room to grow to its
  // maximum or EngineConfig::max_table_elements, whichever is smaller. A
  // minimum above that limit, or one the limiter refuses, is an error naming
  // `what` ("table 0"). Not counted: see charge.
  Result<TableImpl*> new_table(const TableType& type, void* init, const std::string& what);
  GlobalImpl* new_global(const GlobalType& type);

  const Engine& engine;
  Store* self = nullptr;
  // Fuel left (EngineConfig::consume_fuel). The interpreter charges it here;
  // native code keeps a copy in its thread's context while it runs and
  // writes it back before anything else can read it (host calls, calls
  // into the interpreter, its exit).
  uint64_t fuel = 0;
  // The engine's epoch and this store's deadline (EngineConfig::
  // epoch_interruption): code traps "interrupted" once *epoch >= deadline.
  const std::atomic<uint64_t>* epoch = nullptr;
  uint64_t epoch_deadline = UINT64_MAX;
  // The limiter and counts (never null); what of the counts this store holds.
  std::shared_ptr<StoreLimitState> limits;
  uint64_t charged_instances = 0, charged_memories = 0, charged_tables = 0;
  // The interpreter's value and frame stacks for this store, made by the
  // interpreter on first use with the deleter it chose (exec/tier.h).
  std::unique_ptr<interp::ThreadState, void (*)(interp::ThreadState*)> interp_state{nullptr, nullptr};

 private:
  void release_counts();  // takes this store's counts out of its limit state

  std::vector<std::unique_ptr<FuncType>> sigs_;
  std::vector<std::unique_ptr<FuncImpl>> funcs_;
  std::vector<std::unique_ptr<InstanceImpl>> instances_;
  std::vector<std::unique_ptr<MemoryImpl>> memories_;
  std::vector<std::unique_ptr<TableImpl>> tables_;
  std::vector<std::unique_ptr<GlobalImpl>> globals_;
};

// The Caller a host function sees.
class CallerImpl final : public Caller {
 public:
  CallerImpl(Store::Impl& s, InstanceImpl* i) : store_(s), instance_(i) {}
  Store& store() override { return *store_.self; }
  Instance* instance() override { return instance_; }
  Memory* memory() override {
    return instance_ && !instance_->memories.empty() ? instance_->memories[0] : nullptr;
  }

 private:
  Store::Impl& store_;
  InstanceImpl* instance_;
};

// Fills inst.type_ids and type_sigs from the store's canonical types.
void intern_types(Store::Impl& store, InstanceImpl& inst);

// Calls a host function with slot-encoded arguments; results written back as slots.
std::optional<Trap> call_host(Store::Impl& store, FuncImpl& f, InstanceImpl* caller, Slot* args_results);

}  // namespace wpvm

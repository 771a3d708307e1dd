// The embedding API: engine, store, instances, externs, linker, host functions.
//
// Ownership: a Store owns every runtime object (functions, tables, memories,
// globals, instances) created in it; pointers to them stay valid for the
// store's lifetime. A Store and its objects are used by one thread at a time.
// Modules (wpvm/module.h) are immutable and may be shared freely.
#pragma once
#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "wpvm/module.h"
#include "wpvm/result.h"
#include "wpvm/span.h"
#include "wpvm/trap.h"
#include "wpvm/types.h"

namespace wpvm {

class Func;
class Table;
class Memory;
class Global;
class Instance;
class Store;

struct V128 {
  uint64_t lo = 0, hi = 0;
  bool operator==(const V128& o) const { return lo == o.lo && hi == o.hi; }
  bool operator!=(const V128& o) const { return !(*this == o); }
};

// A typed Wasm value. Floats are kept as bit patterns so NaN payloads survive.
// References: nullptr is null; a funcref points at a Func, an externref is an
// opaque host pointer.
struct Value {
  ValType type = ValType::kI32;
  union {
    uint32_t i32;
    uint64_t i64;
    uint32_t f32_bits;
    uint64_t f64_bits;
    V128 v128;
    void* ref;
  };
  Value() : v128{} {}

  static Value from_i32(uint32_t v) { Value r; r.type = ValType::kI32; r.i32 = v; return r; }
  static Value from_i64(uint64_t v) { Value r; r.type = ValType::kI64; r.i64 = v; return r; }
  static Value from_f32_bits(uint32_t v) { Value r; r.type = ValType::kF32; r.f32_bits = v; return r; }
  static Value from_f64_bits(uint64_t v) { Value r; r.type = ValType::kF64; r.f64_bits = v; return r; }
  static Value from_f32(float v) { uint32_t b; std::memcpy(&b, &v, 4); return from_f32_bits(b); }
  static Value from_f64(double v) { uint64_t b; std::memcpy(&b, &v, 8); return from_f64_bits(b); }
  static Value from_v128(V128 v) { Value r; r.type = ValType::kV128; r.v128 = v; return r; }
  static Value from_ref(ValType t, void* p) { Value r; r.type = t; r.ref = p; return r; }
  static Value zero(ValType t);  // the default value of a type (0, +0.0, null)

  float f32() const { float f; std::memcpy(&f, &f32_bits, 4); return f; }
  double f64() const { double d; std::memcpy(&d, &f64_bits, 8); return d; }
  std::string to_string() const;  // "i32:42", "f64:1.5", "funcref:null"
};

// Outcome of calling into Wasm: results, or the trap that ended the call.
struct CallResult {
  std::vector<Value> values;
  std::optional<Trap> trap;
  bool ok() const { return !trap.has_value(); }
};

using Extern = std::variant<Func*, Table*, Memory*, Global*>;
ExternKind extern_kind(const Extern& e);

// What a host function sees of its caller.
class Caller {
 public:
  virtual ~Caller() = default;
  virtual Store& store() = 0;
  virtual Instance* instance() = 0;  // calling instance (nullptr if called from the host)
  // The calling instance's memory 0 (most host APIs, WASI included, use it), or nullptr.
  virtual Memory* memory() = 0;
};

// A host function. Reads args (typed as its FuncType's params), writes one
// Value per result. Returning a Trap ends the Wasm call with it.
using HostFn = std::function<std::optional<Trap>(Caller& caller, Span<const Value> args,
                                                 Span<Value> results)>;

enum class Tier : uint8_t { kInterp, kJit };

namespace tier {
class CodeGenerator;  // the engine's native tier (internal)
struct EngineAccess;
}  // namespace tier

struct EngineConfig {
  // kJit: functions run as native code from the x86-64 JIT, which every
  // engine has (those it cannot compile run in the interpreter; in a build
  // without the JIT, all of them do). kInterp: the interpreter only.
  Tier tier = Tier::kJit;
  // Compile a module's functions on the oneTBB pool (false: on the calling
  // thread only). The code is the same either way.
  bool parallel_compile = true;
  // The stack budget, in bytes, for all the Wasm frames a thread has at once:
  // a call that would go past it traps "call stack exhausted". It is one
  // budget per thread, not per call into Wasm: the outermost entry into Wasm
  // on a thread sets a limit on the native stack (its stack pointer minus
  // the budget) and nested entries, host -> Wasm -> host -> Wasm included,
  // keep it (whatever their engine's budget), so host frames between them
  // count too (as in Wasmtime). Native
  // code (the JIT's) checks its stack pointer against the limit on entering
  // every function. The interpreter keeps its frames off the native stack
  // and charges what they use against the same budget: 8 bytes per slot of
  // a frame (each parameter, local and operand temporary, two for a v128,
  // plus the function's constants) and 24 bytes per frame; so recursion
  // mixing both tiers is bounded by the same bytes. The default lets a small
  // recursive function reach about 170,000 frames on either tier (48 bytes
  // a frame), 130,000 if it uses v128 (README.md, "Resource limits"). The
  // interpreter's stacks (virtual memory, committed as used) are sized for
  // the budget, up to 1 GiB: its frames get no more than that.
  //
  // The limit never goes below the thread's stack bottom plus 256 KiB left
  // for host functions and the runtime, so a thread with less stack than the
  // budget gets less (a trap, never a crash). A thread that runs Wasm should
  // have a stack of wasm_thread_stack_size(config) bytes, as the threads
  // wpvm starts for Wasm have (wasi-threads, CPU-device workers, `wpvm run`).
  size_t max_wasm_stack = 8u << 20;
  bool explicit_bounds_checks = false;  // for hosts that cannot reserve address space
  // Most elements any table may have. A module defining a table (or
  // Store::create_table) with a larger minimum fails with ErrorKind::kResource;
  // table.grow past it returns -1 (Table::grow: nullopt). A table reserves
  // 8 bytes of address space per element up to its maximum or this limit;
  // memory is committed a page (512 elements) at a time as elements are
  // written, so a table created with a non-null initial value costs it all.
  uint32_t max_table_elements = 10'000'000;
  // Fuel: a store's calls into Wasm consume fuel (Store::set_fuel, add_fuel,
  // get_fuel), and a call that needs more than is left traps "all fuel
  // consumed". The rate, the same on the interpreter and the JIT: one unit
  // per Wasm instruction executed, but nop, drop, block, loop, else and end
  // are free. Fuel is charged ahead, per straight-line run of code: on
  // entering a function, a loop's header, an if's arm, the code after an
  // end, a br_if not taken or a call returning, every instruction up to the
  // next of those points (that one included, if it is a branch or a call)
  // is paid at once; a run that only a fall-through or a br can reach is
  // paid by the runs that reach it, when they start. A charge that costs
  // more than the fuel left traps before its run starts, leaving 0. So a trap or a host function sees the whole run it
  // is in already paid, and the same program leaves the same fuel on both
  // tiers. On the JIT a run's charge is a subtraction from a register and a
  // branch: the fuel left stays in a register while native code runs and is
  // in the store whenever a host function, the interpreter or the caller may
  // read it (calls out of native code, traps, returns). Off (the default),
  // code carries no fuel accounting at all.
  bool consume_fuel = false;
  // Epoch interruption: code checks the engine's epoch
  // (Engine::increment_epoch) against its store's deadline
  // (Store::set_epoch_deadline) on entering every function and at every
  // loop header, and traps "interrupted" once the epoch has reached it.
  // Off (the default), code carries no check.
  bool epoch_interruption = false;
};

// The native stack a thread needs to run Wasm of an engine with this config:
// max_wasm_stack plus 1 MiB for the host (its frames above the outermost
// entry into Wasm, host functions and the runtime below the limit).
size_t wasm_thread_stack_size(const EngineConfig& config);

class Engine {
 public:
  explicit Engine(EngineConfig config = {});
  const EngineConfig& config() const { return config_; }

  // Advances the epoch by one. Callable from any thread and from a signal
  // handler: one lock-free atomic add, nothing else. Copies of an engine
  // share one epoch. With EngineConfig::epoch_interruption, code running in
  // a store whose deadline the epoch reaches traps "interrupted"; a timer
  // thread calling this every tick gives a timeout (ticks * period).
  void increment_epoch() const;
  uint64_t current_epoch() const;

  // Compiles a validated module's code now, which its first call would
  // otherwise do (once per module: instances of it, in any store of an
  // engine with this config, then start without compiling). Nothing to do
  // with the interpreter tier or in a build without the JIT. kUsage if m was
  // not validated or the JIT compiled none of its functions (they then run
  // in the interpreter).
  Result<void> precompile(const Module& m) const;

 private:
  friend struct tier::EngineAccess;
  EngineConfig config_;
  tier::CodeGenerator* code_generator_;  // the JIT's; nullptr in a build without it
  std::shared_ptr<std::atomic<uint64_t>> epoch_;
};

class Func {
 public:
  virtual ~Func() = default;
  virtual const FuncType& type() const = 0;
};

// Objects of a Store (functions, memories, tables, globals, instances) may
// be used only with that store: a call, an import, or a reference value
// (funcref) naming an object of another store is an error (a kUsage error, a
// kUnlinkable one at instantiation, or a kHost trap for calls). A shared
// memory is the exception: instances of any store may import it (one store
// per thread), as long as it outlives them.
class Memory {
 public:
  virtual ~Memory() = default;
  virtual const MemoryType& type() const = 0;
  virtual uint8_t* data() = 0;
  virtual uint64_t size_bytes() const = 0;
  uint64_t pages() const { return size_bytes() / kPageSize; }
  // Grows by delta pages; returns the old size in pages (kResource past the
  // maximum, when the store's ResourceLimiter refuses, or past what the host
  // can give).
  virtual Result<uint64_t> grow(uint64_t delta) = 0;
  // True if [addr, addr+len) lies inside the memory.
  bool in_bounds(uint64_t addr, uint64_t len) const { return addr <= size_bytes() && len <= size_bytes() - addr; }
};

class Table {
 public:
  virtual ~Table() = default;
  virtual const TableType& type() const = 0;
  virtual uint32_t size() const = 0;
  // Errors (kUsage): an index out of bounds, a value not of the element
  // type, a function of another store. grow returns the old size (kResource
  // past the maximum or EngineConfig::max_table_elements, or when the store's
  // ResourceLimiter refuses).
  virtual Result<Value> get(uint32_t index) const = 0;
  virtual Result<void> set(uint32_t index, const Value& v) = 0;
  virtual Result<uint32_t> grow(uint32_t delta, const Value& init) = 0;
};

class Global {
 public:
  virtual ~Global() = default;
  virtual const GlobalType& type() const = 0;
  virtual Value get() const = 0;
  // Errors (kUsage): an immutable global, a value of another type, a
  // function of another store.
  virtual Result<void> set(const Value& v) = 0;
};

class Instance {
 public:
  virtual ~Instance() = default;
  virtual const Module& module() const = 0;
  virtual std::optional<Extern> find_export(std::string_view name) const = 0;
  virtual std::vector<std::pair<std::string, Extern>> exports() const = 0;
  Func* func(std::string_view name) const;
  Memory* memory(std::string_view name) const;
  Global* global(std::string_view name) const;
  Table* table(std::string_view name) const;
};

// Resolves imports by (module, name). Entries are externs of one store.
class Linker {
 public:
  void define(std::string module, std::string name, Extern value);
  // Every export of an instance, under module name `module` (spec `register`).
  void define_instance(std::string module, const Instance& instance);
  std::optional<Extern> resolve(std::string_view module, std::string_view name) const;

 private:
  std::map<std::pair<std::string, std::string>, Extern, std::less<>> entries_;
};

// What a store may hold and grow to: consulted by the engine whenever a
// memory or table of the store is created or grows, and for the number of
// instances, memories and tables the store holds (Store::set_limiter). The
// same interface as Wasmtime's ResourceLimiter.
//
// Called on the thread that creates or grows, which may be one of the
// store's wasi-threads threads or wasi-parallel workers (they count against
// the store that started them, share_limits in wpvm/share.h), so an
// implementation must be thread-safe. A callback must not itself create or
// grow memories or tables.
class ResourceLimiter {
 public:
  virtual ~ResourceLimiter() = default;
  // A memory of `current_bytes` wants to become `desired_bytes` (a new memory:
  // current 0, desired its initial size). `maximum_bytes` is the memory's
  // declared maximum, if any; desired never exceeds it (nor 4 GiB): a grow
  // past it fails without asking. False refuses: memory.grow returns -1,
  // Memory::grow a kResource error, creation (instantiation) a kResource error.
  virtual bool memory_growing(uint64_t current_bytes, uint64_t desired_bytes,
                              std::optional<uint64_t> maximum_bytes) = 0;
  // The same for a table's elements (a new table: current 0). Desired never
  // exceeds the table's maximum nor EngineConfig::max_table_elements.
  virtual bool table_growing(uint64_t current_elements, uint64_t desired_elements,
                             std::optional<uint64_t> maximum_elements) = 0;
  // The most instances, memories and tables the store may hold at once.
  // Memories and tables a module imports are not counted again; those a
  // module defines and those made by Store::create_memory / create_table are.
  virtual uint32_t instances() const { return 10000; }
  virtual uint32_t tables() const { return 10000; }
  virtual uint32_t memories() const { return 10000; }
};

// The stock limits (Store::set_limits). Unset sizes are not limited (beyond
// the memory's and table's own maximum and EngineConfig::max_table_elements).
struct StoreLimits {
  std::optional<uint64_t> memory_size = std::nullopt;     // bytes, any one memory
  std::optional<uint64_t> table_elements = std::nullopt;  // elements, any one table
  uint32_t instances = 10000;
  uint32_t tables = 10000;
  uint32_t memories = 10000;
};

// The ResourceLimiter that enforces a StoreLimits: what Store::set_limits
// installs.
class StoreLimiter final : public ResourceLimiter {
 public:
  explicit StoreLimiter(const StoreLimits& limits) : limits_(limits) {}
  const StoreLimits& limits() const { return limits_; }
  bool memory_growing(uint64_t, uint64_t desired_bytes, std::optional<uint64_t>) override {
    return !limits_.memory_size || desired_bytes <= *limits_.memory_size;
  }
  bool table_growing(uint64_t, uint64_t desired_elements, std::optional<uint64_t>) override {
    return !limits_.table_elements || desired_elements <= *limits_.table_elements;
  }
  uint32_t instances() const override { return limits_.instances; }
  uint32_t tables() const override { return limits_.tables; }
  uint32_t memories() const override { return limits_.memories; }

 private:
  StoreLimits limits_;
};

class Store {
 public:
  explicit Store(const Engine& engine);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const Engine& engine() const;

  Func* create_host_func(FuncType type, HostFn fn, std::string debug_name = {});
  Result<Memory*> create_memory(const MemoryType& type);
  Result<Table*> create_table(const TableType& type, const Value& init);
  Result<Global*> create_global(const GlobalType& type, const Value& init);

  // What instantiate does with the module's start function: kRun calls it;
  // kDefer leaves it to the caller (module_start, instance_func in
  // wpvm/share.h), who then gets a trap in it as a Trap with its backtrace.
  enum class StartFunction : uint8_t { kRun, kDefer };

  // Links, allocates, initialises (segments, start function). Link failures are
  // kUnlinkable; a trap during initialisation is kUninstantiable with the trap
  // text as message (writes done before the trap stay, as Wasm 2.0 says).
  Result<Instance*> instantiate(std::shared_ptr<const Module> module, const Linker& linker,
                                StartFunction start = StartFunction::kRun);

  // Calls a function. Argument count and types, and that the function and
  // reference arguments are of this store, are checked (a kHost trap with a
  // message).
  CallResult call(Func* func, Span<const Value> args);

  // Fuel (EngineConfig::consume_fuel, which documents the rate): what the
  // store's calls may still consume. A new store has 0 (every call traps
  // "all fuel consumed" at once); add_fuel saturates at UINT64_MAX. Host
  // functions may read and add fuel through Caller::store() while Wasm runs;
  // the code in progress continues with the new amount. kUsage errors if the
  // engine does not consume fuel.
  Result<void> set_fuel(uint64_t fuel);
  Result<uint64_t> get_fuel() const;
  Result<void> add_fuel(uint64_t fuel);

  // Epoch interruption (EngineConfig::epoch_interruption): code of this
  // store traps "interrupted" once the engine's epoch reaches its current
  // value plus `ticks_beyond_current` (saturating). Until this is called a
  // store has no deadline. Without epoch_interruption it has no effect. May
  // be called by a host function while Wasm runs; the deadline then holds
  // from the next check.
  void set_epoch_deadline(uint64_t ticks_beyond_current);
  // The epoch at which the store's code traps (UINT64_MAX: no deadline).
  uint64_t epoch_deadline() const;

  // Resource limits (ResourceLimiter). A new store has no limiter and is
  // held to nothing beyond the engine's limits (EngineConfig::
  // max_table_elements, the spec's 4 GiB per memory) and any number of
  // objects (Wasmtime caps a store without a limiter at 10,000 instances;
  // the C API's standard examples make more). set_limits installs a
  // StoreLimiter over a copy of `limits` (StoreLimits{}: the 10,000 caps);
  // set_limiter installs the host's own limiter, which the store (and the
  // stores running code on its behalf: wasi-threads threads, wasi-parallel
  // workers) keep alive by their shared_ptr; nullptr removes it. limiter()
  // is the one installed, nullptr if none. A new limiter holds for what
  // comes next; counts of what the store already holds stay. Exceeding
  // a limit when instantiating (or creating a memory or table) is a kResource
  // error naming the object and the limit; counts are checked for the whole
  // module before anything is allocated and, as in Wasmtime, stay charged if
  // the instantiation fails later. At run time memory.grow and table.grow
  // return -1 (Memory::grow and Table::grow a kResource error).
  void set_limits(const StoreLimits& limits);
  void set_limiter(std::shared_ptr<ResourceLimiter> limiter);
  std::shared_ptr<ResourceLimiter> limiter() const;

  class Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace wpvm

// wasi-threads (wasi_threads.h): thread-spawn creates a Store per thread,
// instantiates the module there against an alias of the caller's memory, and
// runs wasi_thread_start on a detached OS thread that owns that Store. Stores
// are never shared between threads; only the linear memory (never moving,
// held by shared_ptr) and the immutable Module are.
#include "wpvm/module_def.h"
#include "wpvm/wasi_threads.h"

#include <atomic>
#include <thread>

#include "wpvm/share.h"

namespace wpvm {

struct WasiThreads::State {
  State(const Engine& e, std::shared_ptr<const Module> m, DefineImports d, OnExit x)
      : engine(e), module(std::move(m)), define_imports(std::move(d)), on_exit(std::move(x)) {}
  const Engine& engine;
  std::shared_ptr<const Module> module;
  DefineImports define_imports;
  OnExit on_exit;
  std::atomic<uint32_t> next_tid{1};
  std::atomic<uint32_t> spawned{0};
};

namespace {

// The proposal's thread ids are positive and below 2^29.
constexpr uint32_t kMaxTid = 0x1FFFFFFF;
constexpr int32_t kSpawnFailed = -1;

const Import* memory_import(const Module& m) {
  for (const Import& i : m.imports)
    if (i.kind == ExternKind::kMemory) return &i;
  return nullptr;
}

Result<void> define_spawn(const std::shared_ptr<WasiThreads::State>& s, Linker& linker, Store& store);

// Everything thread-spawn does before the thread runs: a failure here is a
// negative result for the caller, not a trap.
Result<std::pair<std::unique_ptr<Store>, Func*>> prepare(const std::shared_ptr<WasiThreads::State>& s,
                                                        Caller& caller) {
  Memory* caller_memory = caller.memory();
  auto store = std::make_unique<Store>(s->engine);
  // The spawner's deadline and fuel left: an interruption stops every thread.
  inherit_interruption(*store, caller.store());
  Linker linker;
  if (s->define_imports) s->define_imports(linker, *store);
  WPVM_TRY(define_spawn(s, linker, *store));
  if (const Import* mi = memory_import(*s->module)) {
    if (!caller_memory) return make_error(ErrorKind::kUsage, kNoOffset, "thread-spawn without a memory");
    auto alias = create_memory_alias(*store, *caller_memory, mi->memory);
    if (!alias) return alias.error();
    linker.define(mi->module, mi->name, *alias);
  }
  auto inst = store->instantiate(s->module, linker);
  if (!inst) return inst.error();
  Func* start = (*inst)->func("wasi_thread_start");
  if (!start) return make_error(ErrorKind::kUnlinkable, kNoOffset, "no export wasi_thread_start");
  return std::make_pair(std::move(store), start);
}

std::optional<Trap> spawn(const std::shared_ptr<WasiThreads::State>& s, Caller& caller,
                          std::span<const Value> args, std::span<Value> results) {
  uint32_t tid = s->next_tid.fetch_add(1);
  auto ready = tid <= kMaxTid ? prepare(s, caller)
                              : Result<std::pair<std::unique_ptr<Store>, Func*>>(
                                    make_error(ErrorKind::kResource, kNoOffset, "out of thread ids"));
  if (!ready) {
    results[0] = Value::from_i32(static_cast<uint32_t>(kSpawnFailed));
    return std::nullopt;
  }
  uint32_t start_arg = args[0].i32;
  auto [store, start] = std::move(*ready);
  s->spawned.fetch_add(1);
  // The thread owns its store; the shared state outlives it through `s`.
  std::thread([s, store = std::move(store), start = start, tid, start_arg]() mutable {
    Value a[2] = {Value::from_i32(tid), Value::from_i32(start_arg)};
    CallResult r = store->call(start, a);
    if (!r.ok() && s->on_exit) s->on_exit(*r.trap);
  }).detach();
  results[0] = Value::from_i32(tid);
  return std::nullopt;
}

Result<void> define_spawn(const std::shared_ptr<WasiThreads::State>& s, Linker& linker, Store& store) {
  FuncType t;
  t.params = {ValType::kI32};
  t.results = {ValType::kI32};
  std::weak_ptr<WasiThreads::State> weak = s;  // no cycle through the store's host functions
  Func* f = store.create_host_func(
      t,
      [weak](Caller& c, std::span<const Value> args, std::span<Value> results) -> std::optional<Trap> {
        auto state = weak.lock();
        if (!state) {
          results[0] = Value::from_i32(static_cast<uint32_t>(kSpawnFailed));
          return std::nullopt;
        }
        return spawn(state, c, args, results);
      },
      "wasi.thread-spawn");
  linker.define(kWasiThreadsModuleName, "thread-spawn", f);
  return {};
}

}  // namespace

WasiThreads::WasiThreads(const Engine& engine, std::shared_ptr<const Module> module, DefineImports define_imports,
                         OnExit on_exit)
    : state_(std::make_shared<State>(engine, std::move(module), std::move(define_imports), std::move(on_exit))) {}

WasiThreads::~WasiThreads() = default;

Result<void> WasiThreads::define(Linker& linker, Store& store) {
  WPVM_TRY(define_spawn(state_, linker, store));
  if (const Import* mi = memory_import(*state_->module)) {
    auto m = store.create_memory(mi->memory);
    if (!m) return m.error();
    linker.define(mi->module, mi->name, *m);
  }
  return {};
}

uint32_t WasiThreads::spawned() const { return state_->spawned.load(); }

bool module_uses_wasi_threads(const Module& module) {
  for (const Import& i : module.imports)
    if ((i.module == kWasiThreadsModuleName && i.name == "thread-spawn") ||
        (i.kind == ExternKind::kMemory && i.memory.limits.shared))
      return true;
  return false;
}

}  // namespace wpvm

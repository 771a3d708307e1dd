// wpvm_linker_instantiate: a module against a linker's definitions, with
// wasi-threads when enabled and the module wants it.
#include <cstdio>
#include <new>

#include "module.h"
#include "trap.h"
#include "wpvm/share.h"
#include "wpvm/wasi_threads.h"
#include "wpvm_error.h"
#include "wpvm_linker.h"

namespace {

// What a spawned thread's store gets, kept as long as any thread may run:
// the engine outlives the hosts.
struct ThreadHosts {
  std::shared_ptr<const wpvm::Engine> engine;
  std::shared_ptr<wpvm::Wasi> wasi;
  std::shared_ptr<wpvm::Parallel> parallel;
};

// Defines wasi.thread-spawn (and the module's shared memory) in `linker`.
wpvm::Result<void> define_wasi_threads(const wpvm_linker_t& l, const std::shared_ptr<const wpvm::Module>& module,
                                       wpvm::Linker& linker) {
  auto hosts = std::make_shared<ThreadHosts>(ThreadHosts{l.store->engine_ref(), l.wasi, l.parallel});
  wpvm_thread_exit_callback_t on_exit = l.on_thread_exit;
  void* env = l.on_thread_exit_env;
  auto threads = std::make_shared<wpvm::WasiThreads>(
      *hosts->engine, module,
      [hosts](wpvm::Linker& linker, wpvm::Store& store) {
        if (hosts->wasi) hosts->wasi->define(linker, store);
        if (hosts->parallel) hosts->parallel->define(linker, store);
      },
      [on_exit, env](const wpvm::Trap& trap) {
        if (!on_exit) {
          std::fprintf(stderr, "wpvm: a wasi-threads thread ended the program: %s\n", trap.to_string().c_str());
          return;
        }
        wasm_trap_t* t = capi::new_trap(nullptr, trap);
        on_exit(env, t);
        wasm_trap_delete(t);
      });
  WPVM_TRY(threads->define(linker, l.store->store()));
  l.store->keep_host(threads);
  return {};
}

}  // namespace

wpvm_error_t* wpvm_linker_instantiate(const wpvm_linker_t* linker, const wasm_module_t* module,
                                      wasm_instance_t** instance, wasm_trap_t** trap) {
  if (instance) *instance = nullptr;
  if (trap) *trap = nullptr;
  if (!linker || !module || !instance) return capi::new_error("wpvm_linker_instantiate: a NULL argument");
  auto* m = capi::module_of(module);
  if (!m) return capi::new_error("wpvm_linker_instantiate: not a module");
  capi::StoreState& store = *linker->store;
  if (module->store() != &store)
    return capi::new_error("wpvm_linker_instantiate: a module of another store (share and obtain it)");
  try {
    wpvm::Linker imports = linker->linker;  // the module's own additions stay out of the linker
    if (linker->wasi_threads && wpvm::module_uses_wasi_threads(**m)) {
      if (auto r = define_wasi_threads(*linker, *m, imports); !r)
        return capi::new_error("wpvm_linker_instantiate: wasi-threads", r.error());
    }
    auto inst = store.store().instantiate(*m, imports, wpvm::Store::StartFunction::kDefer);
    if (!inst) return capi::new_error("wpvm_linker_instantiate", inst.error());
    if (auto start = wpvm::module_start(**m)) {
      wpvm::CallResult r = store.store().call(wpvm::instance_func(**inst, *start), {});
      if (r.trap) {
        if (!trap) return capi::new_error("wpvm_linker_instantiate: the start function trapped: " + r.trap->to_string());
        *trap = capi::new_trap(&store, std::move(*r.trap));
        return nullptr;
      }
    }
    *instance = store.ref_of<wasm_instance_t>(*inst);
    if (!*instance) return capi::new_error("wpvm_linker_instantiate: out of memory");
    return nullptr;
  } catch (const std::bad_alloc&) {
    return capi::new_error("wpvm_linker_instantiate: out of memory");
  }
}

// WASI, wasi-parallel and wasi-threads in a linker.
#include <new>

#include "wpvm_error.h"
#include "wpvm_linker.h"
#include "wpvm_parallel.h"
#include "wpvm_wasi_config.h"

wpvm_error_t* wpvm_linker_define_wasi(wpvm_linker_t* linker, const wpvm_wasi_config_t* config) {
  if (!linker) return capi::new_error("wpvm_linker_define_wasi: no linker");
  try {
    std::vector<capi::Fd> hold;  // stdin's bytes, until Wasi::create dups them
    auto wasi_config = capi::wasi_config_for(config, hold);
    if (!wasi_config) return capi::new_error("wpvm_linker_define_wasi", wasi_config.error());
    auto wasi = wpvm::Wasi::create(*wasi_config);
    if (!wasi) return capi::new_error("wpvm_linker_define_wasi", wasi.error());
    std::shared_ptr<wpvm::Wasi> host(std::move(*wasi));
    linker->store->keep_host(host);
    host->define(linker->linker, linker->store->store());
    linker->wasi = std::move(host);
    return nullptr;
  } catch (const std::bad_alloc&) {
    return capi::new_error("wpvm_linker_define_wasi: out of memory");
  }
}

wpvm_error_t* wpvm_linker_define_parallel(wpvm_linker_t* linker, const wpvm_parallel_config_t* config) {
  if (!linker) return capi::new_error("wpvm_linker_define_parallel: no linker");
  try {
    auto parallel = wpvm::Parallel::create(config ? config->config : wpvm::ParallelConfig{});
    if (!parallel) return capi::new_error("wpvm_linker_define_parallel", parallel.error());
    std::shared_ptr<wpvm::Parallel> host(std::move(*parallel));
    linker->store->keep_host(host);
    host->define(linker->linker, linker->store->store());
    linker->parallel = std::move(host);
    return nullptr;
  } catch (const std::bad_alloc&) {
    return capi::new_error("wpvm_linker_define_parallel: out of memory");
  }
}

wpvm_error_t* wpvm_linker_enable_wasi_threads(wpvm_linker_t* linker, wpvm_thread_exit_callback_t on_exit,
                                              void* env) {
  if (!linker) return capi::new_error("wpvm_linker_enable_wasi_threads: no linker");
  linker->wasi_threads = true;
  linker->on_thread_exit = on_exit;
  linker->on_thread_exit_env = env;
  return nullptr;
}

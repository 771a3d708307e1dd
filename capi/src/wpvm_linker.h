// wpvm_linker_t: a store's imports by module and name, and the hosts
// (WASI, wasi-parallel) defined in it.
#pragma once
#include <memory>

#include "store.h"
#include "wpvm.h"
#include "wpvm/parallel.h"
#include "wpvm/wasi.h"

struct wpvm_linker_t {
  std::shared_ptr<capi::StoreState> store;
  wpvm::Linker linker;
  // The last WASI and wasi-parallel hosts defined (the store keeps them
  // too): what spawned wasi-threads get.
  std::shared_ptr<wpvm::Wasi> wasi;
  std::shared_ptr<wpvm::Parallel> parallel;
  bool wasi_threads = false;
  wpvm_thread_exit_callback_t on_thread_exit = nullptr;
  void* on_thread_exit_env = nullptr;
};

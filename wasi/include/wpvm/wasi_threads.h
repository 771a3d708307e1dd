// wasi-threads for wpvm embedders: the `wasi` `thread-spawn` import.
//
// thread-spawn(start_arg) instantiates the same module again, in a new Store
// on a new OS thread, with the same imports: host imports are re-created by
// the embedder's DefineImports callback (typically WASI sharing one context),
// and the imported shared memory is the caller's, aliased (never copied).
// The new instance's export wasi_thread_start(tid, start_arg) then runs.
// A trap or proc_exit in a spawned thread ends the whole program: the
// library reports it through OnExit (the embedder ends the process there; a
// library must not). The main thread's end waits for no spawned thread.
// Interruption and fuel reach the threads (inherit_interruption, wpvm/share.h):
// a thread's store takes its spawner's epoch deadline, so one increment of
// the engine's epoch past it stops every thread, and, with
// EngineConfig::consume_fuel, the fuel its spawner had left when it called
// thread-spawn (a copy: each thread then consumes its own).
#pragma once
#include <functional>
#include <memory>

#include "wpvm/result.h"
#include "wpvm/runtime.h"

namespace wpvm {

inline constexpr const char* kWasiThreadsModuleName = "wasi";

class WasiThreads {
 public:
  using DefineImports = std::function<void(Linker& linker, Store& store)>;
  // Called on the spawned thread whose wasi_thread_start trapped or exited
  // (trap.kind == kExit, trap.exit_code); may be called by several threads.
  using OnExit = std::function<void(const Trap& trap)>;

  WasiThreads(const Engine& engine, std::shared_ptr<const Module> module, DefineImports define_imports,
              OnExit on_exit);
  ~WasiThreads();
  WasiThreads(const WasiThreads&) = delete;
  WasiThreads& operator=(const WasiThreads&) = delete;

  // Defines wasi.thread-spawn in `linker`, and, when the module imports a
  // memory, creates it in `store` with the imported type (shared, as
  // wasi-threads modules declare it) under the import's names.
  Result<void> define(Linker& linker, Store& store);

  // How many threads were started so far.
  uint32_t spawned() const;

  struct State;

 private:
  std::shared_ptr<State> state_;  // shared with the running threads
};

// True if the module imports wasi.thread-spawn or a shared memory (which the
// wasi-threads host provides).
bool module_uses_wasi_threads(const Module& module);

}  // namespace wpvm

/* wpvm.h: wpvm's extensions to the WebAssembly C API (wasm.h).
 *
 * What the standard header lacks: the execution tier, WASI preview1
 * (arguments, environment, preopened directories, stdio from and to files or
 * captured buffers, exit codes), wasi-threads, wasi-parallel (devices,
 * options), and a linker that provides imports by module and name.
 * C11 and C++; every function is in libwpvm.a with the standard ones.
 *
 * Conventions:
 *  - A function that can fail returns an owned wpvm_error_t* (NULL on
 *    success); the caller reads its message and deletes it.
 *  - No function aborts or crashes on misuse: NULL arguments, objects of
 *    another store and invalid modules give an error (or, where a function
 *    returns no error, the documented NULL, 0 or false).
 *  - Strings are NUL-terminated and copied; the caller keeps its own.
 *  - Objects made here are used by one thread at a time, as stores are.
 * See capi/README.md for the choices in detail. */
#ifndef WPVM_H
#define WPVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ---- */

typedef struct wpvm_error_t wpvm_error_t;

/* The error's message, with its terminating NUL counted in out->size (as
 * wasm_trap_message gives a trap's); free it with wasm_byte_vec_delete. An
 * empty message ("\0") for a NULL error. */
WASM_API_EXTERN void wpvm_error_message(const wpvm_error_t* error, wasm_name_t* out);
/* Deletes the error (NULL: nothing). */
WASM_API_EXTERN void wpvm_error_delete(wpvm_error_t* error);

/* ---- the execution tier ---- */

typedef uint8_t wpvm_tier_t;
enum wpvm_tier_enum {
  /* Native code from the x86-64 JIT (functions it cannot compile, and every
   * function in a build without the JIT, run in the interpreter). */
  WPVM_TIER_JIT = 0,
  /* The interpreter only. */
  WPVM_TIER_INTERP = 1,
};

/* The tier of the engines wasm_engine_new_with_config(config) makes. A config
 * without one leaves the choice to the WPVM_TIER environment variable ("jit",
 * the default, or "interp"), as wasm_engine_new does. Errors: no config, an
 * unknown tier. */
WASM_API_EXTERN wpvm_error_t* wpvm_config_tier_set(wasm_config_t* config, wpvm_tier_t tier);
/* The engine's tier; 0xff for NULL. */
WASM_API_EXTERN wpvm_tier_t wpvm_engine_tier(const wasm_engine_t* engine);

/* ---- the stack budget (wpvm::EngineConfig::max_wasm_stack documents it) ---- */

/* Bytes of Wasm frames a thread of engines made from the config may have at
 * once, on both tiers and across nested calls (host -> Wasm -> host -> Wasm);
 * a call past it traps "call stack exhausted". The default is 8 MiB. A
 * thread calling into Wasm should have that much native stack plus 1 MiB.
 * Errors: no config. */
WASM_API_EXTERN wpvm_error_t* wpvm_config_max_wasm_stack_set(wasm_config_t* config, size_t bytes);

/* ---- fuel and epoch interruption (wpvm::EngineConfig documents both) ---- */

/* Engines made from the config consume fuel: a store's calls trap "all fuel
 * consumed" once its fuel (0 in a new store) runs out; one unit per Wasm
 * instruction executed, nop, drop, block, loop, else and end free, the same
 * on both tiers. Errors: no config. */
WASM_API_EXTERN wpvm_error_t* wpvm_config_consume_fuel_set(wasm_config_t* config, bool enable);
/* Engines made from the config check their epoch against each store's
 * deadline on every function entry and loop header, trapping "interrupted"
 * once it is reached. Errors: no config. */
WASM_API_EXTERN wpvm_error_t* wpvm_config_epoch_interruption_set(wasm_config_t* config, bool enable);
/* A store's fuel: set, read (into *fuel), add (saturating). Errors: no store
 * (or no out-pointer), an engine that does not consume fuel. */
WASM_API_EXTERN wpvm_error_t* wpvm_store_fuel_set(wasm_store_t* store, uint64_t fuel);
WASM_API_EXTERN wpvm_error_t* wpvm_store_fuel_get(const wasm_store_t* store, uint64_t* fuel);
WASM_API_EXTERN wpvm_error_t* wpvm_store_fuel_add(wasm_store_t* store, uint64_t fuel);
/* The store's code traps "interrupted" once its engine's epoch reaches the
 * current epoch plus ticks (until then a store has no deadline). NULL: no-op. */
WASM_API_EXTERN void wpvm_store_epoch_deadline_set(wasm_store_t* store, uint64_t ticks_beyond_current);
/* Advances the engine's epoch by one: callable from any thread and from a
 * signal handler (one lock-free atomic add). NULL: no-op. */
WASM_API_EXTERN void wpvm_engine_epoch_increment(const wasm_engine_t* engine);
/* True if the trap is "all fuel consumed" / "interrupted". False for NULL. */
WASM_API_EXTERN bool wpvm_trap_is_out_of_fuel(const wasm_trap_t* trap);
WASM_API_EXTERN bool wpvm_trap_is_interrupted(const wasm_trap_t* trap);

/* ---- resource limits (wpvm::ResourceLimiter and StoreLimits document them) ---- */

/* Installs the stock limiter on a store, as wasmtime_store_limiter does: the
 * most bytes any one memory and elements any one table may have, and the most
 * instances, tables and memories the store may hold; a negative value leaves
 * that one at its default (sizes: unlimited; counts: 10,000). Exceeding a
 * limit makes instantiation fail with the limit in its message, and
 * memory.grow / table.grow return -1 (wasm_memory_grow / wasm_table_grow:
 * false). The threads and parallel kernels the store starts count against
 * it too. NULL store: no-op. */
WASM_API_EXTERN void wpvm_store_limits(wasm_store_t* store, int64_t memory_size, int64_t table_elements,
                                       int64_t instances, int64_t tables, int64_t memories);

/* ---- traps ---- */

/* True if the trap is a WASI proc_exit (the guest called exit()), with its
 * code in *code (when code is not NULL). False for NULL and any other trap. */
WASM_API_EXTERN bool wpvm_trap_exit_code(const wasm_trap_t* trap, int* code);

/* ---- WASI preview1 ---- */

/* What a WASI guest sees: its arguments, environment, preopened directories
 * and stdio. A new config gives none of them: no arguments, an empty
 * environment, no directories, and stdin, stdout and stderr read as empty /
 * discarded (/dev/null) until set. The setters replace earlier settings of
 * the same thing (preopens add up). A config is read when a linker defines
 * WASI from it (wpvm_linker_define_wasi) and may be deleted then, unless
 * captured output is still to be read from it. */
typedef struct wpvm_wasi_config_t wpvm_wasi_config_t;

WASM_API_EXTERN wpvm_wasi_config_t* wpvm_wasi_config_new(void);
WASM_API_EXTERN void wpvm_wasi_config_delete(wpvm_wasi_config_t* config);

/* argv, argv[0] included (argc strings; argv may be NULL when argc is 0). */
WASM_API_EXTERN wpvm_error_t* wpvm_wasi_config_set_argv(wpvm_wasi_config_t* config, size_t argc,
                                                        const char* const argv[]);
/* The entire environment: count NAME=VALUE pairs (names without '='). */
WASM_API_EXTERN wpvm_error_t* wpvm_wasi_config_set_env(wpvm_wasi_config_t* config, size_t count,
                                                       const char* const names[], const char* const values[]);
/* The host process's environment, as it is now. */
WASM_API_EXTERN wpvm_error_t* wpvm_wasi_config_inherit_env(wpvm_wasi_config_t* config);
/* Host directory host_path, seen by the guest as guest_path (e.g. "/" or
 * "."; NULL: host_path). Directories get descriptors 3, 4, ... in the order
 * given. Error: host_path is not a directory the process can open. */
WASM_API_EXTERN wpvm_error_t* wpvm_wasi_config_preopen_dir(wpvm_wasi_config_t* config, const char* host_path,
                                                           const char* guest_path);

/* stdin: the host's, a file (opened now; error if it cannot be), or these
 * bytes (copied; every linker defining WASI from the config reads them from
 * the start). */
WASM_API_EXTERN wpvm_error_t* wpvm_wasi_config_inherit_stdin(wpvm_wasi_config_t* config);
WASM_API_EXTERN wpvm_error_t* wpvm_wasi_config_set_stdin_file(wpvm_wasi_config_t* config, const char* path);
WASM_API_EXTERN wpvm_error_t* wpvm_wasi_config_set_stdin_bytes(wpvm_wasi_config_t* config,
                                                               const wasm_byte_vec_t* bytes);

/* stdout and stderr: the host's, a file (created or truncated now; error if
 * it cannot be), or captured: kept by the config (in an unnamed temporary
 * file) for wpvm_wasi_config_stdout_captured / _stderr_captured to give back.
 * What every guest using the config writes is appended to one capture. */
WASM_API_EXTERN wpvm_error_t* wpvm_wasi_config_inherit_stdout(wpvm_wasi_config_t* config);
WASM_API_EXTERN wpvm_error_t* wpvm_wasi_config_set_stdout_file(wpvm_wasi_config_t* config, const char* path);
WASM_API_EXTERN wpvm_error_t* wpvm_wasi_config_capture_stdout(wpvm_wasi_config_t* config);
WASM_API_EXTERN wpvm_error_t* wpvm_wasi_config_inherit_stderr(wpvm_wasi_config_t* config);
WASM_API_EXTERN wpvm_error_t* wpvm_wasi_config_set_stderr_file(wpvm_wasi_config_t* config, const char* path);
WASM_API_EXTERN wpvm_error_t* wpvm_wasi_config_capture_stderr(wpvm_wasi_config_t* config);

/* Everything captured so far (no NUL added), in *out (empty on error). Error:
 * no config, no out, the stream is not captured. */
WASM_API_EXTERN wpvm_error_t* wpvm_wasi_config_stdout_captured(const wpvm_wasi_config_t* config,
                                                               wasm_byte_vec_t* out);
WASM_API_EXTERN wpvm_error_t* wpvm_wasi_config_stderr_captured(const wpvm_wasi_config_t* config,
                                                               wasm_byte_vec_t* out);

/* ---- wasi-parallel ---- */

/* How the wasi-parallel host (wasi_ephemeral_parallel) runs kernels. A new
 * config: CPU threads one per core, GPU "auto", not verbose, messages one
 * line each on stderr. */
typedef struct wpvm_parallel_config_t wpvm_parallel_config_t;

WASM_API_EXTERN wpvm_parallel_config_t* wpvm_parallel_config_new(void);
WASM_API_EXTERN void wpvm_parallel_config_delete(wpvm_parallel_config_t* config);
/* Threads of the CPU device (0: one per core). */
WASM_API_EXTERN wpvm_error_t* wpvm_parallel_config_set_cpu_threads(wpvm_parallel_config_t* config,
                                                                   uint32_t threads);
/* The Vulkan device serving GPU hints: "auto" (a real GPU if there is one,
 * else the CPU device), "none" (the CPU device), or an index or part of a
 * name as wpvm_parallel_devices lists them. An explicit selector that
 * matches no device makes wpvm_linker_define_parallel fail. */
WASM_API_EXTERN wpvm_error_t* wpvm_parallel_config_set_gpu(wpvm_parallel_config_t* config, const char* selector);
/* Also report which device runs what. */
WASM_API_EXTERN wpvm_error_t* wpvm_parallel_config_set_verbose(wpvm_parallel_config_t* config, bool verbose);
/* Where device errors and explanations go: log(env, line, size) per
 * message (line not NUL-terminated), possibly from the host's worker
 * threads, until the store that defined it ends; NULL: stderr. finalizer
 * (may be NULL) gets env when the last user of the callback is gone. */
typedef void (*wpvm_log_callback_t)(void* env, const char* line, size_t size);
WASM_API_EXTERN wpvm_error_t* wpvm_parallel_config_set_log(wpvm_parallel_config_t* config, wpvm_log_callback_t log,
                                                           void* env, void (*finalizer)(void*));

/* A vector of names (not NUL-terminated), owned with its elements. */
typedef struct wpvm_name_vec_t {
  size_t size;
  wasm_name_t* data;
} wpvm_name_vec_t;
WASM_API_EXTERN void wpvm_name_vec_delete(wpvm_name_vec_t* vec);

/* The devices as `wpvm devices` lists them: per get_device hint the device
 * serving it ("DISCRETE_GPU: ..."), then one line per Vulkan device found.
 * config may be NULL (the defaults). Error: no out, or the host cannot be
 * made (an explicit GPU selector matching nothing). */
WASM_API_EXTERN wpvm_error_t* wpvm_parallel_devices(const wpvm_parallel_config_t* config, wpvm_name_vec_t* out);

/* ---- linker ---- */

/* Provides a store's imports by module and name: externs of the store,
 * every export of an instance, WASI, wasi-parallel and wasi-threads; then
 * instantiates modules against them. Defining a name again replaces it. The
 * hosts it defines (WASI, wasi-parallel) live as long as the store. */
typedef struct wpvm_linker_t wpvm_linker_t;

/* NULL without a store. The linker keeps the store alive. */
WASM_API_EXTERN wpvm_linker_t* wpvm_linker_new(wasm_store_t* store);
WASM_API_EXTERN void wpvm_linker_delete(wpvm_linker_t* linker);

/* item under module.name. Error: a NULL argument, an extern of another
 * store. */
WASM_API_EXTERN wpvm_error_t* wpvm_linker_define(wpvm_linker_t* linker, const char* module, const char* name,
                                                 const wasm_extern_t* item);
/* Every export of instance under module. */
WASM_API_EXTERN wpvm_error_t* wpvm_linker_define_instance(wpvm_linker_t* linker, const char* module,
                                                          const wasm_instance_t* instance);
/* WASI preview1 (wasi_snapshot_preview1) as config says (NULL: a new
 * config's defaults). Error: a preopened directory or stdio file that
 * cannot be opened. */
WASM_API_EXTERN wpvm_error_t* wpvm_linker_define_wasi(wpvm_linker_t* linker, const wpvm_wasi_config_t* config);
/* wasi-parallel (wasi_ephemeral_parallel) as config says (NULL: defaults). */
WASM_API_EXTERN wpvm_error_t* wpvm_linker_define_parallel(wpvm_linker_t* linker,
                                                          const wpvm_parallel_config_t* config);

/* wasi-threads: a module instantiated by this linker that imports
 * wasi.thread-spawn or a shared memory gets thread-spawn and its memory
 * (made in the store). A spawned thread instantiates the module again in a
 * store of its own with WASI and wasi-parallel as this linker defined them
 * (the same WASI context); other definitions are not available there (the
 * spawn fails). A trap or proc_exit in a spawned thread ends the program:
 * on_exit(env, trap) is called on that thread with the trap (borrowed, of no
 * store; wpvm_trap_exit_code tells an exit) and should end the process, as a
 * library may not; NULL on_exit: the trap is reported on stderr and the
 * other threads go on. The main thread waits for no spawned thread: a host
 * returning from a run while threads still run should end the process
 * without deleting the store (e.g. _Exit). */
typedef void (*wpvm_thread_exit_callback_t)(void* env, const wasm_trap_t* trap);
WASM_API_EXTERN wpvm_error_t* wpvm_linker_enable_wasi_threads(wpvm_linker_t* linker,
                                                              wpvm_thread_exit_callback_t on_exit, void* env);

/* Instantiates module (of the linker's store) with its imports found by
 * name. Returns an error (and *instance NULL) for misuse and link failures;
 * a trap in a data or element segment or in the start function is *trap
 * (and *instance NULL). On success *instance is the new instance and *trap
 * NULL. trap may be NULL (a trap is then returned as an error). */
WASM_API_EXTERN wpvm_error_t* wpvm_linker_instantiate(const wpvm_linker_t* linker, const wasm_module_t* module,
                                                      wasm_instance_t** instance, wasm_trap_t** trap);

/* Runs a WASI command: calls the instance's _initialize if exported, then
 * _start. *exit_code is 0 when _start returns, the code of proc_exit when
 * the guest exits; a trap is *trap (exit_code then untouched). Error: no
 * instance, no exit_code or trap pointer, no _start of type [] -> []. */
WASM_API_EXTERN wpvm_error_t* wpvm_wasi_run(const wasm_instance_t* instance, int* exit_code, wasm_trap_t** trap);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WPVM_H */

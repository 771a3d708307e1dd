// wpvm.h's extensions, every function, as a C11 program: the tier (chosen
// by config over WPVM_TIER, the same results on both), WASI (arguments,
// environment, a preopened directory, stdin bytes and files, stdout and
// stderr captured or to files, exit codes), fuel and epoch interruption
// (both tiers), wasi-parallel (a PRK guest,
// the device list), wasi-threads, the linker, and misuse: NULL everywhere and
// objects of another store give errors, never a crash.
//
// usage: wpvm_ext PROBE.wasm HOST.wasm START_TRAP.wasm [NAME=GUEST.wasm ...]
//   NAME: hello, exit_code, demo, nstream (a PRK guest), threads (a
//   wasi-threads program exiting 0 when right); absent ones are skipped.
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wpvm.h"

static int failures = 0;

#define CHECK(cond)                                                    \
  do {                                                                 \
    if (!(cond)) {                                                     \
      fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                      \
    }                                                                  \
  } while (0)

// No error expected: print and count one.
static void ok(wpvm_error_t* error, int line) {
  if (!error) return;
  wasm_name_t m;
  wpvm_error_message(error, &m);
  fprintf(stderr, "wpvm_ext.c:%d: unexpected error: %s\n", line, m.data);
  wasm_byte_vec_delete(&m);
  wpvm_error_delete(error);
  ++failures;
}
#define OK(call) ok((call), __LINE__)

// An error expected, with a message.
static void fails(wpvm_error_t* error, int line) {
  if (!error) {
    fprintf(stderr, "wpvm_ext.c:%d: no error\n", line);
    ++failures;
    return;
  }
  wasm_name_t m;
  wpvm_error_message(error, &m);
  if (m.size < 2 || m.data[m.size - 1] != '\0') {
    fprintf(stderr, "wpvm_ext.c:%d: an error without a message\n", line);
    ++failures;
  }
  wasm_byte_vec_delete(&m);
  wpvm_error_delete(error);
}
#define FAILS(call) fails((call), __LINE__)

static const char* guest_paths[8];
static const char* guest_names[8];
static int guest_count = 0;

static const char* guest(const char* name) {
  for (int i = 0; i < guest_count; ++i)
    if (strcmp(guest_names[i], name) == 0) return guest_paths[i];
  return NULL;
}

static wasm_module_t* load(wasm_store_t* store, const char* path) {
  FILE* f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new_uninitialized(&bytes, (size_t)size);
  if (fread(bytes.data, 1, (size_t)size, f) != (size_t)size) exit(2);
  fclose(f);
  wasm_module_t* module = wasm_module_new(store, &bytes);
  wasm_byte_vec_delete(&bytes);
  if (!module) {
    fprintf(stderr, "%s is no valid module\n", path);
    exit(2);
  }
  return module;
}

// True if the bytes hold text.
static int holds(const wasm_byte_vec_t* bytes, const char* text) {
  size_t n = strlen(text);
  for (size_t i = 0; i + n <= bytes->size; ++i)
    if (memcmp(bytes->data + i, text, n) == 0) return 1;
  return 0;
}

static int equals(const wasm_byte_vec_t* bytes, const char* text) {
  return bytes->size == strlen(text) && memcmp(bytes->data, text, bytes->size) == 0;
}

static wasm_engine_t* engine_of_tier(wpvm_tier_t tier) {
  wasm_config_t* config = wasm_config_new();
  OK(wpvm_config_tier_set(config, tier));
  return wasm_engine_new_with_config(config);
}

// Runs a WASI command with `config` (stdout captured by the caller) and
// wasi-parallel on `parallel`; returns its exit code (-1 for a trap or error).
static int run_command(wasm_engine_t* engine, const char* path, const wpvm_wasi_config_t* config,
                       const wpvm_parallel_config_t* parallel, int threads) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load(store, path);
  wpvm_linker_t* linker = wpvm_linker_new(store);
  OK(wpvm_linker_define_wasi(linker, config));
  OK(wpvm_linker_define_parallel(linker, parallel));
  if (threads) OK(wpvm_linker_enable_wasi_threads(linker, NULL, NULL));
  wasm_instance_t* instance = NULL;
  wasm_trap_t* trap = NULL;
  OK(wpvm_linker_instantiate(linker, module, &instance, &trap));
  int code = -1;
  CHECK(instance && !trap);
  if (instance) {
    OK(wpvm_wasi_run(instance, &code, &trap));
    if (trap) {
      wasm_message_t m;
      wasm_trap_message(trap, &m);
      fprintf(stderr, "%s trapped: %s\n", path, m.data);
      wasm_byte_vec_delete(&m);
      wasm_trap_delete(trap);
      code = -1;
    }
  }
  wasm_instance_delete(instance);
  wpvm_linker_delete(linker);
  wasm_module_delete(module);
  wasm_store_delete(store);
  return code;
}

// ---- errors and tiers ----

static void test_errors(void) {
  wasm_name_t m;
  wpvm_error_message(NULL, &m);
  CHECK(m.size == 1 && m.data[0] == '\0');
  wasm_byte_vec_delete(&m);
  wpvm_error_message(NULL, NULL);
  wpvm_error_delete(NULL);
  wpvm_error_t* e = wpvm_config_tier_set(NULL, WPVM_TIER_JIT);
  wpvm_error_message(e, &m);
  CHECK(m.size > 1 && strstr(m.data, "no config"));
  wasm_byte_vec_delete(&m);
  wpvm_error_delete(e);
}

static wasm_trap_t* double_it(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 * 2;
  return NULL;
}

// compute(n) = 2 * fib(n) + 1 through a linker, on an engine of this tier.
static int32_t compute(wasm_engine_t* engine, const char* host_wasm, int32_t n) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load(store, host_wasm);
  wpvm_linker_t* linker = wpvm_linker_new(store);
  wasm_functype_t* type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* f = wasm_func_new(store, type, double_it);
  wasm_functype_delete(type);
  OK(wpvm_linker_define(linker, "host", "double", wasm_func_as_extern(f)));
  wasm_instance_t* instance = NULL;
  wasm_trap_t* trap = NULL;
  OK(wpvm_linker_instantiate(linker, module, &instance, &trap));
  int32_t result = -1;
  if (instance) {
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    wasm_val_t args[1] = {WASM_I32_VAL(n)};
    wasm_val_t results[1] = {WASM_INIT_VAL};
    wasm_val_vec_t a = WASM_ARRAY_VEC(args), r = WASM_ARRAY_VEC(results);
    CHECK(exports.size == 2);
    wasm_trap_t* t = wasm_func_call(wasm_extern_as_func(exports.data[0]), &a, &r);
    CHECK(!t);
    if (!t) result = results[0].of.i32;
    wasm_trap_delete(t);
    wasm_extern_vec_delete(&exports);
  }
  wasm_instance_delete(instance);
  wasm_func_delete(f);
  wpvm_linker_delete(linker);
  wasm_module_delete(module);
  wasm_store_delete(store);
  return result;
}

static void test_tiers(const char* host_wasm) {
  // wpvm_config_tier_set beats WPVM_TIER, which decides otherwise.
  setenv("WPVM_TIER", "interp", 1);
  wasm_engine_t* jit = engine_of_tier(WPVM_TIER_JIT);
  wasm_engine_t* env_interp = wasm_engine_new();
  wasm_engine_t* config_without_tier = wasm_engine_new_with_config(wasm_config_new());
  setenv("WPVM_TIER", "jit", 1);
  wasm_engine_t* interp = engine_of_tier(WPVM_TIER_INTERP);
  wasm_engine_t* env_jit = wasm_engine_new();
  unsetenv("WPVM_TIER");
  wasm_engine_t* unset = wasm_engine_new();
  CHECK(wpvm_engine_tier(jit) == WPVM_TIER_JIT);
  CHECK(wpvm_engine_tier(interp) == WPVM_TIER_INTERP);
  CHECK(wpvm_engine_tier(env_interp) == WPVM_TIER_INTERP);
  CHECK(wpvm_engine_tier(config_without_tier) == WPVM_TIER_INTERP);
  CHECK(wpvm_engine_tier(env_jit) == WPVM_TIER_JIT);
  CHECK(wpvm_engine_tier(unset) == WPVM_TIER_JIT);
  CHECK(wpvm_engine_tier(NULL) == 0xff);
  // The same results on both.
  CHECK(compute(jit, host_wasm, 20) == 2 * 6765 + 1);
  CHECK(compute(interp, host_wasm, 20) == 2 * 6765 + 1);
  // The last setting counts; an unknown tier is refused and changes nothing.
  wasm_config_t* config = wasm_config_new();
  OK(wpvm_config_tier_set(config, WPVM_TIER_JIT));
  OK(wpvm_config_tier_set(config, WPVM_TIER_INTERP));
  FAILS(wpvm_config_tier_set(config, 7));
  wasm_engine_t* last = wasm_engine_new_with_config(config);
  CHECK(wpvm_engine_tier(last) == WPVM_TIER_INTERP);
  wasm_engine_delete(last);
  wasm_engine_delete(jit);
  wasm_engine_delete(interp);
  wasm_engine_delete(env_interp);
  wasm_engine_delete(config_without_tier);
  wasm_engine_delete(env_jit);
  wasm_engine_delete(unset);
}

// ---- WASI ----

static void write_text(const char* path, const char* text) {
  FILE* f = fopen(path, "w");
  if (!f) exit(2);
  fputs(text, f);
  fclose(f);
}

static void test_probe(wasm_engine_t* engine, const char* probe) {
  const char* tmp = getenv("TMPDIR");
  char dir[256];
  snprintf(dir, sizeof dir, "%s/wpvm_ext_XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    exit(2);
  }
  char in_txt[300], err_txt[300], stdin_txt[300];
  snprintf(in_txt, sizeof in_txt, "%s/in.txt", dir);
  snprintf(err_txt, sizeof err_txt, "%s/err.txt", dir);
  snprintf(stdin_txt, sizeof stdin_txt, "%s/stdin.txt", dir);
  write_text(in_txt, "file in a preopened directory\n");
  write_text(stdin_txt, "stdin from a file\n");

  wpvm_wasi_config_t* config = wpvm_wasi_config_new();
  OK(wpvm_wasi_config_preopen_dir(config, dir, "/sandbox"));
  wasm_byte_vec_t input;
  wasm_byte_vec_new(&input, 14, "stdin as bytes");
  OK(wpvm_wasi_config_set_stdin_bytes(config, &input));
  wasm_byte_vec_delete(&input);
  OK(wpvm_wasi_config_capture_stdout(config));
  OK(wpvm_wasi_config_set_stderr_file(config, err_txt));
  CHECK(run_command(engine, probe, config, NULL, 0) == 3);
  wasm_byte_vec_t out;
  OK(wpvm_wasi_config_stdout_captured(config, &out));
  CHECK(equals(&out, "/sandbox\nfile in a preopened directory\nstdin as bytes"));
  wasm_byte_vec_delete(&out);
  FILE* f = fopen(err_txt, "r");
  char line[64] = "";
  CHECK(f && fgets(line, sizeof line, f));
  if (f) fclose(f);
  CHECK(strcmp(line, "to stderr\n") == 0);
  FAILS(wpvm_wasi_config_stderr_captured(config, &out));  // a file, not captured
  CHECK(out.size == 0);

  // A second run with the same config: stdin's bytes again from the start,
  // stdout appended to the capture; stdin from a file, stderr captured.
  CHECK(run_command(engine, probe, config, NULL, 0) == 3);
  OK(wpvm_wasi_config_stdout_captured(config, &out));
  CHECK(out.size == 2 * strlen("/sandbox\nfile in a preopened directory\nstdin as bytes"));
  wasm_byte_vec_delete(&out);
  OK(wpvm_wasi_config_set_stdin_file(config, stdin_txt));
  OK(wpvm_wasi_config_capture_stdout(config));  // a new, empty capture
  OK(wpvm_wasi_config_capture_stderr(config));
  CHECK(run_command(engine, probe, config, NULL, 0) == 3);
  OK(wpvm_wasi_config_stdout_captured(config, &out));
  CHECK(equals(&out, "/sandbox\nfile in a preopened directory\nstdin from a file\n"));
  wasm_byte_vec_delete(&out);
  OK(wpvm_wasi_config_stderr_captured(config, &out));
  CHECK(equals(&out, "to stderr\n"));
  wasm_byte_vec_delete(&out);

  // The host's stdout and stderr (stdin: empty bytes, as the test's own
  // may be a terminal). A file for stdout is created or truncated at once.
  OK(wpvm_wasi_config_inherit_stdin(config));
  OK(wpvm_wasi_config_set_stdin_bytes(config, &(wasm_byte_vec_t){0, NULL}));
  OK(wpvm_wasi_config_set_stdout_file(config, in_txt));
  f = fopen(in_txt, "r");
  CHECK(f && fgetc(f) == EOF);
  if (f) fclose(f);
  OK(wpvm_wasi_config_inherit_stderr(config));
  OK(wpvm_wasi_config_inherit_stdout(config));
  fflush(stdout);
  CHECK(run_command(engine, probe, config, NULL, 0) == 3);
  FAILS(wpvm_wasi_config_stdout_captured(config, &out));

  // No config: no preopens, no stdio.
  CHECK(run_command(engine, probe, NULL, NULL, 0) == 3);
  wpvm_wasi_config_delete(config);
  unlink(in_txt);
  unlink(err_txt);
  unlink(stdin_txt);
  rmdir(dir);
}

static void test_exit_via_call(wasm_engine_t* engine, const char* probe) {
  // wasm_func_call on _start: proc_exit is a trap wpvm_trap_exit_code reads.
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load(store, probe);
  wpvm_linker_t* linker = wpvm_linker_new(store);
  OK(wpvm_linker_define_wasi(linker, NULL));
  wasm_instance_t* instance = NULL;
  wasm_trap_t* trap = NULL;
  OK(wpvm_linker_instantiate(linker, module, &instance, &trap));
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* start = exports.size == 2 ? wasm_extern_as_func(exports.data[1]) : NULL;
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  trap = wasm_func_call(start, &none, &none);
  int code = -1;
  CHECK(wpvm_trap_exit_code(trap, &code) && code == 3);
  CHECK(wpvm_trap_exit_code(trap, NULL));
  wasm_trap_delete(trap);
  wasm_message_t message;
  wasm_name_new_from_string_nt(&message, "not an exit");
  trap = wasm_trap_new(store, &message);
  wasm_byte_vec_delete(&message);
  CHECK(!wpvm_trap_exit_code(trap, &code));
  wasm_trap_delete(trap);
  CHECK(!wpvm_trap_exit_code(NULL, &code));
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wpvm_linker_delete(linker);
  wasm_module_delete(module);
  wasm_store_delete(store);
}

static void test_guests(wasm_engine_t* engine) {
  const char* hello = guest("hello");
  if (hello) {
    wpvm_wasi_config_t* config = wpvm_wasi_config_new();
    const char* argv[] = {"hello", "one", "two words"};
    OK(wpvm_wasi_config_set_argv(config, 3, argv));
    OK(wpvm_wasi_config_capture_stdout(config));
    CHECK(run_command(engine, hello, config, NULL, 0) == 0);
    wasm_byte_vec_t out;
    OK(wpvm_wasi_config_stdout_captured(config, &out));
    CHECK(equals(&out, "hello from wasm\narg 1: one\narg 2: two words\n"));
    wasm_byte_vec_delete(&out);
    wpvm_wasi_config_delete(config);
  }
  const char* exit_code = guest("exit_code");
  if (exit_code) {
    wpvm_wasi_config_t* config = wpvm_wasi_config_new();
    CHECK(run_command(engine, exit_code, config, NULL, 0) == 7);
    const char* argv[] = {"exit_code", "42"};
    OK(wpvm_wasi_config_set_argv(config, 2, argv));
    CHECK(run_command(engine, exit_code, config, NULL, 0) == 42);
    wpvm_wasi_config_delete(config);
  }
  const char* demo = guest("demo");
  if (demo) {
    wpvm_wasi_config_t* config = wpvm_wasi_config_new();
    const char* argv[] = {"demo", "x"};
    const char* names[] = {"HOME", "USER"};
    const char* values[] = {"/", "wpvm-capi"};
    OK(wpvm_wasi_config_set_argv(config, 2, argv));
    OK(wpvm_wasi_config_set_env(config, 2, names, values));
    OK(wpvm_wasi_config_capture_stdout(config));
    CHECK(run_command(engine, demo, config, NULL, 0) == 0);
    wasm_byte_vec_t out;
    OK(wpvm_wasi_config_stdout_captured(config, &out));
    CHECK(holds(&out, "2 argument(s): demo x\n"));
    CHECK(holds(&out, "USER=wpvm-capi\n"));
    CHECK(holds(&out, "validation OK"));
    wasm_byte_vec_delete(&out);
    // The host's environment, as it is.
    setenv("USER", "from-the-host", 1);
    OK(wpvm_wasi_config_inherit_env(config));
    OK(wpvm_wasi_config_capture_stdout(config));
    CHECK(run_command(engine, demo, config, NULL, 0) == 0);
    OK(wpvm_wasi_config_stdout_captured(config, &out));
    CHECK(holds(&out, "USER=from-the-host\n"));
    wasm_byte_vec_delete(&out);
    wpvm_wasi_config_delete(config);
  }
}

// ---- wasi-parallel ----

static void count_line(void* env, const char* line, size_t size) {
  (void)line;
  (void)size;
  ++*(int*)env;
}

static int finalized = 0;
static void finalize(void* env) {
  (void)env;
  ++finalized;
}

static void test_parallel(wasm_engine_t* engine) {
  finalized = 0;
  wpvm_name_vec_t devices;
  OK(wpvm_parallel_devices(NULL, &devices));
  CHECK(devices.size > 0);
  for (size_t i = 0; i < devices.size; ++i) CHECK(devices.data[i].size > 0);
  wpvm_name_vec_delete(&devices);
  wpvm_name_vec_delete(&devices);  // twice: empty the second time
  wpvm_name_vec_delete(NULL);

  wpvm_parallel_config_t* parallel = wpvm_parallel_config_new();
  OK(wpvm_parallel_config_set_cpu_threads(parallel, 2));
  OK(wpvm_parallel_config_set_gpu(parallel, "none"));
  int lines = 0;
  OK(wpvm_parallel_config_set_log(parallel, count_line, &lines, finalize));
  OK(wpvm_parallel_config_set_verbose(parallel, true));
  OK(wpvm_parallel_devices(parallel, &devices));
  CHECK(devices.size > 0);
  wpvm_name_vec_delete(&devices);

  const char* nstream = guest("nstream");
  if (nstream) {
    wpvm_wasi_config_t* config = wpvm_wasi_config_new();
    const char* argv[] = {"nstream", "--device", "seq,cpu", "2", "65536"};
    OK(wpvm_wasi_config_set_argv(config, 5, argv));
    OK(wpvm_wasi_config_capture_stdout(config));
    CHECK(run_command(engine, nstream, config, parallel, 0) == 0);
    wasm_byte_vec_t out;
    OK(wpvm_wasi_config_stdout_captured(config, &out));
    CHECK(holds(&out, "Solution validates"));
    wasm_byte_vec_delete(&out);
    CHECK(lines > 0);  // verbose: it said which device ran what
    wpvm_wasi_config_delete(config);
  }
  // Replacing the callback finalizes the old one once nothing uses it.
  OK(wpvm_parallel_config_set_log(parallel, NULL, NULL, NULL));
  CHECK(finalized == 1);
  wpvm_parallel_config_delete(parallel);
  CHECK(finalized == 1);
}

// ---- wasi-threads ----

static void test_threads(wasm_engine_t* engine) {
  const char* threads = guest("threads");
  if (!threads) return;
  // Five threads count to 5,000,000 in shared memory: exit code 0 when right.
  CHECK(run_command(engine, threads, NULL, NULL, 1) == 0);
  // Without wasi-threads the module does not link.
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load(store, threads);
  wpvm_linker_t* linker = wpvm_linker_new(store);
  OK(wpvm_linker_define_wasi(linker, NULL));
  wasm_instance_t* instance = (wasm_instance_t*)1;
  wasm_trap_t* trap = (wasm_trap_t*)1;
  FAILS(wpvm_linker_instantiate(linker, module, &instance, &trap));
  CHECK(!instance && !trap);
  wpvm_linker_delete(linker);
  wasm_module_delete(module);
  wasm_store_delete(store);
}

// ---- misuse ----

static void test_misuse(wasm_engine_t* engine, const char* host_wasm, const char* start_trap) {
  wasm_byte_vec_t out;
  // Configs.
  FAILS(wpvm_wasi_config_set_argv(NULL, 0, NULL));
  FAILS(wpvm_wasi_config_set_env(NULL, 0, NULL, NULL));
  FAILS(wpvm_wasi_config_inherit_env(NULL));
  FAILS(wpvm_wasi_config_preopen_dir(NULL, "/", "/"));
  FAILS(wpvm_wasi_config_inherit_stdin(NULL));
  FAILS(wpvm_wasi_config_set_stdin_file(NULL, "/dev/null"));
  FAILS(wpvm_wasi_config_set_stdin_bytes(NULL, NULL));
  FAILS(wpvm_wasi_config_inherit_stdout(NULL));
  FAILS(wpvm_wasi_config_set_stdout_file(NULL, "/dev/null"));
  FAILS(wpvm_wasi_config_capture_stdout(NULL));
  FAILS(wpvm_wasi_config_inherit_stderr(NULL));
  FAILS(wpvm_wasi_config_set_stderr_file(NULL, "/dev/null"));
  FAILS(wpvm_wasi_config_capture_stderr(NULL));
  FAILS(wpvm_wasi_config_stdout_captured(NULL, &out));
  CHECK(out.size == 0);
  FAILS(wpvm_wasi_config_stderr_captured(NULL, NULL));
  wpvm_wasi_config_delete(NULL);
  wpvm_wasi_config_t* config = wpvm_wasi_config_new();
  FAILS(wpvm_wasi_config_set_argv(config, 1, NULL));
  const char* null_arg[] = {NULL};
  FAILS(wpvm_wasi_config_set_argv(config, 1, null_arg));
  OK(wpvm_wasi_config_set_argv(config, 0, NULL));
  const char* bad_names[] = {"A=B"};
  const char* values[] = {"v"};
  FAILS(wpvm_wasi_config_set_env(config, 1, bad_names, values));
  FAILS(wpvm_wasi_config_set_env(config, 1, NULL, values));
  FAILS(wpvm_wasi_config_preopen_dir(config, NULL, "/"));
  FAILS(wpvm_wasi_config_preopen_dir(config, "/no/such/directory", "/"));
  FAILS(wpvm_wasi_config_set_stdin_file(config, NULL));
  FAILS(wpvm_wasi_config_set_stdin_file(config, "/no/such/file"));
  FAILS(wpvm_wasi_config_set_stdin_bytes(config, NULL));
  FAILS(wpvm_wasi_config_set_stdout_file(config, "/no/such/directory/out"));
  FAILS(wpvm_wasi_config_set_stderr_file(config, NULL));
  FAILS(wpvm_wasi_config_stdout_captured(config, &out));  // not captured
  OK(wpvm_wasi_config_capture_stdout(config));
  FAILS(wpvm_wasi_config_stdout_captured(config, NULL));
  OK(wpvm_wasi_config_stdout_captured(config, &out));
  CHECK(out.size == 0);
  wasm_byte_vec_delete(&out);

  FAILS(wpvm_parallel_config_set_cpu_threads(NULL, 1));
  FAILS(wpvm_parallel_config_set_gpu(NULL, "none"));
  FAILS(wpvm_parallel_config_set_verbose(NULL, false));
  finalized = 0;
  FAILS(wpvm_parallel_config_set_log(NULL, count_line, NULL, finalize));
  CHECK(finalized == 1);  // given up at once
  wpvm_parallel_config_delete(NULL);
  FAILS(wpvm_parallel_devices(NULL, NULL));
  wpvm_parallel_config_t* parallel = wpvm_parallel_config_new();
  FAILS(wpvm_parallel_config_set_gpu(parallel, NULL));
  FAILS(wpvm_parallel_config_set_gpu(parallel, ""));

  // Linkers.
  CHECK(wpvm_linker_new(NULL) == NULL);
  wpvm_linker_delete(NULL);
  FAILS(wpvm_linker_define(NULL, "m", "n", NULL));
  FAILS(wpvm_linker_define_instance(NULL, "m", NULL));
  FAILS(wpvm_linker_define_wasi(NULL, config));
  FAILS(wpvm_linker_define_parallel(NULL, parallel));
  FAILS(wpvm_linker_enable_wasi_threads(NULL, NULL, NULL));
  wasm_instance_t* instance = (wasm_instance_t*)1;
  wasm_trap_t* trap = (wasm_trap_t*)1;
  FAILS(wpvm_linker_instantiate(NULL, NULL, &instance, &trap));
  CHECK(!instance && !trap);
  FAILS(wpvm_linker_instantiate(NULL, NULL, NULL, NULL));
  int code = -5;
  FAILS(wpvm_wasi_run(NULL, &code, &trap));
  CHECK(code == -5 && !trap);
  FAILS(wpvm_wasi_run(NULL, NULL, NULL));

  wasm_store_t* store = wasm_store_new(engine);
  wasm_store_t* other = wasm_store_new(engine);
  wpvm_linker_t* linker = wpvm_linker_new(store);
  wasm_module_t* module = load(store, host_wasm);
  wasm_module_t* other_module = load(other, host_wasm);
  wasm_functype_t* type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* other_func = wasm_func_new(other, type, double_it);
  wasm_func_t* func = wasm_func_new(store, type, double_it);
  wasm_functype_delete(type);
  FAILS(wpvm_linker_define(linker, NULL, "n", wasm_func_as_extern(func)));
  FAILS(wpvm_linker_define(linker, "m", NULL, wasm_func_as_extern(func)));
  FAILS(wpvm_linker_define(linker, "host", "double", NULL));
  FAILS(wpvm_linker_define(linker, "host", "double", wasm_func_as_extern(other_func)));  // another store
  // Unlinkable: host.double missing.
  FAILS(wpvm_linker_instantiate(linker, module, &instance, &trap));
  CHECK(!instance && !trap);
  FAILS(wpvm_linker_instantiate(linker, module, NULL, &trap));
  FAILS(wpvm_linker_instantiate(linker, NULL, &instance, &trap));
  OK(wpvm_linker_define(linker, "host", "double", wasm_func_as_extern(func)));
  FAILS(wpvm_linker_instantiate(linker, other_module, &instance, &trap));  // another store
  CHECK(!instance && !trap);
  OK(wpvm_linker_instantiate(linker, module, &instance, NULL));
  CHECK(instance != NULL);
  // Its _start has a parameter: no command.
  FAILS(wpvm_wasi_run(instance, &code, &trap));
  FAILS(wpvm_wasi_run(instance, NULL, &trap));
  FAILS(wpvm_wasi_run(instance, &code, NULL));
  CHECK(code == -5 && !trap);
  // Every export under another name; an instance of another store refused.
  OK(wpvm_linker_define_instance(linker, "first", instance));
  FAILS(wpvm_linker_define_instance(linker, NULL, instance));
  FAILS(wpvm_linker_define_instance(linker, "first", (const wasm_instance_t*)wasm_func_as_ref(func)));
  wpvm_linker_t* other_linker = wpvm_linker_new(other);
  FAILS(wpvm_linker_define_instance(other_linker, "first", instance));
  FAILS(wpvm_linker_define(other_linker, "host", "double", wasm_func_as_extern(func)));
  wpvm_linker_delete(other_linker);
  wasm_instance_delete(instance);

  // A trap in the start function: *trap, or an error without a trap pointer.
  wasm_module_t* trapping = load(store, start_trap);
  FAILS(wpvm_linker_instantiate(linker, trapping, &instance, NULL));
  OK(wpvm_linker_instantiate(linker, trapping, &instance, &trap));
  CHECK(!instance && trap);
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  CHECK(strstr(message.data, "unreachable") != NULL);
  wasm_byte_vec_delete(&message);
  CHECK(!wpvm_trap_exit_code(trap, &code));
  wasm_trap_delete(trap);
  wasm_module_delete(trapping);

  // Hosts that cannot be made: an explicit GPU that does not exist.
  OK(wpvm_parallel_config_set_gpu(parallel, "no such device, anywhere"));
  FAILS(wpvm_linker_define_parallel(linker, parallel));
  wpvm_name_vec_t devices;
  FAILS(wpvm_parallel_devices(parallel, &devices));
  CHECK(devices.size == 0 && devices.data == NULL);

  // The store goes before the linker: the linker keeps it.
  wasm_func_delete(func);
  wasm_func_delete(other_func);
  wasm_module_delete(module);
  wasm_module_delete(other_module);
  wasm_store_delete(store);
  wasm_store_delete(other);
  OK(wpvm_linker_define_wasi(linker, config));
  wpvm_linker_delete(linker);
  wpvm_parallel_config_delete(parallel);
  wpvm_wasi_config_delete(config);
}

// A module of two functions: three() = 1 + 2 (3 units of fuel), spin()
// loops for ever.
static const uint8_t kFuelModule[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,                    // magic, version
    0x01, 0x08, 0x02, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x00, 0x00,        // types () -> i32, () -> ()
    0x03, 0x03, 0x02, 0x00, 0x01,                                      // functions
    0x07, 0x10, 0x02, 0x05, 't', 'h', 'r', 'e', 'e', 0x00, 0x00,       // exports
    0x04, 's', 'p', 'i', 'n', 0x00, 0x01,
    0x0a, 0x11, 0x02, 0x07, 0x00, 0x41, 0x01, 0x41, 0x02, 0x6a, 0x0b,  // code: i32.add of two constants
    0x07, 0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b,                    // loop br 0 end
};

// Calls export `index` of the module in a new instance of `store`.
static wasm_trap_t* call_fuel_export(wasm_store_t* store, size_t index) {
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new(&bytes, sizeof kFuelModule, (const char*)kFuelModule);
  wasm_module_t* module = wasm_module_new(store, &bytes);
  wasm_byte_vec_delete(&bytes);
  CHECK(module != NULL);
  if (!module) return NULL;
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &none, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_EMPTY_VEC, r = {index == 0 ? 1 : 0, results};
  wasm_trap_t* trap = wasm_func_call(wasm_extern_as_func(exports.data[index]), &args, &r);
  if (!trap && index == 0) CHECK(results[0].of.i32 == 3);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  return trap;
}

static void test_fuel_and_epoch(wpvm_tier_t tier) {
  wasm_config_t* config = wasm_config_new();
  OK(wpvm_config_tier_set(config, tier));
  OK(wpvm_config_consume_fuel_set(config, true));
  OK(wpvm_config_epoch_interruption_set(config, true));
  FAILS(wpvm_config_consume_fuel_set(NULL, true));
  FAILS(wpvm_config_epoch_interruption_set(NULL, true));
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  // A new store has no fuel: the call traps, then 10 units pay for it.
  wasm_trap_t* trap = call_fuel_export(store, 0);
  CHECK(wpvm_trap_is_out_of_fuel(trap));
  CHECK(!wpvm_trap_is_interrupted(trap));
  wasm_trap_delete(trap);
  OK(wpvm_store_fuel_set(store, 10));
  trap = call_fuel_export(store, 0);
  CHECK(!trap);
  uint64_t fuel = 0;
  OK(wpvm_store_fuel_get(store, &fuel));
  CHECK(fuel == 7);
  OK(wpvm_store_fuel_add(store, 5));
  OK(wpvm_store_fuel_get(store, &fuel));
  CHECK(fuel == 12);
  FAILS(wpvm_store_fuel_get(store, NULL));
  FAILS(wpvm_store_fuel_set(NULL, 1));
  // Epochs: a deadline one tick away, reached by one increment, stops spin.
  OK(wpvm_store_fuel_set(store, UINT64_MAX));
  wpvm_store_epoch_deadline_set(store, 1);
  CHECK(!(trap = call_fuel_export(store, 0)));
  wasm_trap_delete(trap);
  wpvm_engine_epoch_increment(engine);
  trap = call_fuel_export(store, 1);
  CHECK(wpvm_trap_is_interrupted(trap));
  wasm_trap_delete(trap);
  wpvm_store_epoch_deadline_set(NULL, 1);
  wpvm_engine_epoch_increment(NULL);
  CHECK(!wpvm_trap_is_interrupted(NULL) && !wpvm_trap_is_out_of_fuel(NULL));
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  // Without consume_fuel the fuel calls are errors.
  config = wasm_config_new();
  OK(wpvm_config_tier_set(config, tier));
  engine = wasm_engine_new_with_config(config);
  store = wasm_store_new(engine);
  FAILS(wpvm_store_fuel_set(store, 1));
  FAILS(wpvm_store_fuel_add(store, 1));
  FAILS(wpvm_store_fuel_get(store, &fuel));
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

// A module exporting grow(delta) = memory.grow and its memory "mem" (1
// page, at most 10).
static const uint8_t kGrowModule[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,        // magic, version
    0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,        // types (i32) -> i32
    0x03, 0x02, 0x01, 0x00,                                // functions
    0x05, 0x04, 0x01, 0x01, 0x01, 0x0a,                    // memory 1 10
    0x07, 0x0e, 0x02, 0x04, 'g', 'r', 'o', 'w', 0x00, 0x00,  // exports
    0x03, 'm', 'e', 'm', 0x02, 0x00,
    0x0a, 0x08, 0x01, 0x06, 0x00, 0x20, 0x00, 0x40, 0x00, 0x0b,  // code: local.get 0, memory.grow
};

static int32_t call_grow(wasm_func_t* grow, int32_t delta) {
  wasm_val_t arg[1] = {WASM_I32_VAL(delta)}, result[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = {1, arg}, results = {1, result};
  wasm_trap_t* trap = wasm_func_call(grow, &args, &results);
  CHECK(!trap);
  wasm_trap_delete(trap);
  return result[0].of.i32;
}

// wpvm_store_limits: a memory limit makes memory.grow (and wasm_memory_grow)
// fail at it and succeed once raised; an instance limit refuses the next
// instance with the limit in the trap's message.
static void test_limits(wasm_engine_t* engine) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new(&bytes, sizeof kGrowModule, (const char*)kGrowModule);
  wasm_module_t* module = wasm_module_new(store, &bytes);
  wasm_byte_vec_delete(&bytes);
  CHECK(module != NULL);
  wpvm_store_limits(store, 2 * 65536, -1, -1, -1, -1);
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &none, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* grow = wasm_extern_as_func(exports.data[0]);
  wasm_memory_t* mem = wasm_extern_as_memory(exports.data[1]);
  CHECK(call_grow(grow, 1) == 1);
  CHECK(call_grow(grow, 1) == -1);
  CHECK(!wasm_memory_grow(mem, 1));
  wpvm_store_limits(store, 3 * 65536, -1, -1, -1, -1);
  CHECK(call_grow(grow, 1) == 2);
  CHECK(wasm_memory_size(mem) == 3);
  // Room for no other instance.
  wpvm_store_limits(store, -1, -1, 1, -1, -1);
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, module, &none, &trap) == NULL);
  CHECK(trap != NULL);
  if (trap) {
    wasm_message_t message;
    wasm_trap_message(trap, &message);
    CHECK(strstr(message.data, "would make 2 instances in the store, more than its limit of 1") != NULL);
    wasm_byte_vec_delete(&message);
    wasm_trap_delete(trap);
  }
  // Negative values are the defaults: no size limit, 10,000 of each object.
  wpvm_store_limits(store, -1, -1, -1, -1, -1);
  CHECK(call_grow(grow, 7) == 3);
  wasm_instance_t* second = wasm_instance_new(store, module, &none, NULL);
  CHECK(second != NULL);
  wasm_instance_delete(second);
  wpvm_store_limits(NULL, 0, 0, 0, 0, 0);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
}

// rec(n): n frames of recursion, returns n.
static const uint8_t kRecModule[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // magic, version
    0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,  // types (i32) -> i32
    0x03, 0x02, 0x01, 0x00,                          // functions
    0x07, 0x07, 0x01, 0x03, 'r', 'e', 'c', 0x00, 0x00,  // exports
    0x0a, 0x17, 0x01, 0x15, 0x00,                    // code: one body, no locals
    0x20, 0x00, 0x45, 0x04, 0x7f, 0x41, 0x00,        // if (i32.eqz n) 0
    0x05, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x10, 0x00,  // else rec(n - 1)
    0x41, 0x01, 0x6a, 0x0b, 0x0b,                    // + 1
};

// rec(n) in a new instance of the module in a new store of `engine`: true if
// it returned n, false if it trapped "call stack exhausted".
static bool rec_runs(wasm_engine_t* engine, int32_t n) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new(&bytes, sizeof kRecModule, (const char*)kRecModule);
  wasm_module_t* module = wasm_module_new(store, &bytes);
  wasm_byte_vec_delete(&bytes);
  CHECK(module != NULL);
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t* instance = module ? wasm_instance_new(store, module, &none, NULL) : NULL;
  CHECK(instance != NULL);
  bool ran = false;
  if (instance) {
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    wasm_val_t arg[1] = {WASM_I32_VAL(n)}, results[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = {1, arg}, r = {1, results};
    wasm_trap_t* trap = wasm_func_call(wasm_extern_as_func(exports.data[0]), &args, &r);
    if (trap) {
      wasm_message_t message;
      wasm_trap_message(trap, &message);
      CHECK(strstr(message.data, "call stack exhausted") != NULL);
      wasm_byte_vec_delete(&message);
      wasm_trap_delete(trap);
    } else {
      CHECK(results[0].of.i32 == n);
      ran = true;
    }
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
  }
  if (module) wasm_module_delete(module);
  wasm_store_delete(store);
  return ran;
}

static void test_stack_budget(wpvm_tier_t tier) {
  wasm_config_t* config = wasm_config_new();
  OK(wpvm_config_tier_set(config, tier));
  FAILS(wpvm_config_max_wasm_stack_set(NULL, 1 << 16));
  wasm_engine_t* engine = wasm_engine_new_with_config(config);  // the default budget
  CHECK(rec_runs(engine, 50000));
  wasm_engine_delete(engine);
  config = wasm_config_new();
  OK(wpvm_config_tier_set(config, tier));
  OK(wpvm_config_max_wasm_stack_set(config, 1 << 16));
  engine = wasm_engine_new_with_config(config);
  CHECK(rec_runs(engine, 100));
  CHECK(!rec_runs(engine, 50000));
  wasm_engine_delete(engine);
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: wpvm_ext PROBE.wasm HOST.wasm START_TRAP.wasm [NAME=GUEST.wasm ...]\n");
    return 2;
  }
  for (int i = 4; i < argc && guest_count < 8; ++i) {
    char* eq = strchr(argv[i], '=');
    if (!eq) continue;
    *eq = '\0';
    guest_names[guest_count] = argv[i];
    guest_paths[guest_count++] = eq + 1;
  }
  test_errors();
  test_tiers(argv[2]);
  wpvm_tier_t tiers[2] = {WPVM_TIER_JIT, WPVM_TIER_INTERP};
  for (int t = 0; t < 2; ++t) {
    wasm_engine_t* engine = engine_of_tier(tiers[t]);
    test_probe(engine, argv[1]);
    test_fuel_and_epoch(tiers[t]);
    test_limits(engine);
    test_stack_budget(tiers[t]);
    test_exit_via_call(engine, argv[1]);
    test_guests(engine);
    test_parallel(engine);
    test_threads(engine);
    test_misuse(engine, argv[2], argv[3]);
    wasm_engine_delete(engine);
  }
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("wpvm.h: all checks passed (guests:");
  for (int i = 0; i < guest_count; ++i) printf(" %s", guest_names[i]);
  printf(")\n");
  return 0;
}

// A WASI host on wpvm's C API (C11, wasm.h and wpvm.h): runs a WASI command
// with its arguments, the current directory preopened as ".", wasi-parallel
// available, its stdout captured and printed back line by line, and exits
// with the guest's exit code.
//
// usage: wasi_host GUEST.wasm [ARGS...]
#include <stdio.h>
#include <stdlib.h>

#include <wpvm.h>

// Prints the error's message and deletes it; returns whether there was one.
static int failed(wpvm_error_t* error, const char* what) {
  if (!error) return 0;
  wasm_name_t message;
  wpvm_error_message(error, &message);
  fprintf(stderr, "%s: %s\n", what, message.data);
  wasm_byte_vec_delete(&message);
  wpvm_error_delete(error);
  return 1;
}

static int read_file(const char* path, wasm_byte_vec_t* out) {
  FILE* f = fopen(path, "rb");
  if (!f) return 0;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  wasm_byte_vec_new_uninitialized(out, size > 0 ? (size_t)size : 0);
  size_t got = fread(out->data, 1, out->size, f);
  fclose(f);
  return got == out->size;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: wasi_host GUEST.wasm [ARGS...]\n");
    return 2;
  }
  wasm_config_t* config = wasm_config_new();
  if (failed(wpvm_config_tier_set(config, WPVM_TIER_JIT), "tier")) return 1;
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);

  wasm_byte_vec_t binary;
  if (!read_file(argv[1], &binary)) {
    fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) {
    fprintf(stderr, "%s is not a valid module\n", argv[1]);
    return 1;
  }

  // What the guest sees: its arguments (argv[1] as its argv[0]), the
  // current directory, the host's stderr; its stdout is captured.
  wpvm_wasi_config_t* wasi = wpvm_wasi_config_new();
  if (failed(wpvm_wasi_config_set_argv(wasi, (size_t)(argc - 1), (const char* const*)argv + 1), "argv") ||
      failed(wpvm_wasi_config_preopen_dir(wasi, ".", "."), "preopen") ||
      failed(wpvm_wasi_config_capture_stdout(wasi), "stdout") ||
      failed(wpvm_wasi_config_inherit_stderr(wasi), "stderr"))
    return 1;

  wpvm_linker_t* linker = wpvm_linker_new(store);
  wpvm_parallel_config_t* parallel = wpvm_parallel_config_new();
  if (failed(wpvm_parallel_config_set_gpu(parallel, "none"), "gpu") ||
      failed(wpvm_linker_define_wasi(linker, wasi), "WASI") ||
      failed(wpvm_linker_define_parallel(linker, parallel), "wasi-parallel"))
    return 1;
  wpvm_parallel_config_delete(parallel);

  wasm_instance_t* instance = NULL;
  wasm_trap_t* trap = NULL;
  if (failed(wpvm_linker_instantiate(linker, module, &instance, &trap), "instantiate")) return 1;
  int exit_code = 1;
  if (!trap && failed(wpvm_wasi_run(instance, &exit_code, &trap), "run")) return 1;
  if (trap) {
    wasm_message_t message;
    wasm_trap_message(trap, &message);
    fprintf(stderr, "trap: %s\n", message.data);
    wasm_byte_vec_delete(&message);
    wasm_trap_delete(trap);
    exit_code = 134;
  }

  // The guest's output, each line marked as coming from it.
  wasm_byte_vec_t out;
  if (failed(wpvm_wasi_config_stdout_captured(wasi, &out), "captured stdout")) return 1;
  size_t start = 0;
  for (size_t i = 0; i < out.size; ++i) {
    if (out.data[i] != '\n' && i + 1 < out.size) continue;
    size_t end = out.data[i] == '\n' ? i : i + 1;
    printf("guest| %.*s\n", (int)(end - start), out.data + start);
    start = i + 1;
  }
  printf("guest exited with %d\n", exit_code);
  wasm_byte_vec_delete(&out);

  wasm_instance_delete(instance);
  wpvm_linker_delete(linker);
  wpvm_wasi_config_delete(wasi);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return exit_code;
}

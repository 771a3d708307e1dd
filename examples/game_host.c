/* The game-style host of game_host.cpp in C, on the standard wasm-c-api
 * (wasm.h): host functions for input and drawing (one with an environment),
 * the guest's update() called once per frame, its memory read after each
 * frame, a trap in one frame reported with its frames and the game going on.
 *
 * usage: game_host_c GAME.wasm */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasm.h>

static int frame = 0;

/* bit 0: right, bit 1: down (down every other frame) */
static wasm_trap_t* input(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)env;
  (void)args;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = frame % 2 ? 1 : 3;
  return NULL;
}

static wasm_trap_t* draw(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)results;
  printf("  %s %d at (%d, %d)\n", (const char*)env, args->data[2].of.i32, args->data[0].of.i32,
         args->data[1].of.i32);
  return NULL;
}

static int read_file(const char* path, wasm_byte_vec_t* out) {
  FILE* f = fopen(path, "rb");
  if (!f) return 0;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  wasm_byte_vec_new_uninitialized(out, (size_t)size);
  int ok = fread(out->data, 1, (size_t)size, f) == (size_t)size;
  fclose(f);
  return ok;
}

static void print_trap(wasm_trap_t* trap) {
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  printf("  update trapped: %s\n", message.data); /* the size counts the terminating NUL */
  wasm_byte_vec_delete(&message);
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  for (size_t i = 0; i < trace.size; ++i)
    printf("    in func[%u]\n", wasm_frame_func_index(trace.data[i]));
  wasm_frame_vec_delete(&trace);
  wasm_trap_delete(trap);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: game_host_c GAME.wasm\n");
    return 2;
  }
  wasm_byte_vec_t binary;
  if (!read_file(argv[1], &binary)) {
    fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) {
    fprintf(stderr, "%s: not a valid module\n", argv[1]);
    return 1;
  }

  wasm_functype_t* input_type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_functype_t* draw_type =
      wasm_functype_new_3_0(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* input_func = wasm_func_new_with_env(store, input_type, input, NULL, NULL);
  wasm_func_t* draw_func = wasm_func_new_with_env(store, draw_type, draw, "draw sprite", NULL);
  wasm_functype_delete(input_type);
  wasm_functype_delete(draw_type);

  /* Imports by position, in the order the module declares them: input, draw. */
  wasm_extern_t* imports[] = {wasm_func_as_extern(input_func), wasm_func_as_extern(draw_func)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, &trap);
  if (!instance) {
    fprintf(stderr, "instantiation failed\n");
    if (trap) print_trap(trap);
    return 1;
  }

  /* Exports by position too: memory, update (wasm_module_exports names them). */
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_exporttype_vec_t export_types;
  wasm_module_exports(module, &export_types);
  wasm_memory_t* memory = NULL;
  const wasm_func_t* update = NULL;
  for (size_t i = 0; i < exports.size; ++i) {
    const wasm_name_t* name = wasm_exporttype_name(export_types.data[i]);
    if (name->size == 6 && memcmp(name->data, "memory", 6) == 0) memory = wasm_extern_as_memory(exports.data[i]);
    if (name->size == 6 && memcmp(name->data, "update", 6) == 0) update = wasm_extern_as_func(exports.data[i]);
  }
  if (!memory || !update) {
    fprintf(stderr, "the guest exports no update() or no memory\n");
    return 1;
  }

  for (frame = 1; frame <= 5; ++frame) {
    printf("frame %d\n", frame);
    wasm_val_t dt[1] = {WASM_F32_VAL(0.5f)};
    wasm_val_vec_t args = WASM_ARRAY_VEC(dt);
    wasm_val_vec_t results = WASM_EMPTY_VEC;
    wasm_trap_t* t = wasm_func_call(update, &args, &results);
    if (t) {
      print_trap(t); /* a trap is a value: report it, keep going */
      continue;
    }
    uint32_t state[3];
    memcpy(state, wasm_memory_data(memory), sizeof state);
    printf("  player at (%u, %u), score %u\n", state[0], state[1], state[2]);
  }

  wasm_exporttype_vec_delete(&export_types);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(input_func);
  wasm_func_delete(draw_func);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}

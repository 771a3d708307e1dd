/* Every entry point of wasm.h that takes objects, given NULL, objects of
 * another store, the wrong kind of object, wrong arities and value kinds,
 * and bad binaries: each answers with NULL, false, an empty vector, a
 * trap or nothing at all, as capi/README.md says; none crashes.
 *
 * usage: misuse MISUSE.wasm   (wat/misuse.wat assembled) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"

static int failures = 0;
#define CHECK(cond)                                                    \
  do {                                                                 \
    if (!(cond)) {                                                     \
      printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);           \
      ++failures;                                                      \
    }                                                                  \
  } while (0)

static const wasm_limits_t kLimits = {1, 2};
static int finalized = 0;
static void count_finalizer(void* p) { (void)p; ++finalized; }

static wasm_trap_t* identity(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  wasm_val_copy(&results->data[0], &args->data[0]);
  return NULL;
}
static wasm_trap_t* identity_env(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)env;
  return identity(args, results);
}
/* Returns an f64 where an i32 is expected. */
static wasm_trap_t* wrong_result(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  results->data[0].kind = WASM_F64;
  results->data[0].of.f64 = 1.5;
  return NULL;
}

/* A trap's message contains `part`; deletes the trap. */
static int trap_says(wasm_trap_t* trap, const char* part) {
  if (!trap) return 0;
  wasm_message_t m;
  wasm_trap_message(trap, &m);
  int ok = m.size > 0 && m.data[m.size - 1] == '\0' && strstr(m.data, part) != NULL;
  if (!ok) printf("  trap message: %s\n", m.size ? m.data : "(empty)");
  wasm_byte_vec_delete(&m);
  wasm_trap_delete(trap);
  return ok;
}

static wasm_byte_vec_t read_file(const char* path) {
  wasm_byte_vec_t v = WASM_EMPTY_VEC;
  FILE* f = fopen(path, "rb");
  if (!f) return v;
  fseek(f, 0L, SEEK_END);
  long n = ftell(f);
  fseek(f, 0L, SEEK_SET);
  wasm_byte_vec_new_uninitialized(&v, (size_t)n);
  if (fread(v.data, 1, v.size, f) != v.size) wasm_byte_vec_delete(&v);
  fclose(f);
  return v;
}

/* The five vector functions given NULL, a NULL source and a huge size. */
#define CHECK_VEC_NULLS(name)                                  \
  do {                                                         \
    wasm_##name##_vec_t v;                                     \
    wasm_##name##_vec_new_empty(NULL);                         \
    wasm_##name##_vec_new_uninitialized(NULL, 3);              \
    wasm_##name##_vec_new(NULL, 0, NULL);                      \
    wasm_##name##_vec_new(&v, 3, NULL);                        \
    CHECK(v.size == 0 && v.data == NULL);                      \
    wasm_##name##_vec_copy(NULL, &v);                          \
    wasm_##name##_vec_copy(&v, NULL);                          \
    CHECK(v.size == 0);                                        \
    wasm_##name##_vec_new_uninitialized(&v, SIZE_MAX / 4);     \
    CHECK(v.size == 0 && v.data == NULL);                      \
    wasm_##name##_vec_delete(&v);                              \
    wasm_##name##_vec_delete(NULL);                            \
  } while (0)

/* The reference functions every reference type has, given NULL. */
#define CHECK_REF_BASE_NULLS(name)                                             \
  do {                                                                         \
    finalized = 0;                                                             \
    CHECK(wasm_##name##_copy(NULL) == NULL);                                   \
    CHECK(wasm_##name##_same(NULL, NULL));                                     \
    CHECK(wasm_##name##_get_host_info(NULL) == NULL);                          \
    wasm_##name##_set_host_info(NULL, &finalized);                             \
    wasm_##name##_set_host_info_with_finalizer(NULL, &finalized, count_finalizer); \
    CHECK(finalized == 0);                                                     \
    wasm_##name##_delete(NULL);                                                \
  } while (0)
#define CHECK_REF_NULLS(name)                                                  \
  do {                                                                         \
    CHECK_REF_BASE_NULLS(name);                                                \
    CHECK(wasm_##name##_as_ref(NULL) == NULL);                                 \
    CHECK(wasm_##name##_as_ref_const(NULL) == NULL);                           \
    CHECK(wasm_ref_as_##name(NULL) == NULL);                                   \
    CHECK(wasm_ref_as_##name##_const(NULL) == NULL);                           \
  } while (0)

static void vectors_types_and_values(void) {
  CHECK_VEC_NULLS(byte);
  CHECK_VEC_NULLS(val);
  CHECK_VEC_NULLS(valtype);
  CHECK_VEC_NULLS(functype);
  CHECK_VEC_NULLS(globaltype);
  CHECK_VEC_NULLS(tabletype);
  CHECK_VEC_NULLS(memorytype);
  CHECK_VEC_NULLS(externtype);
  CHECK_VEC_NULLS(importtype);
  CHECK_VEC_NULLS(exporttype);
  CHECK_VEC_NULLS(frame);
  CHECK_VEC_NULLS(extern);

  /* A vector of pointers copies its NULL elements as NULL. */
  wasm_valtype_t* types[2] = {wasm_valtype_new_i32(), NULL};
  wasm_valtype_vec_t tv, tv2;
  wasm_valtype_vec_new(&tv, 2, types);
  wasm_valtype_vec_copy(&tv2, &tv);
  CHECK(tv2.size == 2 && wasm_valtype_kind(tv2.data[0]) == WASM_I32 && tv2.data[1] == NULL);
  wasm_valtype_vec_delete(&tv);
  wasm_valtype_vec_delete(&tv2);

  CHECK(wasm_valtype_new(7) == NULL);
  CHECK(wasm_valtype_new(4) == NULL);
  CHECK(wasm_valtype_copy(NULL) == NULL);
  CHECK(wasm_valtype_kind(NULL) == 0xff);
  wasm_valtype_delete(NULL);

  wasm_functype_t* ft = wasm_functype_new(NULL, NULL);  /* NULL vectors read as empty */
  CHECK(ft && wasm_functype_params(ft)->size == 0 && wasm_functype_results(ft)->size == 0);
  wasm_functype_delete(ft);
  CHECK(wasm_functype_params(NULL) == NULL);
  CHECK(wasm_functype_results(NULL) == NULL);
  CHECK(wasm_functype_copy(NULL) == NULL);
  wasm_functype_delete(NULL);

  CHECK(wasm_globaltype_new(NULL, WASM_CONST) == NULL);
  CHECK(wasm_globaltype_new(wasm_valtype_new_i32(), 9) == NULL);
  CHECK(wasm_globaltype_content(NULL) == NULL);
  CHECK(wasm_globaltype_mutability(NULL) == 0xff);
  CHECK(wasm_globaltype_copy(NULL) == NULL);
  wasm_globaltype_delete(NULL);

  CHECK(wasm_tabletype_new(NULL, &kLimits) == NULL);
  CHECK(wasm_tabletype_new(wasm_valtype_new_funcref(), NULL) == NULL);
  CHECK(wasm_tabletype_element(NULL) == NULL);
  CHECK(wasm_tabletype_limits(NULL) == NULL);
  CHECK(wasm_tabletype_copy(NULL) == NULL);
  wasm_tabletype_delete(NULL);

  CHECK(wasm_memorytype_new(NULL) == NULL);
  CHECK(wasm_memorytype_limits(NULL) == NULL);
  CHECK(wasm_memorytype_copy(NULL) == NULL);
  wasm_memorytype_delete(NULL);

  CHECK(wasm_externtype_kind(NULL) == 0xff);
  CHECK(wasm_externtype_copy(NULL) == NULL);
  wasm_externtype_delete(NULL);
  CHECK(wasm_functype_as_externtype(NULL) == NULL);
  CHECK(wasm_globaltype_as_externtype(NULL) == NULL);
  CHECK(wasm_tabletype_as_externtype(NULL) == NULL);
  CHECK(wasm_memorytype_as_externtype(NULL) == NULL);
  CHECK(wasm_functype_as_externtype_const(NULL) == NULL);
  CHECK(wasm_globaltype_as_externtype_const(NULL) == NULL);
  CHECK(wasm_tabletype_as_externtype_const(NULL) == NULL);
  CHECK(wasm_memorytype_as_externtype_const(NULL) == NULL);
  CHECK(wasm_externtype_as_functype(NULL) == NULL);
  CHECK(wasm_externtype_as_globaltype(NULL) == NULL);
  CHECK(wasm_externtype_as_tabletype(NULL) == NULL);
  CHECK(wasm_externtype_as_memorytype(NULL) == NULL);
  CHECK(wasm_externtype_as_functype_const(NULL) == NULL);
  CHECK(wasm_externtype_as_globaltype_const(NULL) == NULL);
  CHECK(wasm_externtype_as_tabletype_const(NULL) == NULL);
  CHECK(wasm_externtype_as_memorytype_const(NULL) == NULL);
  /* The wrong kind of extern type. */
  wasm_memorytype_t* mt = wasm_memorytype_new(&kLimits);
  CHECK(wasm_externtype_as_functype(wasm_memorytype_as_externtype(mt)) == NULL);
  CHECK(wasm_externtype_as_globaltype_const(wasm_memorytype_as_externtype_const(mt)) == NULL);
  CHECK(wasm_externtype_as_memorytype(wasm_memorytype_as_externtype(mt)) == mt);

  wasm_name_t name;
  wasm_name_new_from_string(&name, "x");
  CHECK(wasm_importtype_new(NULL, &name, wasm_memorytype_as_externtype(mt)) == NULL);  /* takes both */
  CHECK(name.size == 0);
  wasm_name_new_from_string(&name, "x");
  CHECK(wasm_exporttype_new(&name, NULL) == NULL);
  CHECK(wasm_importtype_module(NULL) == NULL);
  CHECK(wasm_importtype_name(NULL) == NULL);
  CHECK(wasm_importtype_type(NULL) == NULL);
  CHECK(wasm_importtype_copy(NULL) == NULL);
  wasm_importtype_delete(NULL);
  CHECK(wasm_exporttype_name(NULL) == NULL);
  CHECK(wasm_exporttype_type(NULL) == NULL);
  CHECK(wasm_exporttype_copy(NULL) == NULL);
  wasm_exporttype_delete(NULL);

  wasm_val_t v = WASM_I32_VAL(3);
  wasm_val_delete(NULL);
  wasm_val_copy(NULL, &v);
  wasm_val_copy(&v, NULL);
  CHECK(v.kind == WASM_EXTERNREF && v.of.ref == NULL);
  wasm_val_delete(&v);
}

static void references_frames_and_traps(wasm_store_t* store) {
  CHECK_REF_BASE_NULLS(ref);
  CHECK_REF_NULLS(trap);
  CHECK_REF_NULLS(foreign);
  CHECK_REF_NULLS(module);
  CHECK_REF_NULLS(func);
  CHECK_REF_NULLS(global);
  CHECK_REF_NULLS(table);
  CHECK_REF_NULLS(memory);
  CHECK_REF_NULLS(extern);
  CHECK_REF_NULLS(instance);

  /* A reference of one kind is no reference of another. */
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_ref_t* r = wasm_foreign_as_ref(foreign);
  CHECK(wasm_ref_as_func(r) == NULL);
  CHECK(wasm_ref_as_extern(r) == NULL);
  CHECK(wasm_ref_as_trap_const(r) == NULL);
  CHECK(wasm_ref_as_instance(r) == NULL);
  CHECK(wasm_ref_as_module(r) == NULL);
  CHECK(wasm_ref_as_foreign(r) == foreign);
  CHECK(!wasm_ref_same(r, NULL));
  wasm_foreign_delete(foreign);
  CHECK(wasm_foreign_new(NULL) == NULL);

  wasm_frame_delete(NULL);
  CHECK(wasm_frame_copy(NULL) == NULL);
  CHECK(wasm_frame_instance(NULL) == NULL);
  CHECK(wasm_frame_func_index(NULL) == 0);
  CHECK(wasm_frame_func_offset(NULL) == SIZE_MAX);
  CHECK(wasm_frame_module_offset(NULL) == SIZE_MAX);

  wasm_message_t msg;
  wasm_name_new_from_string_nt(&msg, "boom");
  CHECK(wasm_trap_new(NULL, &msg) == NULL);
  wasm_trap_t* trap = wasm_trap_new(store, NULL);  /* no message: an empty one */
  wasm_message_t out;
  wasm_trap_message(trap, &out);
  CHECK(out.size == 1 && out.data[0] == '\0');
  wasm_byte_vec_delete(&out);
  wasm_trap_message(trap, NULL);
  CHECK(wasm_trap_origin(trap) == NULL);
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  CHECK(trace.size == 0);
  wasm_trap_trace(trap, NULL);
  wasm_trap_delete(trap);
  wasm_trap_message(NULL, &out);
  CHECK(out.size == 1 && out.data[0] == '\0');
  wasm_byte_vec_delete(&out);
  CHECK(wasm_trap_origin(NULL) == NULL);
  wasm_trap_trace(NULL, &trace);
  CHECK(trace.size == 0);
  wasm_byte_vec_delete(&msg);
}

static void engines_stores_and_modules(wasm_store_t* store, wasm_store_t* other, const wasm_byte_vec_t* binary) {
  wasm_engine_delete(NULL);
  wasm_store_delete(NULL);
  wasm_config_delete(NULL);
  CHECK(wasm_store_new(NULL) == NULL);
  wasm_engine_t* e = wasm_engine_new_with_config(NULL);
  CHECK(e != NULL);
  wasm_engine_delete(e);

  wasm_byte_vec_t garbage;
  wasm_name_new_from_string(&garbage, "\1asm not a module");
  wasm_byte_vec_t no_data = {8, NULL};
  wasm_byte_vec_t empty = WASM_EMPTY_VEC;
  CHECK(wasm_module_new(NULL, binary) == NULL);
  CHECK(wasm_module_new(store, NULL) == NULL);
  CHECK(wasm_module_new(store, &no_data) == NULL);
  CHECK(wasm_module_new(store, &garbage) == NULL);
  CHECK(wasm_module_new(store, &empty) == NULL);
  CHECK(!wasm_module_validate(NULL, binary));
  CHECK(!wasm_module_validate(store, NULL));
  CHECK(!wasm_module_validate(store, &garbage));
  CHECK(wasm_module_validate(store, binary));

  wasm_importtype_vec_t imports;
  wasm_exporttype_vec_t exports;
  wasm_module_imports(NULL, &imports);
  CHECK(imports.size == 0);
  wasm_module_exports(NULL, &exports);
  CHECK(exports.size == 0);
  wasm_byte_vec_t bytes;
  wasm_module_serialize(NULL, &bytes);
  CHECK(bytes.size == 0);
  CHECK(wasm_module_deserialize(NULL, binary) == NULL);
  CHECK(wasm_module_deserialize(store, NULL) == NULL);
  CHECK(wasm_module_deserialize(store, &garbage) == NULL);
  CHECK(wasm_module_share(NULL) == NULL);
  wasm_shared_module_delete(NULL);

  wasm_module_t* module = wasm_module_new(store, binary);
  CHECK(module != NULL);
  wasm_module_imports(module, NULL);
  wasm_module_exports(module, NULL);
  wasm_module_serialize(module, NULL);
  /* A compiled module cut short, or with a byte changed, is refused. */
  wasm_module_serialize(module, &bytes);
  CHECK(bytes.size > 0);
  wasm_byte_vec_t part = {bytes.size / 2, bytes.data};
  CHECK(wasm_module_deserialize(store, &part) == NULL);
  bytes.data[bytes.size - 20] ^= 0x55;
  CHECK(wasm_module_deserialize(store, &bytes) == NULL);
  wasm_byte_vec_delete(&bytes);

  wasm_shared_module_t* shared = wasm_module_share(module);
  CHECK(wasm_module_obtain(NULL, shared) == NULL);
  CHECK(wasm_module_obtain(store, NULL) == NULL);
  wasm_module_t* obtained = wasm_module_obtain(other, shared);
  CHECK(obtained != NULL);
  wasm_module_delete(obtained);
  wasm_shared_module_delete(shared);
  wasm_module_delete(module);
  wasm_byte_vec_delete(&garbage);
}

static void functions(wasm_store_t* store, wasm_store_t* other) {
  wasm_functype_t* i32_i32 = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_functype_t* ref_ref = wasm_functype_new_1_1(wasm_valtype_new_externref(), wasm_valtype_new_externref());
  wasm_valtype_t* broken[1] = {NULL};
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, 1, broken);
  wasm_valtype_vec_new_empty(&results);
  wasm_functype_t* with_null = wasm_functype_new(&params, &results);

  CHECK(wasm_func_new(NULL, i32_i32, identity) == NULL);
  CHECK(wasm_func_new(store, NULL, identity) == NULL);
  CHECK(wasm_func_new(store, i32_i32, NULL) == NULL);
  CHECK(wasm_func_new(store, with_null, identity) == NULL);
  finalized = 0;
  CHECK(wasm_func_new_with_env(NULL, i32_i32, identity_env, &finalized, count_finalizer) == NULL);
  CHECK(wasm_func_new_with_env(store, NULL, identity_env, &finalized, count_finalizer) == NULL);
  CHECK(wasm_func_new_with_env(store, i32_i32, NULL, &finalized, count_finalizer) == NULL);
  CHECK(finalized == 0);  /* not made: env stays the caller's */
  CHECK(wasm_func_type(NULL) == NULL);
  CHECK(wasm_func_param_arity(NULL) == 0);
  CHECK(wasm_func_result_arity(NULL) == 0);

  wasm_val_t args[2] = {WASM_I32_VAL(1), WASM_I32_VAL(2)};
  wasm_val_t res[2] = {WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t one_arg = {1, args}, two_args = {2, args}, one_res = {1, res}, two_res = {2, res};
  wasm_val_vec_t no_data = {1, NULL}, none = WASM_EMPTY_VEC;
  CHECK(trap_says(wasm_func_call(NULL, &one_arg, &one_res), "no function"));

  wasm_func_t* f = wasm_func_new(store, i32_i32, identity);
  CHECK(trap_says(wasm_func_call(f, NULL, NULL), "takes 1 arguments, 0 given"));
  CHECK(trap_says(wasm_func_call(f, &two_args, &one_res), "takes 1 arguments, 2 given"));
  CHECK(trap_says(wasm_func_call(f, &one_arg, &two_res), "1 results, room for 2"));
  CHECK(trap_says(wasm_func_call(f, &one_arg, &none), "1 results, room for 0"));
  CHECK(trap_says(wasm_func_call(f, &no_data, &one_res), "NULL"));
  CHECK(trap_says(wasm_func_call(f, &one_arg, &no_data), "NULL"));
  wasm_val_t f64_arg = WASM_F64_VAL(1.0);
  wasm_val_vec_t f64_args = {1, &f64_arg};
  CHECK(trap_says(wasm_func_call(f, &f64_args, &one_res), "argument 0"));
  CHECK(wasm_func_call(f, &one_arg, &one_res) == NULL && res[0].kind == WASM_I32 && res[0].of.i32 == 1);

  /* A callback's result of the wrong kind traps the call. */
  wasm_func_t* bad = wasm_func_new(store, i32_i32, wrong_result);
  CHECK(trap_says(wasm_func_call(bad, &one_arg, &one_res), "result 0"));

  /* References of another store, or of the wrong kind for a funcref. */
  wasm_func_t* g = wasm_func_new(store, ref_ref, identity);
  wasm_foreign_t* foreign_other = wasm_foreign_new(other);
  wasm_val_t ref_arg = WASM_REF_VAL(wasm_foreign_as_ref(foreign_other));
  wasm_val_vec_t ref_args = {1, &ref_arg};
  CHECK(trap_says(wasm_func_call(g, &ref_args, &one_res), "another store"));
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  ref_arg.of.ref = wasm_foreign_as_ref(foreign);
  CHECK(wasm_func_call(g, &ref_args, &one_res) == NULL);
  CHECK(wasm_ref_same(res[0].of.ref, wasm_foreign_as_ref(foreign)));
  wasm_val_delete(&res[0]);

  wasm_foreign_delete(foreign);
  wasm_foreign_delete(foreign_other);
  wasm_func_delete(bad);
  wasm_func_delete(g);
  wasm_func_delete(f);
  wasm_functype_delete(with_null);
  wasm_functype_delete(ref_ref);
  wasm_functype_delete(i32_i32);
}

static void globals_tables_memories(wasm_store_t* store, wasm_store_t* other) {
  wasm_globaltype_t* var_i32 = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_VAR);
  wasm_globaltype_t* const_i32 = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_globaltype_t* var_ref = wasm_globaltype_new(wasm_valtype_new_externref(), WASM_VAR);
  wasm_val_t i32 = WASM_I32_VAL(5), f64 = WASM_F64_VAL(2.0), out;
  wasm_foreign_t* foreign_other = wasm_foreign_new(other);
  wasm_val_t ref_other = WASM_REF_VAL(wasm_foreign_as_ref(foreign_other));

  CHECK(wasm_global_new(NULL, var_i32, &i32) == NULL);
  CHECK(wasm_global_new(store, NULL, &i32) == NULL);
  CHECK(wasm_global_new(store, var_i32, NULL) == NULL);
  CHECK(wasm_global_new(store, var_i32, &f64) == NULL);
  CHECK(wasm_global_new(store, var_ref, &ref_other) == NULL);
  CHECK(wasm_global_type(NULL) == NULL);
  out = f64;
  wasm_global_get(NULL, &out);
  CHECK(out.kind == WASM_EXTERNREF && out.of.ref == NULL);
  wasm_global_set(NULL, &i32);
  wasm_global_t* gv = wasm_global_new(store, var_i32, &i32);
  wasm_global_t* gc = wasm_global_new(store, const_i32, &i32);
  wasm_global_t* gr = wasm_global_new(store, var_ref, &(wasm_val_t)WASM_INIT_VAL);
  wasm_global_get(gv, NULL);
  wasm_global_set(gv, NULL);
  wasm_global_set(gv, &f64);  /* ignored: not an i32 */
  wasm_global_set(gc, &(wasm_val_t)WASM_I32_VAL(9));  /* ignored: immutable */
  wasm_global_set(gr, &ref_other);  /* ignored: another store's */
  wasm_global_get(gv, &out);
  CHECK(out.kind == WASM_I32 && out.of.i32 == 5);
  wasm_global_get(gc, &out);
  CHECK(out.of.i32 == 5);
  wasm_global_get(gr, &out);
  CHECK(out.kind == WASM_EXTERNREF && out.of.ref == NULL);

  wasm_tabletype_t* funcs = wasm_tabletype_new(wasm_valtype_new_funcref(), &kLimits);
  wasm_tabletype_t* nums = wasm_tabletype_new(wasm_valtype_new_i32(), &kLimits);
  wasm_limits_t backwards = {3, 1};
  wasm_tabletype_t* inverted = wasm_tabletype_new(wasm_valtype_new_funcref(), &backwards);
  wasm_functype_t* ft = wasm_functype_new_0_0();
  wasm_func_t* func_other = wasm_func_new(other, ft, identity);
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  CHECK(wasm_table_new(NULL, funcs, NULL) == NULL);
  CHECK(wasm_table_new(store, NULL, NULL) == NULL);
  CHECK(wasm_table_new(store, nums, NULL) == NULL);
  CHECK(wasm_table_new(store, inverted, NULL) == NULL);
  CHECK(wasm_table_new(store, funcs, wasm_func_as_ref(func_other)) == NULL);
  CHECK(wasm_table_new(store, funcs, wasm_foreign_as_ref(foreign)) == NULL);
  wasm_table_t* table = wasm_table_new(store, funcs, NULL);
  CHECK(table != NULL);
  CHECK(wasm_table_type(NULL) == NULL);
  CHECK(wasm_table_get(NULL, 0) == NULL);
  CHECK(wasm_table_get(table, 7) == NULL);
  CHECK(!wasm_table_set(NULL, 0, NULL));
  CHECK(!wasm_table_set(table, 7, NULL));
  CHECK(!wasm_table_set(table, 0, wasm_func_as_ref(func_other)));
  CHECK(!wasm_table_set(table, 0, wasm_foreign_as_ref(foreign)));
  CHECK(wasm_table_size(NULL) == 0);
  CHECK(!wasm_table_grow(NULL, 1, NULL));
  CHECK(!wasm_table_grow(table, 1, wasm_func_as_ref(func_other)));
  CHECK(!wasm_table_grow(table, 5, NULL));  /* past its maximum */
  CHECK(wasm_table_size(table) == 1);

  wasm_limits_t too_big = {65537, 0xffffffff};
  wasm_memorytype_t* mt = wasm_memorytype_new(&kLimits);
  wasm_memorytype_t* mt_big = wasm_memorytype_new(&too_big);
  wasm_memorytype_t* mt_inverted = wasm_memorytype_new(&backwards);
  CHECK(wasm_memory_new(NULL, mt) == NULL);
  CHECK(wasm_memory_new(store, NULL) == NULL);
  CHECK(wasm_memory_new(store, mt_big) == NULL);
  CHECK(wasm_memory_new(store, mt_inverted) == NULL);
  CHECK(wasm_memory_type(NULL) == NULL);
  CHECK(wasm_memory_data(NULL) == NULL);
  CHECK(wasm_memory_data_size(NULL) == 0);
  CHECK(wasm_memory_size(NULL) == 0);
  CHECK(!wasm_memory_grow(NULL, 1));
  wasm_memory_t* memory = wasm_memory_new(store, mt);
  CHECK(!wasm_memory_grow(memory, 2));  /* past its maximum */
  CHECK(!wasm_memory_grow(memory, 0xffffffff));
  CHECK(wasm_memory_size(memory) == 1);

  /* Externs */
  CHECK(wasm_extern_kind(NULL) == 0xff);
  CHECK(wasm_extern_type(NULL) == NULL);
  CHECK(wasm_func_as_extern(NULL) == NULL);
  CHECK(wasm_global_as_extern(NULL) == NULL);
  CHECK(wasm_table_as_extern(NULL) == NULL);
  CHECK(wasm_memory_as_extern(NULL) == NULL);
  CHECK(wasm_func_as_extern_const(NULL) == NULL);
  CHECK(wasm_global_as_extern_const(NULL) == NULL);
  CHECK(wasm_table_as_extern_const(NULL) == NULL);
  CHECK(wasm_memory_as_extern_const(NULL) == NULL);
  CHECK(wasm_extern_as_func(NULL) == NULL);
  CHECK(wasm_extern_as_global(NULL) == NULL);
  CHECK(wasm_extern_as_table(NULL) == NULL);
  CHECK(wasm_extern_as_memory(NULL) == NULL);
  CHECK(wasm_extern_as_func_const(NULL) == NULL);
  CHECK(wasm_extern_as_global_const(NULL) == NULL);
  CHECK(wasm_extern_as_table_const(NULL) == NULL);
  CHECK(wasm_extern_as_memory_const(NULL) == NULL);
  CHECK(wasm_extern_as_func(wasm_memory_as_extern(memory)) == NULL);
  CHECK(wasm_extern_as_global(wasm_table_as_extern(table)) == NULL);
  CHECK(wasm_extern_as_table_const(wasm_global_as_extern_const(gv)) == NULL);
  CHECK(wasm_extern_as_memory(wasm_func_as_extern(func_other)) == NULL);

  wasm_memory_delete(memory);
  wasm_memorytype_delete(mt_inverted);
  wasm_memorytype_delete(mt_big);
  wasm_memorytype_delete(mt);
  wasm_table_delete(table);
  wasm_foreign_delete(foreign);
  wasm_func_delete(func_other);
  wasm_functype_delete(ft);
  wasm_tabletype_delete(inverted);
  wasm_tabletype_delete(nums);
  wasm_tabletype_delete(funcs);
  wasm_global_delete(gr);
  wasm_global_delete(gc);
  wasm_global_delete(gv);
  wasm_foreign_delete(foreign_other);
  wasm_globaltype_delete(var_ref);
  wasm_globaltype_delete(const_i32);
  wasm_globaltype_delete(var_i32);
}

static void instances(wasm_store_t* store, wasm_store_t* other, const wasm_byte_vec_t* binary) {
  wasm_module_t* module = wasm_module_new(store, binary);
  wasm_module_t* module_other = wasm_module_new(other, binary);
  wasm_functype_t* i32_i32 = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_globaltype_t* const_i32 = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_val_t seven = WASM_I32_VAL(7);
  wasm_func_t* f = wasm_func_new(store, i32_i32, identity);
  wasm_global_t* g = wasm_global_new(store, const_i32, &seven);
  wasm_func_t* f_other = wasm_func_new(other, i32_i32, identity);
  wasm_trap_t* trap = NULL;

  wasm_extern_t* good[2] = {wasm_func_as_extern(f), wasm_global_as_extern(g)};
  wasm_extern_t* crossed[2] = {wasm_func_as_extern(f_other), wasm_global_as_extern(g)};
  wasm_extern_t* swapped[2] = {wasm_global_as_extern(g), wasm_func_as_extern(f)};
  wasm_extern_t* with_null[2] = {wasm_func_as_extern(f), NULL};
  wasm_extern_t* not_extern[2] = {(wasm_extern_t*)wasm_foreign_new(store), wasm_global_as_extern(g)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(good);
  wasm_extern_vec_t crossed_imports = WASM_ARRAY_VEC(crossed);
  wasm_extern_vec_t swapped_imports = WASM_ARRAY_VEC(swapped);
  wasm_extern_vec_t null_imports = WASM_ARRAY_VEC(with_null);
  wasm_extern_vec_t foreign_imports = WASM_ARRAY_VEC(not_extern);
  wasm_extern_vec_t one_import = {1, good};
  wasm_extern_vec_t no_data = {2, NULL};

  CHECK(wasm_instance_new(NULL, module, &imports, &trap) == NULL && trap_says(trap, "no store"));
  CHECK(wasm_instance_new(store, NULL, &imports, &trap) == NULL && trap_says(trap, "no module"));
  CHECK(wasm_instance_new(store, module_other, &imports, &trap) == NULL && trap_says(trap, "another store"));
  CHECK(wasm_instance_new(store, module, NULL, &trap) == NULL && trap_says(trap, "2 imports, 0 given"));
  CHECK(wasm_instance_new(store, module, &one_import, &trap) == NULL && trap_says(trap, "2 imports, 1 given"));
  CHECK(wasm_instance_new(store, module, &no_data, &trap) == NULL && trap_says(trap, "NULL"));
  CHECK(wasm_instance_new(store, module, &null_imports, &trap) == NULL && trap_says(trap, "NULL given"));
  CHECK(wasm_instance_new(store, module, &crossed_imports, &trap) == NULL && trap_says(trap, "another store"));
  CHECK(wasm_instance_new(store, module, &swapped_imports, &trap) == NULL && trap_says(trap, "incompatible"));
  CHECK(wasm_instance_new(store, module, &foreign_imports, &trap) == NULL && trap_says(trap, "not an extern"));
  CHECK(wasm_instance_new(store, module, &swapped_imports, NULL) == NULL);

  wasm_extern_vec_t exports;
  wasm_instance_exports(NULL, &exports);
  CHECK(exports.size == 0);
  trap = (wasm_trap_t*)&trap;  /* set to NULL on success */
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK(instance != NULL && trap == NULL);
  wasm_instance_exports(instance, NULL);
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 7);

  /* Exports used with another store's objects. */
  wasm_func_t* call_f = wasm_extern_as_func(exports.data[0]);
  wasm_table_t* tab = wasm_extern_as_table(exports.data[4]);
  CHECK(!wasm_table_set(tab, 0, wasm_func_as_ref(f_other)));
  CHECK(wasm_table_set(tab, 0, wasm_func_as_ref(call_f)));
  wasm_val_t as[1] = {WASM_I32_VAL(4)}, rs[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
  CHECK(wasm_func_call(call_f, &args, &results) == NULL && rs[0].of.i32 == 4);
  wasm_func_t* trapping = wasm_extern_as_func(exports.data[6]);
  wasm_val_vec_t empty = WASM_EMPTY_VEC;
  CHECK(trap_says(wasm_func_call(trapping, &empty, &empty), "unreachable"));

  /* A store deleted while references to its objects remain lives until
   * the last of them goes. */
  wasm_store_delete(store);
  CHECK(wasm_func_call(call_f, &args, &results) == NULL && rs[0].of.i32 == 4);

  wasm_foreign_delete((wasm_foreign_t*)not_extern[0]);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(f_other);
  wasm_global_delete(g);
  wasm_func_delete(f);
  wasm_globaltype_delete(const_i32);
  wasm_functype_delete(i32_i32);
  wasm_module_delete(module_other);
  wasm_module_delete(module);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    printf("usage: misuse MISUSE.wasm\n");
    return 2;
  }
  wasm_byte_vec_t binary = read_file(argv[1]);
  if (binary.size == 0) {
    printf("cannot read %s\n", argv[1]);
    return 2;
  }
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_store_t* other = wasm_store_new(engine);

  vectors_types_and_values();
  references_frames_and_traps(store);
  engines_stores_and_modules(store, other, &binary);
  functions(store, other);
  globals_tables_memories(store, other);
  instances(store, other, &binary);  /* deletes store */

  wasm_store_delete(other);
  wasm_engine_delete(engine);
  wasm_byte_vec_delete(&binary);
  printf("%s: %d failures\n", argv[0], failures);
  return failures ? 1 : 0;
}

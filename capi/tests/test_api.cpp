// The C API's rules as capi/README.md states them, on the tier WPVM_TIER
// chooses (meson runs this on both): ownership and vectors, references and
// host info with their finalizers, calls and traps with their frames,
// funcref and externref values through Wasm, v128, reflection of current
// sizes, serialization, modules shared with another thread, instantiation
// errors. Written in C++: wasm.h compiles as C++ (C++20 for the value
// initialisers, which are designated).
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "wasm.h"

namespace {

std::vector<char> read_api_wasm() {
  const char* path = std::getenv("CAPI_TEST_WASM");
  REQUIRE(path != nullptr);
  std::ifstream f(path, std::ios::binary);
  return std::vector<char>(std::istreambuf_iterator<char>(f), {});
}

std::string message_of(const wasm_trap_t* trap) {
  wasm_message_t m;
  wasm_trap_message(trap, &m);
  std::string s = m.size ? std::string(m.data, m.size - 1) : "";
  wasm_byte_vec_delete(&m);
  return s;
}

// What the host callback does: "trap" traps with a message, else doubles.
struct CallbackEnv {
  wasm_store_t* store = nullptr;
  bool trap = false;
};

wasm_trap_t* callback(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  auto* e = static_cast<CallbackEnv*>(env);
  if (e->trap) {
    wasm_message_t m;
    wasm_name_new_from_string_nt(&m, "nope");
    wasm_trap_t* t = wasm_trap_new(e->store, &m);
    wasm_byte_vec_delete(&m);
    return t;
  }
  results->data[0].of.i32 = 2 * args->data[0].of.i32;  // the kind comes set
  return nullptr;
}

// An engine, a store and an instance of wat/api.wat, its exports by name.
struct Fixture {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  CallbackEnv env{store};
  wasm_module_t* module = nullptr;
  wasm_instance_t* instance = nullptr;
  wasm_extern_vec_t exports = WASM_EMPTY_VEC;
  std::vector<std::string> names;

  Fixture() {
    std::vector<char> bytes = read_api_wasm();
    wasm_byte_vec_t binary{bytes.size(), bytes.data()};
    module = wasm_module_new(store, &binary);
    REQUIRE(module != nullptr);
    wasm_functype_t* type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    wasm_func_t* cb = wasm_func_new_with_env(store, type, callback, &env, nullptr);
    wasm_functype_delete(type);
    wasm_extern_t* imports[] = {wasm_func_as_extern(cb)};
    wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
    wasm_trap_t* trap = nullptr;
    instance = wasm_instance_new(store, module, &import_vec, &trap);
    wasm_func_delete(cb);
    REQUIRE(instance != nullptr);
    wasm_instance_exports(instance, &exports);
    wasm_exporttype_vec_t types;
    wasm_module_exports(module, &types);
    for (size_t i = 0; i < types.size; ++i) {
      const wasm_name_t* n = wasm_exporttype_name(types.data[i]);
      names.emplace_back(n->data, n->size);
    }
    wasm_exporttype_vec_delete(&types);
  }
  ~Fixture() {
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
  }
  wasm_extern_t* get(const std::string& name) {
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return exports.data[i];
    FAIL("no export " << name);
    return nullptr;
  }
  wasm_func_t* func(const std::string& name) { return wasm_extern_as_func(get(name)); }
};

int finalized_sum = 0;
std::vector<int> finalized_order;
void finalize(void* data) {
  finalized_sum += static_cast<int>(reinterpret_cast<intptr_t>(data));
  finalized_order.push_back(static_cast<int>(reinterpret_cast<intptr_t>(data)));
}
void* info(int i) { return reinterpret_cast<void*>(static_cast<intptr_t>(i)); }

}  // namespace

TEST_CASE("header: the helpers and initialisers work from C++") {
  wasm_name_t name;
  wasm_name_new_from_string_nt(&name, "abc");
  CHECK(name.size == 4);
  CHECK(name.data[3] == '\0');
  wasm_name_delete(&name);
  wasm_functype_t* t = wasm_functype_new_3_2(wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f32(),
                                             wasm_valtype_new_f64(), wasm_valtype_new_funcref());
  CHECK(wasm_functype_params(t)->size == 3);
  CHECK(wasm_valtype_kind(wasm_functype_results(t)->data[1]) == WASM_FUNCREF);
  CHECK(wasm_valtype_is_ref(wasm_functype_results(t)->data[1]));
  wasm_functype_delete(t);
  wasm_val_t v = WASM_I64_VAL(-5);
  CHECK(v.kind == WASM_I64);
  wasm_val_init_ptr(&v, &name);
  CHECK(wasm_val_ptr(&v) == &name);
}

TEST_CASE("vectors: new takes the elements, copy copies them, delete deletes them") {
  wasm_valtype_t* elems[] = {wasm_valtype_new_i32(), wasm_valtype_new_externref()};
  wasm_valtype_vec_t v, copy;
  wasm_valtype_vec_new(&v, 2, elems);
  CHECK(v.data[0] == elems[0]);
  wasm_valtype_vec_copy(&copy, &v);
  CHECK(copy.data[0] != elems[0]);
  CHECK(wasm_valtype_kind(copy.data[1]) == WASM_EXTERNREF);
  wasm_valtype_vec_delete(&v);
  wasm_valtype_vec_delete(&copy);
  CHECK(v.size == 0);
  CHECK(v.data == nullptr);
  // Functions taking vectors leave them empty.
  wasm_valtype_t* one[] = {wasm_valtype_new_f32()};
  wasm_valtype_vec_t params, results = WASM_EMPTY_VEC;
  wasm_valtype_vec_new(&params, 1, one);
  wasm_functype_t* ft = wasm_functype_new(&params, &results);
  CHECK(params.size == 0);
  CHECK(wasm_valtype_kind(wasm_functype_params(ft)->data[0]) == WASM_F32);
  wasm_functype_delete(ft);
}

TEST_CASE("references: copies are one object, whose host info a replacement and its end finalize") {
  Fixture fx;
  finalized_sum = 0;
  wasm_foreign_t* f = wasm_foreign_new(fx.store);
  wasm_foreign_set_host_info_with_finalizer(f, info(1), finalize);
  wasm_foreign_t* c = wasm_foreign_copy(f);
  CHECK(wasm_foreign_same(f, c));
  CHECK(wasm_foreign_get_host_info(c) == info(1));
  CHECK(wasm_ref_get_host_info(wasm_foreign_as_ref(c)) == info(1));
  wasm_foreign_set_host_info_with_finalizer(c, info(2), finalize);
  CHECK(finalized_sum == 1);  // the replaced one
  CHECK(wasm_foreign_get_host_info(f) == info(2));
  wasm_foreign_t* other = wasm_foreign_new(fx.store);
  CHECK(!wasm_foreign_same(f, other));
  wasm_foreign_delete(other);
  wasm_foreign_delete(f);
  CHECK(finalized_sum == 1);
  wasm_foreign_delete(c);  // the last reference to an object Wasm never saw
  CHECK(finalized_sum == 3);
}

TEST_CASE("references: a store's objects are finalized with it, in the order they came, before host environments") {
  finalized_order.clear();
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_functype_t* type = wasm_functype_new_0_0();
  wasm_func_t* f = wasm_func_new_with_env(
      store, type, [](void*, const wasm_val_vec_t*, wasm_val_vec_t*) -> wasm_trap_t* { return nullptr; }, info(3),
      finalize);
  wasm_func_set_host_info_with_finalizer(f, info(1), finalize);
  wasm_limits_t limits{1, 1};
  wasm_memorytype_t* mt = wasm_memorytype_new(&limits);
  wasm_memory_t* m = wasm_memory_new(store, mt);
  wasm_memory_set_host_info_with_finalizer(m, info(2), finalize);
  // Host info belongs to the object: another reference to it sees it.
  wasm_extern_t* e = wasm_func_as_extern(f);
  CHECK(wasm_extern_get_host_info(e) == info(1));
  wasm_func_delete(f);
  wasm_memory_delete(m);
  CHECK(finalized_order.empty());  // the store keeps its functions and memories
  wasm_store_delete(store);
  CHECK(finalized_order == std::vector<int>{1, 2, 3});
  wasm_memorytype_delete(mt);
  wasm_functype_delete(type);
  wasm_engine_delete(engine);
}

TEST_CASE("calls: results, a callback's trap with its message and frames") {
  Fixture fx;
  wasm_val_t args[] = {WASM_I32_VAL(21)};
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t a = WASM_ARRAY_VEC(args), r = WASM_ARRAY_VEC(results);
  REQUIRE(wasm_func_call(fx.func("call_cb"), &a, &r) == nullptr);
  CHECK(results[0].kind == WASM_I32);
  CHECK(results[0].of.i32 == 42);

  fx.env.trap = true;
  wasm_trap_t* trap = wasm_func_call(fx.func("call_cb"), &a, &r);
  REQUIRE(trap != nullptr);
  CHECK(message_of(trap) == "nope");
  wasm_frame_t* origin = wasm_trap_origin(trap);
  REQUIRE(origin != nullptr);
  CHECK(wasm_frame_func_index(origin) == 2);
  CHECK(wasm_instance_same(wasm_frame_instance(origin), fx.instance));
  wasm_frame_t* copy = wasm_frame_copy(origin);
  CHECK(wasm_instance_same(wasm_frame_instance(copy), fx.instance));
  wasm_frame_delete(copy);
  wasm_frame_delete(origin);
  wasm_trap_delete(trap);
}

TEST_CASE("calls: a trap's trace is innermost first, every frame with its instance") {
  Fixture fx;
  wasm_val_t args[] = {WASM_I32_VAL(1)};
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t a = WASM_ARRAY_VEC(args), r = WASM_ARRAY_VEC(results);
  wasm_trap_t* trap = wasm_func_call(fx.func("deep"), &a, &r);
  REQUIRE(trap != nullptr);
  CHECK(message_of(trap) == "unreachable");
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  REQUIRE(trace.size == 2);
  CHECK(wasm_frame_func_index(trace.data[0]) == 7);
  CHECK(wasm_frame_func_index(trace.data[1]) == 6);
  for (size_t i = 0; i < trace.size; ++i) CHECK(wasm_instance_same(wasm_frame_instance(trace.data[i]), fx.instance));
  // Each frame is at its instruction: a module offset past its body's start.
  for (size_t i = 0; i < trace.size; ++i) {
    CHECK(wasm_frame_module_offset(trace.data[i]) != SIZE_MAX);  // wpvm::kNoOffset
    CHECK(wasm_frame_func_offset(trace.data[i]) != SIZE_MAX);
    CHECK(wasm_frame_func_offset(trace.data[i]) < wasm_frame_module_offset(trace.data[i]));
  }
  wasm_frame_vec_delete(&trace);
  wasm_trap_delete(trap);
  args[0] = WASM_I32_VAL(0);
  REQUIRE(wasm_func_call(fx.func("deep"), &a, &r) == nullptr);
  CHECK(results[0].of.i32 == 5);
}

TEST_CASE("values: a funcref result is a function to call; tables hold the functions") {
  Fixture fx;
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t none = WASM_EMPTY_VEC, r = WASM_ARRAY_VEC(results);
  REQUIRE(wasm_func_call(fx.func("get_add"), &none, &r) == nullptr);
  CHECK(results[0].kind == WASM_FUNCREF);
  wasm_func_t* add = wasm_ref_as_func(results[0].of.ref);
  REQUIRE(add != nullptr);
  CHECK(wasm_func_same(add, fx.func("add")));
  wasm_val_t args[] = {WASM_I32_VAL(2), WASM_I32_VAL(3)};
  wasm_val_t sum[] = {WASM_INIT_VAL};
  wasm_val_vec_t a = WASM_ARRAY_VEC(args), s = WASM_ARRAY_VEC(sum);
  REQUIRE(wasm_func_call(add, &a, &s) == nullptr);
  CHECK(sum[0].of.i32 == 5);
  wasm_val_delete(&results[0]);

  wasm_table_t* tab = wasm_extern_as_table(fx.get("tab"));
  wasm_ref_t* elem = wasm_table_get(tab, 0);
  CHECK(wasm_func_same(wasm_ref_as_func(elem), fx.func("add")));
  wasm_ref_delete(elem);
  CHECK(wasm_table_get(tab, 1) == nullptr);
}

TEST_CASE("values: any reference passes through Wasm as an externref and comes back the same") {
  Fixture fx;
  wasm_foreign_t* foreign = wasm_foreign_new(fx.store);
  wasm_ref_t* refs[] = {wasm_foreign_as_ref(foreign), wasm_func_as_ref(fx.func("add")), nullptr};
  for (wasm_ref_t* ref : refs) {
    wasm_val_t args[] = {WASM_REF_VAL(ref)};
    wasm_val_t results[] = {WASM_INIT_VAL};
    wasm_val_vec_t a = WASM_ARRAY_VEC(args), r = WASM_ARRAY_VEC(results);
    REQUIRE(wasm_func_call(fx.func("pass"), &a, &r) == nullptr);
    CHECK(results[0].kind == WASM_EXTERNREF);
    CHECK(wasm_ref_same(results[0].of.ref, ref));
    wasm_val_delete(&results[0]);
  }
  // The function came back as itself: still a function.
  wasm_val_t args[] = {WASM_REF_VAL(refs[1])};
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t a = WASM_ARRAY_VEC(args), r = WASM_ARRAY_VEC(results);
  REQUIRE(wasm_func_call(fx.func("pass"), &a, &r) == nullptr);
  CHECK(wasm_ref_as_func(results[0].of.ref) != nullptr);
  wasm_val_delete(&results[0]);
  // A foreign object Wasm has seen lives as long as the store: deleting
  // every reference to it leaves the object Wasm may still hold.
  wasm_foreign_delete(foreign);
}

TEST_CASE("values: v128 has kind 4 in reflection and cannot be passed") {
  Fixture fx;
  wasm_functype_t* t = wasm_func_type(fx.func("v128"));
  CHECK(wasm_valtype_kind(wasm_functype_params(t)->data[0]) == 4);
  wasm_functype_delete(t);
  wasm_val_t args[] = {WASM_I64_VAL(1)};
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t a = WASM_ARRAY_VEC(args), r = WASM_ARRAY_VEC(results);
  wasm_trap_t* trap = wasm_func_call(fx.func("v128"), &a, &r);
  REQUIRE(trap != nullptr);
  CHECK(message_of(trap).find("v128") != std::string::npos);
  wasm_trap_delete(trap);
}

TEST_CASE("reflection: memory and table types give the current size as the minimum") {
  Fixture fx;
  wasm_memory_t* mem = wasm_extern_as_memory(fx.get("mem"));
  CHECK(wasm_memory_grow(mem, 1));
  wasm_externtype_t* mt = wasm_extern_type(fx.get("mem"));
  CHECK(wasm_memorytype_limits(wasm_externtype_as_memorytype(mt))->min == 2);
  CHECK(wasm_memorytype_limits(wasm_externtype_as_memorytype(mt))->max == 3);
  wasm_externtype_delete(mt);
  wasm_table_t* tab = wasm_extern_as_table(fx.get("tab"));
  CHECK(wasm_table_grow(tab, 3, nullptr));
  wasm_tabletype_t* tt = wasm_table_type(tab);
  CHECK(wasm_tabletype_limits(tt)->min == 5);
  CHECK(wasm_tabletype_limits(tt)->max == wasm_limits_max_default);
  wasm_tabletype_delete(tt);
  // Globals: a mutable one set from the host, read back by type.
  wasm_global_t* g = wasm_extern_as_global(fx.get("g"));
  wasm_val_t v = WASM_I32_VAL(77);
  wasm_global_set(g, &v);
  wasm_val_t out;
  wasm_global_get(g, &out);
  CHECK(out.of.i32 == 77);
  wasm_globaltype_t* gt = wasm_global_type(g);
  CHECK(wasm_globaltype_mutability(gt) == WASM_VAR);
  wasm_globaltype_delete(gt);
}

TEST_CASE("modules: serialized and deserialized, or deserialized from the binary itself") {
  Fixture fx;
  wasm_byte_vec_t bytes;
  wasm_module_serialize(fx.module, &bytes);
  std::vector<char> binary = read_api_wasm();
  wasm_byte_vec_t raw{binary.size(), binary.data()};
  for (const wasm_byte_vec_t* form : {&bytes, &raw}) {
    wasm_module_t* m = wasm_module_deserialize(fx.store, form);
    REQUIRE(m != nullptr);
    wasm_exporttype_vec_t exports;
    wasm_module_exports(m, &exports);
    CHECK(exports.size == fx.names.size());
    wasm_exporttype_vec_delete(&exports);
    wasm_importtype_vec_t imports;
    wasm_module_imports(m, &imports);
    REQUIRE(imports.size == 1);
    const wasm_name_t* mod = wasm_importtype_module(imports.data[0]);
    CHECK(std::string(mod->data, mod->size) == "host");
    CHECK(wasm_externtype_kind(wasm_importtype_type(imports.data[0])) == WASM_EXTERN_FUNC);
    wasm_importtype_vec_delete(&imports);
    wasm_module_delete(m);
  }
  wasm_byte_vec_delete(&bytes);
}

TEST_CASE("modules: shared with another thread, obtained in its store") {
  Fixture fx;
  wasm_shared_module_t* shared = wasm_module_share(fx.module);
  int32_t sum = 0;
  std::thread t([&] {
    wasm_store_t* store = wasm_store_new(fx.engine);
    wasm_module_t* m = wasm_module_obtain(store, shared);
    CallbackEnv env{store};
    wasm_functype_t* type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    wasm_func_t* cb = wasm_func_new_with_env(store, type, callback, &env, nullptr);
    wasm_extern_t* imports[] = {wasm_func_as_extern(cb)};
    wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
    wasm_instance_t* inst = wasm_instance_new(store, m, &import_vec, nullptr);
    if (inst) {
      wasm_extern_vec_t exports;
      wasm_instance_exports(inst, &exports);
      wasm_val_t args[] = {WASM_I32_VAL(20), WASM_I32_VAL(22)};
      wasm_val_t results[] = {WASM_INIT_VAL};
      wasm_val_vec_t a = WASM_ARRAY_VEC(args), r = WASM_ARRAY_VEC(results);
      if (!wasm_func_call(wasm_extern_as_func(exports.data[0]), &a, &r)) sum = results[0].of.i32;
      wasm_extern_vec_delete(&exports);
      wasm_instance_delete(inst);
    }
    wasm_func_delete(cb);
    wasm_functype_delete(type);
    wasm_module_delete(m);
    wasm_store_delete(store);
  });
  t.join();
  CHECK(sum == 42);
  wasm_shared_module_delete(shared);
}

TEST_CASE("instances: a link error is a trap saying why; a start function's trap has its frames") {
  Fixture fx;
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_val_t v = WASM_I32_VAL(1);
  wasm_global_t* g = wasm_global_new(fx.store, gt, &v);
  wasm_extern_t* imports[] = {wasm_global_as_extern(g)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_trap_t* trap = nullptr;
  CHECK(wasm_instance_new(fx.store, fx.module, &import_vec, &trap) == nullptr);
  REQUIRE(trap != nullptr);
  CHECK(message_of(trap).find("incompatible import type") != std::string::npos);
  wasm_trap_delete(trap);
  wasm_global_delete(g);
  wasm_globaltype_delete(gt);

  // (module (func unreachable) (start 0))
  const char start_module[] = {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0,
                               8, 1, 0, 0x0a, 5, 1, 3, 0, 0, 0x0b};
  wasm_byte_vec_t binary{sizeof start_module, const_cast<char*>(start_module)};
  wasm_module_t* m = wasm_module_new(fx.store, &binary);
  REQUIRE(m != nullptr);
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  CHECK(wasm_instance_new(fx.store, m, &none, &trap) == nullptr);
  REQUIRE(trap != nullptr);
  CHECK(message_of(trap) == "unreachable");
  wasm_frame_t* origin = wasm_trap_origin(trap);
  REQUIRE(origin != nullptr);
  CHECK(wasm_frame_func_index(origin) == 0);
  CHECK(wasm_frame_instance(origin) != nullptr);
  wasm_frame_delete(origin);
  wasm_trap_delete(trap);
  wasm_module_delete(m);
}

TEST_CASE("externs: the conversions are the same reference seen as another type") {
  Fixture fx;
  wasm_func_t* f = fx.func("add");
  CHECK(wasm_func_as_extern(f) == fx.get("add"));
  CHECK(wasm_extern_as_func_const(wasm_func_as_extern_const(f)) == f);
  CHECK(wasm_ref_as_func(wasm_func_as_ref(f)) == f);
  CHECK(wasm_ref_as_extern(wasm_func_as_ref(f)) == wasm_func_as_extern(f));
  CHECK(wasm_extern_kind(fx.get("g")) == WASM_EXTERN_GLOBAL);
  wasm_extern_t* copy = wasm_extern_copy(fx.get("mem"));
  CHECK(wasm_extern_as_memory(copy) != nullptr);
  CHECK(wasm_memory_same(wasm_extern_as_memory(copy), wasm_extern_as_memory(fx.get("mem"))));
  wasm_extern_delete(copy);
  CHECK(wasm_func_param_arity(f) == 2);
  CHECK(wasm_func_result_arity(f) == 1);
}

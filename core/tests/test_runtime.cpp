// Tests of the runtime: trap texts, values, memories (never moving, growth
// limits), tables, globals, the linker, import type matching and the
// instantiation order and failure semantics of Wasm 2.0.
#include <doctest/doctest.h>
#include <sys/resource.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "wpvm/runtime.h"
#include "wpvm/share.h"
#include "test_bytes.h"
#include "test_wasm_file.h"

namespace {

using namespace wpvm;

using test::load_wat;

HostFn identity() {
  return [](Caller&, std::span<const Value> a, std::span<Value> r) {
    r[0] = a[0];
    return std::optional<Trap>{};
  };
}

// A linker satisfying link_imports.wat, with parts replaceable per test.
struct ImportSet {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store store{engine};
  Linker linker;
  Func* f = store.create_host_func({{ValType::kI32}, {ValType::kI32}}, identity());
  Memory* mem = *store.create_memory({Limits{1, 2, false}});
  Table* tab = *store.create_table({ValType::kFuncRef, Limits{1, std::nullopt, false}}, Value::zero(ValType::kFuncRef));
  Global* g = *store.create_global({ValType::kI32, true}, Value::from_i32(77));

  ImportSet() {
    linker.define("env", "f", f);
    linker.define("env", "mem", mem);
    linker.define("env", "tab", tab);
    linker.define("env", "g", g);
  }
  Result<Instance*> instantiate() { return store.instantiate(load_wat("link_imports"), linker); }
};

}  // namespace

TEST_CASE("runtime: trap texts are the spec's") {
  CHECK(std::string(trap_text(TrapKind::kIntegerDivideByZero)) == "integer divide by zero");
  CHECK(std::string(trap_text(TrapKind::kCallStackExhausted)) == "call stack exhausted");
  Trap t{TrapKind::kHost, "bad fd", 0, {}};
  CHECK(t.to_string() == "host error: bad fd");
}

TEST_CASE("runtime: values") {
  CHECK(Value::zero(ValType::kF64).f64_bits == 0);
  CHECK(Value::zero(ValType::kFuncRef).ref == nullptr);
  CHECK(Value::from_i32(42).to_string() == "i32:42");
  CHECK(Value::zero(ValType::kExternRef).to_string() == "externref:null");
  CHECK(extern_kind(Extern{static_cast<Memory*>(nullptr)}) == ExternKind::kMemory);
}

TEST_CASE("runtime: memories are reserved once and committed on grow") {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store store(engine);
  auto m = store.create_memory({Limits{1, 4, false}});
  REQUIRE(m.ok());
  Memory* mem = *m;
  uint8_t* base = mem->data();
  CHECK(mem->size_bytes() == kPageSize);
  base[kPageSize - 1] = 7;
  CHECK(mem->grow(0).value() == 1);
  CHECK(mem->grow(3).value() == 1);
  CHECK(mem->data() == base);
  CHECK(base[kPageSize - 1] == 7);
  base[4 * kPageSize - 1] = 9;  // the new pages are writable
  CHECK(!mem->grow(1).ok());
  CHECK(mem->pages() == 4);
  CHECK(mem->in_bounds(4 * kPageSize - 1, 1));
  CHECK(!mem->in_bounds(4 * kPageSize - 1, 2));

  auto unbounded = store.create_memory({Limits{0, std::nullopt, false}});
  REQUIRE(unbounded.ok());
  CHECK(!(*unbounded)->grow(kMaxPages + 1).ok());
  CHECK((*unbounded)->pages() == 0);
}

TEST_CASE("runtime: tables and globals") {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store store(engine);
  auto t = store.create_table({ValType::kExternRef, Limits{2, 3, false}}, Value::zero(ValType::kExternRef));
  REQUIRE(t.ok());
  Table* tab = *t;
  int x = 0;
  CHECK(tab->set(1, Value::from_ref(ValType::kExternRef, &x)));
  CHECK(!tab->set(2, Value::zero(ValType::kExternRef)));
  CHECK(tab->get(1)->ref == &x);
  CHECK(!tab->get(2).ok());
  CHECK(tab->grow(1, Value::zero(ValType::kExternRef)).value() == 2);
  CHECK(!tab->grow(1, Value::zero(ValType::kExternRef)).ok());
  Global* g = *store.create_global({ValType::kF64, true}, Value::from_f64(1.5));
  CHECK(g->get().f64() == 1.5);
  CHECK(g->set(Value::from_f64(-2.0)).ok());
  CHECK(g->get().f64() == -2.0);
}

TEST_CASE("runtime: linking resolves every kind of import") {
  ImportSet s;
  auto r = s.instantiate();
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().to_string()));
  CallResult c = s.store.call((*r)->func("get_g"), {});
  REQUIRE(c.ok());
  CHECK(c.values[0].i32 == 77);
  c = s.store.call((*r)->func("call_f"), std::vector<Value>{Value::from_i32(3)});
  REQUIRE(c.ok());
  CHECK(c.values[0].i32 == 3);

  Linker again;
  again.define_instance("reg", **r);
  CHECK(again.resolve("reg", "get_g").has_value());
  CHECK(!again.resolve("reg", "nope").has_value());
}

TEST_CASE("runtime: unknown and incompatible imports are unlinkable") {
  SUBCASE("missing") {
    ImportSet s;
    s.linker = Linker();
    auto r = s.instantiate();
    REQUIRE(!r.ok());
    CHECK(r.error().kind == ErrorKind::kUnlinkable);
    CHECK(r.error().message.find("unknown import") == 0);
  }
  SUBCASE("function type") {
    ImportSet s;
    s.linker.define("env", "f", s.store.create_host_func({{ValType::kI64}, {ValType::kI32}}, identity()));
    auto r = s.instantiate();
    REQUIRE(!r.ok());
    CHECK(r.error().message.find("incompatible import type") == 0);
  }
  SUBCASE("memory maximum larger than declared") {
    ImportSet s;
    s.linker.define("env", "mem", *s.store.create_memory({Limits{1, 3, false}}));
    CHECK(!s.instantiate().ok());
  }
  SUBCASE("memory grown beyond the import's minimum still matches") {
    ImportSet s;
    Memory* m = *s.store.create_memory({Limits{0, 2, false}});
    CHECK(m->grow(2).ok());
    s.linker.define("env", "mem", m);
    CHECK(s.instantiate().ok());
  }
  SUBCASE("global mutability") {
    ImportSet s;
    s.linker.define("env", "g", *s.store.create_global({ValType::kI32, false}, Value::from_i32(1)));
    CHECK(s.instantiate().error().kind == ErrorKind::kUnlinkable);
  }
  SUBCASE("kind") {
    ImportSet s;
    s.linker.define("env", "tab", s.mem);
    CHECK(!s.instantiate().ok());
  }
}

TEST_CASE("runtime: a failing data segment keeps earlier writes (Wasm 2.0)") {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store store(engine);
  Memory* mem = *store.create_memory({Limits{1, std::nullopt, false}});
  Linker linker;
  linker.define("env", "memory", mem);
  auto r = store.instantiate(load_wat("link_segments"), linker);
  REQUIRE(!r.ok());
  CHECK(r.error().kind == ErrorKind::kUninstantiable);
  CHECK(r.error().message == "out of bounds memory access");
  CHECK(mem->data()[0] == 0x2a);
}

TEST_CASE("runtime: a trapping start function makes instantiation fail") {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store store(engine);
  auto r = store.instantiate(load_wat("link_start"), Linker());
  REQUIRE(!r.ok());
  CHECK(r.error().kind == ErrorKind::kUninstantiable);
  CHECK(r.error().message == "unreachable");
}

TEST_CASE("runtime: a deferred start function is the caller's to call, its trap with frames") {
  Engine engine;
  Store store(engine);
  auto module = load_wat("link_start");
  REQUIRE(module_start(*module) == std::optional<uint32_t>(0));
  auto r = store.instantiate(module, Linker(), Store::StartFunction::kDefer);
  REQUIRE(r.ok());
  CallResult c = store.call(instance_func(**r, *module_start(*module)), {});
  REQUIRE(!c.ok());
  CHECK(c.trap->kind == TrapKind::kUnreachable);
  REQUIRE(c.trap->backtrace.size() == 1);
  CHECK(c.trap->backtrace[0].func_index == 0);
  CHECK(c.trap->backtrace[0].instance == *r);
  CHECK(!module_start(*load_wat("link_segments")));
}

TEST_CASE("runtime: Store::call checks arguments") {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store store(engine);
  Func* f = store.create_host_func({{ValType::kI32}, {ValType::kI32}}, identity());
  CallResult r = store.call(f, {});
  REQUIRE(!r.ok());
  CHECK(r.trap->kind == TrapKind::kHost);
  r = store.call(f, std::vector<Value>{Value::from_i64(1)});
  CHECK(!r.ok());
  r = store.call(f, std::vector<Value>{Value::from_i32(4)});
  REQUIRE(r.ok());
  CHECK(r.values[0].i32 == 4);
}

TEST_CASE("runtime: explicit-bounds-check mode reserves only the maximum") {
  EngineConfig config{.tier = Tier::kInterp};
  config.explicit_bounds_checks = true;
  Engine engine(config);
  Store store(engine);
  Memory* mem = *store.create_memory({Limits{1, 2, false}});
  uint8_t* base = mem->data();
  CHECK(mem->grow(1).value() == 1);
  CHECK(mem->data() == base);
  base[2 * kPageSize - 1] = 1;
  CHECK(!mem->grow(1).ok());
}

// ---- tables: lazily committed storage and the engine's element limit ----

namespace {


}  // namespace

TEST_CASE("runtime: a table of 2^32-1 elements is an error, not an abort") {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store store(engine);
  auto r = store.instantiate(load_wat("table_huge"), Linker());
  REQUIRE(!r.ok());
  CHECK(r.error().kind == ErrorKind::kResource);
  CHECK(r.error().message ==
        "table 0 (export \"huge\") of 4294967295 elements exceeds the limit of 10000000 table elements "
        "(EngineConfig::max_table_elements)");
  // The store still works.
  CHECK(store.create_table({ValType::kFuncRef, Limits{1, std::nullopt, false}}, Value::zero(ValType::kFuncRef)).ok());
}

TEST_CASE("runtime: Store::create_table is held to max_table_elements") {
  EngineConfig config{.tier = Tier::kInterp};
  config.max_table_elements = 100;
  Engine engine(config);
  Store store(engine);
  auto big = store.create_table({ValType::kExternRef, Limits{101, std::nullopt, false}}, Value::zero(ValType::kExternRef));
  REQUIRE(!big.ok());
  CHECK(big.error().kind == ErrorKind::kResource);
  CHECK(big.error().message.find("table of 101 elements exceeds the limit of 100") == 0);
  auto t = store.create_table({ValType::kExternRef, Limits{100, std::nullopt, false}}, Value::zero(ValType::kExternRef));
  REQUIRE(t.ok());
  CHECK(!(*t)->grow(1, Value::zero(ValType::kExternRef)).ok());
  CHECK((*t)->size() == 100);
  // Growing up to the limit works, with the initial value written.
  int x = 0;
  auto small = *store.create_table({ValType::kExternRef, Limits{1, std::nullopt, false}}, Value::zero(ValType::kExternRef));
  CHECK(small->grow(99, Value::from_ref(ValType::kExternRef, &x)).value() == 1);
  CHECK(small->get(0)->ref == nullptr);
  CHECK(small->get(99)->ref == &x);
  CHECK(!small->grow(1, Value::zero(ValType::kExternRef)).ok());
}

TEST_CASE("runtime: the default element limit is ten million, checked on grow") {
  CHECK(EngineConfig{}.max_table_elements == 10'000'000u);
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store store(engine);
  auto t = *store.create_table({ValType::kFuncRef, Limits{0, std::nullopt, false}}, Value::zero(ValType::kFuncRef));
  CHECK(!t->grow(10'000'001, Value::zero(ValType::kFuncRef)).ok());
  CHECK(t->grow(10'000'000, Value::zero(ValType::kFuncRef)).value() == 0);
  CHECK(!t->grow(1, Value::zero(ValType::kFuncRef)).ok());
  CHECK(t->get(9'999'999)->ref == nullptr);
}

TEST_CASE("runtime: null table elements cost no memory") {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store store(engine);
  auto module = load_wat("table_sparse");
  uint64_t before = test::rss_bytes();
  auto r = store.instantiate(module, Linker());
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().to_string()));
  uint64_t grown = test::rss_bytes() - before;
  MESSAGE("RSS grew by " << grown / 1024 << " KiB for a table of 5,000,000 elements (one set)");
  CHECK(grown < (4u << 20));  // the elements up front would be 40 MB
  Table* t = (*r)->table("t");
  REQUIRE(t != nullptr);
  CHECK(t->size() == 5'000'000u);
  CHECK(t->get(0)->ref == nullptr);
  CHECK(t->get(4'000'000)->ref != nullptr);
  CHECK(t->get(4'999'999)->ref == nullptr);
  CallResult c = store.call((*r)->func("call"), std::vector<Value>{Value::from_i32(4'000'000)});
  REQUIRE(c.ok());
  CHECK(c.values[0].i32 == 42);
  c = store.call((*r)->func("call"), std::vector<Value>{Value::from_i32(3'999'999)});
  REQUIRE(!c.ok());
  CHECK(c.trap->kind == TrapKind::kUninitializedElement);
}

// Under an address-space limit just above what the process uses, the host
// refuses memory: a table reservation (mmap) failing and std::bad_alloc
// while instantiating are errors, never an abort. Not under sanitizers,
// whose shadow memory needs terabytes of address space.
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
namespace {

// A module of n functions `(func)`: a few bytes each, a FuncImpl each when instantiated.
// n functions [] -> [], all declared by a declarative element segment (so
// an instance makes a FuncImpl for each of them at once).
std::vector<uint8_t> many_declared_functions(uint32_t n) {
  auto section = [&](std::vector<uint8_t>& out, uint8_t id, const std::vector<uint8_t>& body) {
    out.push_back(id);
    test::append_leb(out, body.size());
    out.insert(out.end(), body.begin(), body.end());
  };
  std::vector<uint8_t> m = {0, 'a', 's', 'm', 1, 0, 0, 0};
  section(m, 1, {1, 0x60, 0, 0});  // type 0: [] -> []
  std::vector<uint8_t> funcs, elems = {1, 3, 0}, code;  // one declarative segment of function indices
  test::append_leb(funcs, n);
  test::append_leb(elems, n);
  test::append_leb(code, n);
  for (uint32_t i = 0; i < n; ++i) {
    funcs.push_back(0);
    test::append_leb(elems, i);
    code.insert(code.end(), {2, 0, 0x0b});  // body: no locals, end
  }
  section(m, 3, funcs);
  section(m, 9, elems);
  section(m, 10, code);
  return m;
}

// AddressSanitizer ends the process on an operator new it cannot serve (a
// report, not std::bad_alloc) and needs address space for its shadow memory
// beyond any RLIMIT_AS this file could set: running out of memory on purpose
// cannot be tested under it.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

// Runs fn with RLIMIT_AS set `headroom` bytes above the current address space.
template <class F>
void with_address_space_limit(uint64_t headroom, F fn) {
  std::ifstream statm("/proc/self/statm");
  uint64_t vm_pages = 0;
  statm >> vm_pages;
  rlimit old{};
  REQUIRE(getrlimit(RLIMIT_AS, &old) == 0);
  rlimit lim = old;
  lim.rlim_cur = vm_pages * 4096 + headroom;
  if (old.rlim_cur != RLIM_INFINITY && old.rlim_cur < lim.rlim_cur) lim.rlim_cur = old.rlim_cur;
  REQUIRE(setrlimit(RLIMIT_AS, &lim) == 0);
  fn();
  REQUIRE(setrlimit(RLIMIT_AS, &old) == 0);
}

}  // namespace

TEST_CASE("runtime: the host refusing memory for a module is an error, not an abort" *
          doctest::skip(kAddressSanitizer)) {
  EngineConfig config;
  config.tier = Tier::kInterp;
  config.max_table_elements = 0xffffffffu;  // no limit: the 32 GiB reservation itself fails
  Engine engine(config);
  Store store(engine);
  auto huge = load_wat("table_huge");
  auto many = load_module(many_declared_functions(1'000'000));
  REQUIRE(many.ok());
  std::optional<Result<Instance*>> table_result, funcs_result;
  std::optional<Result<Table*>> create_result;
  with_address_space_limit(16u << 20, [&] {
    table_result.emplace(store.instantiate(huge, Linker()));
    create_result.emplace(store.create_table({ValType::kFuncRef, Limits{0xffffffffu, std::nullopt, false}},
                                             Value::zero(ValType::kFuncRef)));
    funcs_result.emplace(store.instantiate(*many, Linker()));
  });
  REQUIRE(!table_result->ok());
  CHECK(table_result->error().kind == ErrorKind::kResource);
  CHECK(table_result->error().message ==
        "table 0 (export \"huge\"): cannot reserve memory for a table of 4294967295 elements");
  REQUIRE(!create_result->ok());
  CHECK(create_result->error().kind == ErrorKind::kResource);
  REQUIRE(!funcs_result->ok());  // 1,000,000 FuncImpls do not fit in 16 MiB
  CHECK(funcs_result->error().kind == ErrorKind::kResource);
  CHECK(funcs_result->error().message == "out of memory instantiating the module");
  // With the memory back, the same module instantiates.
  Store again(engine);
  CHECK(again.instantiate(*many, Linker()).ok());
}
#endif

TEST_CASE("runtime: objects of another store, and misuse of tables and globals, are errors") {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store a(engine), b(engine);
  Func* fa = a.create_host_func({{ValType::kI32}, {ValType::kI32}}, identity());
  // A call of another store's function traps, and so does a funcref argument of another store.
  CallResult r = b.call(fa, {Value::from_i32(1)});
  REQUIRE(r.trap);
  CHECK(r.trap->message == "call of a function of another store");
  Func* takes_ref = b.create_host_func({{ValType::kFuncRef}, {}}, [](Caller&, Span<const Value>, Span<Value>) {
    return std::optional<Trap>();
  });
  r = b.call(takes_ref, {Value::from_ref(ValType::kFuncRef, fa)});
  REQUIRE(r.trap);
  CHECK(r.trap->message == "argument is a function of another store");
  // A host function handing back another store's function traps.
  Func* gives_ref = b.create_host_func({{}, {ValType::kFuncRef}}, [fa](Caller&, Span<const Value>, Span<Value> out) {
    out[0] = Value::from_ref(ValType::kFuncRef, fa);
    return std::optional<Trap>();
  });
  r = b.call(gives_ref, {});
  REQUIRE(r.trap);
  CHECK(r.trap->message == "host function returned a result of another type or store");
  // Tables and globals refuse it too, and say why.
  Table* tb = *b.create_table({ValType::kFuncRef, Limits{1, std::nullopt, false}}, Value::zero(ValType::kFuncRef));
  CHECK(tb->set(0, Value::from_ref(ValType::kFuncRef, fa)).error().message == "the value is a function of another store");
  CHECK(tb->set(0, Value::from_i32(1)).error().message == "the value is a i32, not a funcref");
  CHECK(tb->set(5, Value::zero(ValType::kFuncRef)).error().message == "table index 5 out of bounds");
  CHECK(tb->get(5).error().kind == ErrorKind::kUsage);
  CHECK(!tb->grow(1, Value::from_ref(ValType::kFuncRef, fa)).ok());
  CHECK(!b.create_table({ValType::kFuncRef, Limits{1, std::nullopt, false}}, Value::from_ref(ValType::kFuncRef, fa)).ok());
  CHECK(!b.create_global({ValType::kFuncRef, true}, Value::from_ref(ValType::kFuncRef, fa)).ok());
  CHECK(!b.create_global({ValType::kI64, true}, Value::from_i32(1)).ok());
  Global* constant = *b.create_global({ValType::kI32, false}, Value::from_i32(1));
  CHECK(constant->set(Value::from_i32(2)).error().message == "the global is immutable");
  Global* var = *b.create_global({ValType::kI32, true}, Value::from_i32(1));
  CHECK(var->set(Value::from_i64(2)).error().message == "the value is a i64, not a i32");
  CHECK(var->set(Value::from_i32(2)).ok());
  // Importing another store's object fails to link, as does a null extern.
  ImportSet s;
  s.linker.define("env", "f", fa);
  auto inst = s.instantiate();
  REQUIRE_FALSE(inst.ok());
  CHECK(inst.error().kind == ErrorKind::kUnlinkable);
  CHECK(inst.error().message.find("an object of another store") != std::string::npos);
  ImportSet null_import;
  null_import.linker.define("env", "f", static_cast<Func*>(nullptr));
  CHECK(null_import.instantiate().error().kind == ErrorKind::kUnlinkable);
}

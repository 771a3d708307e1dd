// The JIT compiles a module once: instances in many stores on many threads
// run the one copy of native code, each on its own globals, memory and table.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "runtime/runtime_impl.h"
#include "shared_code_threads.h"
#include "test_bytes.h"
#include "test_wasm_file.h"
#include "wpvm/jit.h"
#include "wpvm/runtime.h"

using namespace wpvm;

TEST_CASE("shared code: eight stores on eight threads run their module's one copy of native code") {
  for (bool parallel : {true, false}) {
    CAPTURE(parallel);
    Engine engine(EngineConfig{.tier = Tier::kJit,
                               .parallel_compile = parallel});
    // A fresh module object each time: code belongs to the Module.
    std::shared_ptr<const Module> m = test::load_wat("shared_code");
    uint64_t before = jit::modules_compiled();
    test::run_shared_code_threads(engine, m, 8, 200, [](const FuncImpl& f) -> const void* { return f.native.load(); });
    CHECK(jit::modules_compiled() - before == 1);
  }
}

TEST_CASE("shared code: memories with and without guard regions get their own variant, once each") {
  std::shared_ptr<const Module> m = test::load_wat("shared_code");
  uint64_t before = jit::modules_compiled();
  Engine guarded(EngineConfig{.tier = Tier::kJit});
  Engine checked(EngineConfig{.tier = Tier::kJit,
                              .explicit_bounds_checks = true});
  const void* natives[2] = {};
  for (int round = 0; round < 3; ++round)
    for (int k = 0; k < 2; ++k) {
      Store store(k ? checked : guarded);
      auto inst = store.instantiate(m, Linker{});
      REQUIRE(inst.ok());
      CallResult r = store.call((*inst)->func("accumulate"), std::vector<Value>{Value::from_i32(5)});
      REQUIRE(r.ok());
      CHECK(r.values.at(0).i32 == 5);
      const void* native = static_cast<const FuncImpl*>((*inst)->func("accumulate"))->native.load();
      REQUIRE(native != nullptr);
      if (round == 0) natives[k] = native;
      CHECK(native == natives[k]);
    }
  CHECK(natives[0] != natives[1]);
  CHECK(jit::modules_compiled() - before == 2);
}

TEST_CASE("shared code: a listing heads each function, unnamed ones as func[N]:") {
  std::shared_ptr<const Module> m = test::load_wat("shared_code");
  auto text = jit::listing(*m);
  REQUIRE(text.ok());
  CHECK(text->find("\nfunc[1] fib:") == std::string::npos);  // no name section here
  CHECK(text->find("\nfunc[1]:") != std::string::npos);
}

namespace {

// n functions (i32) -> i32, each padded with `pad` nops: f_i(x) = f_{i+1}(x) + 1,
// the last returns x; f0 is exported as "f0". Large enough, it spans many
// compile chunks, so most calls cross from one chunk to another.
std::vector<uint8_t> chain_module(uint32_t n, uint32_t pad) {
  std::vector<uint8_t> out = {0, 'a', 's', 'm', 1, 0, 0, 0};
  auto section = [&out](uint8_t id, const std::vector<uint8_t>& body) {
    out.push_back(id);
    test::append_leb(out, body.size());
    out.insert(out.end(), body.begin(), body.end());
  };
  section(1, {1, 0x60, 1, 0x7f, 1, 0x7f});
  std::vector<uint8_t> funcs;
  test::append_leb(funcs, n);
  funcs.insert(funcs.end(), n, 0);
  section(3, funcs);
  section(7, {1, 2, 'f', '0', 0, 0});
  std::vector<uint8_t> code;
  test::append_leb(code, n);
  for (uint32_t i = 0; i < n; ++i) {
    std::vector<uint8_t> body = {0, 0x20, 0};  // no locals; local.get 0
    if (i + 1 < n) {
      body.push_back(0x10);  // call i + 1
      test::append_leb(body, i + 1);
      body.insert(body.end(), {0x41, 1, 0x6a});  // i32.const 1; i32.add
    }
    body.insert(body.end(), pad, 0x01);
    body.push_back(0x0b);
    test::append_leb(code, body.size());
    code.insert(code.end(), body.begin(), body.end());
  }
  section(10, code);
  return out;
}

}  // namespace

TEST_CASE("shared code: a module of many chunks, compiled in parallel or not, calls across its chunks") {
  constexpr uint32_t kFuncs = 3000;
  std::vector<uint8_t> bytes = chain_module(kFuncs, 60);  // ~200 KB of code: several chunks
  for (bool parallel : {true, false}) {
    CAPTURE(parallel);
    auto m = load_module(bytes);
    REQUIRE(m.ok());
    Engine engine(EngineConfig{.tier = Tier::kJit,
                               .parallel_compile = parallel});
    Store store(engine);
    auto inst = store.instantiate(*m, Linker{});
    REQUIRE(inst.ok());
    CallResult r = store.call((*inst)->func("f0"), std::vector<Value>{Value::from_i32(7)});
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.trap->to_string()));
    CHECK(r.values.at(0).i32 == 7 + kFuncs - 1);
    CHECK(static_cast<const FuncImpl*>((*inst)->func("f0"))->native.load() != nullptr);
  }
}

TEST_CASE("shared code: native calls make no FuncImpl") {
  Engine engine(EngineConfig{.tier = Tier::kJit});
  Store store(engine);
  auto inst = store.instantiate(test::load_wat("lazy_funcs"), Linker{});
  REQUIRE(inst.ok());
  CallResult r = store.call((*inst)->func("run"), {});
  REQUIRE(r.ok());
  CHECK(r.values.at(0).i32 == 111);
  uint32_t made = 0;
  static_cast<const InstanceImpl*>(*inst)->for_each_made([&](uint32_t, const FuncImpl*) { ++made; });
  CHECK(made == 1);  // the export only
}

TEST_CASE("shared code: Engine::precompile compiles once, and instances then start without compiling") {
  for (bool checked : {false, true}) {
    CAPTURE(checked);
    Engine engine(EngineConfig{.tier = Tier::kJit, .explicit_bounds_checks = checked});
    std::shared_ptr<const Module> m = test::load_wat("shared_code");
    uint64_t before = jit::modules_compiled();
    REQUIRE(engine.precompile(*m).ok());
    CHECK(jit::modules_compiled() - before == 1);
    REQUIRE(engine.precompile(*m).ok());  // already compiled
    Store store(engine);
    auto inst = store.instantiate(m, Linker{});
    REQUIRE(inst.ok());
    CallResult r = store.call((*inst)->func("accumulate"), std::vector<Value>{Value::from_i32(5)});
    REQUIRE(r.ok());
    CHECK(r.values.at(0).i32 == 5);
    CHECK(jit::modules_compiled() - before == 1);
  }
  // The interpreter tier has nothing to compile ahead.
  std::shared_ptr<const Module> m = test::load_wat("shared_code");
  uint64_t before = jit::modules_compiled();
  CHECK(Engine(EngineConfig{.tier = Tier::kInterp}).precompile(*m).ok());
  CHECK(jit::modules_compiled() == before);
}

TEST_CASE("shared code: Engine::precompile refuses a module that was not validated") {
  auto m = decode_module(test::load_wat("shared_code")->bytes);  // decoded, not validated
  REQUIRE(m.ok());
  auto r = Engine(EngineConfig{.tier = Tier::kJit}).precompile(**m);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::kUsage);
}

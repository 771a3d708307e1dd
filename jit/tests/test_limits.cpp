// Resource limits (ResourceLimiter, StoreLimits) on every tier: instantiation
// refused with the limit in the message (a memory or table too large, too
// many instances, memories or tables), memory.grow and table.grow returning
// -1 at a limit and growing again once it is raised, the host's
// Memory::grow / Table::grow held to the same limits, what a host's own
// limiter is asked, and a shared memory grown through another store's alias.
#include <doctest/doctest.h>

#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "runtime/runtime_impl.h"
#include "wpvm/runtime.h"
#include "wpvm/share.h"
#include "test_wasm_file.h"

namespace {

using namespace wpvm;

constexpr Tier kTiers[] = {Tier::kInterp, Tier::kJit};
constexpr uint64_t kPage = 65536;

std::shared_ptr<const Module> wat(const char* name) { return test::load_wat(name, "WPVM_JIT_TEST_DIR"); }

Value I32(uint32_t v) { return Value::from_i32(v); }

// Calls an export taking at most one i32 and returning one i32, on the tier
// under test (native code on the JIT).
uint32_t call(Store& store, Instance* inst, const char* name, std::vector<Value> args, Tier tier) {
  Func* f = inst->func(name);
  REQUIRE(f != nullptr);
  CallResult r = store.call(f, args);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.trap->to_string()));
  if (tier == Tier::kJit) CHECK(static_cast<FuncImpl*>(f)->native != nullptr);
  return r.values.at(0).i32;
}

std::string error_of(const Result<Instance*>& r) {
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::kResource);
  return r.error().message;
}

// A host's limiter: records every question, answers from its own caps.
struct Recorder final : ResourceLimiter {
  std::mutex m;
  std::vector<std::tuple<char, uint64_t, uint64_t, std::optional<uint64_t>>> asked;
  uint64_t max_bytes = UINT64_MAX, max_elements = UINT64_MAX;
  uint32_t max_instances = 10000;
  bool memory_growing(uint64_t cur, uint64_t desired, std::optional<uint64_t> max) override {
    std::lock_guard lock(m);
    asked.emplace_back('m', cur, desired, max);
    return desired <= max_bytes;
  }
  bool table_growing(uint64_t cur, uint64_t desired, std::optional<uint64_t> max) override {
    std::lock_guard lock(m);
    asked.emplace_back('t', cur, desired, max);
    return desired <= max_elements;
  }
  uint32_t instances() const override { return max_instances; }
};

}  // namespace

TEST_CASE("limits: the defaults") {
  StoreLimits l;
  CHECK_FALSE(l.memory_size.has_value());
  CHECK_FALSE(l.table_elements.has_value());
  CHECK(l.instances == 10000);
  CHECK(l.tables == 10000);
  CHECK(l.memories == 10000);
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store store(engine);
  CHECK(store.limiter() == nullptr);
  store.set_limits(StoreLimits{});
  auto* stock = dynamic_cast<StoreLimiter*>(store.limiter().get());
  REQUIRE(stock != nullptr);
  CHECK(stock->instances() == 10000);
  CHECK(stock->tables() == 10000);
  CHECK(stock->memories() == 10000);
  CHECK_FALSE(stock->limits().memory_size.has_value());
  // The interface's own defaults.
  struct Sizes final : ResourceLimiter {
    bool memory_growing(uint64_t, uint64_t, std::optional<uint64_t>) override { return true; }
    bool table_growing(uint64_t, uint64_t, std::optional<uint64_t>) override { return true; }
  } sizes;
  CHECK(sizes.instances() == 10000);
  CHECK(sizes.tables() == 10000);
  CHECK(sizes.memories() == 10000);
}

TEST_CASE("limits: a store without a limiter holds any number of objects") {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store store(engine);
  auto m = wat("limits_table_only");
  for (int i = 0; i < 10001; ++i) REQUIRE(store.instantiate(m, Linker()).ok());
  store.set_limits(StoreLimits{});
  CHECK(error_of(store.instantiate(m, Linker())) ==
        "instantiating the module would make 10002 instances in the store, more than its limit of 10000 "
        "(StoreLimits::instances)");
  store.set_limiter(nullptr);
  CHECK(store.limiter() == nullptr);
  CHECK(store.instantiate(m, Linker()).ok());
}

TEST_CASE("limits: instantiation is refused past a size limit, with the limit in the message") {
  for (Tier t : kTiers) {
    CAPTURE(static_cast<int>(t));
    Engine engine{EngineConfig{.tier = t}};
    Store store(engine);
    store.set_limits(StoreLimits{.memory_size = 2 * kPage});
    CHECK(error_of(store.instantiate(wat("limits_big"), Linker())) ==
          "memory 0 (export \"memory\") of 262144 bytes exceeds the store's limit of 131072 bytes "
          "(StoreLimits::memory_size)");
    CHECK(store.instantiate(wat("limits"), Linker()).ok());

    Store store2(engine);
    store2.set_limits(StoreLimits{.table_elements = 10});
    CHECK(error_of(store2.instantiate(wat("limits_big"), Linker())) ==
          "table 0 (export \"table\") of 50 elements exceeds the store's limit of 10 elements "
          "(StoreLimits::table_elements)");
    // The host's own objects too.
    CHECK_FALSE(store.create_memory(MemoryType{Limits{3, std::nullopt, false}}).ok());
    CHECK(store.create_memory(MemoryType{Limits{2, std::nullopt, false}}).ok());
    auto tab = store2.create_table(TableType{ValType::kFuncRef, Limits{11, std::nullopt, false}},
                                   Value::zero(ValType::kFuncRef));
    REQUIRE_FALSE(tab.ok());
    CHECK(tab.error().message == "table of 11 elements exceeds the store's limit of 10 elements "
                                 "(StoreLimits::table_elements)");
  }
}

TEST_CASE("limits: instantiation is refused past the count of instances, memories or tables") {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  {
    Store store(engine);
    store.set_limits(StoreLimits{.instances = 2});
    CHECK(store.instantiate(wat("limits"), Linker()).ok());
    CHECK(store.instantiate(wat("limits"), Linker()).ok());
    CHECK(error_of(store.instantiate(wat("limits"), Linker())) ==
          "instantiating the module would make 3 instances in the store, more than its limit of 2 "
          "(StoreLimits::instances)");
  }
  {
    Store store(engine);
    store.set_limits(StoreLimits{.memories = 1});
    CHECK(store.instantiate(wat("limits"), Linker()).ok());
    CHECK(store.instantiate(wat("limits_table_only"), Linker()).ok());  // no memory: fine
    CHECK(error_of(store.instantiate(wat("limits"), Linker())) ==
          "instantiating the module would make 2 memories in the store, more than its limit of 1 "
          "(StoreLimits::memories)");
    auto m = store.create_memory(MemoryType{Limits{1, std::nullopt, false}});
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().message ==
          "a new memory would make 2 memories in the store, more than its limit of 1 (StoreLimits::memories)");
  }
  {
    Store store(engine);
    store.set_limits(StoreLimits{.tables = 2});
    CHECK(store.instantiate(wat("limits"), Linker()).ok());
    CHECK(store.instantiate(wat("limits_table_only"), Linker()).ok());
    CHECK(error_of(store.instantiate(wat("limits_table_only"), Linker())) ==
          "instantiating the module would make 3 tables in the store, more than its limit of 2 "
          "(StoreLimits::tables)");
    // A refused instantiation took nothing: raising the limit by one is enough.
    store.set_limits(StoreLimits{.tables = 3});
    CHECK(store.instantiate(wat("limits_table_only"), Linker()).ok());
  }
}

TEST_CASE("limits: memory.grow and table.grow return -1 at the limit, and grow once it is raised") {
  for (Tier t : kTiers) {
    CAPTURE(static_cast<int>(t));
    Engine engine{EngineConfig{.tier = t}};
    Store store(engine);
    store.set_limits(StoreLimits{.memory_size = 3 * kPage, .table_elements = 4});
    auto i = store.instantiate(wat("limits"), Linker());
    REQUIRE(i.ok());
    Instance* inst = *i;
    CHECK(call(store, inst, "grow_memory", {I32(2)}, t) == 1);
    CHECK(call(store, inst, "grow_memory", {I32(1)}, t) == 0xffffffffu);
    CHECK(call(store, inst, "memory_size", {}, t) == 3);
    CHECK_FALSE(inst->memory("memory")->grow(1).ok());
    CHECK(call(store, inst, "grow_table", {I32(3)}, t) == 1);
    CHECK(call(store, inst, "grow_table", {I32(1)}, t) == 0xffffffffu);
    CHECK(call(store, inst, "table_size", {}, t) == 4);
    CHECK_FALSE(inst->table("table")->grow(1, Value::zero(ValType::kFuncRef)).ok());
    // Growing by 0 asks nothing and succeeds.
    CHECK(call(store, inst, "grow_memory", {I32(0)}, t) == 3);
    CHECK(call(store, inst, "grow_table", {I32(0)}, t) == 4);

    store.set_limits(StoreLimits{.memory_size = 5 * kPage, .table_elements = 6});
    CHECK(call(store, inst, "grow_memory", {I32(1)}, t) == 3);
    CHECK(*inst->memory("memory")->grow(1) == 4);
    CHECK(call(store, inst, "grow_memory", {I32(1)}, t) == 0xffffffffu);
    CHECK(call(store, inst, "grow_table", {I32(1)}, t) == 4);
    CHECK(*inst->table("table")->grow(1, Value::zero(ValType::kFuncRef)) == 5);
    CHECK(call(store, inst, "grow_table", {I32(1)}, t) == 0xffffffffu);
    // No limiter: only the types' maximums are left.
    store.set_limiter(nullptr);
    CHECK(call(store, inst, "grow_memory", {I32(5)}, t) == 5);
    CHECK(call(store, inst, "grow_table", {I32(94)}, t) == 6);
  }
}

TEST_CASE("limits: a host's limiter sees the sizes asked, and its refusals hold") {
  for (Tier t : kTiers) {
    CAPTURE(static_cast<int>(t));
    Engine engine{EngineConfig{.tier = t}};
    Store store(engine);
    auto rec = std::make_shared<Recorder>();
    rec->max_bytes = 2 * kPage;
    rec->max_elements = 3;
    store.set_limiter(rec);
    CHECK(store.limiter() == rec);
    auto i = store.instantiate(wat("limits"), Linker());
    REQUIRE(i.ok());
    Instance* inst = *i;
    CHECK(call(store, inst, "grow_memory", {I32(1)}, t) == 1);
    CHECK(call(store, inst, "grow_memory", {I32(1)}, t) == 0xffffffffu);
    CHECK(call(store, inst, "grow_memory", {I32(10)}, t) == 0xffffffffu);  // past the maximum: not asked
    CHECK(call(store, inst, "grow_table", {I32(2)}, t) == 1);
    CHECK(call(store, inst, "grow_table", {I32(1)}, t) == 0xffffffffu);
    CHECK(call(store, inst, "grow_table", {I32(100)}, t) == 0xffffffffu);  // past the maximum: not asked
    using Q = std::tuple<char, uint64_t, uint64_t, std::optional<uint64_t>>;
    std::vector<Q> want = {
        {'t', 0, 1, 100},                     // the table at instantiation
        {'m', 0, kPage, 10 * kPage},          // the memory at instantiation
        {'m', kPage, 2 * kPage, 10 * kPage},  // memory.grow 1: allowed
        {'m', 2 * kPage, 3 * kPage, 10 * kPage},
        {'t', 1, 3, 100},
        {'t', 3, 4, 100},
    };
    CHECK(rec->asked == want);
    // A refused initial size names the limiter.
    auto big = store.instantiate(wat("limits_big"), Linker());
    CHECK(error_of(big) == "table 0 (export \"table\") of 50 elements is refused by the store's resource limiter");
    // Counts come from the limiter too.
    rec->max_instances = 2;
    CHECK(error_of(store.instantiate(wat("limits"), Linker())) ==
          "instantiating the module would make 3 instances in the store, more than its limit of 2");
  }
}

TEST_CASE("limits: a store sharing another's limits counts with it and grows shared memory under them") {
  for (Tier t : kTiers) {
    CAPTURE(static_cast<int>(t));
    Engine engine{EngineConfig{.tier = t}};
    Store main(engine);
    main.set_limits(StoreLimits{.memory_size = 3 * kPage, .instances = 2});
    auto shared = main.create_memory(MemoryType{Limits{1, 10, true}});
    REQUIRE(shared.ok());
    {
      Store worker(engine);
      CHECK_FALSE(shares_limits(worker, main));
      share_limits(worker, main);
      CHECK(shares_limits(worker, main));
      auto alias = create_memory_alias(worker, **shared, (*shared)->type());
      REQUIRE(alias.ok());
      Linker linker;
      linker.define("env", "memory", *alias);
      auto a = worker.instantiate(wat("limits_shared"), linker);
      REQUIRE(a.ok());
      auto b = worker.instantiate(wat("limits_shared"), linker);
      REQUIRE(b.ok());
      // The main store's limit of 2 instances is used up by the worker's.
      CHECK(error_of(main.instantiate(wat("limits_table_only"), Linker())) ==
            "instantiating the module would make 3 instances in the store, more than its limit of 2 "
            "(StoreLimits::instances)");
      // One memory, grown through either store: the one limit of 3 pages.
      CHECK(call(worker, *a, "grow_memory", {I32(1)}, t) == 1);
      CHECK(*(*shared)->grow(1) == 2);
      CHECK(call(worker, *b, "grow_memory", {I32(1)}, t) == 0xffffffffu);
      CHECK_FALSE((*shared)->grow(1).ok());
      // A limit raised on the main store holds for the worker at once.
      main.set_limits(StoreLimits{.memory_size = 4 * kPage, .instances = 2});
      CHECK(call(worker, *b, "grow_memory", {I32(1)}, t) == 3);
    }
    // The worker's instances went with it.
    CHECK(main.instantiate(wat("limits_table_only"), Linker()).ok());
  }
}

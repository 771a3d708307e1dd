// Tables that are large and sparse, on both tiers: every table instruction
// (call_indirect, table.get/set/fill/copy/init/size/grow) on a table of five
// million elements, growth up to and past EngineConfig::max_table_elements,
// and the memory the process spends on it (null elements cost none).
#include <doctest/doctest.h>

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "runtime/runtime_impl.h"
#include "wpvm/jit.h"
#include "wpvm/runtime.h"
#include "test_bytes.h"
#include "test_wasm_file.h"

namespace {

using namespace wpvm;

constexpr Tier kTableTiers[] = {Tier::kInterp, Tier::kJit};


// What a call gave: its i32 result (0 when it has none) or its trap.
struct Outcome {
  std::optional<uint32_t> value;
  std::optional<TrapKind> trap;
  bool operator==(const Outcome&) const = default;
};

std::string to_string(const Outcome& o) {
  if (o.trap) return std::string("trap: ") + trap_text(*o.trap);
  return o.value ? std::to_string(*o.value) : "-";
}

struct TableFixture {
  Engine engine;
  Store store{engine};
  Instance* inst = nullptr;
  Tier tier;

  explicit TableFixture(Tier t, uint32_t max_elems = EngineConfig{}.max_table_elements)
      : engine(EngineConfig{.tier = t, .max_table_elements = max_elems}),
        tier(t) {
    auto i = store.instantiate(test::load_wat("tables", "WPVM_JIT_TEST_DIR"), Linker());
    REQUIRE_MESSAGE(i.ok(), (i.ok() ? "" : i.error().to_string()));
    inst = *i;
  }
  Outcome run(const char* name, std::vector<uint32_t> args) {
    Func* f = inst->func(name);
    REQUIRE(f != nullptr);
    std::vector<Value> vals;
    for (uint32_t a : args) vals.push_back(Value::from_i32(a));
    CallResult r = store.call(f, vals);
    if (tier == Tier::kJit) CHECK(static_cast<FuncImpl*>(f)->native != nullptr);
    if (!r.ok()) return {std::nullopt, r.trap->kind};
    return {r.values.empty() ? std::nullopt : std::optional<uint32_t>(r.values[0].i32), std::nullopt};
  }
};

struct Step {
  const char* func;
  std::vector<uint32_t> args;
  Outcome expected;
};

Outcome V(uint32_t v) { return {v, std::nullopt}; }
Outcome T(TrapKind k) { return {std::nullopt, k}; }
const Outcome kNone{};
constexpr uint32_t kFail = 0xffffffffu;  // table.grow's -1

}  // namespace

TEST_CASE("tables: a large sparse table agrees on both tiers") {
  const TrapKind kOob = TrapKind::kTableOutOfBounds;
  const std::vector<Step> steps = {
      {"size", {}, V(5'000'000)},
      {"call", {4'000'000}, V(1)},
      {"call", {3'999'999}, T(TrapKind::kUninitializedElement)},
      {"call", {5'000'000}, T(TrapKind::kUndefinedElement)},
      {"call", {0xffffffffu}, T(TrapKind::kUndefinedElement)},
      {"is_null", {0}, V(1)},
      {"is_null", {4'000'000}, V(0)},
      {"is_null", {5'000'000}, T(kOob)},
      // table.init at the very end, then one past it.
      {"init", {4'999'997, 0, 3}, kNone},
      {"call", {4'999'997}, V(1)},
      {"call", {4'999'998}, V(2)},
      {"call", {4'999'999}, V(3)},
      {"init", {4'999'998, 0, 3}, T(kOob)},
      // table.copy from the end to the start, and out of bounds.
      {"copy", {100, 4'999'997, 3}, kNone},
      {"call", {100}, V(1)},
      {"call", {102}, V(3)},
      {"copy", {4'999'999, 100, 2}, T(kOob)},
      // table.fill in the middle.
      {"fill", {2'000'000, 4'999'999, 1000}, kNone},
      {"call", {2'000'000}, V(3)},
      {"call", {2'000'999}, V(3)},
      {"call", {2'001'000}, T(TrapKind::kUninitializedElement)},
      {"fill", {4'999'990, 4'999'999, 11}, T(kOob)},
      // table.set, null over a function.
      {"set", {4'999'999, 0}, kNone},
      {"is_null", {4'999'999}, V(1)},
      {"set", {5'000'000, 0}, T(kOob)},
      // table.grow: past the default limit of 10,000,000 it fails.
      {"grow", {5'000'001}, V(kFail)},
      {"size", {}, V(5'000'000)},
      {"grow_with", {4'000'000, 10}, V(5'000'000)},
      {"call", {5'000'009}, V(1)},
      {"call", {5'000'010}, T(TrapKind::kUndefinedElement)},
      {"grow", {4'999'990}, V(5'000'010)},
      {"size", {}, V(10'000'000)},
      {"call", {9'999'999}, T(TrapKind::kUninitializedElement)},
      {"is_null", {9'999'999}, V(1)},
      {"grow", {1}, V(kFail)},
      {"grow", {0}, V(10'000'000)},
      {"copy", {9'999'000, 4'999'997, 2}, kNone},
      {"call", {9'999'001}, V(2)},
      {"call", {4'000'000}, V(1)},
  };
  std::vector<std::vector<Outcome>> per_tier;
  for (Tier t : kTableTiers) {
    CAPTURE(static_cast<int>(t));
    uint64_t before = test::rss_bytes();
    TableFixture f(t);
    std::vector<Outcome>& got = per_tier.emplace_back();
    for (const Step& s : steps) {
      CAPTURE(s.func);
      CAPTURE(s.args.empty() ? 0u : s.args[0]);
      got.push_back(f.run(s.func, s.args));
      CHECK_MESSAGE(got.back() == s.expected, to_string(got.back()) << " instead of " << to_string(s.expected));
    }
    // The table reached ten million elements, 80 MB if stored densely.
    uint64_t grown = test::rss_bytes() - before;
    MESSAGE("tier " << static_cast<int>(t) << ": RSS grew by " << grown / 1024 << " KiB");
    CHECK(grown < (16u << 20));
  }
  CHECK(per_tier[0] == per_tier[1]);
}

TEST_CASE("tables: table.grow past a configured limit returns -1 on both tiers") {
  for (Tier t : kTableTiers) {
    CAPTURE(static_cast<int>(t));
    TableFixture f(t, 6'000'000);
    CHECK(f.run("grow", {1'000'001}) == V(kFail));
    CHECK(f.run("grow_with", {4'000'000, 1'000'001}) == V(kFail));
    CHECK(f.run("size", {}) == V(5'000'000));
    CHECK(f.run("grow", {1'000'000}) == V(5'000'000));
    CHECK(f.run("grow", {1}) == V(kFail));
    CHECK(f.run("size", {}) == V(6'000'000));
    CHECK(f.run("call", {5'999'999}) == T(TrapKind::kUninitializedElement));
    CHECK(f.run("call", {6'000'000}) == T(TrapKind::kUndefinedElement));
  }
}

TEST_CASE("tables: a module whose table exceeds the limit does not instantiate") {
  for (Tier t : kTableTiers) {
    CAPTURE(static_cast<int>(t));
    Engine engine(EngineConfig{.tier = t, .max_table_elements = 4'999'999});
    Store store(engine);
    auto r = store.instantiate(test::load_wat("tables", "WPVM_JIT_TEST_DIR"), Linker());
    REQUIRE(!r.ok());
    CHECK(r.error().kind == ErrorKind::kResource);
    CHECK(r.error().message.find("table 0 (export \"t\") of 5000000 elements exceeds the limit of 4999999") == 0);
  }
}

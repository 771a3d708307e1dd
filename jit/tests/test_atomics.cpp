// The threads proposal's atomics on both tiers, with and without guard pages:
// every instruction at every width against a model of its semantics (result,
// the bytes written, the neighbours untouched, operands wider than the
// access), misaligned and out-of-bounds traps (bounds first) each followed by
// a working call, offsets, growth (also by another thread during a call), and
// a multi-threaded stress test whose exact totals need the lock prefix.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "runtime/runtime_impl.h"
#include "runtime/wait_queue.h"
#include "wpvm/jit.h"
#include "wpvm/runtime.h"
#include "wpvm/share.h"
#include "test_wasm_file.h"

namespace {

using namespace wpvm;

std::shared_ptr<const Module> load_atomics() { return test::load_wat("atomics", "WPVM_JIT_TEST_DIR"); }

// A store with an instance of atomics.wasm over `mem` (its own if null).
struct View {
  Store store;
  Memory* mem = nullptr;
  Instance* inst = nullptr;
  Tier tier;
  View(const Engine& e, Tier t, std::shared_ptr<const Module> m, Memory* shared_with = nullptr)
      : store(e), tier(t) {
    mem = shared_with ? *create_memory_alias(store, *shared_with, shared_with->type())
                      : *store.create_memory({Limits{1, 2, true}});
    Linker l;
    l.define("env", "mem", mem);
    auto r = store.instantiate(std::move(m), l);
    REQUIRE(r.ok());
    inst = *r;
  }
  CallResult call(const std::string& name, std::vector<Value> args) {
    Func* f = inst->func(name);
    REQUIRE_MESSAGE(f != nullptr, name);
    CallResult r = store.call(f, args);
    if (tier == Tier::kJit) CHECK(static_cast<FuncImpl*>(f)->native != nullptr);
    return r;
  }
};

enum class Kind { kLoad, kStore, kRmw, kCmpxchg };
struct Op {
  std::string name;
  bool is64;
  uint32_t size;  // bytes accessed
  Kind kind;
  std::string rmw;  // add sub and or xor xchg
};

// The same list the module exports: t.atomic.{load,store,rmw}[N][.op][_u].
std::vector<Op> all_ops() {
  std::vector<Op> ops;
  for (bool is64 : {false, true}) {
    std::string t = is64 ? "i64" : "i32";
    std::vector<uint32_t> widths = {is64 ? 8u : 4u, 1, 2};
    if (is64) widths.push_back(4);
    auto n = [&](uint32_t w) { return w == (is64 ? 8u : 4u) ? std::string() : std::to_string(8 * w); };
    for (uint32_t w : widths) ops.push_back({t + ".atomic.load" + n(w) + (n(w).empty() ? "" : "_u"), is64, w, Kind::kLoad, ""});
    for (uint32_t w : widths) ops.push_back({t + ".atomic.store" + n(w), is64, w, Kind::kStore, ""});
    for (const char* op : {"add", "sub", "and", "or", "xor", "xchg", "cmpxchg"})
      for (uint32_t w : widths) {
        std::string name = t + ".atomic.rmw" + n(w) + "." + op + (n(w).empty() ? "" : "_u");
        bool cx = std::string(op) == "cmpxchg";
        ops.push_back({name, is64, w, cx ? Kind::kCmpxchg : Kind::kRmw, cx ? "" : op});
      }
  }
  return ops;
}

uint64_t mask_of(uint32_t size) { return size == 8 ? ~0ull : (1ull << (8 * size)) - 1; }

uint64_t rmw_model(const std::string& op, uint64_t old, uint64_t v) {
  if (op == "add") return old + v;
  if (op == "sub") return old - v;
  if (op == "and") return old & v;
  if (op == "or") return old | v;
  if (op == "xor") return old ^ v;
  return v;  // xchg
}

Value arg(bool is64, uint64_t v) { return is64 ? Value::from_i64(v) : Value::from_i32(static_cast<uint32_t>(v)); }
uint64_t result(bool is64, const CallResult& r) {
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.trap->to_string()));
  REQUIRE(r.values.size() == 1);
  return is64 ? r.values[0].i64 : r.values[0].i32;
}
TrapKind trap(const CallResult& r) {
  REQUIRE(!r.ok());
  return r.trap->kind;
}

constexpr Tier kTiers[] = {Tier::kInterp, Tier::kJit};

// Both tiers, with guard pages and with explicit bounds checks.
struct Config {
  Tier tier;
  bool explicit_bounds;
  EngineConfig engine() const {
    return EngineConfig{.tier = tier, .explicit_bounds_checks = explicit_bounds};
  }
};
constexpr Config kConfigs[] = {
    {Tier::kInterp, false}, {Tier::kJit, false}, {Tier::kInterp, true}, {Tier::kJit, true}};
constexpr uint32_t kAt = 16;  // aligned for every width
constexpr uint64_t kValue = 0xf0e1d2c3b4a59687ull;  // wider than every narrow width

void fill(uint8_t* p) {
  for (uint32_t i = 0; i < 64; ++i) p[i] = static_cast<uint8_t>(0x80 + 7 * i);
}

bool has_drop_form(const Op& op) { return op.rmw == "and" || op.rmw == "or" || op.rmw == "xor"; }

// One instruction: result and memory against the model, then its traps.
// `dropped`: its NAME.drop form, which checks memory only.
void check_op(View& v, const Op& op, bool dropped = false) {
  CAPTURE(op.name);
  CAPTURE(dropped);
  const std::string name = op.name + (dropped ? ".drop" : "");
  uint8_t* mem = v.mem->data();
  uint64_t type_mask = op.is64 ? ~0ull : 0xffffffffull;
  uint64_t value = kValue & type_mask;
  auto args = [&](uint32_t addr) {
    std::vector<Value> a{Value::from_i32(addr)};
    if (op.kind == Kind::kCmpxchg) a.push_back(arg(op.is64, 0));  // expected, set below
    if (op.kind != Kind::kLoad) a.push_back(arg(op.is64, value));
    return a;
  };
  // expected values for cmpxchg: equal in the low `size` bytes (but with
  // other bits set above the width when narrow), then different.
  std::vector<int> rounds = op.kind == Kind::kCmpxchg ? std::vector<int>{0, 1} : std::vector<int>{0};
  for (int round : rounds) {
    fill(mem);
    uint8_t want[64];
    std::memcpy(want, mem, 64);
    uint64_t old = 0;
    std::memcpy(&old, mem + kAt, op.size);
    std::vector<Value> a = args(kAt);
    uint64_t expected = 0;
    if (op.kind == Kind::kCmpxchg) {
      expected = round == 0 ? (old | (~mask_of(op.size) & type_mask & 0x0101010101010100ull)) : old ^ 1;
      a[1] = arg(op.is64, expected);
    }
    CallResult r = v.call(name, a);
    uint64_t written = old;
    if (op.kind == Kind::kStore) written = value;
    if (op.kind == Kind::kRmw) written = rmw_model(op.rmw, old, value);
    if (op.kind == Kind::kCmpxchg && round == 0) written = value;
    written &= mask_of(op.size);
    std::memcpy(want + kAt, &written, op.size);
    if (op.kind == Kind::kStore || dropped) {
      REQUIRE(r.ok());
      CHECK(r.values.empty());
    } else {
      CHECK(result(op.is64, r) == old);  // zero-extended
    }
    CHECK(std::memcmp(mem, want, 64) == 0);
  }
  // Misaligned: traps, writes nothing, and the next call works.
  fill(mem);
  uint8_t before[64];
  std::memcpy(before, mem, 64);
  if (op.size > 1) {
    CHECK(trap(v.call(name, args(kAt + 1))) == TrapKind::kUnalignedAtomic);
    CHECK(trap(v.call(name, args(kAt + op.size / 2))) == TrapKind::kUnalignedAtomic);
    CHECK(std::memcmp(mem, before, 64) == 0);
  }
  // Out of bounds by the last byte: bounds come before alignment, so this
  // traps out of bounds although it is misaligned too; so does the first
  // aligned address past the end.
  uint32_t end = static_cast<uint32_t>(v.mem->size_bytes());
  CHECK(trap(v.call(name, args(end - op.size + 1))) == TrapKind::kMemoryOutOfBounds);
  CHECK(trap(v.call(name, args(end))) == TrapKind::kMemoryOutOfBounds);
  CHECK(trap(v.call(name, args(0xffffffffu))) == TrapKind::kMemoryOutOfBounds);
  CHECK(v.call(name, args(end - op.size)).ok());  // the last slot
  CHECK(v.call(name, args(kAt)).ok());
}

}  // namespace

TEST_CASE("atomics: every instruction and width, its traps, on both tiers") {
  auto m = load_atomics();
  std::vector<Op> ops = all_ops();
  REQUIRE(ops.size() == 63);
  for (const Config& c : kConfigs) {
    INFO("tier ", static_cast<int>(c.tier), ", explicit bounds ", c.explicit_bounds);
    Engine engine(c.engine());
    View v(engine, c.tier, m);
    for (const Op& op : ops) {
      check_op(v, op);
      if (has_drop_form(op)) check_op(v, op, true);
    }
  }
}

TEST_CASE("atomics: offsets, constant operands, growth") {
  auto m = load_atomics();
  for (const Config& c : kConfigs) {
    INFO("tier ", static_cast<int>(c.tier), ", explicit bounds ", c.explicit_bounds);
    Engine engine(c.engine());
    View v(engine, c.tier, m);
    uint8_t* mem = v.mem->data();
    // Misaligned only through the offset.
    CHECK(trap(v.call("add_off1", {Value::from_i32(0), Value::from_i32(1)})) == TrapKind::kUnalignedAtomic);
    CHECK(result(false, v.call("add_off1", {Value::from_i32(3), Value::from_i32(9)})) == 0);
    CHECK(mem[4] == 9);
    CHECK(result(true, v.call("add_off8", {Value::from_i32(8), Value::from_i64(1ull << 40)})) == 0);
    CHECK(result(true, v.call("i64.atomic.load", {Value::from_i32(16)})) == 1ull << 40);
    CHECK(trap(v.call("add_off8", {Value::from_i32(4), Value::from_i64(1)})) == TrapKind::kUnalignedAtomic);
    // Offsets near 4 GiB: out of bounds, misaligned or not (bounds first).
    for (uint32_t a : {0u, 1u, 8u}) {
      CHECK(trap(v.call("cmpxchg_off_far", {Value::from_i32(a), Value::from_i32(0), Value::from_i32(1)})) ==
            TrapKind::kMemoryOutOfBounds);
      CHECK(trap(v.call("or_off_far", {Value::from_i32(a), Value::from_i64(1)})) == TrapKind::kMemoryOutOfBounds);
    }
    // Address forms and a plain load as operands.
    uint64_t first = 0x1122334455667788ull, old = 0x0102030405060708ull;
    std::memcpy(mem + 256, &first, 8);
    std::memcpy(mem + 256 + 8 * 3 + 8, &old, 8);
    std::memcpy(mem + 256 + 4 * 3, "\xaa\xbb\xcc\xdd", 4);
    CHECK(result(false, v.call("indexed", {Value::from_i32(256), Value::from_i32(3)})) == 0xddccbbaau);
    uint64_t sum = 0;
    uint32_t swapped = 0;
    std::memcpy(&sum, mem + 256 + 8 * 3 + 8, 8);
    std::memcpy(&swapped, mem + 256 + 4 * 3, 4);
    CHECK(sum == first + old);
    CHECK(swapped == 0x05060708u);
    CHECK(trap(v.call("indexed", {Value::from_i32(257), Value::from_i32(0)})) == TrapKind::kUnalignedAtomic);
    // add 5, store16 0x1234 above it, xor 0xff, cmpxchg8 0xfa -> 0x11, load.
    CHECK(result(false, v.call("const_ops", {})) == 0xfa + 0x12340011u);
    // A grown memory: the new page is in bounds, its last byte the new limit.
    REQUIRE(v.mem->grow(1) == 1u);
    CHECK(result(false, v.call("i32.atomic.rmw.add", {Value::from_i32(65536), Value::from_i32(3)})) == 0);
    CHECK(result(false, v.call("i32.atomic.load", {Value::from_i32(65536)})) == 3);
    CHECK(trap(v.call("i32.atomic.load", {Value::from_i32(2 * 65536 - 3)})) == TrapKind::kMemoryOutOfBounds);
    CHECK(trap(v.call("i32.atomic.load", {Value::from_i32(2 * 65536 - 2)})) == TrapKind::kMemoryOutOfBounds);
    CHECK(result(false, v.call("i32.atomic.load", {Value::from_i32(2 * 65536 - 4)})) == 0);
  }
}

TEST_CASE("atomics: a thread inside its call sees another thread's memory.grow") {
  auto m = load_atomics();
  for (const Config& c : kConfigs) {
    INFO("tier ", static_cast<int>(c.tier), ", explicit bounds ", c.explicit_bounds);
    Engine engine(c.engine());
    View owner(engine, c.tier, m), reader(engine, c.tier, m, owner.mem);
    CallResult r;
    std::thread th([&] { r = reader.call("wait_then_add", {Value::from_i32(65536)}); });
    while (wait_queue::waiters(owner.mem->data()) != 1) std::this_thread::yield();
    REQUIRE(owner.mem->grow(1) == 1u);
    CHECK(result(false, owner.call("notify", {Value::from_i32(0), Value::from_i32(1)})) == 1);
    th.join();
    CHECK(result(false, r) == 0);
    CHECK(owner.mem->data()[65536] == 1);
  }
}

TEST_CASE("atomics: threads adding through lock xadd and cmpxchg loops reach exact totals") {
  auto m = load_atomics();
  constexpr int kThreads = 4;
  constexpr uint32_t kIters = 1000000;
  for (Tier t : kTiers) {
    CAPTURE(static_cast<int>(t));
    Engine engine(EngineConfig{.tier = t});
    View owner(engine, t, m);
    uint8_t* mem = owner.mem->data();
    std::vector<std::thread> ts;
    std::vector<CallResult> results(4 * kThreads);
    std::atomic<int> ready{0};
    for (int i = 0; i < kThreads; ++i)
      ts.emplace_back([&, i] {
        View v(engine, t, m, owner.mem);
        // Compiled (first call) and started together, so that the loops overlap.
        v.call("count_add", {Value::from_i32(32), Value::from_i32(1)});
        ++ready;
        while (ready.load() < kThreads) std::this_thread::yield();
        auto n = Value::from_i32(kIters);
        results[4 * i + 0] = v.store.call(v.inst->func("count_add"), std::vector<Value>{Value::from_i32(0), n});
        results[4 * i + 1] = v.store.call(v.inst->func("count_add64"), std::vector<Value>{Value::from_i32(8), n});
        results[4 * i + 2] = v.store.call(v.inst->func("count_cas"), std::vector<Value>{Value::from_i32(16), n});
        results[4 * i + 3] = v.store.call(v.inst->func("toggle_bit"),
                                          std::vector<Value>{Value::from_i32(24), Value::from_i32(i), n});
      });
    for (auto& th : ts) th.join();
    for (const CallResult& r : results) CHECK(r.ok());
    uint32_t add = 0, cas = 0, bits = 0;
    uint64_t add64 = 0;
    std::memcpy(&add, mem + 0, 4);
    std::memcpy(&add64, mem + 8, 8);
    std::memcpy(&cas, mem + 16, 4);
    std::memcpy(&bits, mem + 24, 4);
    CHECK(add == kThreads * kIters);
    CHECK(add64 == uint64_t{kThreads} * kIters);
    CHECK(cas == kThreads * kIters);
    CHECK(bits == 0);
  }
}

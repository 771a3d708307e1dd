// Unit tests of the threads runtime: the wait queue (FIFO wake-up, counts,
// timeouts, not-equal), wait/notify and atomics through Wasm on one shared
// memory used by several stores on several threads, and shared-memory growth.
// Eight stores on eight threads run one module's shared interpreter code.
// No test depends on timing: threads are sequenced through the queue's
// waiter count, and timeouts are only checked for their result.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "interp/code.h"
#include "shared_code_threads.h"
#include "runtime/wait_queue.h"
#include "wpvm/runtime.h"
#include "wpvm/share.h"
#include "test_wasm_file.h"

namespace {

using namespace wpvm;
using wait_queue::WaitResult;

void until_waiters(const void* addr, uint32_t n) {
  while (wait_queue::waiters(addr) != n) std::this_thread::yield();
}

std::shared_ptr<const Module> load_wait_notify() {
  const char* path = std::getenv("WPVM_WAIT_NOTIFY_WASM");
  REQUIRE(path != nullptr);
  return test::load_wasm_file(path);
}

// One thread's view: its own store and an instance over `mem` (of any store).
struct View {
  Store store;
  Instance* inst = nullptr;
  View(const Engine& e, std::shared_ptr<const Module> m, Memory& mem, bool alias) : store(e) {
    Linker l;
    Memory* mine = alias ? *create_memory_alias(store, mem, mem.type()) : &mem;
    l.define("env", "mem", mine);
    auto r = store.instantiate(std::move(m), l);
    REQUIRE(r.ok());
    inst = *r;
  }
  CallResult call(const char* name, std::vector<Value> args) { return store.call(inst->func(name), args); }
};

uint32_t i32_of(const CallResult& r) {
  REQUIRE(r.ok());
  return r.values.at(0).i32;
}

}  // namespace

TEST_CASE("wait queue: not-equal and zero timeout return at once") {
  alignas(8) uint64_t cell = 5;
  CHECK(wait_queue::wait(&cell, 4, 8, -1) == WaitResult::kNotEqual);
  CHECK(wait_queue::wait(&cell, 5, 8, 0) == WaitResult::kTimedOut);
  CHECK(wait_queue::wait(&cell, 5, 8, 1000) == WaitResult::kTimedOut);  // 1 us, nobody notifies
  CHECK(wait_queue::waiters(&cell) == 0);
  CHECK(wait_queue::notify(&cell, 10) == 0);
}

TEST_CASE("wait queue: notify wakes in arrival order and counts") {
  alignas(4) uint32_t cell = 0;
  std::mutex mu;
  std::vector<int> woken;
  std::vector<std::thread> ts;
  for (int i = 0; i < 3; ++i) {
    ts.emplace_back([&, i] {
      CHECK(wait_queue::wait(&cell, 0, 4, -1) == WaitResult::kOk);
      std::lock_guard l(mu);
      woken.push_back(i);
    });
    until_waiters(&cell, static_cast<uint32_t>(i + 1));  // i is queued before i + 1 starts
  }
  for (int k = 0; k < 3; ++k) {
    CHECK(wait_queue::notify(&cell, 1) == 1);
    for (;;) {  // the next notify only after this waiter recorded itself
      std::lock_guard l(mu);
      if (woken.size() == static_cast<size_t>(k + 1)) break;
    }
  }
  for (auto& t : ts) t.join();
  CHECK(woken == std::vector<int>{0, 1, 2});
}

TEST_CASE("wait queue: the largest timeout waits until notified") {
  alignas(4) uint32_t cell = 0;
  WaitResult r = WaitResult::kNotEqual;
  std::thread t([&] { r = wait_queue::wait(&cell, 0, 4, INT64_MAX); });
  until_waiters(&cell, 1);
  CHECK(wait_queue::notify(&cell, 1) == 1);
  t.join();
  CHECK(r == WaitResult::kOk);
}

TEST_CASE("wait queue: notify wakes only waiters on its address, at most count") {
  alignas(8) uint32_t cells[2] = {0, 0};
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; ++i) ts.emplace_back([&, i] { wait_queue::wait(&cells[i % 2], 0, 4, -1); });
  until_waiters(&cells[0], 2);
  until_waiters(&cells[1], 2);
  CHECK(wait_queue::notify(&cells[0], 1) == 1);
  CHECK(wait_queue::notify(&cells[0], 5) == 1);
  CHECK(wait_queue::waiters(&cells[1]) == 2);
  CHECK(wait_queue::notify(&cells[1], 0) == 0);
  CHECK(wait_queue::notify(&cells[1], 0xffffffffu) == 2);
  for (auto& t : ts) t.join();
}

TEST_CASE("threads: wait in one store, notify from another store's alias") {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store owner(engine);
  Memory* mem = *owner.create_memory({Limits{1, 4, true}});
  auto m = load_wait_notify();
  View waiter(engine, m, *mem, false), notifier(engine, m, *mem, true);
  uint32_t result = 99;
  std::thread t([&] { result = i32_of(waiter.call("wait32", {Value::from_i32(64), Value::from_i32(0), Value::from_i64(~0ull)})); });
  until_waiters(mem->data() + 64, 1);
  CHECK(i32_of(notifier.call("notify", {Value::from_i32(64), Value::from_i32(2)})) == 1);
  t.join();
  CHECK(result == 0);
  // Values that differ return "not-equal"; an elapsed timeout "timed-out".
  CHECK(i32_of(notifier.call("wait32", {Value::from_i32(64), Value::from_i32(1), Value::from_i64(0)})) == 1);
  CHECK(i32_of(notifier.call("wait64", {Value::from_i32(64), Value::from_i64(0), Value::from_i64(1000)})) == 2);
}

TEST_CASE("threads: atomics from several threads and stores add up exactly") {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store owner(engine);
  Memory* mem = *owner.create_memory({Limits{1, 4, true}});
  auto m = load_wait_notify();
  constexpr int kThreads = 4, kAdds = 20000;
  std::vector<std::thread> ts;
  for (int i = 0; i < kThreads; ++i)
    ts.emplace_back([&] {
      View v(engine, m, *mem, true);
      for (int k = 0; k < kAdds; ++k) v.call("add", {Value::from_i32(8), Value::from_i32(1)});
    });
  for (auto& t : ts) t.join();
  uint32_t total;
  std::memcpy(&total, mem->data() + 8, 4);
  CHECK(total == kThreads * kAdds);
}

TEST_CASE("threads: traps of wait and notify") {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store owner(engine);
  Memory* mem = *owner.create_memory({Limits{1, 4, true}});
  View v(engine, load_wait_notify(), *mem, false);
  auto trap = [&](const char* f, std::vector<Value> a) {
    CallResult r = v.call(f, std::move(a));
    REQUIRE(!r.ok());
    return r.trap->kind;
  };
  CHECK(trap("wait32", {Value::from_i32(2), Value::from_i32(0), Value::from_i64(0)}) == TrapKind::kUnalignedAtomic);
  CHECK(trap("wait64", {Value::from_i32(4), Value::from_i64(0), Value::from_i64(0)}) == TrapKind::kUnalignedAtomic);
  CHECK(trap("notify", {Value::from_i32(65536), Value::from_i32(0)}) == TrapKind::kMemoryOutOfBounds);
  CHECK(trap("add", {Value::from_i32(1), Value::from_i32(0)}) == TrapKind::kUnalignedAtomic);
}

TEST_CASE("threads: a shared memory grows in place, seen by every alias") {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store owner(engine);
  Memory* mem = *owner.create_memory({Limits{1, 4, true}});
  uint8_t* base = mem->data();
  View v(engine, load_wait_notify(), *mem, true);
  CHECK(i32_of(v.call("grow", {Value::from_i32(2)})) == 1);
  CHECK(mem->data() == base);
  CHECK(mem->pages() == 3);
  CHECK(i32_of(v.call("grow", {Value::from_i32(2)})) == 0xffffffffu);  // past the maximum
}

TEST_CASE("threads: a running thread sees another thread's memory.grow") {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store owner(engine);
  Memory* mem = *owner.create_memory({Limits{1, 4, true}});
  auto m = load_wait_notify();
  View reader(engine, m, *mem, true), grower(engine, m, *mem, true);
  CallResult r;
  std::thread t([&] { r = reader.call("wait_then_load", {Value::from_i32(65536)}); });
  until_waiters(mem->data(), 1);  // the reader is inside its call, memory size cached
  CHECK(i32_of(grower.call("grow", {Value::from_i32(1)})) == 1);
  mem->data()[65536] = 7;
  CHECK(i32_of(grower.call("notify", {Value::from_i32(0), Value::from_i32(1)})) == 1);
  t.join();
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.trap->to_string()));
  CHECK(r.values.at(0).i32 == 7);
  CHECK(r.values.at(1).i32 == 2);
}

TEST_CASE("threads: eight stores on eight threads share their module's interpreter code") {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  std::shared_ptr<const Module> m = test::load_wat("shared_code");
  constexpr uint32_t kDefined = 6;  // shared_code.wat's defined functions
  test::run_shared_code_threads(engine, m, 8, 200, [](const FuncImpl& f) -> const void* { return f.code; });
  CHECK(interp::functions_built(*m) == kDefined);
}

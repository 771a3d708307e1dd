// The check both tiers run on shared_code.wat: one module instantiated in a
// store of its own on each of several threads, all making their first calls
// at once, each instance on its own global, memory and table; what each
// thread's instance runs for "fib" is reported so the caller can check that
// every instance runs the module's one copy of code.
#pragma once
#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "runtime/runtime_impl.h"
#include "wpvm/runtime.h"

namespace wpvm::test {

struct SharedCodeSeen {
  bool ok = true;
  std::string failure;
  const void* fib_code = nullptr;  // what `code_of` gave for "fib" after the calls
};

inline std::vector<SharedCodeSeen> run_shared_code_threads(const Engine& engine, const std::shared_ptr<const Module>& m,
                                                           int threads, int rounds,
                                                           const std::function<const void*(const FuncImpl&)>& code_of) {
  std::vector<SharedCodeSeen> seen(threads);
  std::atomic<int> ready{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&, t] {
      SharedCodeSeen& out = seen[t];
      Store store(engine);
      auto inst = store.instantiate(m, Linker{});
      if (!inst) {
        out = {false, inst.error().to_string(), nullptr};
        return;
      }
      auto expect = [&](const char* name, std::vector<Value> args, uint32_t want) {
        CallResult r = store.call((*inst)->func(name), args);
        if (!r.ok() || r.values.at(0).i32 != want) {
          out.ok = false;
          out.failure = std::string(name) + (r.ok() ? " gave " + std::to_string(r.values.at(0).i32)
                                                     : " trapped: " + r.trap->to_string());
        }
      };
      // Every thread makes its first calls at once: first compiles race.
      ready.fetch_add(1);
      while (ready.load() < threads) std::this_thread::yield();
      uint32_t by = static_cast<uint32_t>(t) + 1;
      for (int k = 0; k < rounds && out.ok; ++k) {
        uint32_t n = static_cast<uint32_t>(k) + 1;
        expect("bump", {Value::from_i32(by)}, n * by);        // this instance's global
        expect("accumulate", {Value::from_i32(by)}, n * by);  // this instance's memory
        expect("fib", {Value::from_i32(12)}, 144);
        expect("apply", {Value::from_i32(0), Value::from_i32(by)}, 2 * by);  // this instance's table
        expect("apply", {Value::from_i32(1), Value::from_i32(10)}, 55);
        expect("is_set", {Value::from_i32(2)}, 0);
      }
      out.fib_code = code_of(*static_cast<const FuncImpl*>((*inst)->func("fib")));
    });
  for (auto& t : ts) t.join();
  for (size_t t = 0; t < seen.size(); ++t) {
    CAPTURE(t);
    CHECK_MESSAGE(seen[t].ok, seen[t].failure);
    CHECK(seen[t].fib_code != nullptr);
    CHECK(seen[t].fib_code == seen[0].fib_code);
  }
  return seen;
}

}  // namespace wpvm::test

// What the wasi-threads host tests share: their modules, built by meson into
// WPVM_WASI_THREADS_DIR, and waiting for what other threads do.
#pragma once
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "wpvm/module.h"

namespace wpvm::test {

// WPVM_WASI_THREADS_DIR/NAME, loaded (a failed REQUIRE if it cannot be).
inline std::shared_ptr<const Module> threads_module(const std::string& name) {
  const char* dir = std::getenv("WPVM_WASI_THREADS_DIR");
  REQUIRE(dir != nullptr);
  std::ifstream in(std::string(dir) + "/" + name, std::ios::binary);
  REQUIRE(in.good());
  std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  auto m = load_module(bytes);
  REQUIRE(m.ok());
  return *m;
}

// Waits up to `limit` for `done`; whether it came.
template <class F>
bool wait_for(F done, std::chrono::milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace wpvm::test

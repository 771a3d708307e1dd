// Loads a test module that meson assembled from core/tests/wat/ into the
// directory named by WPVM_TEST_WASM_DIR; fails the current test otherwise.
#pragma once
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "wpvm/module.h"

namespace wpvm::test {

inline std::shared_ptr<const Module> load_wat(const char* name) {
  const char* dir = std::getenv("WPVM_TEST_WASM_DIR");
  REQUIRE(dir != nullptr);
  std::ifstream in(std::string(dir) + "/" + name + ".wasm", std::ios::binary);
  REQUIRE(in.good());
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto m = load_module(bytes);
  REQUIRE_MESSAGE(m.ok(), (m.ok() ? "" : m.error().to_string()));
  return *m;
}

}  // namespace wpvm::test

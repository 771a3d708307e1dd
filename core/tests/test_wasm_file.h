// Loads a test module that meson assembled (from a wat/ folder) into a
// build directory named by an environment variable: WPVM_TEST_WASM_DIR for
// core's tests; fails the current test otherwise. Shared by the test
// programs of core, its threads tests and the JIT.
#pragma once
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "wpvm/module_def.h"

namespace wpvm::test {

inline std::shared_ptr<const Module> load_wasm_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto m = load_module(bytes);
  REQUIRE_MESSAGE(m.ok(), (m.ok() ? "" : m.error().to_string()));
  return *m;
}

// DIR_ENV/NAME.wasm
inline std::shared_ptr<const Module> load_wat(const char* name, const char* dir_env = "WPVM_TEST_WASM_DIR") {
  const char* dir = std::getenv(dir_env);
  REQUIRE_MESSAGE(dir != nullptr, dir_env << " is not set");
  return load_wasm_file(std::string(dir) + "/" + name + ".wasm");
}

}  // namespace wpvm::test

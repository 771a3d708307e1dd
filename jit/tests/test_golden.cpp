// Golden listings: the machine code of a few representative functions,
// printed through asmjit's logger, pins the emitter's shape. Embedded
// addresses differ per run and are normalised to ADDR.
// WPVM_UPDATE_GOLDEN=1 rewrites the golden file instead of comparing.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>

#include "wpvm/jit.h"
#include "wpvm/runtime.h"

namespace {

using namespace wpvm;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The listing of module `name`.wasm against golden/`golden`; afterwards
// `smoke`(x, y) must still run and return `want`.
void check_golden(const std::string& name, const std::string& golden, const char* smoke, uint32_t x, uint32_t y,
                  uint32_t want) {
  const char* dir = std::getenv("WPVM_JIT_TEST_DIR");
  const char* golden_dir = std::getenv("WPVM_JIT_GOLDEN_DIR");
  REQUIRE(dir);
  REQUIRE(golden_dir);
  std::string bytes = read_file(std::string(dir) + "/" + name + ".wasm");
  auto m = load_module(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  REQUIRE(m.ok());
  auto text = jit::listing(**m);
  REQUIRE(text.ok());
  std::string got = std::regex_replace(*text, std::regex("0x[0-9A-Fa-f]{8,}|\\b[0-9]{9,}\\b"), "ADDR");
  std::string path = std::string(golden_dir) + "/" + golden;
  if (std::getenv("WPVM_UPDATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << got;
    return;
  }
  std::string want_text = read_file(path);
  CHECK(got == want_text);
  // The code the listing shows runs.
  Engine engine(EngineConfig{.tier = Tier::kJit});
  Store store(engine);
  auto inst = store.instantiate(*m, Linker{});
  REQUIRE(inst.ok());
  CallResult r = store.call((*inst)->func(smoke), std::vector<Value>{Value::from_i32(x), Value::from_i32(y)});
  REQUIRE(r.ok());
  CHECK(r.values[0].i32 == want);
}

}  // namespace

TEST_CASE("jit: golden listing of representative opcodes") { check_golden("golden", "golden.txt", "add", 3, 4, 7); }

// lock xadd, a lock cmpxchg loop, a single lock or, a narrow lock cmpxchg (shared memory).
TEST_CASE("jit: golden listing of atomics") { check_golden("golden_atomics", "atomics.txt", "rmw_add", 4, 3, 0); }

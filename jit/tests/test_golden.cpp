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

#include "runtime/runtime_impl.h"
#include "wpvm/jit.h"
#include "wpvm/runtime.h"

namespace {

using namespace wpvm;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("jit: golden listing of representative opcodes") {
  const char* dir = std::getenv("WPVM_JIT_TEST_DIR");
  const char* golden_dir = std::getenv("WPVM_JIT_GOLDEN_DIR");
  REQUIRE(dir);
  REQUIRE(golden_dir);
  std::string bytes = read_file(std::string(dir) + "/golden.wasm");
  auto m = load_module(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  REQUIRE(m.ok());
  Engine engine(EngineConfig{.tier = Tier::kJit});
  Store store(engine);
  auto inst = store.instantiate(*m, Linker{});
  REQUIRE(inst.ok());
  auto text = jit::listing(*static_cast<InstanceImpl*>(*inst));
  REQUIRE(text.ok());
  std::string got = std::regex_replace(*text, std::regex("0x[0-9A-Fa-f]{8,}|\\b[0-9]{9,}\\b"), "ADDR");
  std::string path = std::string(golden_dir) + "/golden.txt";
  if (std::getenv("WPVM_UPDATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << got;
    return;
  }
  std::string want = read_file(path);
  CHECK(got == want);
  // The listing replaced the code: it must still run.
  CallResult r = store.call((*inst)->func("add"), std::vector<Value>{Value::from_i32(3), Value::from_i32(4)});
  REQUIRE(r.ok());
  CHECK(r.values[0].i32 == 7);
}

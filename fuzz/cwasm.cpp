// Fuzz harness `cwasm`: the compiled-module reader (wpvm/serialize.h).
// The input is read as a .cwasm file, which must be refused or accepted
// without crashing. When it is a module binary that loads instead, it is
// compiled and written out, read back (the module's bytes must survive), and
// the written file, with one byte changed or cut short at a place the input
// picks, must be refused: nothing in a corrupted file may be accepted.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "wpvm/module.h"
#include "wpvm/runtime.h"
#include "wpvm/serialize.h"

namespace {

const wpvm::Engine& engine() {
  static const wpvm::Engine e{wpvm::EngineConfig{.tier = wpvm::Tier::kJit, .parallel_compile = false}};
  return e;
}

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "cwasm harness: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wpvm::Span<const uint8_t> input(data, size);
  (void)wpvm::is_compiled_module(input);
  (void)wpvm::deserialize_module(engine(), input);

  auto m = wpvm::load_module(input);
  if (!m.ok()) return 0;
  auto file = wpvm::serialize_module(engine(), **m);
  if (!file.ok()) return 0;  // kUsage: nothing compiled (no functions)
  std::vector<uint8_t>& bytes = *file;
  if (!wpvm::is_compiled_module(bytes)) fail("a written file is not recognised as one");
  auto back = wpvm::deserialize_module(engine(), bytes);
  if (!back.ok()) fail("a written file is refused");
  wpvm::Span<const uint8_t> again = wpvm::module_bytes(**back);
  if (again.size() != size || std::memcmp(again.data(), data, size) != 0) fail("the module's bytes changed");

  // One byte changed, at a place and to a value taken from the input.
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 16777619u;
  std::vector<uint8_t> bad = bytes;
  bad[h % bad.size()] ^= static_cast<uint8_t>(1u << ((h >> 24) % 8));
  if (wpvm::deserialize_module(engine(), bad).ok()) fail("a file with one bit flipped is accepted");
  bad = bytes;
  bad.resize((h >> 8) % bad.size());
  if (wpvm::deserialize_module(engine(), bad).ok()) fail("a truncated file is accepted");
  return 0;
}

// Fuzz harness `decode`: arbitrary bytes through the module decoder and the
// validator (load_module), then everything the public API reads back from a
// module that loaded. Must never crash, whatever the bytes.
#include <cstdint>
#include <cstdlib>

#include "wpvm/module.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto m = wpvm::load_module(wpvm::Span<const uint8_t>(data, size));
  if (!m.ok()) return 0;
  const wpvm::Module& module = **m;
  size_t n = 0;
  for (const auto& i : wpvm::module_imports(module)) n += i.module.size() + i.name.size();
  for (const auto& e : wpvm::module_exports(module)) n += e.name.size();
  if (auto names = wpvm::module_custom_section(module, "name")) n += names->size();
  (void)wpvm::module_start(module);
  // The module keeps the bytes it was loaded from.
  wpvm::Span<const uint8_t> kept = wpvm::module_bytes(module);
  if (kept.size() != size) std::abort();
  (void)n;
  return 0;
}

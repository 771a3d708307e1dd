// Lookup helpers of Module (wpvm/module.h): exports by name, function names
// from the "name" custom section.
#include <algorithm>

#include "wpvm/module.h"

namespace wpvm {

const Export* Module::find_export(std::string_view name) const {
  for (const Export& e : exports) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::string_view Module::func_name(uint32_t func_index) const {
  // The decoder keeps func_names sorted by index (the name section requires
  // increasing indices; out-of-order entries are dropped).
  auto it = std::lower_bound(func_names.begin(), func_names.end(), func_index,
                             [](const auto& entry, uint32_t i) { return entry.first < i; });
  if (it == func_names.end() || it->first != func_index) return {};
  return it->second;
}

}  // namespace wpvm

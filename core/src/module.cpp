// Lookup helpers of Module (wpvm/module.h): exports by name, function names
// and globals from the "name" custom section.
#include <algorithm>

#include "wpvm/module.h"

namespace wpvm {

const Export* Module::find_export(std::string_view name) const {
  for (const Export& e : exports) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

namespace {

// Name maps are sorted by index (the name section requires increasing
// indices; the decoder drops entries out of order).
std::string_view find_name(const std::vector<std::pair<uint32_t, std::string>>& names, uint32_t index) {
  auto it = std::lower_bound(names.begin(), names.end(), index,
                             [](const auto& entry, uint32_t i) { return entry.first < i; });
  if (it == names.end() || it->first != index) return {};
  return it->second;
}

}  // namespace

std::string_view Module::func_name(uint32_t func_index) const { return find_name(func_names, func_index); }
std::string_view Module::global_name(uint32_t global_index) const { return find_name(global_names, global_index); }

}  // namespace wpvm

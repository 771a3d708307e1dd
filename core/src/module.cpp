// Lookup helpers of Module (wpvm/module_def.h): exports by name, function
// names and globals from the "name" custom section; and what wpvm/module.h
// tells embedders: imports, exports and custom sections with their types.
#include <algorithm>

#include "wpvm/module_def.h"

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

namespace {

ExternType extern_type(const Module& m, ExternKind kind, uint32_t index) {
  ExternType t;
  t.kind = kind;
  switch (kind) {
    case ExternKind::kFunc: t.func = m.func_type(index); break;
    case ExternKind::kTable: t.table = m.tables[index]; break;
    case ExternKind::kMemory: t.memory = m.memories[index]; break;
    case ExternKind::kGlobal: t.global = m.global_types[index]; break;
  }
  return t;
}

}  // namespace

ExternType import_type(const Module& m, const Import& i) {
  ExternType t;
  t.kind = i.kind;
  switch (i.kind) {
    case ExternKind::kFunc: t.func = m.types[i.type_index]; break;
    case ExternKind::kTable: t.table = i.table; break;
    case ExternKind::kMemory: t.memory = i.memory; break;
    case ExternKind::kGlobal: t.global = i.global; break;
  }
  return t;
}

std::vector<ImportType> module_imports(const Module& m) {
  std::vector<ImportType> out;
  out.reserve(m.imports.size());
  for (const Import& i : m.imports) out.push_back({i.module, i.name, import_type(m, i)});
  return out;
}

std::vector<ExportType> module_exports(const Module& m) {
  std::vector<ExportType> out;
  out.reserve(m.exports.size());
  for (const Export& e : m.exports) out.push_back({e.name, extern_type(m, e.kind, e.index)});
  return out;
}

std::optional<Span<const uint8_t>> module_custom_section(const Module& m, std::string_view name) {
  for (const CustomSection& c : m.customs)
    if (c.name == name) return Span<const uint8_t>(m.bytes.data() + c.offset, c.size);
  return std::nullopt;
}

std::optional<uint32_t> module_start(const Module& m) { return m.start; }

Span<const uint8_t> module_bytes(const Module& m) { return m.bytes; }

}  // namespace wpvm

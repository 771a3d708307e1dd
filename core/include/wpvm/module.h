// Modules for embedders: load (decode and validate) a WebAssembly binary and
// ask what it imports and exports.
//
// A Module is opaque and immutable: the engine hands out only
// std::shared_ptr<const Module>, which any number of stores and threads may
// share; the code compiled from it is shared with it (compiled once, on first
// use) and freed with the last reference.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wpvm/result.h"
#include "wpvm/span.h"
#include "wpvm/types.h"

namespace wpvm {

class Module;  // defined by the engine

// The type of an import or export: `kind` says which of the others applies.
struct ExternType {
  ExternKind kind = ExternKind::kFunc;
  FuncType func;
  TableType table;
  MemoryType memory;
  GlobalType global;
};

struct ImportType {
  std::string module;
  std::string name;
  ExternType type;
};

struct ExportType {
  std::string name;
  ExternType type;
};

// Decodes and validates a module binary. Errors: kMalformed (decoding) or
// kInvalid (validation), with the byte offset they refer to.
Result<std::shared_ptr<const Module>> load_module(Span<const uint8_t> bytes);

// Its imports and exports, in the order the module declares them.
std::vector<ImportType> module_imports(const Module& module);
std::vector<ExportType> module_exports(const Module& module);

// The payload of its first custom section named `name`, if any (a view into
// the module, valid while the module lives).
std::optional<Span<const uint8_t>> module_custom_section(const Module& module, std::string_view name);

// The index of its start function in its function space, if it has one.
std::optional<uint32_t> module_start(const Module& module);

// The module's binary (valid while the module lives).
Span<const uint8_t> module_bytes(const Module& module);

}  // namespace wpvm

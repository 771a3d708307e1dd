// The one table of `wpvm` subcommands, and the helpers they share.
#include <cstdio>
#include <cstring>
#include <iostream>

#include "command.h"
#include "wpvm/serialize.h"

namespace wpvm::cli {
namespace {

// Adding a subcommand: a new cmd_NAME.cpp defining kNameCommand, one line here.
const Command* const kCommands[] = {&kRunCommand, &kCompileCommand, &kValidateCommand, &kAttachSpirvCommand,
                                    &kDevicesCommand, &kObjdumpCommand};

}  // namespace

std::span<const Command* const> commands() { return kCommands; }

const Command* find_command(std::string_view name) {
  for (const Command* c : kCommands)
    if (name == c->name) return c;
  return nullptr;
}

std::string describe_error(const Error& e) {
  if (e.offset == kNoOffset) return e.message;
  char buf[96];
  std::snprintf(buf, sizeof(buf), "byte offset %zu (0x%zx): ", e.offset, e.offset);
  return buf + e.message;
}

std::shared_ptr<const Module> load_module_file(const std::string& path, const Engine* engine) {
  if (is_compiled_module(file_head(path, 8))) {
    if (!engine) {
      std::cerr << "Error: " << path << " is a compiled module (.cwasm); this command reads .wasm modules\n";
      return nullptr;
    }
    auto module = deserialize_module_file(*engine, path);
    if (!module) {
      std::cerr << "Error: " << path << ": " << describe_error(module.error()) << "\n";
      return nullptr;
    }
    return *module;
  }
  auto bytes = read_file(path);
  if (!bytes) {
    std::cerr << "Error: " << bytes.error().message << "\n";
    return nullptr;
  }
  auto module = load_module(*bytes);
  if (!module) {
    std::cerr << "Error: " << describe_error(module.error()) << "\n";
    return nullptr;
  }
  return *module;
}

bool is_help_flag(const std::string& arg) { return arg == "-h" || arg == "--help"; }

}  // namespace wpvm::cli

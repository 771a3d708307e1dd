// The `wpvm` subcommand table: each subcommand (its name, help text and entry
// point) lives in its own cmd_*.cpp and is listed once in commands.cpp.
// main.cpp only dispatches.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "wpvm/module_def.h"
#include "wpvm/result.h"
#include "wpvm/runtime.h"

namespace wpvm::cli {

struct Command {
  const char* name;
  const char* summary;  // one line, for `wpvm --help`
  const char* usage;    // full text, for `wpvm help NAME` / `wpvm NAME --help`
  int (*run)(std::span<const std::string> args);  // args after the command name
};

std::span<const Command* const> commands();
const Command* find_command(std::string_view name);

// The subcommands, each defined at the end of its own cmd_*.cpp.
extern const Command kRunCommand;
extern const Command kValidateCommand;
extern const Command kAttachSpirvCommand;
extern const Command kDevicesCommand;
extern const Command kObjdumpCommand;
extern const Command kCompileCommand;

// `wpvm MODULE.wasm ...` is `wpvm run MODULE.wasm ...`.
int run_main(std::span<const std::string> args);

// Shared helpers.
// The whole file (a pipe or device: until its end); kIo with the reason if
// it cannot be read or is a directory (file_io.cpp).
Result<std::vector<uint8_t>> read_file(const std::string& path);
// The first n bytes of a regular file (fewer if it is shorter; none if it is
// not a readable regular file).
std::vector<uint8_t> file_head(const std::string& path, size_t n);
// "byte offset 26 (0x1a): message" (offset part left out when unknown).
std::string describe_error(const Error& e);
// Reads, decodes and validates a module, or with an engine also reads a
// compiled module (.cwasm, `wpvm compile`) for that engine; on failure prints
// "Error: ..." to stderr and returns nullptr.
std::shared_ptr<const Module> load_module_file(const std::string& path, const Engine* engine = nullptr);
bool is_help_flag(const std::string& arg);

inline constexpr int kExitUsage = 2;
inline constexpr int kExitTrap = 134;  // 128 + SIGABRT, what wasmtime reports for traps

}  // namespace wpvm::cli

// The `wpvm` subcommand table: each subcommand lives in its own cmd_*.cpp and
// is listed once in commands.cpp. main.cpp only dispatches.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "wpvm/result.h"

namespace wpvm::cli {

struct Command {
  const char* name;
  const char* summary;  // one line, for `wpvm --help`
  const char* usage;    // full text, for `wpvm help NAME` / `wpvm NAME --help`
  int (*run)(std::span<const std::string> args);  // args after the command name
};

std::span<const Command> commands();
const Command* find_command(std::string_view name);

// Subcommand entry points.
int run_main(std::span<const std::string> args);
int validate_main(std::span<const std::string> args);

// Shared helpers.
Result<std::vector<uint8_t>> read_file(const std::string& path);
// "byte offset 26 (0x1a): message" (offset part left out when unknown).
std::string describe_error(const Error& e);
bool is_help_flag(const std::string& arg);

inline constexpr int kExitUsage = 2;
inline constexpr int kExitTrap = 134;  // 128 + SIGABRT, what wasmtime reports for traps

}  // namespace wpvm::cli

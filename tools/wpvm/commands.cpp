// The one table of `wpvm` subcommands, and the helpers they share.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "command.h"

namespace wpvm::cli {
namespace {

const Command kCommands[] = {
    {"run", "Run a WebAssembly module (a WASI command, or one export with --invoke)",
     "usage: wpvm run [options] MODULE.wasm [ARGS...]\n"
     "\n"
     "Runs the module's `_start` export with WASI preview1, or calls one export.\n"
     "\n"
     "options:\n"
     "  --dir HOST[::GUEST]   preopen host directory HOST as GUEST (repeatable)\n"
     "  --env NAME=VALUE      add an environment variable (repeatable)\n"
     "  --tcplisten ADDR:PORT listen on an IPv4 TCP address and hand the socket\n"
     "                        to the guest, after the directories (repeatable)\n"
     "  --tier interp|jit     execution tier (default: interp)\n"
     "  --invoke NAME         call export NAME; ARGS are its parameters, parsed\n"
     "                        by the export's parameter types; results are\n"
     "                        printed one per line\n"
     "  -h, --help            show this text\n"
     "\n"
     "exit status: the guest's proc_exit code (0 when _start returns); 134\n"
     "after a trap; 1 for an invalid module or a failed instantiation.\n",
     run_main},
    {"validate", "Check that a module decodes and validates",
     "usage: wpvm validate MODULE.wasm\n"
     "\n"
     "Prints OK, or the first error with its byte offset (exit status 1).\n",
     validate_main},
};

}  // namespace

std::span<const Command> commands() { return kCommands; }

const Command* find_command(std::string_view name) {
  for (const Command& c : kCommands)
    if (name == c.name) return &c;
  return nullptr;
}

Result<std::vector<uint8_t>> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::kIo, kNoOffset, "cannot read " + path + ": " + std::strerror(errno));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return bytes;
}

std::string describe_error(const Error& e) {
  if (e.offset == kNoOffset) return e.message;
  char buf[96];
  std::snprintf(buf, sizeof(buf), "byte offset %zu (0x%zx): ", e.offset, e.offset);
  return buf + e.message;
}

bool is_help_flag(const std::string& arg) { return arg == "-h" || arg == "--help"; }

}  // namespace wpvm::cli

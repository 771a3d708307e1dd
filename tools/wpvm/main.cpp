// `wpvm` entry point: global flags and dispatch to the subcommand table.
#include <exception>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "command.h"

#ifndef WPVM_VERSION
#define WPVM_VERSION "unknown"
#endif

namespace wpvm::cli {
namespace {

void print_help(std::ostream& out) {
  out << "wpvm: a WebAssembly engine\n\nusage: wpvm [--help] [--version] COMMAND [ARGS...]\n"
         "       wpvm MODULE.wasm|MODULE.cwasm [ARGS...]   (same as `wpvm run`)\n\ncommands:\n";
  for (const Command* c : commands()) {
    std::string name = c->name;
    out << "  " << name << std::string(name.size() < 12 ? 12 - name.size() : 1, ' ') << c->summary
        << "\n";
  }
  out << "  help        Show help for a command\n\nRun `wpvm help COMMAND` for a command's options.\n";
}

int help_main(std::span<const std::string> args) {
  if (args.empty()) {
    print_help(std::cout);
    return 0;
  }
  const Command* c = find_command(args[0]);
  if (!c) {
    std::cerr << "Error: unknown command '" << args[0] << "'\n";
    return kExitUsage;
  }
  std::cout << c->usage;
  return 0;
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

int main_impl(std::vector<std::string> argv) {
  if (argv.empty()) {
    print_help(std::cerr);
    return kExitUsage;
  }
  const std::string& first = argv[0];
  std::span<const std::string> rest(argv.data() + 1, argv.size() - 1);
  if (is_help_flag(first)) return help_main({});
  if (first == "--version" || first == "-V") {
    std::cout << "wpvm " << WPVM_VERSION << "\n";
    return 0;
  }
  if (first == "help") return help_main(rest);
  if (const Command* c = find_command(first)) {
    if (!rest.empty() && is_help_flag(rest[0])) {
      std::cout << c->usage;
      return 0;
    }
    return c->run(rest);
  }
  if (ends_with(first, ".wasm") || ends_with(first, ".cwasm")) return run_main(argv);
  std::cerr << "Error: unknown command '" << first << "' (see `wpvm --help`)\n";
  return kExitUsage;
}

}  // namespace wpvm::cli

int main(int argc, char** argv) {
  // Errors are reported where they happen; this is the last line of defence,
  // so that no input ends the process by a signal (an uncaught exception
  // would abort).
  try {
    return wpvm::cli::main_impl(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::bad_alloc&) {
    std::cerr << "Error: out of memory\n";
  } catch (const std::exception& e) {
    std::cerr << "Error: " << e.what() << "\n";
  }
  return 1;
}

// `wpvm validate`: decode and validate a module, report the first error.
#include <iostream>

#include "command.h"
#include "wpvm/module_def.h"

namespace wpvm::cli {

namespace {

int validate_main(std::span<const std::string> args) {
  if (args.size() != 1) {
    std::cerr << kValidateCommand.usage;
    return kExitUsage;
  }
  auto module = load_module_file(args[0]);
  if (!module) return 1;
  std::cout << "OK\n";
  return 0;
}

}  // namespace

extern const Command kValidateCommand = {"validate", "Check that a module decodes and validates",
    "usage: wpvm validate MODULE.wasm\n"
    "\n"
    "Prints OK, or the first error with its byte offset (exit status 1).\n",
    validate_main};

}  // namespace wpvm::cli

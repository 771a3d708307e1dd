// `wpvm validate`: decode and validate a module, report the first error.
#include <iostream>

#include "command.h"
#include "wpvm/module.h"

namespace wpvm::cli {

int validate_main(std::span<const std::string> args) {
  if (args.size() != 1) {
    std::cerr << find_command("validate")->usage;
    return kExitUsage;
  }
  auto bytes = read_file(args[0]);
  if (!bytes) {
    std::cerr << "Error: " << bytes.error().message << "\n";
    return 1;
  }
  auto module = load_module(*bytes);
  if (!module) {
    std::cerr << "Error: " << describe_error(module.error()) << "\n";
    return 1;
  }
  std::cout << "OK\n";
  return 0;
}

}  // namespace wpvm::cli

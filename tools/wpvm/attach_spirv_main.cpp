// The build-time helper `wpvm-attach-spirv`: the attach-spirv subcommand on
// its own, for build steps configured before the `wpvm` executable exists.
#include <string>
#include <vector>

#include "command.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return wpvm::cli::kAttachSpirvCommand.run(args);
}

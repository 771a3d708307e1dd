// `wpvm devices`: what wasi-parallel's get_device returns for each hint on
// this machine, and the Vulkan devices seen (with Vulkan's own device type).
#include <iostream>

#include "command.h"
#include "wpvm/parallel.h"

namespace wpvm::cli {
namespace {

int devices_main(std::span<const std::string> args) {
  ParallelConfig config;
  for (const std::string& a : args) {
    if (a == "--verbose") {
      config.verbose = true;
      continue;
    }
    std::cerr << kDevicesCommand.usage;
    return kExitUsage;
  }
  auto parallel = Parallel::create(config);
  if (!parallel) {
    std::cerr << "Error: " << parallel.error().message << "\n";
    return 1;
  }
  for (const std::string& line : (*parallel)->describe_devices()) std::cout << line << "\n";
  return 0;
}

}  // namespace

extern const Command kDevicesCommand = {"devices", "List the wasi-parallel devices get_device can return",
    "usage: wpvm devices [--verbose]\n"
    "\n"
    "One line per get_device hint (SEQUENTIAL, CPU, DISCRETE_GPU,\n"
    "INTEGRATED_GPU): the device that hint gets, with its thread count (a GPU\n"
    "hint gets the CPU device when there is no Vulkan device). Then one line per\n"
    "Vulkan device: index, name, type as Vulkan reports it, API version.\n"
    "--verbose says why a GPU hint falls back to the CPU device.\n",
    devices_main};

}  // namespace wpvm::cli

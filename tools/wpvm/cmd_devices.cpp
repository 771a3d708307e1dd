// `wpvm devices`: what wasi-parallel's get_device returns for each hint on
// this machine, and the Vulkan devices seen (with Vulkan's own device type).
#include <iostream>

#include "command.h"
#include "wpvm/parallel.h"

namespace wpvm::cli {
namespace {

int devices_main(std::span<const std::string> args) {
  ParallelConfig config;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--verbose") {
      config.verbose = true;
      continue;
    }
    if (a == "--gpu" && i + 1 < args.size()) {
      config.gpu = args[++i];
      continue;
    }
    if (a.rfind("--gpu=", 0) == 0) {
      config.gpu = a.substr(6);
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
    "usage: wpvm devices [--verbose] [--gpu SELECTOR]\n"
    "\n"
    "One line per get_device hint (SEQUENTIAL, CPU, DISCRETE_GPU,\n"
    "INTEGRATED_GPU): the device that hint gets, with its thread count (a GPU\n"
    "hint gets the CPU device when there is no real GPU: a CPU implementation of\n"
    "Vulkan such as lavapipe serves only when selected). Then one line per\n"
    "Vulkan device: index, name, type as Vulkan reports it, API version, and\n"
    "whether it serves GPU hints.\n"
    "--gpu SELECTOR shows the choice of `wpvm run --gpu SELECTOR` (default auto).\n"
    "--verbose says why a GPU hint falls back to the CPU device.\n",
    devices_main};

}  // namespace wpvm::cli

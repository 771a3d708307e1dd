// The GPU factory of a build without the Vulkan backend (-Dvulkan=disabled):
// there is no GPU device, so GPU hints get the CPU device.
#include "device.h"

namespace wpvm::parallel {

namespace {
Error no_vulkan() {
  return make_error(ErrorKind::kUninstantiable, kNoOffset, "this build has no Vulkan backend");
}
}  // namespace

Result<int> choose_gpu(DeviceKind, const std::string&) { return no_vulkan(); }

Result<void> check_gpu_selector(const std::string& selector) {
  if (selector == "auto" || selector == "none") return {};
  return make_error(ErrorKind::kUsage, kNoOffset, "GPU selector \"" + selector + "\": this build has no Vulkan backend");
}

Result<std::unique_ptr<Device>> make_gpu_device(int, Device&, const ParallelConfig&) { return no_vulkan(); }

std::vector<std::string> describe_gpus(const std::string&) { return {}; }

}  // namespace wpvm::parallel

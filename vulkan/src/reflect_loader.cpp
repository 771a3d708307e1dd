// reflect_kernel(): opens the reflection module (reflect_module.h) on its
// first call and hands the SPIR-V to it; and the buffer-count check, which
// needs no module.
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "reflect_module.h"
#include "wpvm/vulkan/errors.h"
#include "wpvm/vulkan/kernel_info.h"

namespace wpvm::vulkan {
namespace {

std::string canonical(const char* path) {
  char resolved[PATH_MAX];
  return realpath(path, resolved) ? resolved : path;
}

// A program inside the build tree uses the module built with it; an
// installed program the installed one (never a build tree's).
std::string module_path() {
  const char* named = std::getenv(kReflectModuleEnvVar);
  if (named && *named) return named;
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  std::string exe = n > 0 ? std::string(self, static_cast<size_t>(n)) : std::string();
  std::string root = canonical(WPVM_BUILD_ROOT) + "/";
  if (exe.compare(0, root.size(), root) == 0) return WPVM_REFLECT_MODULE_BUILT;
  return WPVM_REFLECT_MODULE_INSTALLED;
}

struct Loaded {
  const ReflectModule* module = nullptr;
  std::string error;  // why there is none
};

Loaded load() {
  std::string path = module_path();
  auto unusable = [&](const std::string& why) {
    return Loaded{nullptr, "SPIR-V reflection is unavailable: cannot use " + path + " (" + why + ")"};
  };
  // Never closed: the module's code is called for the rest of the process.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    return unusable(why ? why : "dlopen failed");
  }
  auto entry = reinterpret_cast<ReflectModuleEntry>(dlsym(handle, kReflectModuleEntry));
  if (!entry) return unusable(std::string("it has no ") + kReflectModuleEntry);
  const ReflectModule* module = entry();
  if (!module || module->abi != kReflectModuleAbi || !module->reflect)
    return unusable("it is from another build of wpvm: interface " + std::to_string(module ? module->abi : 0) +
                    ", this program needs " + std::to_string(kReflectModuleAbi));
  return Loaded{module, {}};
}

}  // namespace

Result<KernelInfo> reflect_kernel(std::span<const uint32_t> words, SpirvTarget target) {
  static const Loaded loaded = load();  // once per process, on first use
  if (!loaded.module) return device_error(loaded.error);
  return loaded.module->reflect(words, target);
}

Result<void> check_buffer_count(const KernelInfo& info, size_t buffer_count) {
  if (info.buffer_count == buffer_count) return {};
  std::string declared = info.buffer_count == 0
                             ? "no storage buffers"
                             : std::to_string(info.buffer_count) + " storage buffers (set 0, bindings 0.." +
                                   std::to_string(info.buffer_count - 1) + ")";
  return kernel_error("kernel declares " + declared + " but " + std::to_string(buffer_count) +
                      " buffers were given (in-buffers then out-buffers, buffer i at binding i)");
}

}  // namespace wpvm::vulkan

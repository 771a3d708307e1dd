// Opening the Vulkan loader and resolving the layer's function pointers
// (see vk_loader.h).
#include "vk_loader.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>
#include <string>

#include "wpvm/vulkan/errors.h"

namespace wpvm::vulkan {

#define WPVM_VK_DEFINE(name) PFN_##name name = nullptr;
PFN_vkGetInstanceProcAddr vkGetInstanceProcAddr = nullptr;
WPVM_VK_LOADER_FUNCTIONS(WPVM_VK_DEFINE)
WPVM_VK_INSTANCE_FUNCTIONS(WPVM_VK_DEFINE)
WPVM_VK_INSTANCE_FUNCTIONS_1_1(WPVM_VK_DEFINE)
#undef WPVM_VK_DEFINE

namespace {

Error unusable(const std::string& library, const std::string& why) {
  return device_error("no Vulkan driver: cannot use the Vulkan loader " + library + " (" + why + ")");
}

Result<void> open_loader() {
  const char* named = std::getenv(kLoaderEnvVar);
  std::string library = named && *named ? named : kDefaultLoader;
  // Never closed: the drivers it loads keep state for the life of the
  // process (and the kept instance lives as long).
  void* handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    return unusable(library, why ? why : "dlopen failed");
  }
  vkGetInstanceProcAddr = reinterpret_cast<PFN_vkGetInstanceProcAddr>(dlsym(handle, "vkGetInstanceProcAddr"));
  if (!vkGetInstanceProcAddr) return unusable(library, "it has no vkGetInstanceProcAddr");
#define WPVM_VK_RESOLVE(name)                                                                        \
  name = reinterpret_cast<PFN_##name>(vkGetInstanceProcAddr(VK_NULL_HANDLE, #name));                 \
  if (!name) return unusable(library, "it gives no " #name);
  WPVM_VK_LOADER_FUNCTIONS(WPVM_VK_RESOLVE)
#undef WPVM_VK_RESOLVE
  return {};
}

}  // namespace

Result<void> load_vulkan_loader() {
  static std::once_flag once;
  static Result<void> outcome;
  std::call_once(once, [] { outcome = open_loader(); });
  return outcome;
}

Result<void> load_vulkan_functions(VkInstance instance) {
#define WPVM_VK_RESOLVE(name)                                                                   \
  name = reinterpret_cast<PFN_##name>(vkGetInstanceProcAddr(instance, #name));                  \
  if (!name) return device_error("no Vulkan driver: the Vulkan loader gives no " #name);
  WPVM_VK_INSTANCE_FUNCTIONS(WPVM_VK_RESOLVE)
#undef WPVM_VK_RESOLVE
#define WPVM_VK_RESOLVE_OPTIONAL(name) \
  name = reinterpret_cast<PFN_##name>(vkGetInstanceProcAddr(instance, #name));
  WPVM_VK_INSTANCE_FUNCTIONS_1_1(WPVM_VK_RESOLVE_OPTIONAL)
#undef WPVM_VK_RESOLVE_OPTIONAL
  return {};
}

}  // namespace wpvm::vulkan

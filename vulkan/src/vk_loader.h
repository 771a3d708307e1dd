// The Vulkan functions the layer calls, as function pointers. The Vulkan
// loader (libvulkan.so.1) is opened with dlopen when a program first asks
// for a Vulkan device (list_devices, Context::create), not linked: a program
// that never does loads neither it nor the drivers it would find.
//
// The pointers are named like the functions they stand for (the convention
// of volk), so the layer's calls read as plain Vulkan. The whole layer is
// compiled with VK_NO_PROTOTYPES (vulkan/meson.build): the loader's own
// declarations are absent, so a call that bypasses these pointers does not
// compile.
//
// Loading happens in two steps, each under its caller's lock:
// load_vulkan_loader() opens the library and resolves the functions that need
// no instance; load_vulkan_functions() resolves all others through the
// process's kept instance (context.cpp). For core functions the loader hands
// out its dispatching entry points, the same functions it exports, which
// serve every instance and device: exactly what linking against it gave.
#pragma once
#ifndef VK_NO_PROTOTYPES
#error "the Vulkan layer is compiled with VK_NO_PROTOTYPES (see vulkan/meson.build)"
#endif
#include <vulkan/vulkan.h>

#include "wpvm/result.h"

namespace wpvm::vulkan {

// Resolved from the loader itself, with no instance.
#define WPVM_VK_LOADER_FUNCTIONS(X) \
  X(vkCreateInstance)               \
  X(vkEnumerateInstanceLayerProperties)

// Resolved through an instance: instance- and device-level functions.
#define WPVM_VK_INSTANCE_FUNCTIONS(X)         \
  X(vkDestroyInstance)                        \
  X(vkEnumeratePhysicalDevices)               \
  X(vkGetPhysicalDeviceProperties)            \
  X(vkGetPhysicalDeviceMemoryProperties)      \
  X(vkGetPhysicalDeviceQueueFamilyProperties) \
  X(vkGetPhysicalDeviceFeatures)              \
  X(vkCreateDevice)                           \
  X(vkDestroyDevice)                          \
  X(vkDeviceWaitIdle)                         \
  X(vkGetDeviceQueue)                         \
  X(vkQueueSubmit)                            \
  X(vkCreateBuffer)                           \
  X(vkDestroyBuffer)                          \
  X(vkGetBufferMemoryRequirements)            \
  X(vkAllocateMemory)                         \
  X(vkFreeMemory)                             \
  X(vkBindBufferMemory)                       \
  X(vkMapMemory)                              \
  X(vkCreateShaderModule)                     \
  X(vkDestroyShaderModule)                    \
  X(vkCreateDescriptorSetLayout)              \
  X(vkDestroyDescriptorSetLayout)             \
  X(vkCreatePipelineLayout)                   \
  X(vkDestroyPipelineLayout)                  \
  X(vkCreateComputePipelines)                 \
  X(vkDestroyPipeline)                        \
  X(vkCreateDescriptorPool)                   \
  X(vkDestroyDescriptorPool)                  \
  X(vkResetDescriptorPool)                    \
  X(vkAllocateDescriptorSets)                 \
  X(vkUpdateDescriptorSets)                   \
  X(vkCreateCommandPool)                      \
  X(vkDestroyCommandPool)                     \
  X(vkAllocateCommandBuffers)                 \
  X(vkResetCommandBuffer)                     \
  X(vkBeginCommandBuffer)                     \
  X(vkEndCommandBuffer)                       \
  X(vkCmdBindPipeline)                        \
  X(vkCmdBindDescriptorSets)                  \
  X(vkCmdPushConstants)                       \
  X(vkCmdDispatch)                            \
  X(vkCmdCopyBuffer)                          \
  X(vkCmdPipelineBarrier)                     \
  X(vkCreateFence)                            \
  X(vkDestroyFence)                           \
  X(vkResetFences)                            \
  X(vkWaitForFences)

// Vulkan 1.1 functions: null from a 1.0 loader, called only where the
// instance and the device are 1.1 or newer (which a 1.0 loader never gives).
#define WPVM_VK_INSTANCE_FUNCTIONS_1_1(X) \
  X(vkGetPhysicalDeviceProperties2)       \
  X(vkGetPhysicalDeviceFeatures2)

#define WPVM_VK_DECLARE(name) extern PFN_##name name;
extern PFN_vkGetInstanceProcAddr vkGetInstanceProcAddr;
WPVM_VK_LOADER_FUNCTIONS(WPVM_VK_DECLARE)
WPVM_VK_INSTANCE_FUNCTIONS(WPVM_VK_DECLARE)
WPVM_VK_INSTANCE_FUNCTIONS_1_1(WPVM_VK_DECLARE)
#undef WPVM_VK_DECLARE

// The library opened: $WPVM_VULKAN_LOADER when set (a path or a file name;
// tests point it at a missing file), else libvulkan.so.1.
inline constexpr const char* kLoaderEnvVar = "WPVM_VULKAN_LOADER";
inline constexpr const char* kDefaultLoader = "libvulkan.so.1";

// Opens the loader and resolves WPVM_VK_LOADER_FUNCTIONS and
// vkGetInstanceProcAddr, once per process; later calls return the first
// outcome. Failure is a device error starting "no Vulkan driver" that says
// which library could not be used and why. The library is never closed.
Result<void> load_vulkan_loader();

// Resolves WPVM_VK_INSTANCE_FUNCTIONS (and the 1.1 ones, where present)
// through `instance`; an error names the first function missing. Called with
// the kept instance, before any other instance exists.
Result<void> load_vulkan_functions(VkInstance instance);

}  // namespace wpvm::vulkan

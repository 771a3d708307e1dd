// The shader features a context enables: queried from the physical device,
// enabled at device creation, and handed to the capability check so that a
// kernel may use exactly what was enabled. robustBufferAccess is enabled the
// same way wherever the device supports it.
#pragma once
#include "vk_loader.h"

#include "capabilities.h"

namespace wpvm::vulkan {

ShaderFeatures query_shader_features(VkPhysicalDevice device, uint32_t api);

// Feature structs for VkDeviceCreateInfo with only the wanted bits set.
struct EnabledFeatures {
  VkPhysicalDeviceFeatures2 core{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  VkPhysicalDeviceVulkan11Features v11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
  VkPhysicalDeviceVulkan12Features v12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};

  EnabledFeatures(const ShaderFeatures& wanted, uint32_t api);
  EnabledFeatures(const EnabledFeatures&) = delete;  // holds pointers into itself
  // Sets pNext / pEnabledFeatures of `info` as the API version requires.
  void attach(VkDeviceCreateInfo& info);

 private:
  uint32_t api_;
};

}  // namespace wpvm::vulkan

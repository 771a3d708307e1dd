// Querying and enabling the shader features kernels may use (see
// device_features.h and capabilities.h).
#include "device_features.h"

namespace wpvm::vulkan {

ShaderFeatures query_shader_features(VkPhysicalDevice device, uint32_t api) {
  ShaderFeatures f;
  VkPhysicalDeviceFeatures core;
  vkGetPhysicalDeviceFeatures(device, &core);
  f.float64 = core.shaderFloat64;
  f.int64 = core.shaderInt64;
  f.int16 = core.shaderInt16;
  f.robust_buffer_access = core.robustBufferAccess;
  if (api >= VK_API_VERSION_1_1) {
    VkPhysicalDeviceSubgroupProperties subgroup{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
    VkPhysicalDeviceProperties2 props{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
    props.pNext = &subgroup;
    vkGetPhysicalDeviceProperties2(device, &props);
    if (subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) f.subgroup_operations = subgroup.supportedOperations;
  }
  if (api >= VK_API_VERSION_1_2) {
    VkPhysicalDeviceVulkan12Features v12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
    VkPhysicalDeviceVulkan11Features v11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
    v11.pNext = &v12;
    VkPhysicalDeviceFeatures2 all{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
    all.pNext = &v11;
    vkGetPhysicalDeviceFeatures2(device, &all);
    f.storage16 = v11.storageBuffer16BitAccess;
    f.variable_pointers_storage = v11.variablePointersStorageBuffer;
    f.variable_pointers = v11.variablePointers && v11.variablePointersStorageBuffer;
    f.float16 = v12.shaderFloat16;
    f.int8 = v12.shaderInt8;
    f.storage8 = v12.storageBuffer8BitAccess;
    f.int64_atomics = v12.shaderBufferInt64Atomics;
    f.vulkan_memory_model = v12.vulkanMemoryModel;
    f.vulkan_memory_model_device_scope = v12.vulkanMemoryModel && v12.vulkanMemoryModelDeviceScope;
  }
  return f;
}

EnabledFeatures::EnabledFeatures(const ShaderFeatures& f, uint32_t api) : api_(api) {
  core.features.shaderFloat64 = f.float64;
  core.features.shaderInt64 = f.int64;
  core.features.shaderInt16 = f.int16;
  core.features.robustBufferAccess = f.robust_buffer_access;
  v11.storageBuffer16BitAccess = f.storage16;
  v11.variablePointersStorageBuffer = f.variable_pointers_storage;
  v11.variablePointers = f.variable_pointers;
  v12.shaderFloat16 = f.float16;
  v12.shaderInt8 = f.int8;
  v12.storageBuffer8BitAccess = f.storage8;
  v12.shaderBufferInt64Atomics = f.int64_atomics;
  v12.vulkanMemoryModel = f.vulkan_memory_model;
  v12.vulkanMemoryModelDeviceScope = f.vulkan_memory_model_device_scope;
  core.pNext = &v11;
  v11.pNext = &v12;
}

void EnabledFeatures::attach(VkDeviceCreateInfo& info) {
  if (api_ >= VK_API_VERSION_1_2) {
    info.pNext = &core;  // core -> 1.1 -> 1.2 features
    info.pEnabledFeatures = nullptr;
  } else {
    info.pEnabledFeatures = &core.features;  // the 1.1/1.2 bits were not queried
  }
}

}  // namespace wpvm::vulkan

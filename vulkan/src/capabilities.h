// Which SPIR-V capabilities a kernel may declare on a device: only those the
// device supports and the context enabled at device creation. Creating a
// shader module with any other capability is undefined behaviour in Vulkan
// (drivers may crash), so such a kernel is refused as invalid up front.
#pragma once
#include <cstdint>
#include <span>

#include "wpvm/result.h"

namespace wpvm::vulkan {

// Device features the context enables when the device has them.
struct ShaderFeatures {
  bool float64 = false, int64 = false, int16 = false;         // Vulkan 1.0
  bool storage16 = false, variable_pointers_storage = false;  // Vulkan 1.1
  bool variable_pointers = false;
  bool float16 = false, int8 = false, storage8 = false;       // Vulkan 1.2
  bool int64_atomics = false, vulkan_memory_model = false;
  // Device-scope atomics and barriers under the memory model (GLSL's atomics
  // use Device scope): enabled with the memory model wherever the device has it.
  bool vulkan_memory_model_device_scope = false;
  uint32_t subgroup_operations = 0;  // VkSubgroupFeatureFlags usable in compute
  // Not a shader capability, but enabled the same way: out-of-bounds buffer
  // accesses stay inside the buffer (or read zero) instead of reaching other
  // memory.
  bool robust_buffer_access = false;
};

// Refuses (ErrorKind::kInvalid) the first OpCapability outside the allowed
// set. `words` must be valid SPIR-V (validated before).
Result<void> check_capabilities(std::span<const uint32_t> words, const ShaderFeatures& features);

}  // namespace wpvm::vulkan

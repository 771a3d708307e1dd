// Maps every VkResult to a wpvm::Error that names the failing call and the
// result, so a device failure reported to a guest says what went wrong.
#pragma once
#include <vulkan/vulkan.h>

#include "wpvm/vulkan/errors.h"

namespace wpvm::vulkan {

// "VK_ERROR_DEVICE_LOST" style name; "VkResult(<n>)" for unknown codes.
const char* vk_result_name(VkResult result);

// Out-of-memory results become ErrorKind::kResource, all others device errors.
Error vk_error(VkResult result, const char* call);

}  // namespace wpvm::vulkan

// Return the mapped error from the enclosing function when a call fails.
#define WPVM_VK_TRY(call)                                              \
  do {                                                                 \
    VkResult wpvm_vk_r_ = (call);                                      \
    if (wpvm_vk_r_ != VK_SUCCESS)                                      \
      return ::wpvm::vulkan::vk_error(wpvm_vk_r_, #call);              \
  } while (0)

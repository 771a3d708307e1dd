// VkResult names and their mapping onto wpvm::Error (see vk_check.h).
#include "vk_check.h"

#include <string>
#include <string_view>

namespace wpvm::vulkan {

const char* vk_result_name(VkResult result) {
  switch (result) {
#define WPVM_VK_NAME(n) \
  case n:               \
    return #n;
    WPVM_VK_NAME(VK_SUCCESS)
    WPVM_VK_NAME(VK_NOT_READY)
    WPVM_VK_NAME(VK_TIMEOUT)
    WPVM_VK_NAME(VK_EVENT_SET)
    WPVM_VK_NAME(VK_EVENT_RESET)
    WPVM_VK_NAME(VK_INCOMPLETE)
    WPVM_VK_NAME(VK_ERROR_OUT_OF_HOST_MEMORY)
    WPVM_VK_NAME(VK_ERROR_OUT_OF_DEVICE_MEMORY)
    WPVM_VK_NAME(VK_ERROR_INITIALIZATION_FAILED)
    WPVM_VK_NAME(VK_ERROR_DEVICE_LOST)
    WPVM_VK_NAME(VK_ERROR_MEMORY_MAP_FAILED)
    WPVM_VK_NAME(VK_ERROR_LAYER_NOT_PRESENT)
    WPVM_VK_NAME(VK_ERROR_EXTENSION_NOT_PRESENT)
    WPVM_VK_NAME(VK_ERROR_FEATURE_NOT_PRESENT)
    WPVM_VK_NAME(VK_ERROR_INCOMPATIBLE_DRIVER)
    WPVM_VK_NAME(VK_ERROR_TOO_MANY_OBJECTS)
    WPVM_VK_NAME(VK_ERROR_FORMAT_NOT_SUPPORTED)
    WPVM_VK_NAME(VK_ERROR_FRAGMENTED_POOL)
    WPVM_VK_NAME(VK_ERROR_UNKNOWN)
    WPVM_VK_NAME(VK_ERROR_OUT_OF_POOL_MEMORY)
    WPVM_VK_NAME(VK_ERROR_INVALID_EXTERNAL_HANDLE)
    WPVM_VK_NAME(VK_ERROR_FRAGMENTATION)
    WPVM_VK_NAME(VK_ERROR_INVALID_OPAQUE_CAPTURE_ADDRESS)
    WPVM_VK_NAME(VK_PIPELINE_COMPILE_REQUIRED)
    WPVM_VK_NAME(VK_ERROR_VALIDATION_FAILED_EXT)
    WPVM_VK_NAME(VK_ERROR_INVALID_SHADER_NV)
    WPVM_VK_NAME(VK_ERROR_NOT_PERMITTED_KHR)
    WPVM_VK_NAME(VK_ERROR_COMPRESSION_EXHAUSTED_EXT)
#undef WPVM_VK_NAME
    default:
      return nullptr;
  }
}

Error vk_error(VkResult result, const char* call) {
  const char* name = vk_result_name(result);
  std::string text = name ? name : "VkResult(" + std::to_string(static_cast<int>(result)) + ")";
  // WPVM_VK_TRY passes the whole call expression; keep the function name.
  std::string_view name_only(call);
  name_only = name_only.substr(0, name_only.find('('));
  std::string message = std::string(name_only) + " failed: " + text;
  bool oom = result == VK_ERROR_OUT_OF_HOST_MEMORY || result == VK_ERROR_OUT_OF_DEVICE_MEMORY ||
             result == VK_ERROR_OUT_OF_POOL_MEMORY;
  return make_error(oom ? ErrorKind::kResource : kDeviceErrorKind, kNoOffset, std::move(message));
}

}  // namespace wpvm::vulkan

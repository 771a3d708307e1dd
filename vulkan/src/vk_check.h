// Maps every VkResult to a wpvm::Error that names the failing call and the
// result, so a device failure reported to a guest says what went wrong.
#pragma once
#include "vk_loader.h"

#include <atomic>

#include "wpvm/vulkan/errors.h"

namespace wpvm::vulkan {

// "VK_ERROR_DEVICE_LOST" style name; "VkResult(<n>)" for unknown codes.
const char* vk_result_name(VkResult result);

// Out-of-memory results become ErrorKind::kResource, all others device errors.
Error vk_error(VkResult result, const char* call);

// Fault injection (wpvm/vulkan/fault_injection.h): set while a fault is armed.
extern std::atomic<bool> g_fault_armed;
VkResult injected_fault_slow(const char* call);

// VK_SUCCESS, or the result an armed fault makes `call` (a function name or a
// whole call expression) report instead of running it.
inline VkResult injected_fault(const char* call) {
  if (!g_fault_armed.load(std::memory_order_relaxed)) return VK_SUCCESS;
  return injected_fault_slow(call);
}

}  // namespace wpvm::vulkan

// Return the mapped error from the enclosing function when a call fails (or
// an injected fault stands in for it: then the call does not run).
#define WPVM_VK_TRY(call)                                              \
  do {                                                                 \
    VkResult wpvm_vk_r_ = ::wpvm::vulkan::injected_fault(#call);       \
    if (wpvm_vk_r_ == VK_SUCCESS) wpvm_vk_r_ = (call);                 \
    if (wpvm_vk_r_ != VK_SUCCESS)                                      \
      return ::wpvm::vulkan::vk_error(wpvm_vk_r_, #call);              \
  } while (0)

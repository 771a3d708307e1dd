// VkResult names and their mapping onto wpvm::Error (see vk_check.h), and
// the fault-injection seam (wpvm/vulkan/fault_injection.h).
#include "vk_check.h"

#include <charconv>
#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>

#include "wpvm/vulkan/fault_injection.h"

namespace wpvm::vulkan {

namespace {

std::string_view function_name(std::string_view call) {
  call = call.substr(0, call.find('('));
  while (!call.empty() && call.back() == ' ') call.remove_suffix(1);
  return call;
}

// The armed fault; g_fault_armed mirrors `armed` so that the disarmed check
// stays one relaxed load.
struct FaultState {
  std::mutex mutex;
  std::string function;
  unsigned long nth = 0;
  unsigned long seen = 0;
};

FaultState& fault_state() {
  static FaultState state;
  return state;
}

bool arm(std::string_view spec) {
  FaultState& s = fault_state();
  std::lock_guard lock(s.mutex);
  g_fault_armed.store(false, std::memory_order_relaxed);
  s.function.clear();
  s.nth = 0;
  s.seen = 0;
  if (spec.empty()) return true;
  std::string_view name = spec.substr(0, spec.find(':'));
  unsigned long nth = 1;
  if (name.size() < spec.size()) {
    std::string_view count = spec.substr(name.size() + 1);
    auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), nth);
    if (ec != std::errc() || end != count.data() + count.size() || nth == 0) return false;
  }
  if (name.size() < 3 || name.substr(0, 2) != "vk") return false;
  s.function = name;
  s.nth = nth;
  g_fault_armed.store(true, std::memory_order_relaxed);
  return true;
}

// Reads WPVM_VULKAN_FAIL once, when the program starts.
bool arm_from_environment() {
  const char* spec = std::getenv(kFaultEnvVar);
  if (spec != nullptr) arm(spec);
  return true;
}

}  // namespace

std::atomic<bool> g_fault_armed{false};
[[maybe_unused]] static const bool g_fault_env_read = arm_from_environment();

bool set_fault_injection(std::string_view spec) { return arm(spec); }

bool fault_injection_armed() { return g_fault_armed.load(std::memory_order_relaxed); }

VkResult injected_fault_slow(const char* call) {
  std::string_view name = function_name(call);
  FaultState& s = fault_state();
  std::lock_guard lock(s.mutex);
  if (s.function.empty() || name != s.function || ++s.seen != s.nth) return VK_SUCCESS;
  // One shot: the process (and a fresh context) works again afterwards.
  s.function.clear();
  g_fault_armed.store(false, std::memory_order_relaxed);
  return name == "vkAllocateMemory" ? VK_ERROR_OUT_OF_DEVICE_MEMORY : VK_ERROR_DEVICE_LOST;
}

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
  std::string_view name_only = function_name(call);
  std::string message = std::string(name_only) + " failed: " + text;
  bool oom = result == VK_ERROR_OUT_OF_HOST_MEMORY || result == VK_ERROR_OUT_OF_DEVICE_MEMORY ||
             result == VK_ERROR_OUT_OF_POOL_MEMORY;
  return make_error(oom ? ErrorKind::kResource : kDeviceErrorKind, kNoOffset, std::move(message));
}

}  // namespace wpvm::vulkan

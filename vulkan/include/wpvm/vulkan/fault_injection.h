// Deterministic Vulkan fault injection, so that tests can make a real checked
// Vulkan call fail as if the driver had returned an error.
//
// The environment variable WPVM_VULKAN_FAIL=<vkFunctionName>[:<nth>] (read
// once, when the program starts) arms it; set_fault_injection() re-arms it in
// a running process with the same syntax. The nth call (default 1) of that
// function made through the layer's checks is skipped and reports
// VK_ERROR_OUT_OF_DEVICE_MEMORY for vkAllocateMemory and VK_ERROR_DEVICE_LOST
// for any other function; the fault fires once, then the seam disarms. When
// disarmed the cost is one relaxed atomic load per checked call.
#pragma once
#include <string_view>

namespace wpvm::vulkan {

inline constexpr const char* kFaultEnvVar = "WPVM_VULKAN_FAIL";

// Arms the seam with "<vkFunctionName>[:<nth>]" (nth >= 1), counting calls
// from now; an empty spec disarms it. False (and disarmed) when the spec does
// not parse.
bool set_fault_injection(std::string_view spec);

// True while a fault is armed and has not fired yet.
bool fault_injection_armed();

}  // namespace wpvm::vulkan

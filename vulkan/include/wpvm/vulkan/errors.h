// How the Vulkan layer's errors are classified, so that the GPU device can map
// each one to a wasi-parallel errno without parsing messages.
//
// The layer reuses wpvm::Error; its ErrorKind carries the class:
//   kMalformed, kInvalid -> the SPIR-V blob is corrupt or breaks the kernel
//                           conventions (errno invalid_kernel)
//   kUsage               -> a bad argument: size or count mismatch, buffer of
//                           another context (errno invalid_argument)
//   kResource            -> the device or host ran out of memory
//                           (errno out_of_memory)
//   anything else        -> the device failed: no driver, a Vulkan call
//                           failed (errno device_error); the message names the
//                           call and its VkResult.
#pragma once
#include "wpvm/result.h"

namespace wpvm::vulkan {

enum class Failure { kInvalidArgument, kInvalidKernel, kOutOfMemory, kDevice };

// The kind used for device failures (no ErrorKind says "device" yet).
inline constexpr ErrorKind kDeviceErrorKind = ErrorKind::kUninstantiable;

inline Failure failure_of(const Error& error) {
  switch (error.kind) {
    case ErrorKind::kMalformed:
    case ErrorKind::kInvalid:
      return Failure::kInvalidKernel;
    case ErrorKind::kUsage:
      return Failure::kInvalidArgument;
    case ErrorKind::kResource:
      return Failure::kOutOfMemory;
    default:
      return Failure::kDevice;
  }
}

inline Error device_error(std::string message) {
  return make_error(kDeviceErrorKind, kNoOffset, std::move(message));
}
inline Error usage_error(std::string message) {
  return make_error(ErrorKind::kUsage, kNoOffset, std::move(message));
}
inline Error kernel_error(std::string message) {
  return make_error(ErrorKind::kInvalid, kNoOffset, std::move(message));
}

}  // namespace wpvm::vulkan

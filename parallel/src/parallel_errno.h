// The contract's errnos as a host-side enum, checked against the guest header
// (wasi_parallel.h) so the two tables cannot drift apart.
#pragma once
#include <cstdint>

#include "wasi_parallel.h"

namespace wpvm::parallel {

enum class Errno : uint32_t {
  kSuccess = WASI_PARALLEL_SUCCESS,
  kInvalidArgument = WASI_PARALLEL_EINVAL,
  kInvalidHandle = WASI_PARALLEL_EBADHANDLE,
  kOutOfBounds = WASI_PARALLEL_EOUTOFBOUNDS,
  kInvalidKernel = WASI_PARALLEL_EKERNEL,
  kDeviceError = WASI_PARALLEL_EDEVICE,
  kOutOfMemory = WASI_PARALLEL_ENOMEM,
};

// Device kinds of the current generation; the 2021 enum is mapped onto these.
enum class DeviceKind : uint32_t {
  kSequential = WASI_PARALLEL_DEVICE_SEQUENTIAL,
  kCpu = WASI_PARALLEL_DEVICE_CPU,
  kDiscreteGpu = WASI_PARALLEL_DEVICE_DISCRETE_GPU,
  kIntegratedGpu = WASI_PARALLEL_DEVICE_INTEGRATED_GPU,
};

enum class Access : uint32_t {
  kRead = WASI_PARALLEL_ACCESS_READ,
  kWrite = WASI_PARALLEL_ACCESS_WRITE,
  kReadWrite = WASI_PARALLEL_ACCESS_READ_WRITE,
};

const char* errno_name(Errno e);

}  // namespace wpvm::parallel

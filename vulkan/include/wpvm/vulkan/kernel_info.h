// What a GPU kernel's SPIR-V declares, found by reflection, and the checks
// against wpvm's conventions (docs: wasi-parallel, section 5):
//   entry point "main", GLCompute, local_size_y == local_size_z == 1;
//   buffer i of (in-buffers ++ out-buffers) = storage buffer set 0 binding i;
//   push constants (optional) at offset 0: none, `uint num_iterations;`,
//   `uint num_iterations; uint block_size;`, or those two followed by
//   `uint base_invocation;` (a wpvm extension: lets the host split launches
//   beyond the device's workgroup-count limit).
// Needs no Vulkan device, so tools can check a blob before attaching it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "wpvm/result.h"

namespace wpvm::vulkan {

// The Vulkan version the SPIR-V is validated for (decides the SPIR-V
// versions and capabilities the validator accepts).
enum class SpirvTarget { kVulkan1_0, kVulkan1_1, kVulkan1_2, kVulkan1_3 };

struct KernelInfo {
  uint32_t buffer_count = 0;  // storage buffers at set 0, bindings 0..count-1
  uint32_t local_size_x = 1;
  // How many of num_iterations, block_size, base_invocation the push-constant
  // block declares (0 to 3, a prefix of that list).
  uint32_t push_constant_count = 0;
  // Bytes the Workgroup-storage (GLSL `shared`) variables need at most, laid
  // out as Vulkan bounds them: one after another with the standard storage
  // buffer layout, booleans as 32-bit integers.
  uint64_t workgroup_memory_bytes = 0;

  bool has_base_invocation() const { return push_constant_count == 3; }  // at offset 8
};

// Validates the module (SPIRV-Tools) and reflects it (SPIRV-Cross). A blob
// that is not valid SPIR-V is ErrorKind::kMalformed; valid SPIR-V that breaks
// a convention is ErrorKind::kInvalid with the reason. Never crashes on
// arbitrary input. Both libraries live in the reflection module, opened on
// the first call (vulkan/README.md, "Loading"); without it, a device error
// starting "SPIR-V reflection is unavailable".
Result<KernelInfo> reflect_kernel(std::span<const uint32_t> words,
                                  SpirvTarget target = SpirvTarget::kVulkan1_0);

// The caller's buffer count must equal the kernel's binding count.
Result<void> check_buffer_count(const KernelInfo& info, size_t buffer_count);

}  // namespace wpvm::vulkan

// The boundary between the layer and its reflection module. SPIRV-Tools and
// SPIRV-Cross are linked only into the module (libwpvm-spirv-reflect.so,
// built from reflect.cpp), which reflect_kernel() (reflect_loader.cpp) opens
// with dlopen on its first call: their code and tables (SPIRV-Tools' grammar
// tables alone are 240 KB of pointers the dynamic loader would relocate) stay
// out of every program that never reflects a kernel.
//
// The module is built with the program that loads it, from the same headers
// and compiler, so C++ types cross the boundary; kReflectModuleAbi guards
// against a module from another build.
#pragma once
#include <cstdint>
#include <span>

#include "wpvm/vulkan/kernel_info.h"

namespace wpvm::vulkan {

// Bump whenever ReflectModule or the types it passes change.
inline constexpr uint32_t kReflectModuleAbi = 1;

struct ReflectModule {
  uint32_t abi = kReflectModuleAbi;
  // reflect_kernel() as kernel_info.h describes it.
  Result<KernelInfo> (*reflect)(std::span<const uint32_t> words, SpirvTarget target) = nullptr;
};

// The module's one exported symbol: a function returning its ReflectModule.
inline constexpr const char* kReflectModuleEntry = "wpvm_spirv_reflect_module";
using ReflectModuleEntry = const ReflectModule* (*)();

// The module opened: $WPVM_SPIRV_REFLECT_MODULE when set (tests point it at
// a missing file), else the module next to the running program's build
// (for a program inside the build tree) or the installed one.
inline constexpr const char* kReflectModuleEnvVar = "WPVM_SPIRV_REFLECT_MODULE";

}  // namespace wpvm::vulkan

// SPIR-V capabilities allowed per device feature (see capabilities.h).
#include "capabilities.h"

#include <spirv_cross/spirv.h>

#include <string>

#include "wpvm/vulkan/errors.h"

namespace wpvm::vulkan {
namespace {

constexpr size_t kHeaderWords = 5;

// VkSubgroupFeatureFlagBits, without including Vulkan here.
constexpr uint32_t kSubgroupBit[] = {
    /* GroupNonUniform */ 0x1,         /* Vote */ 0x2,      /* Arithmetic */ 0x4,
    /* Ballot */ 0x8,                  /* Shuffle */ 0x10,  /* ShuffleRelative */ 0x20,
    /* Clustered */ 0x40,              /* Quad */ 0x80,
};

struct Verdict {
  bool allowed;
  const char* name;  // for the error message
};

Verdict judge(uint32_t cap, const ShaderFeatures& f) {
  switch (cap) {
    case SpvCapabilityMatrix: return {true, "Matrix"};
    case SpvCapabilityShader: return {true, "Shader"};
    case SpvCapabilityFloat64: return {f.float64, "Float64"};
    case SpvCapabilityInt64: return {f.int64, "Int64"};
    case SpvCapabilityInt16: return {f.int16, "Int16"};
    case SpvCapabilityInt8: return {f.int8, "Int8"};
    case SpvCapabilityFloat16: return {f.float16, "Float16"};
    case SpvCapabilityInt64Atomics: return {f.int64_atomics, "Int64Atomics"};
    case SpvCapabilityStorageBuffer16BitAccess: return {f.storage16, "StorageBuffer16BitAccess"};
    case SpvCapabilityStorageBuffer8BitAccess: return {f.storage8, "StorageBuffer8BitAccess"};
    case SpvCapabilityVariablePointersStorageBuffer:
      return {f.variable_pointers_storage, "VariablePointersStorageBuffer"};
    case SpvCapabilityVariablePointers: return {f.variable_pointers, "VariablePointers"};
    case SpvCapabilityVulkanMemoryModel: return {f.vulkan_memory_model, "VulkanMemoryModel"};
    default: break;
  }
  if (cap >= SpvCapabilityGroupNonUniform && cap <= SpvCapabilityGroupNonUniformQuad) {
    uint32_t bit = kSubgroupBit[cap - SpvCapabilityGroupNonUniform];
    return {(f.subgroup_operations & bit) != 0, "GroupNonUniform*"};
  }
  return {false, nullptr};
}

}  // namespace

Result<void> check_capabilities(std::span<const uint32_t> words, const ShaderFeatures& features) {
  size_t i = kHeaderWords;
  while (i < words.size()) {
    uint32_t count = words[i] >> 16, opcode = words[i] & 0xffff;
    if (count == 0) break;  // cannot happen in validated SPIR-V; never loop forever
    if (opcode == SpvOpCapability && count >= 2) {
      Verdict v = judge(words[i + 1], features);
      if (!v.allowed) {
        std::string name = v.name ? v.name : "capability " + std::to_string(words[i + 1]);
        return make_error(ErrorKind::kInvalid, i * 4,
                          "kernel needs SPIR-V " + name + ", which this device does not support or wpvm does not enable");
      }
    } else if (opcode != SpvOpCapability) {
      break;  // capabilities come first in a module
    }
    i += count;
  }
  return {};
}

}  // namespace wpvm::vulkan

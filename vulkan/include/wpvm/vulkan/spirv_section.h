// The `wasi-parallel` custom section of a Wasm module: a 4-byte
// little-endian id followed by a SPIR-V module (one section per kernel; id 0
// for a parallel_exec kernel module, the table index for parallel_for).
// Plain byte manipulation: needs no Vulkan and is built even without it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "wpvm/result.h"

namespace wpvm::vulkan {

inline constexpr std::string_view kSpirvSectionName = "wasi-parallel";

struct SpirvSection {
  uint32_t id = 0;
  size_t offset = 0;              // of the section's id byte in the module
  std::span<const uint8_t> spirv; // points into the module's bytes
};

// Every wasi-parallel section, in module order. A module whose section
// structure does not decode is ErrorKind::kMalformed at the bad byte.
Result<std::vector<SpirvSection>> find_spirv_sections(std::span<const uint8_t> wasm);

// The SPIR-V words of the section with this id; nullopt when there is none.
// Two sections with the same id (any id) make the module ErrorKind::kInvalid
// (errno invalid_kernel for a GPU device): which one counts would be a guess.
Result<std::optional<std::vector<uint32_t>>> find_spirv(std::span<const uint8_t> wasm, uint32_t id);

// The module with a section (id, spirv) appended at its end. The SPIR-V must
// start with the SPIR-V magic and be whole words; an id that already has a
// section is ErrorKind::kUsage (remove it first).
Result<std::vector<uint8_t>> append_spirv_section(std::span<const uint8_t> wasm, uint32_t id,
                                                  std::span<const uint8_t> spirv);

// The module without the wasi-parallel sections of this id.
Result<std::vector<uint8_t>> remove_spirv_sections(std::span<const uint8_t> wasm, uint32_t id);

// Little-endian bytes to words (the length must be a multiple of 4).
Result<std::vector<uint32_t>> spirv_words(std::span<const uint8_t> bytes);

}  // namespace wpvm::vulkan

// Helpers shared by the vulkan tests: the device they select, and loading
// the SPIR-V test shaders that meson compiles into the directory named by
// WPVM_VULKAN_SHADERS.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace wpvm::vulkan::testing {

inline std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The Vulkan device the GPU tests run on, as a device selector: the
// variable WPVM_TEST_GPU, else Mesa's lavapipe by name ("llvmpipe"), which
// automatic selection never picks.
inline std::string test_gpu() {
  const char* s = std::getenv("WPVM_TEST_GPU");
  return s && *s ? s : "llvmpipe";
}

// Empty when the file is missing: the caller's checks then fail visibly.
inline std::vector<uint32_t> load_spirv(const std::string& name) {
  const char* dir = std::getenv("WPVM_VULKAN_SHADERS");
  std::vector<uint8_t> bytes = read_bytes(std::string(dir ? dir : ".") + "/" + name + ".spv");
  std::vector<uint32_t> words(bytes.size() / 4);
  for (size_t i = 0; i < words.size(); ++i)
    words[i] = uint32_t{bytes[4 * i]} | uint32_t{bytes[4 * i + 1]} << 8 | uint32_t{bytes[4 * i + 2]} << 16 |
               uint32_t{bytes[4 * i + 3]} << 24;
  return words;
}

}  // namespace wpvm::vulkan::testing

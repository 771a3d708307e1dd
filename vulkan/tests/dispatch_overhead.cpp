// Measures the layer's per-dispatch overhead: many dispatches of a tiny
// kernel (one workgroup) and of an empty launch, timed on the host. Not a
// test; prints microseconds per dispatch.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "test_util.h"
#include "wpvm/vulkan/context.h"

using namespace wpvm::vulkan;

int main(int argc, char** argv) {
  int reps = argc > 1 ? std::atoi(argv[1]) : 2000;
  auto ctx = Context::create();
  if (!ctx.ok()) {
    std::printf("no device: %s\n", ctx.error().message.c_str());
    return 77;
  }
  Context& c = **ctx;
  auto kernel = c.kernel(testing::load_spirv("echo"), 1);
  if (!kernel.ok()) {
    std::printf("kernel: %s (set WPVM_VULKAN_SHADERS)\n", kernel.error().message.c_str());
    return 1;
  }
  auto buffer = c.create_buffer(4096);
  if (!buffer.ok()) return 1;
  std::vector<const Buffer*> buffers = {&*buffer};
  for (int i = 0; i < 50; ++i) (void)c.dispatch(**kernel, buffers, 16, 1);  // warm-up

  auto time_us = [&](uint32_t n, uint32_t block) {
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < reps; ++i) {
      if (!c.dispatch(**kernel, buffers, n, block).ok()) return -1.0;
    }
    std::chrono::duration<double, std::micro> d = std::chrono::steady_clock::now() - start;
    return d.count() / reps;
  };
  std::printf("device: %s\n", c.device().name.c_str());
  std::printf("dispatch of 1 workgroup (16 invocations): %.1f us\n", time_us(16, 1));
  std::printf("dispatch of 64 workgroups (1024 invocations): %.1f us\n", time_us(1024, 1));
  std::vector<uint8_t> host(4096);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < reps; ++i) (void)buffer->upload(host);
  std::chrono::duration<double, std::micro> d = std::chrono::steady_clock::now() - start;
  std::printf("upload of 4 KiB (%s): %.2f us\n", buffer->direct() ? "direct" : "staged", d.count() / reps);
  auto kernel_lookup = std::chrono::steady_clock::now();
  auto words = testing::load_spirv("echo");
  for (int i = 0; i < reps; ++i) (void)c.kernel(words, 1);
  d = std::chrono::steady_clock::now() - kernel_lookup;
  std::printf("cached kernel lookup: %.2f us\n", d.count() / reps);
  return 0;
}

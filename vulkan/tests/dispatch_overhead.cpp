// Measures the layer's per-dispatch overhead: many dispatches of a tiny
// kernel, a 4 KiB upload/download and a cached-kernel lookup, on a context
// with direct (unified) buffers and on one forced to staging copies. Not a
// test (no timed tests); prints microseconds per operation.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "test_util.h"
#include "wpvm/vulkan/context.h"

using namespace wpvm::vulkan;

namespace {

template <class F>
double us_per_call(int reps, F&& f) {
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < reps; ++i) f();
  std::chrono::duration<double, std::micro> d = std::chrono::steady_clock::now() - start;
  return d.count() / reps;
}

int measure(const ContextOptions& options, int reps) {
  auto ctx = Context::create(options);
  if (!ctx.ok()) {
    std::printf("no device: %s\n", ctx.error().message.c_str());
    return 77;
  }
  Context& c = **ctx;
  auto words = testing::load_spirv("echo");
  auto kernel = c.kernel(words, 1);
  if (!kernel.ok()) {
    std::printf("kernel: %s (set WPVM_VULKAN_SHADERS)\n", kernel.error().message.c_str());
    return 1;
  }
  auto buffer = c.create_buffer(4096);
  if (!buffer.ok()) return 1;
  std::vector<const Buffer*> buffers = {&*buffer};
  std::vector<uint8_t> host(4096);
  for (int i = 0; i < 50; ++i) (void)c.dispatch(**kernel, buffers, 16, 1);  // warm-up

  std::printf("%s, %s buffers:\n", c.device().name.c_str(), c.unified_memory() ? "direct" : "staged");
  std::printf("  dispatch, 1 workgroup (16 invocations):     %7.1f us\n",
              us_per_call(reps, [&] { (void)c.dispatch(**kernel, buffers, 16, 1); }));
  std::printf("  dispatch, 64 workgroups (1024 invocations): %7.1f us\n",
              us_per_call(reps, [&] { (void)c.dispatch(**kernel, buffers, 1024, 1); }));
  std::printf("  upload 4 KiB:                               %7.2f us\n",
              us_per_call(reps, [&] { (void)buffer->upload(host); }));
  std::printf("  download 4 KiB:                             %7.2f us\n",
              us_per_call(reps, [&] { (void)buffer->download(host); }));
  std::printf("  cached kernel lookup:                       %7.2f us\n",
              us_per_call(reps, [&] { (void)c.kernel(words, 1); }));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int reps = argc > 1 ? std::atoi(argv[1]) : 2000;
  int rc = measure({.device = testing::test_gpu()}, reps);
  if (rc != 0) return rc;
  return measure({.device = testing::test_gpu(), .force_staging = true}, reps);
}

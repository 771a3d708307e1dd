// Tests of kernel reflection against the GPU-kernel conventions (SPIRV-Tools
// validation + SPIRV-Cross reflection; no Vulkan device needed).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "capabilities.h"
#include "test_util.h"
#include "vk_check.h"
#include "wpvm/vulkan/errors.h"
#include "wpvm/vulkan/fault_injection.h"
#include "wpvm/vulkan/kernel_info.h"

using namespace wpvm;
using namespace wpvm::vulkan;
using wpvm::vulkan::testing::load_spirv;

namespace {

bool mentions(const Error& e, const std::string& text) {
  if (e.message.find(text) != std::string::npos) return true;
  MESSAGE("error was: " << e.message);
  return false;
}

Error rejection(const std::string& shader) {
  auto words = load_spirv(shader);
  REQUIRE_MESSAGE(!words.empty(), "missing shader " << shader);
  auto r = reflect_kernel(words);
  REQUIRE_FALSE(r.ok());
  return r.error();
}

}  // namespace

TEST_CASE("conforming kernels reflect their buffers and workgroup size") {
  struct Case {
    const char* name;
    uint32_t buffers, local, push;  // push: how many of the three push constants
    uint64_t workgroup_bytes;
  } cases[] = {{"vector_add", 3, 64, 2, 0}, {"nstream", 3, 32, 2, 0},    {"scale_one", 2, 1, 3, 0},
               {"echo", 1, 16, 2, 0},       {"reduce", 2, 64, 3, 256},  {"one_binding", 1, 64, 2, 0},
               {"no_push", 1, 64, 0, 0},    {"push_none", 1, 32, 0, 0}, {"push_one", 1, 16, 1, 0},
               {"shared_layout", 1, 16, 2, 184}, {"shared_too_big", 1, 64, 2, 36000}};
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto words = load_spirv(c.name);
    REQUIRE(!words.empty());
    auto info = reflect_kernel(words);
    REQUIRE_MESSAGE(info.ok(), (info.ok() ? "" : info.error().message));
    CHECK(info->buffer_count == c.buffers);
    CHECK(info->local_size_x == c.local);
    CHECK(info->push_constant_count == c.push);
    CHECK(info->has_base_invocation() == (c.push == 3));
    CHECK(info->workgroup_memory_bytes == c.workgroup_bytes);
    CHECK(check_buffer_count(*info, c.buffers).ok());
    // Newer targets accept SPIR-V made for Vulkan 1.0.
    CHECK(reflect_kernel(words, SpirvTarget::kVulkan1_3).ok());
  }
}

TEST_CASE("a buffer count that differs from the bindings is refused with the reason") {
  auto info = reflect_kernel(load_spirv("one_binding"));
  REQUIRE(info.ok());
  auto r = check_buffer_count(*info, 2);
  REQUIRE_FALSE(r.ok());
  CHECK(failure_of(r.error()) == Failure::kInvalidKernel);
  CHECK(mentions(r.error(), "declares 1 storage buffers (set 0, bindings 0..0) but 2 buffers were given"));
  CHECK_FALSE(check_buffer_count(*info, 0).ok());
}

TEST_CASE("convention breakers are invalid kernels with a clear reason") {
  struct Case {
    const char* shader;
    const char* reason;
  } cases[] = {
      {"wrong_push", "is not a prefix of `uint num_iterations; uint block_size; uint base_invocation;` at offset 0"},
      {"binding_gap", "bindings must be 0..1"},
      {"set_one", "descriptor set 1"},
      {"uniform_buffer", "uses a uniform buffer"},
      {"local_size_y", "local_size_y and local_size_z must be 1"},
      {"not_main", "no GLCompute entry point named \"main\""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.shader);
    Error e = rejection(c.shader);
    CHECK(e.kind == ErrorKind::kInvalid);
    CHECK(failure_of(e) == Failure::kInvalidKernel);
    CHECK(mentions(e, c.reason));
  }
}

TEST_CASE("corrupt SPIR-V blobs are malformed, never a crash") {
  auto good = load_spirv("vector_add");
  REQUIRE(good.size() > 20);
  SUBCASE("empty") { CHECK(reflect_kernel({}).error().kind == ErrorKind::kMalformed); }
  SUBCASE("bad magic") {
    auto w = good;
    w[0] = 0xdeadbeef;
    CHECK(mentions(reflect_kernel(w).error(), "bad magic"));
  }
  SUBCASE("byte-swapped") {
    auto w = good;
    for (auto& x : w) x = __builtin_bswap32(x);
    CHECK(mentions(reflect_kernel(w).error(), "big-endian"));
  }
  SUBCASE("truncated at every length") {
    for (size_t n = 0; n < good.size(); ++n) {
      auto r = reflect_kernel(std::span(good).first(n));
      CHECK_FALSE(r.ok());
      if (!r.ok()) CHECK(failure_of(r.error()) == Failure::kInvalidKernel);
    }
  }
  SUBCASE("random words after a valid header") {
    std::mt19937 rng(12345);
    for (int round = 0; round < 200; ++round) {
      auto w = good;
      for (size_t i = 5; i < w.size(); ++i) w[i] = rng();
      CHECK_FALSE(reflect_kernel(w).ok());
    }
  }
  SUBCASE("single flipped bits") {
    // Most flips break validation; none may crash. Those that pass must
    // still reflect to something sane.
    std::mt19937 rng(777);
    for (int round = 0; round < 300; ++round) {
      auto w = good;
      size_t word = 5 + rng() % (w.size() - 5);
      w[word] ^= 1u << (rng() % 32);
      auto r = reflect_kernel(w);
      if (r.ok()) CHECK(r->local_size_x >= 1);
    }
  }
}

TEST_CASE("failure classes map onto errno classes") {
  CHECK(failure_of(make_error(ErrorKind::kUsage, kNoOffset, "")) == Failure::kInvalidArgument);
  CHECK(failure_of(make_error(ErrorKind::kResource, kNoOffset, "")) == Failure::kOutOfMemory);
  CHECK(failure_of(device_error("x")) == Failure::kDevice);
  CHECK(failure_of(make_error(ErrorKind::kMalformed, 0, "")) == Failure::kInvalidKernel);
}

TEST_CASE("capabilities are checked against the enabled features") {
  ShaderFeatures none;
  CHECK(check_capabilities(load_spirv("vector_add"), none).ok());  // Shader only
  auto words = load_spirv("f64_i64");
  REQUIRE(reflect_kernel(words).ok());
  auto r = check_capabilities(words, none);
  REQUIRE_FALSE(r.ok());
  CHECK(failure_of(r.error()) == Failure::kInvalidKernel);
  CHECK((mentions(r.error(), "Float64") || mentions(r.error(), "Int64")));
  ShaderFeatures wide;
  wide.float64 = wide.int64 = true;
  CHECK(check_capabilities(words, wide).ok());
  wide.int64 = false;
  CHECK(mentions(check_capabilities(words, wide).error(), "Int64"));
}

TEST_CASE("VkResults become errors that name the call and the result") {
  Error lost = vk_error(VK_ERROR_DEVICE_LOST, "vkQueueSubmit(ctx.queue, 1, &submit, fence)");
  CHECK(lost.message == "vkQueueSubmit failed: VK_ERROR_DEVICE_LOST");
  CHECK(failure_of(lost) == Failure::kDevice);
  CHECK(failure_of(vk_error(VK_ERROR_OUT_OF_DEVICE_MEMORY, "vkAllocateMemory")) == Failure::kOutOfMemory);
  CHECK(failure_of(vk_error(VK_ERROR_OUT_OF_HOST_MEMORY, "vkCreateBuffer")) == Failure::kOutOfMemory);
  CHECK(vk_error(static_cast<VkResult>(-12345), "vkFoo").message == "vkFoo failed: VkResult(-12345)");
  CHECK(std::string(vk_result_name(VK_TIMEOUT)) == "VK_TIMEOUT");
}

// The seam behind WPVM_VULKAN_FAIL, without a device: which call fails, when,
// with what, and only once.
TEST_CASE("an armed fault fails the nth call of its function, once") {
  REQUIRE(set_fault_injection("vkCreateBuffer:2"));
  CHECK(injected_fault("vkAllocateMemory(dev, &alloc, nullptr, &memory)") == VK_SUCCESS);
  CHECK(injected_fault("vkCreateBufferView(dev, &i, nullptr, &v)") == VK_SUCCESS);  // a longer name
  CHECK(injected_fault("vkCreateBuffer(dev, &info, nullptr, &buffer)") == VK_SUCCESS);  // 1st
  CHECK(injected_fault("vkCreateBuffer(dev, &info, nullptr, &buffer)") == VK_ERROR_DEVICE_LOST);
  CHECK_FALSE(fault_injection_armed());
  CHECK(injected_fault("vkCreateBuffer(dev, &info, nullptr, &buffer)") == VK_SUCCESS);

  REQUIRE(set_fault_injection("vkAllocateMemory"));
  CHECK(injected_fault("vkAllocateMemory") == VK_ERROR_OUT_OF_DEVICE_MEMORY);
  REQUIRE(set_fault_injection("vkQueueSubmit"));
  CHECK(set_fault_injection(""));
  CHECK(injected_fault("vkQueueSubmit") == VK_SUCCESS);
}

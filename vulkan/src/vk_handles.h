// RAII owners for the Vulkan handles the layer creates: each one destroys its
// handle exactly once, is move-only, and knows its parent (instance/device).
#pragma once
#include "vk_loader.h"

#include <utility>

namespace wpvm::vulkan {

// A handle created from a VkDevice and destroyed with vkDestroyX(device, h, 0);
// `Destroy` is the address of that function's pointer (vk_loader.h).
template <class T, auto* Destroy>
class DeviceHandle {
 public:
  DeviceHandle() = default;
  DeviceHandle(VkDevice device, T handle) : device_(device), handle_(handle) {}
  DeviceHandle(const DeviceHandle&) = delete;
  DeviceHandle& operator=(const DeviceHandle&) = delete;
  DeviceHandle(DeviceHandle&& other) noexcept
      : device_(other.device_), handle_(std::exchange(other.handle_, VK_NULL_HANDLE)) {}
  DeviceHandle& operator=(DeviceHandle&& other) noexcept {
    if (this != &other) {
      reset();
      device_ = other.device_;
      handle_ = std::exchange(other.handle_, VK_NULL_HANDLE);
    }
    return *this;
  }
  ~DeviceHandle() { reset(); }

  void reset() {
    if (handle_ != VK_NULL_HANDLE) (*Destroy)(device_, handle_, nullptr);
    handle_ = VK_NULL_HANDLE;
  }
  T get() const { return handle_; }
  explicit operator bool() const { return handle_ != VK_NULL_HANDLE; }

 private:
  VkDevice device_ = VK_NULL_HANDLE;
  T handle_ = VK_NULL_HANDLE;
};

using UniqueBuffer = DeviceHandle<VkBuffer, &vkDestroyBuffer>;
using UniqueMemory = DeviceHandle<VkDeviceMemory, &vkFreeMemory>;
using UniqueShaderModule = DeviceHandle<VkShaderModule, &vkDestroyShaderModule>;
using UniqueSetLayout = DeviceHandle<VkDescriptorSetLayout, &vkDestroyDescriptorSetLayout>;
using UniquePipelineLayout = DeviceHandle<VkPipelineLayout, &vkDestroyPipelineLayout>;
using UniquePipeline = DeviceHandle<VkPipeline, &vkDestroyPipeline>;
using UniqueDescriptorPool = DeviceHandle<VkDescriptorPool, &vkDestroyDescriptorPool>;
using UniqueCommandPool = DeviceHandle<VkCommandPool, &vkDestroyCommandPool>;
using UniqueFence = DeviceHandle<VkFence, &vkDestroyFence>;

// Instance and device own everything else; they are destroyed last.
class UniqueInstance {
 public:
  UniqueInstance() = default;
  explicit UniqueInstance(VkInstance h) : h_(h) {}
  UniqueInstance(const UniqueInstance&) = delete;
  UniqueInstance& operator=(const UniqueInstance&) = delete;
  UniqueInstance(UniqueInstance&& o) noexcept : h_(std::exchange(o.h_, VK_NULL_HANDLE)) {}
  UniqueInstance& operator=(UniqueInstance&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = std::exchange(o.h_, VK_NULL_HANDLE);
    }
    return *this;
  }
  ~UniqueInstance() { reset(); }
  void reset() {
    // vkDestroyInstance is null only while the functions of a new loader
    // are being resolved and one is missing (the instance is then leaked).
    if (h_ != VK_NULL_HANDLE && vkDestroyInstance) vkDestroyInstance(h_, nullptr);
    h_ = VK_NULL_HANDLE;
  }
  VkInstance get() const { return h_; }

 private:
  VkInstance h_ = VK_NULL_HANDLE;
};

class UniqueDevice {
 public:
  UniqueDevice() = default;
  explicit UniqueDevice(VkDevice h) : h_(h) {}
  UniqueDevice(const UniqueDevice&) = delete;
  UniqueDevice& operator=(const UniqueDevice&) = delete;
  UniqueDevice(UniqueDevice&& o) noexcept : h_(std::exchange(o.h_, VK_NULL_HANDLE)) {}
  UniqueDevice& operator=(UniqueDevice&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = std::exchange(o.h_, VK_NULL_HANDLE);
    }
    return *this;
  }
  ~UniqueDevice() { reset(); }
  void reset() {
    if (h_ != VK_NULL_HANDLE) {
      // Destroying a device with work in flight is undefined; wait first.
      vkDeviceWaitIdle(h_);
      vkDestroyDevice(h_, nullptr);
    }
    h_ = VK_NULL_HANDLE;
  }
  VkDevice get() const { return h_; }

 private:
  VkDevice h_ = VK_NULL_HANDLE;
};

}  // namespace wpvm::vulkan

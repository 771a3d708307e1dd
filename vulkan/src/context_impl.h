// The insides of Context, Buffer and Kernel shared by the files that build
// them: device handles, the one queue with its submission lock, the staging
// area and the kernel cache.
#pragma once
#include "vk_loader.h"

#include <atomic>
#include <cstring>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "capabilities.h"
#include "vk_check.h"
#include "vk_handles.h"
#include "wpvm/vulkan/context.h"

namespace wpvm::vulkan {

// Kernels may bind at most this many buffers: descriptor writes are built in
// a fixed array on the stack (no allocation per dispatch).
inline constexpr uint32_t kMaxKernelBuffers = 32;
// The prefix of num_iterations, block_size, base_invocation the kernel declares.
inline uint32_t push_constant_bytes(const KernelInfo& info) { return 4 * info.push_constant_count; }

// A buffer with its memory, mapped when host-visible.
struct Allocation {
  UniqueBuffer buffer;
  UniqueMemory memory;
  void* mapped = nullptr;
  VkDeviceSize capacity = 0;
};

// Pipelines by SPIR-V content, bounded in entries and SPIR-V bytes; the
// least recently used goes first (guarded by Context::Impl::cache_mutex).
struct KernelCache {
  size_t max_entries = 0, max_bytes = 0;
  size_t bytes = 0;
  uint64_t built = 0;
  std::list<std::shared_ptr<const Kernel>> lru;  // most recently used first
  std::unordered_multimap<uint64_t, std::list<std::shared_ptr<const Kernel>>::iterator> by_hash;

  void clear() {
    by_hash.clear();
    lru.clear();
    bytes = 0;
  }
};

struct Context::Impl {
  UniqueInstance instance;
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkPhysicalDeviceProperties properties{};
  VkPhysicalDeviceMemoryProperties memory_properties{};
  DeviceInfo info;
  UniqueDevice device;
  VkQueue queue = VK_NULL_HANDLE;
  uint32_t queue_family = 0;
  bool unified = false;
  uint32_t max_group_count = 0;
  VkDeviceSize max_buffer_size = 0;
  SpirvTarget spirv_target = SpirvTarget::kVulkan1_0;
  uint32_t api = VK_API_VERSION_1_0;  // what instance and device both support
  ShaderFeatures features;            // enabled on the device

  // Guards the queue, command buffer, fence, descriptor pool and staging.
  std::mutex submit_mutex;
  // A submission or wait failed: the command buffer may still be pending,
  // so nothing more is submitted on this context.
  bool lost = false;
  UniqueCommandPool command_pool;
  VkCommandBuffer command_buffer = VK_NULL_HANDLE;
  UniqueFence fence;
  UniqueDescriptorPool descriptor_pool;
  Allocation staging;

  mutable std::mutex cache_mutex;
  KernelCache kernels;

  // Live buffer bytes against the budget (Buffer::Impl gives its back).
  std::atomic<uint64_t> memory_in_use{0};
  uint64_t memory_budget = 0;
  bool robust_buffer_access = false;

  // Records commands with `record(cmd)`, submits them and waits. Caller must
  // hold submit_mutex.
  template <class Record>
  Result<void> submit_locked(Record&& record);

  // A memory type index allowed by `bits` with all `flags`, or -1.
  int find_memory_type(uint32_t bits, VkMemoryPropertyFlags flags) const;
  Result<Allocation> allocate(VkDeviceSize size, VkBufferUsageFlags usage, bool host_visible);
  // Grows the staging buffer to at least `size` (caller holds submit_mutex).
  Result<void> reserve_staging(VkDeviceSize size);
};

Result<void> end_submit_wait(Context::Impl& ctx, VkCommandBuffer cmd);

template <class Record>
Result<void> Context::Impl::submit_locked(Record&& record) {
  if (lost) return device_error("the Vulkan device failed earlier; create a new context");
  VkCommandBuffer cmd = command_buffer;
  WPVM_VK_TRY(vkResetCommandBuffer(cmd, 0));
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  WPVM_VK_TRY(vkBeginCommandBuffer(cmd, &begin));
  Result<void> recorded = record(cmd);
  if (!recorded.ok()) {
    (void)vkEndCommandBuffer(cmd);
    return recorded;
  }
  return end_submit_wait(*this, cmd);
}

// A global memory barrier: enough for a layer that keeps one queue busy at a
// time and never overlaps its submissions.
inline void memory_barrier(VkCommandBuffer cmd, VkPipelineStageFlags src_stage,
                           VkAccessFlags src_access, VkPipelineStageFlags dst_stage,
                           VkAccessFlags dst_access) {
  VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  barrier.srcAccessMask = src_access;
  barrier.dstAccessMask = dst_access;
  vkCmdPipelineBarrier(cmd, src_stage, dst_stage, 0, 1, &barrier, 0, nullptr, 0, nullptr);
}

struct Buffer::Impl {
  Context::Impl* context = nullptr;
  Allocation allocation;
  size_t size = 0;
  bool direct = false;
  uint64_t counted = 0;  // bytes held against the context's memory budget

  ~Impl() {
    if (context) context->memory_in_use -= counted;
  }
};

struct Kernel::Impl {
  KernelInfo info;
  uint64_t hash = 0;
  std::vector<uint32_t> words;  // to tell hash collisions apart
  UniqueSetLayout set_layout;
  UniquePipelineLayout pipeline_layout;
  UniquePipeline pipeline;
};

}  // namespace wpvm::vulkan

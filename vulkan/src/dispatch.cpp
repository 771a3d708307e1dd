// Dispatch: binds the buffers (set 0, binding i), pushes num_iterations and
// block_size, launches the workgroups and waits for completion. Launches
// beyond the device's workgroup-count limit are split into pieces for kernels
// that take a base_invocation push constant (see Context::dispatch), and
// dispatch_until runs such a launch piece by piece.
#include <algorithm>
#include <array>
#include <chrono>
#include <string>

#include "context_impl.h"

namespace wpvm::vulkan {
namespace {

Result<void> check_buffers(const Context::Impl& ctx, const KernelInfo& info,
                           std::span<const Buffer* const> buffers,
                           std::array<VkDescriptorBufferInfo, kMaxKernelBuffers>& out) {
  if (buffers.size() != info.buffer_count)
    return usage_error("dispatch with " + std::to_string(buffers.size()) + " buffers; the kernel binds " +
                       std::to_string(info.buffer_count));
  for (size_t i = 0; i < buffers.size(); ++i) {
    const Buffer::Impl* b = buffers[i] ? &buffers[i]->impl() : nullptr;
    if (!b || b->context != &ctx) return usage_error("buffer " + std::to_string(i) + " belongs to another device");
    out[i] = {b->allocation.buffer.get(), 0, VK_WHOLE_SIZE};
  }
  return {};
}

Result<VkDescriptorSet> write_descriptor_set(Context::Impl& ctx, const Kernel::Impl& k,
                                             const std::array<VkDescriptorBufferInfo, kMaxKernelBuffers>& infos) {
  VkDevice device = ctx.device.get();
  // The previous dispatch finished (fence waited), so its set is free.
  WPVM_VK_TRY(vkResetDescriptorPool(device, ctx.descriptor_pool.get(), 0));
  VkDescriptorSetLayout layout = k.set_layout.get();
  VkDescriptorSetAllocateInfo alloc{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
  alloc.descriptorPool = ctx.descriptor_pool.get();
  alloc.descriptorSetCount = 1;
  alloc.pSetLayouts = &layout;
  VkDescriptorSet set = VK_NULL_HANDLE;
  WPVM_VK_TRY(vkAllocateDescriptorSets(device, &alloc, &set));
  std::array<VkWriteDescriptorSet, kMaxKernelBuffers> writes;
  for (uint32_t i = 0; i < k.info.buffer_count; ++i) {
    writes[i] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    writes[i].dstSet = set;
    writes[i].dstBinding = i;
    writes[i].descriptorCount = 1;
    writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    writes[i].pBufferInfo = &infos[i];
  }
  vkUpdateDescriptorSets(device, k.info.buffer_count, writes.data(), 0, nullptr);
  return set;
}

struct Launch {
  uint32_t num_iterations, block_size;
  uint64_t groups;           // in total
  uint32_t max_group_count;  // per piece
};

// Records workgroups [first_group, end_group) of the launch, in pieces of at
// most max_group_count.
void record_dispatch(VkCommandBuffer cmd, const Kernel::Impl& k, VkDescriptorSet set, const Launch& launch,
                     uint64_t first_group, uint64_t end_group) {
  // Host writes, staging copies and earlier dispatches come before us.
  memory_barrier(cmd,
                 VK_PIPELINE_STAGE_HOST_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                 VK_ACCESS_HOST_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_SHADER_WRITE_BIT,
                 VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, k.pipeline.get());
  vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, k.pipeline_layout.get(), 0, 1, &set, 0, nullptr);
  // One piece unless the kernel takes base_invocation (checked by the caller).
  // Pieces touch disjoint elements, so they need no barrier between them.
  for (uint64_t first = first_group; first < end_group; first += launch.max_group_count) {
    auto count = static_cast<uint32_t>(std::min<uint64_t>(launch.max_group_count, end_group - first));
    const uint32_t push[3] = {launch.num_iterations, launch.block_size,
                              static_cast<uint32_t>(first * k.info.local_size_x)};
    if (push_constant_bytes(k.info) > 0)  // the kernel declares a prefix of these, or none
      vkCmdPushConstants(cmd, k.pipeline_layout.get(), VK_SHADER_STAGE_COMPUTE_BIT, 0, push_constant_bytes(k.info),
                         push);
    vkCmdDispatch(cmd, count, 1, 1);
  }
  // Results go to the host (direct buffers) or to staging copies next.
  memory_barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
                 VK_PIPELINE_STAGE_HOST_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                 VK_ACCESS_HOST_READ_BIT | VK_ACCESS_TRANSFER_READ_BIT);
}

Result<Launch> plan(const Context::Impl& ctx, const KernelInfo& info, uint32_t num_iterations, uint32_t block_size) {
  uint64_t total = uint64_t{num_iterations} * block_size;
  if (total > UINT32_MAX)
    return usage_error("num_iterations * block_size = " + std::to_string(total) +
                       " invocations; a GPU kernel's total must fit in 32 bits");
  Launch launch{num_iterations, block_size, (total + info.local_size_x - 1) / info.local_size_x,
                ctx.max_group_count};
  // Whole workgroups run: the last one's invocations past the total exist
  // too, and gl_GlobalInvocationID.x (+ base_invocation) is a uint. Beyond 32
  // bits it would wrap and run the first elements twice.
  uint64_t launched = launch.groups * info.local_size_x;
  if (launched > UINT32_MAX)
    return usage_error(std::to_string(total) + " invocations round up to " + std::to_string(launched) +
                       " in whole workgroups of local_size_x " + std::to_string(info.local_size_x) +
                       "; a GPU launch's invocation count must fit in 32 bits");
  if (launch.groups > ctx.max_group_count && !info.has_base_invocation())
    return usage_error(std::to_string(launch.groups) + " workgroups exceed the device's limit of " +
                       std::to_string(ctx.max_group_count) +
                       " per dispatch; a kernel that declares a third push constant `uint base_invocation;` "
                       "(added to gl_GlobalInvocationID.x) is split into several dispatches");
  return launch;
}

}  // namespace

Result<void> Context::dispatch(const Kernel& kernel, std::span<const Buffer* const> buffers,
                               uint32_t num_iterations, uint32_t block_size) {
  const Kernel::Impl& k = kernel.impl();
  std::array<VkDescriptorBufferInfo, kMaxKernelBuffers> infos;
  WPVM_TRY(check_buffers(*impl_, k.info, buffers, infos));
  auto launch = plan(*impl_, k.info, num_iterations, block_size);
  if (!launch.ok()) return launch.error();
  if (launch->groups == 0) return {};
  std::lock_guard lock(impl_->submit_mutex);
  return impl_->submit_locked([&](VkCommandBuffer cmd) -> Result<void> {
    auto set = write_descriptor_set(*impl_, k, infos);
    if (!set.ok()) return set.error();
    record_dispatch(cmd, k, *set, *launch, 0, launch->groups);
    return {};
  });
}

Result<uint64_t> Context::dispatch_until(const Kernel& kernel, std::span<const Buffer* const> buffers,
                                         uint32_t num_iterations, uint32_t block_size,
                                         const std::function<bool()>& stop) {
  const Kernel::Impl& k = kernel.impl();
  if (!k.info.has_base_invocation()) {  // one piece: its invocations start at 0
    WPVM_TRY(dispatch(kernel, buffers, num_iterations, block_size));
    return uint64_t{num_iterations} * block_size;
  }
  std::array<VkDescriptorBufferInfo, kMaxKernelBuffers> infos;
  WPVM_TRY(check_buffers(*impl_, k.info, buffers, infos));
  auto launch = plan(*impl_, k.info, num_iterations, block_size);
  if (!launch.ok()) return launch.error();
  // Pieces sized from the time the last one took, aiming at kMinPiece..kMaxPiece:
  // twice as many groups after a short one, proportionally fewer after a
  // long one (a machine that got busier), so a stop waits for little work.
  using Clock = std::chrono::steady_clock;
  constexpr auto kMinPiece = std::chrono::milliseconds(10), kMaxPiece = std::chrono::milliseconds(50);
  uint64_t piece = std::min<uint64_t>(1024, launch->max_group_count);
  uint64_t first = 0;
  while (first < launch->groups) {
    if (first > 0 && stop()) return std::min<uint64_t>(first * k.info.local_size_x, uint64_t{num_iterations} * block_size);
    uint64_t end = std::min(launch->groups, first + piece);
    auto start = Clock::now();
    {
      std::lock_guard lock(impl_->submit_mutex);
      WPVM_TRY(impl_->submit_locked([&](VkCommandBuffer cmd) -> Result<void> {
        auto set = write_descriptor_set(*impl_, k, infos);
        if (!set.ok()) return set.error();
        record_dispatch(cmd, k, *set, *launch, first, end);
        return {};
      }));
    }
    auto took = Clock::now() - start;
    if (took < kMinPiece) {
      piece = std::min<uint64_t>(piece * 2, launch->max_group_count);
    } else if (took > kMaxPiece) {
      double scale = std::chrono::duration<double>(kMinPiece + kMaxPiece) / 2 / took;
      piece = std::max<uint64_t>(1, static_cast<uint64_t>(static_cast<double>(piece) * scale));
    }
    first = end;
  }
  return uint64_t{num_iterations} * block_size;
}

}  // namespace wpvm::vulkan

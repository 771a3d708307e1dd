// Kernels: compute pipelines built from SPIR-V, with their descriptor-set and
// pipeline layouts, cached per context by a hash of the words (compared in
// full on a hit, so a collision cannot return the wrong pipeline). The cache
// is bounded in entries and SPIR-V bytes; the least recently used goes first.
#include <algorithm>
#include <string>

#include "context_impl.h"

namespace wpvm::vulkan {
namespace {

// FNV-1a over whole words: a lookup hashes every word of the kernel, so it
// stays cheap; collisions are harmless (the words are compared on a hit).
uint64_t hash_words(std::span<const uint32_t> words) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint32_t w : words) {
    h ^= w;
    h *= 0x100000001b3ull;
  }
  return h ^ words.size();
}

// Device limits a convention-following kernel can still exceed.
Result<void> check_limits(const Context::Impl& ctx, const KernelInfo& info) {
  const VkPhysicalDeviceLimits& limits = ctx.properties.limits;
  uint32_t max_local = std::min(limits.maxComputeWorkGroupSize[0], limits.maxComputeWorkGroupInvocations);
  if (info.local_size_x > max_local)
    return kernel_error("kernel's local_size_x " + std::to_string(info.local_size_x) + " exceeds the device's " +
                        std::to_string(max_local));
  uint32_t max_buffers = std::min({limits.maxPerStageDescriptorStorageBuffers,
                                   limits.maxDescriptorSetStorageBuffers, kMaxKernelBuffers});
  if (info.buffer_count > max_buffers)
    return kernel_error("kernel binds " + std::to_string(info.buffer_count) + " buffers; at most " +
                        std::to_string(max_buffers) + " are supported");
  if (info.workgroup_memory_bytes > limits.maxComputeSharedMemorySize)
    return kernel_error("kernel's Workgroup (shared) variables need " + std::to_string(info.workgroup_memory_bytes) +
                        " bytes; the device has " + std::to_string(limits.maxComputeSharedMemorySize) +
                        " (maxComputeSharedMemorySize)");
  return {};
}

Result<void> create_layouts(VkDevice device, Kernel::Impl& k) {
  VkDescriptorSetLayoutBinding bindings[kMaxKernelBuffers];
  for (uint32_t i = 0; i < k.info.buffer_count; ++i)
    bindings[i] = {i, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
  VkDescriptorSetLayoutCreateInfo set{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  set.bindingCount = k.info.buffer_count;
  set.pBindings = bindings;
  VkDescriptorSetLayout set_layout = VK_NULL_HANDLE;
  WPVM_VK_TRY(vkCreateDescriptorSetLayout(device, &set, nullptr, &set_layout));
  k.set_layout = UniqueSetLayout(device, set_layout);

  VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, push_constant_bytes(k.info)};
  VkPipelineLayoutCreateInfo layout{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  layout.setLayoutCount = 1;
  layout.pSetLayouts = &set_layout;
  layout.pushConstantRangeCount = range.size > 0 ? 1 : 0;  // a kernel may declare none
  layout.pPushConstantRanges = range.size > 0 ? &range : nullptr;
  VkPipelineLayout pipeline_layout = VK_NULL_HANDLE;
  WPVM_VK_TRY(vkCreatePipelineLayout(device, &layout, nullptr, &pipeline_layout));
  k.pipeline_layout = UniquePipelineLayout(device, pipeline_layout);
  return {};
}

Result<void> create_pipeline(const Context::Impl& ctx, Kernel::Impl& k) {
  VkDevice device = ctx.device.get();
  VkShaderModuleCreateInfo module_info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  module_info.codeSize = k.words.size() * sizeof(uint32_t);
  module_info.pCode = k.words.data();
  VkShaderModule module = VK_NULL_HANDLE;
  WPVM_VK_TRY(vkCreateShaderModule(device, &module_info, nullptr, &module));
  UniqueShaderModule module_owner(device, module);  // only needed until the pipeline exists

  VkComputePipelineCreateInfo info{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  info.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
  info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  info.stage.module = module;
  info.stage.pName = "main";
  info.layout = k.pipeline_layout.get();
  VkPipeline pipeline = VK_NULL_HANDLE;
  WPVM_VK_TRY(vkCreateComputePipelines(device, VK_NULL_HANDLE, 1, &info, nullptr, &pipeline));
  k.pipeline = UniquePipeline(device, pipeline);
  return {};
}

Result<std::shared_ptr<const Kernel>> build_kernel(const Context::Impl& ctx, std::span<const uint32_t> spirv,
                                                   uint64_t hash) {
  auto info = reflect_kernel(spirv, ctx.spirv_target);
  if (!info.ok()) return info.error();
  WPVM_TRY(check_limits(ctx, *info));
  WPVM_TRY(check_capabilities(spirv, ctx.features));
  auto impl = std::make_unique<Kernel::Impl>();
  impl->info = *info;
  impl->hash = hash;
  impl->words.assign(spirv.begin(), spirv.end());
  WPVM_TRY(create_layouts(ctx.device.get(), *impl));
  WPVM_TRY(create_pipeline(ctx, *impl));
  return std::shared_ptr<const Kernel>(std::make_shared<Kernel>(std::move(impl)));
}

}  // namespace

Kernel::Kernel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Kernel::~Kernel() = default;
const KernelInfo& Kernel::info() const { return impl_->info; }
uint64_t Kernel::hash() const { return impl_->hash; }

Result<std::shared_ptr<const Kernel>> Context::kernel(std::span<const uint32_t> spirv, size_t buffer_count) {
  uint64_t hash = hash_words(spirv);
  // Held while building, so two threads never compile the same kernel twice.
  std::lock_guard lock(impl_->cache_mutex);
  KernelCache& cache = impl_->kernels;
  auto [first, last] = cache.by_hash.equal_range(hash);
  for (auto it = first; it != last; ++it) {
    const std::shared_ptr<const Kernel>& k = *it->second;
    if (std::equal(spirv.begin(), spirv.end(), k->impl().words.begin(), k->impl().words.end())) {
      cache.lru.splice(cache.lru.begin(), cache.lru, it->second);  // now the most recent
      WPVM_TRY(check_buffer_count(k->info(), buffer_count));
      return k;
    }
  }
  auto built = build_kernel(*impl_, spirv, hash);
  if (!built.ok()) return built.error();  // refused SPIR-V is never kept
  ++cache.built;
  size_t bytes = spirv.size_bytes();
  if (bytes <= cache.max_bytes && cache.max_entries > 0) {
    while (!cache.lru.empty() && (cache.lru.size() >= cache.max_entries || cache.bytes + bytes > cache.max_bytes)) {
      const Kernel& victim = *cache.lru.back();
      auto [vf, vl] = cache.by_hash.equal_range(victim.hash());
      for (auto it = vf; it != vl; ++it) {
        if (it->second->get() == &victim) {
          cache.by_hash.erase(it);
          break;
        }
      }
      cache.bytes -= victim.impl().words.size() * sizeof(uint32_t);
      cache.lru.pop_back();  // holders (a running dispatch) keep it alive
    }
    cache.lru.push_front(*built);
    cache.by_hash.emplace(hash, cache.lru.begin());
    cache.bytes += bytes;
  }
  WPVM_TRY(check_buffer_count((*built)->info(), buffer_count));
  return *built;
}

size_t Context::cached_kernels() const {
  std::lock_guard lock(impl_->cache_mutex);
  return impl_->kernels.lru.size();
}

size_t Context::cached_kernel_bytes() const {
  std::lock_guard lock(impl_->cache_mutex);
  return impl_->kernels.bytes;
}

uint64_t Context::kernels_built() const {
  std::lock_guard lock(impl_->cache_mutex);
  return impl_->kernels.built;
}

}  // namespace wpvm::vulkan

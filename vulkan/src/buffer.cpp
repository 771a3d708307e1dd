// Buffers: device memory for one storage buffer. On a unified device the
// memory is host-visible and mapped, and upload/download are memcpy; on other
// devices it is device-local and reached through the context's staging buffer.
#include <algorithm>
#include <string>

#include "context_impl.h"

namespace wpvm::vulkan {
namespace {

// Vulkan has no zero-sized buffers and a storage-buffer range must be > 0.
constexpr VkDeviceSize kMinAllocation = 16;

std::string size_mismatch(const char* what, size_t given, size_t size) {
  return std::string(what) + " of " + std::to_string(given) + " bytes on a buffer of " +
         std::to_string(size) + " bytes";
}

}  // namespace

Result<Allocation> Context::Impl::allocate(VkDeviceSize size, VkBufferUsageFlags usage,
                                           bool host_visible) {
  VkDevice dev = device.get();
  Allocation a;
  a.capacity = std::max(size, kMinAllocation);
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = a.capacity;
  info.usage = usage;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  VkBuffer buffer = VK_NULL_HANDLE;
  WPVM_VK_TRY(vkCreateBuffer(dev, &info, nullptr, &buffer));
  a.buffer = UniqueBuffer(dev, buffer);

  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(dev, buffer, &req);
  int type = -1;
  if (host_visible) {
    // Every Vulkan device has a host-visible coherent type; cached reads
    // are faster for downloads, device-local is best where the device is
    // unified.
    const VkMemoryPropertyFlags coherent =
        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    type = find_memory_type(req.memoryTypeBits, coherent | (unified ? VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT
                                                                    : VK_MEMORY_PROPERTY_HOST_CACHED_BIT));
    if (type < 0) type = find_memory_type(req.memoryTypeBits, coherent);
  } else {
    type = find_memory_type(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    if (type < 0) type = find_memory_type(req.memoryTypeBits, 0);
  }
  if (type < 0) return device_error("no Vulkan memory type fits the buffer");

  VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  alloc.allocationSize = req.size;
  alloc.memoryTypeIndex = static_cast<uint32_t>(type);
  VkDeviceMemory memory = VK_NULL_HANDLE;
  WPVM_VK_TRY(vkAllocateMemory(dev, &alloc, nullptr, &memory));
  a.memory = UniqueMemory(dev, memory);
  WPVM_VK_TRY(vkBindBufferMemory(dev, buffer, memory, 0));
  if (host_visible) WPVM_VK_TRY(vkMapMemory(dev, memory, 0, VK_WHOLE_SIZE, 0, &a.mapped));
  return a;
}

Result<void> Context::Impl::reserve_staging(VkDeviceSize size) {
  if (staging.buffer && staging.capacity >= size) return {};
  staging = Allocation{};  // free the old one first: peak memory stays low
  auto grown = allocate(size, VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT, true);
  if (!grown.ok()) return grown.error();
  staging = std::move(*grown);
  return {};
}

Result<Buffer> Context::create_buffer(size_t size) {
  if (size > impl_->max_buffer_size)
    return make_error(ErrorKind::kResource, kNoOffset,
                      "buffer of " + std::to_string(size) + " bytes exceeds the device's limit of " +
                          std::to_string(impl_->max_buffer_size) + " bytes");
  // Counted before allocating, so concurrent callers cannot both pass.
  uint64_t counted = std::max<uint64_t>(size, kMinAllocation);
  uint64_t before = impl_->memory_in_use.fetch_add(counted);
  if (before + counted > impl_->memory_budget) {
    impl_->memory_in_use -= counted;
    return make_error(ErrorKind::kResource, kNoOffset,
                      "a buffer of " + std::to_string(size) + " bytes would exceed the device's memory budget (" +
                          std::to_string(before) + " of " + std::to_string(impl_->memory_budget) +
                          " bytes held by live buffers)");
  }
  auto impl = std::make_unique<Buffer::Impl>();
  impl->context = impl_.get();
  impl->counted = counted;  // given back when the buffer goes, even if allocation fails below
  impl->size = size;
  impl->direct = impl_->unified;
  VkBufferUsageFlags usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
  if (!impl->direct) usage |= VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  auto allocation = impl_->allocate(size, usage, impl->direct);
  if (!allocation.ok()) return allocation.error();
  impl->allocation = std::move(*allocation);
  return Buffer(std::move(impl));
}

Buffer::Buffer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Buffer::Buffer(Buffer&&) noexcept = default;
Buffer& Buffer::operator=(Buffer&&) noexcept = default;
Buffer::~Buffer() = default;

size_t Buffer::size() const { return impl_->size; }
bool Buffer::direct() const { return impl_->direct; }

Result<void> Buffer::upload(std::span<const uint8_t> data) {
  if (data.size() != impl_->size) return usage_error(size_mismatch("upload", data.size(), impl_->size));
  if (data.empty()) return {};
  if (impl_->direct) {
    // Host writes to coherent memory are visible to the next submission.
    std::memcpy(impl_->allocation.mapped, data.data(), data.size());
    return {};
  }
  Context::Impl& ctx = *impl_->context;
  std::lock_guard lock(ctx.submit_mutex);
  WPVM_TRY(ctx.reserve_staging(data.size()));
  std::memcpy(ctx.staging.mapped, data.data(), data.size());
  VkBuffer dst = impl_->allocation.buffer.get();
  return ctx.submit_locked([&](VkCommandBuffer cmd) -> Result<void> {
    // Earlier dispatches may still read the old contents (write-after-read).
    memory_barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                   VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT,
                   VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT);
    VkBufferCopy region{0, 0, data.size()};
    vkCmdCopyBuffer(cmd, ctx.staging.buffer.get(), dst, 1, &region);
    return {};
  });
}

Result<void> Buffer::download(std::span<uint8_t> data) const {
  if (data.size() != impl_->size) return usage_error(size_mismatch("download", data.size(), impl_->size));
  if (data.empty()) return {};
  if (impl_->direct) {
    // Dispatches end with a barrier to host reads and a fence wait.
    std::memcpy(data.data(), impl_->allocation.mapped, data.size());
    return {};
  }
  Context::Impl& ctx = *impl_->context;
  std::lock_guard lock(ctx.submit_mutex);
  WPVM_TRY(ctx.reserve_staging(data.size()));
  VkBuffer src = impl_->allocation.buffer.get();
  WPVM_TRY(ctx.submit_locked([&](VkCommandBuffer cmd) -> Result<void> {
    memory_barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                   VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT,
                   VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_READ_BIT);
    VkBufferCopy region{0, 0, data.size()};
    vkCmdCopyBuffer(cmd, src, ctx.staging.buffer.get(), 1, &region);
    memory_barrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
                   VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
    return {};
  }));
  std::memcpy(data.data(), ctx.staging.mapped, data.size());
  return {};
}

}  // namespace wpvm::vulkan

// Context: the Vulkan instance (no window system), physical-device discovery
// and choice, the logical device with one compute queue, its command buffer,
// fence and descriptor pool, and the submit-and-wait path.
#include <algorithm>
#include <mutex>
#include <array>
#include <cstdint>
#include <string>

#include <unistd.h>

#include "context_impl.h"
#include "device_features.h"

namespace wpvm::vulkan {
namespace {

constexpr uint64_t kFenceTimeoutNs = UINT64_MAX;  // a dispatch may take long

DeviceType device_type_of(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return DeviceType::kIntegrated;
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return DeviceType::kDiscrete;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return DeviceType::kVirtual;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return DeviceType::kCpu;
    default: return DeviceType::kOther;
  }
}

Result<UniqueInstance> create_instance(uint32_t* api_version) {
  uint32_t loader_version = VK_API_VERSION_1_0;
  // vkEnumerateInstanceVersion exists from loader 1.1 on; 1.0 loaders lack it.
  auto enumerate = reinterpret_cast<PFN_vkEnumerateInstanceVersion>(
      vkGetInstanceProcAddr(VK_NULL_HANDLE, "vkEnumerateInstanceVersion"));
  if (enumerate && enumerate(&loader_version) != VK_SUCCESS) loader_version = VK_API_VERSION_1_0;
  // The newest version both know: it decides which SPIR-V the device takes.
  *api_version = std::min<uint32_t>(VK_API_VERSION_1_3, VK_MAKE_API_VERSION(0, VK_API_VERSION_MAJOR(loader_version),
                                                                            VK_API_VERSION_MINOR(loader_version), 0));

  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "wpvm";
  app.pEngineName = "wpvm";
  app.apiVersion = *api_version;
  VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  info.pApplicationInfo = &app;
  VkInstance instance = VK_NULL_HANDLE;
  VkResult r = vkCreateInstance(&info, nullptr, &instance);
  if (r != VK_SUCCESS) {
    Error e = vk_error(r, "vkCreateInstance");
    e.message = "no Vulkan driver (" + e.message + ")";
    e.kind = kDeviceErrorKind;
    return e;
  }
  return UniqueInstance(instance);
}

std::vector<VkPhysicalDevice> physical_devices(VkInstance instance) {
  uint32_t count = 0;
  if (vkEnumeratePhysicalDevices(instance, &count, nullptr) != VK_SUCCESS) return {};
  std::vector<VkPhysicalDevice> devices(count);
  if (vkEnumeratePhysicalDevices(instance, &count, devices.data()) < 0) return {};
  devices.resize(count);
  return devices;
}

// A queue family with compute; one without graphics is preferred (a
// dedicated compute queue on GPUs that have one). -1: none.
int compute_family(VkPhysicalDevice device) {
  uint32_t count = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(device, &count, nullptr);
  std::vector<VkQueueFamilyProperties> families(count);
  vkGetPhysicalDeviceQueueFamilyProperties(device, &count, families.data());
  int any = -1;
  for (uint32_t i = 0; i < count; ++i) {
    if (!(families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) || families[i].queueCount == 0) continue;
    if (!(families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT)) return static_cast<int>(i);
    if (any < 0) any = static_cast<int>(i);
  }
  return any;
}

DeviceInfo describe(VkPhysicalDevice device, uint32_t index) {
  VkPhysicalDeviceProperties p;
  vkGetPhysicalDeviceProperties(device, &p);
  DeviceInfo info;
  info.index = index;
  info.name = p.deviceName;
  info.type = device_type_of(p.deviceType);
  info.api_major = VK_API_VERSION_MAJOR(p.apiVersion);
  info.api_minor = VK_API_VERSION_MINOR(p.apiVersion);
  info.has_compute = compute_family(device) >= 0;
  return info;
}

// The one device ranking, lower is better: the preferred type first, then
// discrete before integrated before virtual GPUs, CPU implementations and
// unknown types last.
int rank(DeviceType type, DevicePreference prefer) {
  if (prefer == DevicePreference::kDiscrete && type == DeviceType::kDiscrete) return 0;
  if (prefer == DevicePreference::kIntegrated && type == DeviceType::kIntegrated) return 0;
  switch (type) {
    case DeviceType::kDiscrete: return 1;
    case DeviceType::kIntegrated: return 2;
    case DeviceType::kVirtual: return 3;
    case DeviceType::kCpu: return 4;
    default: return 5;
  }
}

bool is_real_gpu(DeviceType type) {
  return type == DeviceType::kDiscrete || type == DeviceType::kIntegrated || type == DeviceType::kVirtual;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// "0: llvmpipe (...) (cpu), 1: ..." for error messages.
std::string device_list(std::span<const DeviceInfo> devices) {
  if (devices.empty()) return "there is no Vulkan device";
  std::string out = "the Vulkan devices are ";
  for (const DeviceInfo& d : devices) {
    if (&d != devices.data()) out += ", ";
    out += std::to_string(d.index) + ": " + d.name + " (" + device_type_name(d.type) +
           (d.has_compute ? ")" : ", no compute queue)");
  }
  return out;
}

Result<uint32_t> choose_device(std::span<const DeviceInfo> infos, const ContextOptions& options) {
  auto chosen = select_device(infos, options.device, options.prefer);
  if (!chosen.ok()) return chosen.error();
  if (*chosen) return **chosen;
  if (options.device == "none") return device_error("no Vulkan device: the device selector is \"none\"");
  return device_error("no Vulkan GPU (" + device_list(infos) +
                      "); a CPU implementation of Vulkan is used only when selected by name or index");
}

// Storage-buffer range, single-allocation size and largest heap.
VkDeviceSize max_buffer_size_of(const Context::Impl& ctx, uint32_t api) {
  VkDeviceSize limit = ctx.properties.limits.maxStorageBufferRange;
  VkDeviceSize heap = 0;
  for (uint32_t i = 0; i < ctx.memory_properties.memoryHeapCount; ++i)
    heap = std::max(heap, ctx.memory_properties.memoryHeaps[i].size);
  limit = std::min(limit, heap);
  if (api >= VK_API_VERSION_1_1) {
    VkPhysicalDeviceMaintenance3Properties m3{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES};
    VkPhysicalDeviceProperties2 p2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
    p2.pNext = &m3;
    vkGetPhysicalDeviceProperties2(ctx.physical, &p2);
    limit = std::min(limit, m3.maxMemoryAllocationSize);
  }
  return limit;
}

// 3/4 of the heap that storage buffers come from (the first device-local
// type, as Context::Impl::allocate picks it, else any), and for a unified
// device, whose heap is the host's memory, at most half the physical RAM:
// a guest creating buffers in a loop gets out_of_memory, not a host that
// swaps or is killed.
uint64_t default_memory_budget(const Context::Impl& ctx) {
  const VkPhysicalDeviceMemoryProperties& m = ctx.memory_properties;
  VkMemoryPropertyFlags wanted = ctx.unified ? VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT
                                             : VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
  int type = ctx.find_memory_type(~0u, wanted);
  if (type < 0) type = ctx.find_memory_type(~0u, 0);
  uint64_t heap = type < 0 ? 0 : m.memoryHeaps[m.memoryTypes[type].heapIndex].size;
  uint64_t budget = heap / 4 * 3;
  bool host_memory = ctx.unified || ctx.info.type == DeviceType::kCpu;
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  if (host_memory && pages > 0 && page > 0)
    budget = std::min<uint64_t>(budget, static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) / 2);
  return budget;
}

SpirvTarget spirv_target_of(uint32_t api) {
  if (api >= VK_API_VERSION_1_3) return SpirvTarget::kVulkan1_3;
  if (api >= VK_API_VERSION_1_2) return SpirvTarget::kVulkan1_2;
  if (api >= VK_API_VERSION_1_1) return SpirvTarget::kVulkan1_1;
  return SpirvTarget::kVulkan1_0;
}

}  // namespace

const char* device_type_name(DeviceType type) {
  switch (type) {
    case DeviceType::kIntegrated: return "integrated-gpu";
    case DeviceType::kDiscrete: return "discrete-gpu";
    case DeviceType::kVirtual: return "virtual-gpu";
    case DeviceType::kCpu: return "cpu";
    default: return "other";
  }
}

Result<std::optional<uint32_t>> select_device(std::span<const DeviceInfo> devices, std::string_view selector,
                                              DevicePreference prefer) {
  using Choice = std::optional<uint32_t>;
  if (selector == "none") return Choice();
  bool automatic = selector == "auto";
  if (!automatic && selector.empty()) return usage_error("an empty Vulkan device selector (use auto, none, an index or a name)");
  bool by_index = !automatic && selector.find_first_not_of("0123456789") == std::string_view::npos;
  std::string part = lower(selector);
  const DeviceInfo* best = nullptr;
  for (const DeviceInfo& d : devices) {
    bool match = automatic  ? is_real_gpu(d.type)
                 : by_index ? std::to_string(d.index) == selector
                            : lower(d.name).find(part) != std::string::npos;
    if (!match || !d.has_compute) continue;
    if (!best || rank(d.type, prefer) < rank(best->type, prefer)) best = &d;
  }
  if (best) return Choice(best->index);
  if (automatic) return Choice();
  return usage_error("no Vulkan device with a compute queue matches the selector \"" + std::string(selector) +
                     "\" (an index or part of a name; " + device_list(devices) + ")");
}

namespace {

// One instance made on first use and kept for the life of the process: the
// Vulkan loader unloads a driver when its last instance goes, and Mesa's
// lavapipe keeps allocations in globals that would then be reported as leaks
// (and reloading the drivers for every list or context costs time). Making
// it opens the loader and resolves the layer's functions (vk_loader.h).
// Without a loader or a driver: the error, and the next call tries again.
Result<VkInstance> kept_instance() {
  static std::mutex mutex;
  static UniqueInstance* kept = nullptr;  // never destroyed, on purpose
  std::lock_guard lock(mutex);
  if (!kept) {
    WPVM_TRY(load_vulkan_loader());
    uint32_t api = 0;
    auto instance = create_instance(&api);
    if (!instance.ok()) return instance.error();
    WPVM_TRY(load_vulkan_functions(instance->get()));
    kept = new UniqueInstance(std::move(*instance));
  }
  return kept->get();
}

}  // namespace

std::vector<DeviceInfo> list_devices() {
  auto kept = kept_instance();
  if (!kept.ok()) return {};
  std::vector<DeviceInfo> infos;
  auto devices = physical_devices(*kept);
  for (uint32_t i = 0; i < devices.size(); ++i) infos.push_back(describe(devices[i], i));
  return infos;
}

Result<void> vulkan_available() {
  auto kept = kept_instance();
  if (!kept.ok()) return kept.error();
  return {};
}

bool instance_layer_available(const std::string& name) {
  if (!load_vulkan_loader().ok()) return false;
  uint32_t count = 0;
  if (vkEnumerateInstanceLayerProperties(&count, nullptr) != VK_SUCCESS) return false;
  std::vector<VkLayerProperties> layers(count);
  if (vkEnumerateInstanceLayerProperties(&count, layers.data()) < 0) return false;
  layers.resize(count);
  return std::any_of(layers.begin(), layers.end(),
                     [&](const VkLayerProperties& l) { return name == l.layerName; });
}

int Context::Impl::find_memory_type(uint32_t bits, VkMemoryPropertyFlags flags) const {
  for (uint32_t i = 0; i < memory_properties.memoryTypeCount; ++i) {
    if ((bits & (1u << i)) && (memory_properties.memoryTypes[i].propertyFlags & flags) == flags)
      return static_cast<int>(i);
  }
  return -1;
}

Result<void> end_submit_wait(Context::Impl& ctx, VkCommandBuffer cmd) {
  WPVM_VK_TRY(vkEndCommandBuffer(cmd));
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &cmd;
  VkFence fence = ctx.fence.get();
  WPVM_VK_TRY(vkResetFences(ctx.device.get(), 1, &fence));
  VkResult r = injected_fault("vkQueueSubmit");
  if (r == VK_SUCCESS) r = vkQueueSubmit(ctx.queue, 1, &submit, fence);
  if (r == VK_SUCCESS) {
    r = vkWaitForFences(ctx.device.get(), 1, &fence, VK_TRUE, kFenceTimeoutNs);
    if (r != VK_SUCCESS) {
      ctx.lost = true;
      return vk_error(r, "vkWaitForFences");
    }
    return {};
  }
  // Out of memory at submit leaves nothing pending; anything else may.
  if (r != VK_ERROR_OUT_OF_HOST_MEMORY && r != VK_ERROR_OUT_OF_DEVICE_MEMORY) ctx.lost = true;
  return vk_error(r, "vkQueueSubmit");
}

namespace {

Result<void> create_device(Context::Impl& ctx) {
  float priority = 1.0f;
  VkDeviceQueueCreateInfo queue{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  queue.queueFamilyIndex = ctx.queue_family;
  queue.queueCount = 1;
  queue.pQueuePriorities = &priority;
  VkDeviceCreateInfo info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  info.queueCreateInfoCount = 1;
  info.pQueueCreateInfos = &queue;
  EnabledFeatures features(ctx.features, ctx.api);
  features.attach(info);
  VkDevice device = VK_NULL_HANDLE;
  WPVM_VK_TRY(vkCreateDevice(ctx.physical, &info, nullptr, &device));
  ctx.device = UniqueDevice(device);
  vkGetDeviceQueue(device, ctx.queue_family, 0, &ctx.queue);
  return {};
}

Result<void> create_submission_objects(Context::Impl& ctx) {
  VkDevice device = ctx.device.get();
  VkCommandPoolCreateInfo pool{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pool.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pool.queueFamilyIndex = ctx.queue_family;
  VkCommandPool command_pool = VK_NULL_HANDLE;
  WPVM_VK_TRY(vkCreateCommandPool(device, &pool, nullptr, &command_pool));
  ctx.command_pool = UniqueCommandPool(device, command_pool);

  VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  alloc.commandPool = command_pool;
  alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  alloc.commandBufferCount = 1;
  WPVM_VK_TRY(vkAllocateCommandBuffers(device, &alloc, &ctx.command_buffer));

  VkFenceCreateInfo fence_info{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  VkFence fence = VK_NULL_HANDLE;
  WPVM_VK_TRY(vkCreateFence(device, &fence_info, nullptr, &fence));
  ctx.fence = UniqueFence(device, fence);

  // One set at a time: the pool is reset before every dispatch.
  VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, kMaxKernelBuffers};
  VkDescriptorPoolCreateInfo dp{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  dp.maxSets = 1;
  dp.poolSizeCount = 1;
  dp.pPoolSizes = &size;
  VkDescriptorPool descriptor_pool = VK_NULL_HANDLE;
  WPVM_VK_TRY(vkCreateDescriptorPool(device, &dp, nullptr, &descriptor_pool));
  ctx.descriptor_pool = UniqueDescriptorPool(device, descriptor_pool);
  return {};
}

// Unified: an integrated or CPU device whose device-local memory the host can
// map coherently; buffers then skip staging copies.
bool is_unified(const Context::Impl& ctx) {
  if (ctx.info.type != DeviceType::kIntegrated && ctx.info.type != DeviceType::kCpu) return false;
  return ctx.find_memory_type(~0u, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT |
                                       VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                       VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) >= 0;
}

}  // namespace

Result<std::unique_ptr<Context>> Context::create(const ContextOptions& options) {
  auto impl = std::make_unique<Impl>();
  // Loads Vulkan on first use; the drivers stay loaded after this context goes.
  if (auto kept = kept_instance(); !kept.ok()) return kept.error();
  uint32_t instance_api = 0;
  auto instance = create_instance(&instance_api);
  if (!instance.ok()) return instance.error();
  impl->instance = std::move(*instance);

  auto devices = physical_devices(impl->instance.get());
  if (devices.empty()) return device_error("no Vulkan driver: no physical device");
  std::vector<DeviceInfo> infos;
  for (uint32_t i = 0; i < devices.size(); ++i) infos.push_back(describe(devices[i], i));
  auto chosen = choose_device(infos, options);
  if (!chosen.ok()) return chosen.error();

  impl->physical = devices[*chosen];
  impl->info = infos[*chosen];
  impl->queue_family = static_cast<uint32_t>(compute_family(impl->physical));
  vkGetPhysicalDeviceProperties(impl->physical, &impl->properties);
  vkGetPhysicalDeviceMemoryProperties(impl->physical, &impl->memory_properties);
  uint32_t api = std::min(instance_api, impl->properties.apiVersion);
  impl->api = api;
  impl->features = query_shader_features(impl->physical, api);
  impl->spirv_target = spirv_target_of(api);
  impl->max_group_count = impl->properties.limits.maxComputeWorkGroupCount[0];
  if (options.max_group_count > 0)
    impl->max_group_count = std::min(impl->max_group_count, options.max_group_count);
  impl->unified = !options.force_staging && is_unified(*impl);
  impl->max_buffer_size = max_buffer_size_of(*impl, api);
  impl->memory_budget = options.memory_budget > 0 ? options.memory_budget : default_memory_budget(*impl);
  impl->robust_buffer_access = impl->features.robust_buffer_access;
  impl->kernels.max_entries = options.kernel_cache_entries;
  impl->kernels.max_bytes = options.kernel_cache_bytes;

  WPVM_TRY(create_device(*impl));
  WPVM_TRY(create_submission_objects(*impl));
  return std::unique_ptr<Context>(new Context(std::move(impl)));
}

Context::Context(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Context::~Context() {
  // Spelled out for the reader (member order gives the same): wait for the
  // queue, release what was made from the device, then the device; the
  // instance goes last with the members.
  if (!impl_) return;
  if (impl_->device.get() != VK_NULL_HANDLE) vkDeviceWaitIdle(impl_->device.get());
  impl_->kernels.clear();
  impl_->staging = Allocation{};
  impl_->descriptor_pool.reset();
  impl_->fence.reset();
  impl_->command_pool.reset();
  impl_->device.reset();
}

const DeviceInfo& Context::device() const { return impl_->info; }
bool Context::unified_memory() const { return impl_->unified; }
uint32_t Context::max_group_count() const { return impl_->max_group_count; }
size_t Context::max_buffer_size() const { return static_cast<size_t>(impl_->max_buffer_size); }
uint64_t Context::memory_budget() const { return impl_->memory_budget; }
uint64_t Context::memory_in_use() const { return impl_->memory_in_use.load(); }
bool Context::robust_buffer_access() const { return impl_->robust_buffer_access; }

}  // namespace wpvm::vulkan

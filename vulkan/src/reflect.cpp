// Kernel reflection: validates a SPIR-V module with SPIRV-Tools (so that no
// malformed blob ever reaches SPIRV-Cross or a driver) and reflects it with
// SPIRV-Cross's C API against wpvm's GPU-kernel conventions. Built as the
// reflection module, libwpvm-spirv-reflect.so (reflect_module.h), the only
// binary that links SPIRV-Tools and SPIRV-Cross.
#include <spirv-tools/libspirv.h>
#include <spirv_cross/spirv_cross_c.h>

#include <algorithm>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "reflect_module.h"
#include "wpvm/vulkan/errors.h"
#include "wpvm/vulkan/kernel_info.h"

namespace wpvm::vulkan {
namespace {

constexpr uint32_t kSpirvMagic = 0x07230203;
constexpr uint32_t kSpirvMagicSwapped = 0x03022307;
constexpr size_t kHeaderWords = 5;
constexpr const char* kConvention = "`uint num_iterations; uint block_size; uint base_invocation;` at offset 0";

Error malformed(size_t word, std::string message) {
  return make_error(ErrorKind::kMalformed, word == kNoOffset ? kNoOffset : word * 4,
                    "invalid SPIR-V: " + std::move(message));
}

spv_target_env target_env(SpirvTarget target) {
  switch (target) {
    case SpirvTarget::kVulkan1_1: return SPV_ENV_VULKAN_1_1;
    case SpirvTarget::kVulkan1_2: return SPV_ENV_VULKAN_1_2;
    case SpirvTarget::kVulkan1_3: return SPV_ENV_VULKAN_1_3;
    default: return SPV_ENV_VULKAN_1_0;
  }
}

Result<void> validate(std::span<const uint32_t> words, SpirvTarget target) {
  if (words.size() < kHeaderWords) return malformed(kNoOffset, "shorter than the 5-word header");
  if (words[0] == kSpirvMagicSwapped) return malformed(0, "big-endian word order is not supported");
  if (words[0] != kSpirvMagic) return malformed(0, "bad magic number");
  std::unique_ptr<spv_context_t, void (*)(spv_context)> context(
      spvContextCreate(target_env(target)), spvContextDestroy);
  spv_const_binary_t binary{words.data(), words.size()};
  spv_diagnostic diagnostic = nullptr;
  spv_result_t r = spvValidate(context.get(), &binary, &diagnostic);
  if (r == SPV_SUCCESS) {
    spvDiagnosticDestroy(diagnostic);
    return {};
  }
  std::string text = diagnostic && diagnostic->error ? diagnostic->error : "does not validate";
  size_t word = diagnostic && !diagnostic->isTextSource ? diagnostic->position.index : kNoOffset;
  spvDiagnosticDestroy(diagnostic);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return malformed(word, text);
}

using SpvcContext = std::unique_ptr<spvc_context_s, void (*)(spvc_context)>;

struct Reflector {
  spvc_context context;
  spvc_compiler compiler = nullptr;

  Error cross_error(const char* what) const {
    return malformed(kNoOffset, std::string(what) + ": " + spvc_context_get_last_error_string(context));
  }
};

Result<void> check_entry_point(Reflector& r) {
  const spvc_entry_point* entries = nullptr;
  size_t count = 0;
  if (spvc_compiler_get_entry_points(r.compiler, &entries, &count) != SPVC_SUCCESS)
    return r.cross_error("reading entry points");
  for (size_t i = 0; i < count; ++i) {
    if (std::string(entries[i].name) == "main" && entries[i].execution_model == SpvExecutionModelGLCompute) {
      if (spvc_compiler_set_entry_point(r.compiler, "main", SpvExecutionModelGLCompute) != SPVC_SUCCESS)
        return r.cross_error("selecting entry point main");
      return {};
    }
  }
  return kernel_error("kernel has no GLCompute entry point named \"main\"");
}

Result<uint32_t> local_size_x(Reflector& r) {
  spvc_specialization_constant x{}, y{}, z{};
  spvc_compiler_get_work_group_size_specialization_constants(r.compiler, &x, &y, &z);
  if (x.id != 0 || y.id != 0 || z.id != 0)
    return kernel_error("kernel's workgroup size comes from specialization constants; use local_size_x = N");
  unsigned sx = spvc_compiler_get_execution_mode_argument_by_index(r.compiler, SpvExecutionModeLocalSize, 0);
  unsigned sy = spvc_compiler_get_execution_mode_argument_by_index(r.compiler, SpvExecutionModeLocalSize, 1);
  unsigned sz = spvc_compiler_get_execution_mode_argument_by_index(r.compiler, SpvExecutionModeLocalSize, 2);
  if (sx == 0) return kernel_error("kernel declares no LocalSize execution mode (local_size_x)");
  if (sy != 1 || sz != 1)
    return kernel_error("kernel's local_size_y and local_size_z must be 1 (have " + std::to_string(sy) +
                        " and " + std::to_string(sz) + ")");
  return static_cast<uint32_t>(sx);
}

Result<std::span<const spvc_reflected_resource>> resources_of(Reflector& r, spvc_resources res,
                                                              spvc_resource_type type) {
  const spvc_reflected_resource* list = nullptr;
  size_t count = 0;
  if (spvc_resources_get_resource_list_for_type(res, type, &list, &count) != SPVC_SUCCESS)
    return r.cross_error("listing resources");
  return std::span<const spvc_reflected_resource>(list, count);
}

// Storage buffers must be set 0, bindings exactly 0..n-1, one buffer each.
Result<uint32_t> storage_buffers(Reflector& r, spvc_resources res) {
  auto buffers = resources_of(r, res, SPVC_RESOURCE_TYPE_STORAGE_BUFFER);
  if (!buffers.ok()) return buffers.error();
  std::vector<bool> seen(buffers->size(), false);
  for (const auto& b : *buffers) {
    std::string name = b.name && *b.name ? b.name : "<unnamed>";
    unsigned set = spvc_compiler_get_decoration(r.compiler, b.id, SpvDecorationDescriptorSet);
    unsigned binding = spvc_compiler_get_decoration(r.compiler, b.id, SpvDecorationBinding);
    if (set != 0) return kernel_error("storage buffer " + name + " is in descriptor set " + std::to_string(set) + "; kernels use set 0 only");
    if (spvc_type_get_num_array_dimensions(spvc_compiler_get_type_handle(r.compiler, b.type_id)) != 0)
      return kernel_error("storage buffer " + name + " is an array of buffers; bind one buffer per binding");
    if (binding >= seen.size() || seen[binding])
      return kernel_error("storage buffer bindings must be 0.." + std::to_string(seen.size() - 1) +
                          ", each once (buffer " + name + " has binding " + std::to_string(binding) + ")");
    seen[binding] = true;
  }
  return static_cast<uint32_t>(buffers->size());
}

Result<void> only_buffers(Reflector& r, spvc_resources res) {
  static constexpr std::pair<spvc_resource_type, const char*> kForbidden[] = {
      {SPVC_RESOURCE_TYPE_UNIFORM_BUFFER, "uniform buffer"},
      {SPVC_RESOURCE_TYPE_STORAGE_IMAGE, "storage image"},
      {SPVC_RESOURCE_TYPE_SAMPLED_IMAGE, "sampled image"},
      {SPVC_RESOURCE_TYPE_SEPARATE_IMAGE, "image"},
      {SPVC_RESOURCE_TYPE_SEPARATE_SAMPLERS, "sampler"},
      {SPVC_RESOURCE_TYPE_ATOMIC_COUNTER, "atomic counter"},
      {SPVC_RESOURCE_TYPE_ACCELERATION_STRUCTURE, "acceleration structure"},
  };
  for (auto [type, what] : kForbidden) {
    auto list = resources_of(r, res, type);
    if (!list.ok()) return list.error();
    if (!list->empty())
      return kernel_error(std::string("kernel uses a ") + what + "; kernels may use only storage buffers (set 0) and push constants");
  }
  return {};
}

bool is_u32(Reflector& r, spvc_type_id id) {
  spvc_type t = spvc_compiler_get_type_handle(r.compiler, id);
  spvc_basetype base = spvc_type_get_basetype(t);
  return (base == SPVC_BASETYPE_UINT32 || base == SPVC_BASETYPE_INT32) && spvc_type_get_vector_size(t) == 1 &&
         spvc_type_get_columns(t) == 1 && spvc_type_get_num_array_dimensions(t) == 0;
}

// None, or a prefix of (num_iterations, block_size, base_invocation): uints
// packed from offset 0. Returns how many there are.
Result<uint32_t> push_constants(Reflector& r, spvc_resources res) {
  auto blocks = resources_of(r, res, SPVC_RESOURCE_TYPE_PUSH_CONSTANT);
  if (!blocks.ok()) return blocks.error();
  if (blocks->empty()) return 0u;
  spvc_type block = spvc_compiler_get_type_handle(r.compiler, (*blocks)[0].base_type_id);
  size_t size = 0;
  if (spvc_compiler_get_declared_struct_size(r.compiler, block, &size) != SPVC_SUCCESS)
    return r.cross_error("sizing the push-constant block");
  unsigned members = spvc_type_get_num_member_types(block);
  bool ok = members >= 1 && members <= 3 && size == 4 * members;
  for (unsigned i = 0; ok && i < members; ++i) {
    unsigned offset = 0;
    ok = is_u32(r, spvc_type_get_member_type(block, i)) &&
         spvc_compiler_type_struct_member_offset(r.compiler, block, i, &offset) == SPVC_SUCCESS && offset == 4 * i;
  }
  if (!ok)
    return kernel_error("kernel's push-constant block (" + std::to_string(size) + " bytes) is not a prefix of " +
                        kConvention);
  return members;
}

// The Workgroup-storage variables' size as Vulkan bounds it: each variable
// at the next offset its alignment allows, types laid out by the standard
// storage buffer layout, booleans as 32-bit integers. Read from the words
// (already validated): SPIRV-Cross does not list these variables.
class WorkgroupSizer {
 public:
  explicit WorkgroupSizer(std::span<const uint32_t> words) : words_(words) {}

  uint64_t total() {
    uint64_t offset = 0;
    for (size_t at = kHeaderWords; at < words_.size();) {
      uint32_t count = words_[at] >> 16, op = words_[at] & 0xffff;
      if (count == 0 || at + count > words_.size()) break;  // validated: cannot happen
      std::span<const uint32_t> in = words_.subspan(at + 1, count - 1);
      record(op, in);
      if (op == kOpVariable && in.size() >= 3 && in[2] == kWorkgroup) {
        auto pointee = pointee_.find(in[0]);
        if (pointee != pointee_.end()) {
          Layout l = layout(pointee->second, 0);
          offset = round_up(offset, l.align) + l.size;
        }
      }
      at += count;
    }
    return offset;
  }

 private:
  static constexpr uint32_t kOpTypeBool = 20, kOpTypeInt = 21, kOpTypeFloat = 22, kOpTypeVector = 23,
                            kOpTypeMatrix = 24, kOpTypeArray = 28, kOpTypeStruct = 30, kOpTypePointer = 32,
                            kOpConstant = 43, kOpSpecConstant = 50, kOpVariable = 59, kWorkgroup = 4;
  static constexpr uint64_t kCap = uint64_t{1} << 40;  // far beyond any device; no overflow

  struct Layout {
    uint64_t size = 0, align = 1;
  };

  static uint64_t round_up(uint64_t v, uint64_t a) { return a <= 1 ? v : (v + a - 1) / a * a; }

  void record(uint32_t op, std::span<const uint32_t> in) {
    switch (op) {
      case kOpTypeBool: case kOpTypeInt: case kOpTypeFloat: case kOpTypeVector: case kOpTypeMatrix:
      case kOpTypeArray: case kOpTypeStruct:
        if (!in.empty()) types_[in[0]] = {op, std::vector<uint32_t>(in.begin() + 1, in.end())};
        break;
      case kOpTypePointer:
        if (in.size() >= 3) pointee_[in[0]] = in[2];
        break;
      case kOpConstant: case kOpSpecConstant:  // array lengths (a spec constant's default)
        if (in.size() >= 3) constants_[in[1]] = in.size() >= 4 && in[3] != 0 ? kCap : in[2];
        break;
      default: break;
    }
  }

  Layout layout(uint32_t id, int depth) {
    auto t = types_.find(id);
    if (t == types_.end() || depth > 64) return {};
    const std::vector<uint32_t>& a = t->second.args;
    switch (t->second.op) {
      case kOpTypeBool: return {4, 4};
      case kOpTypeInt: case kOpTypeFloat: {
        uint64_t bytes = a.empty() ? 4 : std::max<uint64_t>(a[0] / 8, 1);
        return {bytes, bytes};
      }
      case kOpTypeVector: {
        if (a.size() < 2) return {};
        Layout c = layout(a[0], depth + 1);
        return {c.size * a[1], c.size * (a[1] == 2 ? 2 : 4)};
      }
      case kOpTypeMatrix: case kOpTypeArray: {  // columns or elements
        if (a.size() < 2) return {};
        Layout e = layout(a[0], depth + 1);
        uint64_t n = a[1];
        if (t->second.op == kOpTypeArray) {
          auto c = constants_.find(a[1]);
          n = c == constants_.end() ? 0 : c->second;
        }
        uint64_t stride = round_up(e.size, e.align);
        return {std::min(kCap, stride * std::min(n, kCap)), e.align};
      }
      case kOpTypeStruct: {
        Layout s;
        for (uint32_t member : a) {
          Layout m = layout(member, depth + 1);
          s.size = std::min(kCap, round_up(s.size, m.align) + m.size);
          s.align = std::max(s.align, m.align);
        }
        s.size = round_up(s.size, s.align);
        return s;
      }
      default: return {};
    }
  }

  struct Type {
    uint32_t op;
    std::vector<uint32_t> args;  // operands after the result id
  };
  std::span<const uint32_t> words_;
  std::unordered_map<uint32_t, Type> types_;
  std::unordered_map<uint32_t, uint32_t> pointee_;
  std::unordered_map<uint32_t, uint64_t> constants_;
};

Result<KernelInfo> reflect(Reflector& r, std::span<const uint32_t> words) {
  spvc_parsed_ir ir = nullptr;
  if (spvc_context_parse_spirv(r.context, words.data(), words.size(), &ir) != SPVC_SUCCESS)
    return r.cross_error("parsing");
  if (spvc_context_create_compiler(r.context, SPVC_BACKEND_NONE, ir, SPVC_CAPTURE_MODE_TAKE_OWNERSHIP,
                                   &r.compiler) != SPVC_SUCCESS)
    return r.cross_error("reflecting");
  WPVM_TRY(check_entry_point(r));
  KernelInfo info;
  auto size = local_size_x(r);
  if (!size.ok()) return size.error();
  info.local_size_x = *size;
  spvc_resources res = nullptr;
  if (spvc_compiler_create_shader_resources(r.compiler, &res) != SPVC_SUCCESS)
    return r.cross_error("listing resources");
  WPVM_TRY(only_buffers(r, res));
  auto count = storage_buffers(r, res);
  if (!count.ok()) return count.error();
  info.buffer_count = *count;
  auto push = push_constants(r, res);
  if (!push.ok()) return push.error();
  info.push_constant_count = *push;
  info.workgroup_memory_bytes = WorkgroupSizer(words).total();
  return info;
}

// reflect_kernel(), kernel_info.h, for the layer (reflect_loader.cpp).
Result<KernelInfo> validate_and_reflect(std::span<const uint32_t> words, SpirvTarget target) {
  WPVM_TRY(validate(words, target));
  spvc_context raw = nullptr;
  if (spvc_context_create(&raw) != SPVC_SUCCESS) return device_error("SPIRV-Cross: cannot create a context");
  SpvcContext context(raw, spvc_context_destroy);
  Reflector r{raw};
  return reflect(r, words);
}

}  // namespace

}  // namespace wpvm::vulkan

extern "C" __attribute__((visibility("default"))) const wpvm::vulkan::ReflectModule* wpvm_spirv_reflect_module() {
  static const wpvm::vulkan::ReflectModule module{wpvm::vulkan::kReflectModuleAbi,
                                                        wpvm::vulkan::validate_and_reflect};
  return &module;
}

// Shadow-stack detection and the per-memory stack regions (stacks.h).
#include "stacks.h"

#include <algorithm>

#include "wpvm/share.h"

namespace wpvm::parallel {

namespace {

constexpr uint32_t kMinRegion = 1024;
// Memories whose regions are remembered; beyond this the least recently used
// idle ones are forgotten (their memories may be long gone: ids never repeat).
constexpr size_t kMaxMemories = 64;

bool is_stack_candidate(const Module& m, uint32_t defined) {
  const GlobalDef& g = m.globals[defined];
  return g.type.type == ValType::kI32 && g.type.mut && g.init.op == ConstExpr::Op::kI32;
}

}  // namespace

uint32_t ShadowStack::region_bytes() const {
  uint64_t b = (uint64_t{initial} + 15) & ~uint64_t{15};
  return static_cast<uint32_t>(std::clamp<uint64_t>(b, kMinRegion, uint64_t{1} << 31));
}

std::optional<ShadowStack> find_shadow_stack(const Module& m) {
  auto found = [&](uint32_t index) -> std::optional<ShadowStack> {
    if (index < m.num_imported_globals) return std::nullopt;
    uint32_t defined = index - m.num_imported_globals;
    if (defined >= m.globals.size() || !is_stack_candidate(m, defined)) return std::nullopt;
    return ShadowStack{index, static_cast<uint32_t>(m.globals[defined].init.bits[0])};
  };
  for (const auto& [index, name] : m.global_names)
    if (name == "__stack_pointer") return found(index);
  if (const Export* e = m.find_export("__stack_pointer"); e && e->kind == ExternKind::kGlobal) return found(e->index);
  if (!m.global_names.empty() || m.globals.empty()) return std::nullopt;
  auto first = found(m.num_imported_globals);
  if (first && first->initial != 0 && first->initial % 16 == 0) return first;
  return std::nullopt;
}

bool code_may_use_global(const Module& m, uint32_t index) {
  constexpr uint8_t kGlobalGet = 0x23, kGlobalSet = 0x24;
  for (const FunctionBody& body : m.bodies) {
    std::span<const uint8_t> code = m.code(body);
    for (size_t i = 0; i < code.size(); ++i) {
      if (code[i] != kGlobalGet && code[i] != kGlobalSet) continue;
      // The immediate: an unsigned LEB128 of at most 5 bytes (maybe padded).
      uint64_t value = 0;
      for (size_t j = i + 1, shift = 0; j < code.size() && shift < 35; ++j, shift += 7) {
        value |= uint64_t{code[j] & 0x7fu} << shift;
        if (!(code[j] & 0x80)) {
          if (value == index) return true;
          break;
        }
      }
    }
  }
  return false;
}

StackLease::StackLease(StackLease&& o) noexcept { *this = std::move(o); }

StackLease& StackLease::operator=(StackLease&& o) noexcept {
  if (this == &o) return *this;
  if (owner_) owner_->release(memory_id_, regions_);
  owner_ = std::exchange(o.owner_, nullptr);
  memory_id_ = o.memory_id_;
  regions_ = std::move(o.regions_);
  tops_ = std::move(o.tops_);
  return *this;
}

StackLease::~StackLease() {
  if (owner_) owner_->release(memory_id_, regions_);
}

Result<StackLease> StackRegions::acquire(Memory& memory, uint32_t count, uint32_t bytes, uint64_t max_pages) {
  uint64_t id = memory_identity(memory);
  if (id == 0) return make_error(ErrorKind::kUsage, kNoOffset, "the caller's memory cannot be shared with workers");
  std::lock_guard lock(mutex_);
  PerMemory& per = memories_[id];
  per.last_use = ++clock_;
  StackLease lease;
  for (size_t i = 0; i < per.regions.size() && lease.regions_.size() < count; ++i) {
    if (per.regions[i].busy || per.regions[i].bytes < bytes) continue;
    lease.regions_.push_back(i);
  }
  if (uint32_t missing = count - static_cast<uint32_t>(lease.regions_.size())) {
    uint64_t need = uint64_t{missing} * bytes;
    uint64_t pages = (need + kPageSize - 1) / kPageSize;
    uint64_t old = memory.pages();
    Result<uint64_t> grown = old + pages <= max_pages ? memory.grow(pages)
                                                      : Result<uint64_t>(make_error(ErrorKind::kResource, kNoOffset, ""));
    if (!grown)
      return make_error(ErrorKind::kResource, kNoOffset,
                        "the kernel keeps a shadow stack (__stack_pointer) and the caller's memory of " +
                            std::to_string(old) + " pages cannot grow by " + std::to_string(pages) +
                            " to give each of " + std::to_string(count) + " workers a " + std::to_string(bytes) +
                            "-byte stack of its own (limit: " + std::to_string(max_pages) + " pages)");
    uint64_t at = *grown * kPageSize;
    for (uint32_t i = 0; i < missing; ++i, at += bytes) {
      lease.regions_.push_back(per.regions.size());
      per.regions.push_back(Region{static_cast<uint32_t>(at), bytes, false});
    }
  }
  for (size_t i : lease.regions_) {
    Region& r = per.regions[i];
    r.busy = true;
    lease.tops_.push_back(r.addr + r.bytes);
  }
  lease.owner_ = this;
  lease.memory_id_ = id;
  forget_idle_memories();
  return lease;
}

void StackRegions::release(uint64_t memory_id, std::span<const size_t> regions) {
  std::lock_guard lock(mutex_);
  auto it = memories_.find(memory_id);
  if (it == memories_.end()) return;
  for (size_t i : regions) it->second.regions[i].busy = false;
}

void StackRegions::forget_idle_memories() {
  while (memories_.size() > kMaxMemories) {
    auto oldest = memories_.end();
    for (auto it = memories_.begin(); it != memories_.end(); ++it) {
      bool idle = std::none_of(it->second.regions.begin(), it->second.regions.end(),
                               [](const Region& r) { return r.busy; });
      if (idle && (oldest == memories_.end() || it->second.last_use < oldest->second.last_use)) oldest = it;
    }
    if (oldest == memories_.end()) return;
    memories_.erase(oldest);
  }
}

}  // namespace wpvm::parallel

// The kernel rules (contract section 3) and the bounded content-hash kernel cache.
#include "kernel.h"

#include <algorithm>
#include <cstring>

namespace wpvm::parallel {

namespace {

Error rule(std::string reason) { return make_error(ErrorKind::kInvalid, kNoOffset, std::move(reason)); }

Result<void> check_imports(const Module& m) {
  if (m.imports.size() != 1 || m.imports[0].kind != ExternKind::kMemory) {
    std::string found;
    for (const Import& i : m.imports)
      found += std::string(found.empty() ? "" : ", ") + extern_kind_name(i.kind) + " " + i.module + "." + i.name;
    return rule("a kernel must import exactly one thing, a memory (it imports: " +
                (found.empty() ? std::string("nothing") : found) + ")");
  }
  return {};
}

Result<uint32_t> check_kernel_export(const Module& m) {
  const Export* e = m.find_export("kernel");
  if (!e || e->kind != ExternKind::kFunc) return rule("a kernel must export a function named \"kernel\"");
  const FuncType& t = m.func_type(e->index);
  bool all_i32 = std::all_of(t.params.begin(), t.params.end(), [](ValType v) { return v == ValType::kI32; });
  if (!all_i32 || t.params.size() < 3 || t.params.size() % 2 == 0 || !t.results.empty())
    return rule("the \"kernel\" export must have the type (i32 iteration_id, i32 num_iterations, i32 block_size, "
                "then an (i32 ptr, i32 len) pair per buffer) -> (), not " + t.to_string());
  return e->index;
}

Result<void> check_segments(const Module& m) {
  for (size_t i = 0; i < m.datas.size(); ++i)
    if (m.datas[i].mode == SegmentMode::kActive)
      return rule("data segment " + std::to_string(i) +
                  " is active: it would overwrite the caller's memory when a worker instantiates the kernel");
  // wasm-ld turns the data of a shared-memory module into passive segments
  // copied by a start function: the same overwrite, one step later.
  if (m.start)
    return rule("a kernel must not have a start function: it would run in every worker, against the caller's memory");
  return {};
}

}  // namespace

Result<std::shared_ptr<const Kernel>> check_kernel(std::shared_ptr<const Module> module, uint64_t hash) {
  const Module& m = *module;
  WPVM_TRY(check_imports(m));
  auto func = check_kernel_export(m);
  if (!func) return func.error();
  WPVM_TRY(check_segments(m));
  auto k = std::make_shared<Kernel>();
  k->hash = hash;
  k->func_index = *func;
  k->num_buffers = static_cast<uint32_t>((m.func_type(*func).params.size() - 3) / 2);
  k->memory = &m.imports[0];
  // wasm-ld gives every C kernel a __stack_pointer; a kernel whose code
  // never touches it (a loop kernel at -O2) keeps no stack and needs no
  // regions.
  k->stack = find_shadow_stack(m);
  if (k->stack && !code_may_use_global(m, k->stack->global_index)) k->stack.reset();
  k->module = std::move(module);
  return std::shared_ptr<const Kernel>(std::move(k));
}

uint64_t hash_bytes(std::span<const uint8_t> bytes) {
  constexpr uint64_t kPrime = 0x100000001b3ull;
  uint64_t h = 0xcbf29ce484222325ull ^ bytes.size();
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, bytes.data() + i, 8);
    h = (h ^ w) * kPrime;
    h ^= h >> 29;
  }
  for (; i < bytes.size(); ++i) h = (h ^ bytes[i]) * kPrime;
  return h;
}

Result<std::shared_ptr<const Kernel>> KernelCache::get(std::span<const uint8_t> bytes) {
  {
    // A guest sends the same few kernels again and again (p2p: one per
    // anti-diagonal): the most recently used ones are compared first, which
    // costs less than hashing the bytes (a memcmp stops at the first
    // difference, or at once when the lengths differ).
    std::lock_guard lock(mutex_);
    size_t looked = 0;
    for (auto it = lru_.begin(); it != lru_.end() && looked < kRecent; ++it, ++looked) {
      const ModuleBytes& kept = (*it)->module->bytes;
      if (kept.size() != bytes.size() || std::memcmp(kept.data(), bytes.data(), bytes.size()) != 0) continue;
      lru_.splice(lru_.begin(), lru_, it);
      return lru_.front();
    }
  }
  uint64_t h = hash_bytes(bytes);
  {
    std::lock_guard lock(mutex_);
    auto [lo, hi] = by_hash_.equal_range(h);
    for (auto it = lo; it != hi; ++it) {
      const ModuleBytes& kept = (*it->second)->module->bytes;
      if (!std::equal(bytes.begin(), bytes.end(), kept.begin(), kept.end())) continue;
      lru_.splice(lru_.begin(), lru_, it->second);
      return *it->second;
    }
  }
  // Decoded outside the lock: a large kernel does not hold up other callers
  // (two callers sending the same new kernel at once may both decode it).
  Result<std::shared_ptr<const Module>> module = load_module(bytes);
  if (!module) return module.error();
  auto kernel = check_kernel(*module, h);
  if (!kernel) return kernel.error();
  std::lock_guard lock(mutex_);
  auto [lo, hi] = by_hash_.equal_range(h);
  for (auto it = lo; it != hi; ++it)
    if ((*it->second)->module->bytes == (*kernel)->module->bytes) return *it->second;
  lru_.push_front(*kernel);
  by_hash_.emplace(h, lru_.begin());
  bytes_ += bytes.size();
  evict_locked();
  return kernel;
}

std::shared_ptr<const Kernel> KernelCache::find(std::span<const uint8_t> bytes) const {
  std::lock_guard lock(mutex_);
  auto [lo, hi] = by_hash_.equal_range(hash_bytes(bytes));
  for (auto it = lo; it != hi; ++it) {
    const ModuleBytes& kept = (*it->second)->module->bytes;
    if (std::equal(bytes.begin(), bytes.end(), kept.begin(), kept.end())) return *it->second;
  }
  return nullptr;
}

void KernelCache::evict_locked() {
  // The newest entry stays even when it alone exceeds the byte bound.
  while (lru_.size() > 1 && (lru_.size() > kMaxEntries || bytes_ > kMaxBytes)) {
    const std::shared_ptr<const Kernel>& oldest = lru_.back();
    auto [lo, hi] = by_hash_.equal_range(oldest->hash);
    for (auto it = lo; it != hi; ++it) {
      if (&*it->second != &oldest) continue;
      by_hash_.erase(it);
      break;
    }
    bytes_ -= oldest->module->bytes.size();
    lru_.pop_back();  // workers still running it hold their own reference
  }
}

size_t KernelCache::size() const {
  std::lock_guard lock(mutex_);
  return lru_.size();
}

size_t KernelCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace wpvm::parallel

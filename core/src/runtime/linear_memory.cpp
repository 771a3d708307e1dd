// Linear memories that never move: the whole 32-bit addressable range plus a
// guard region is reserved up front (PROT_NONE) and committed page by page on
// grow, so the base pointer is stable for the memory's lifetime.
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <mutex>

#include "runtime/runtime_impl.h"

namespace wpvm {

namespace {
// 4 GiB of addressable memory + 4 GiB so that any (u32 address + u32 offset)
// access lands inside the reservation: a JIT can rely on the guard alone.
constexpr size_t kReservation = size_t{8} << 30;
}  // namespace

Result<std::shared_ptr<LinearMemory>> LinearMemory::create(const MemoryType& type, bool guard_regions) {
  uint64_t max = type.limits.max.value_or(kMaxPages);
  if (type.limits.min > kMaxPages || max > kMaxPages)
    return make_error(ErrorKind::kResource, kNoOffset, "memory size must be at most 65536 pages (4GiB)");
  // Without guard regions (or when the host cannot give 8 GiB of address
  // space) reserve just the maximum: the memory still never moves, and the
  // interpreter's explicit bounds checks do not need the guard.
  size_t bytes = std::max<size_t>(max * kPageSize, kPageSize);
  void* p = MAP_FAILED;
  bool guarded = false;
  if (guard_regions) {
    p = mmap(nullptr, kReservation, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    guarded = p != MAP_FAILED;
  }
  if (!guarded) p = mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    return make_error(ErrorKind::kResource, kNoOffset, "cannot reserve address space for a memory");
  std::shared_ptr<LinearMemory> m(new LinearMemory());
  m->base = static_cast<uint8_t*>(p);
  m->reserved_ = guarded ? kReservation : bytes;
  m->guarded = guarded;
  m->max_pages = max;
  m->declared_max_pages = type.limits.max;
  static std::atomic<uint64_t> next_id{1};
  m->id = next_id.fetch_add(1, std::memory_order_relaxed);
  if (type.limits.min > 0 && !m->grow(type.limits.min))
    return make_error(ErrorKind::kResource, kNoOffset, "cannot commit the initial memory");
  return m;
}

LinearMemory::~LinearMemory() {
  if (base) munmap(base, reserved_);
}

std::optional<uint64_t> LinearMemory::grow(uint64_t delta_pages, ResourceLimiter* limiter) {
  // A shared memory may be grown by several threads at once: grows are rare,
  // so one process-wide lock makes each grow atomic; `size` is published
  // with release order after the pages are committed (never moved). The
  // limiter, the host's code, is asked outside the lock, about the size the
  // grow starts from; if another grow got in first, it is asked again.
  static std::mutex grow_mutex;
  for (;;) {
    uint64_t old_size = std::atomic_ref<uint64_t>(size).load(std::memory_order_acquire);
    uint64_t old_pages = old_size / kPageSize;
    if (delta_pages > max_pages - old_pages) return std::nullopt;
    if (delta_pages == 0) return old_pages;
    uint64_t new_size = (old_pages + delta_pages) * kPageSize;
    if (new_size > reserved_) return std::nullopt;
    if (limiter) {
      std::optional<uint64_t> max;
      if (declared_max_pages) max = *declared_max_pages * kPageSize;
      if (!limiter->memory_growing(old_size, new_size, max)) return std::nullopt;
    }
    std::lock_guard lock(grow_mutex);
    if (size != old_size) continue;
    if (mprotect(base + size, new_size - size, PROT_READ | PROT_WRITE) != 0) return std::nullopt;
    std::atomic_ref<uint64_t>(size).store(new_size, std::memory_order_release);
    return old_pages;
  }
}

Result<uint64_t> MemoryImpl::grow(uint64_t delta) {
  if (auto old = lin->grow(delta, store->limiter().get())) return *old;
  return make_error(ErrorKind::kResource, kNoOffset,
                    "memory cannot grow by " + std::to_string(delta) +
                        " pages (past its maximum, the store's limits, or what the host can give)");
}

}  // namespace wpvm

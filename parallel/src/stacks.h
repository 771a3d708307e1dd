// Shadow stacks of kernels built from C. clang keeps the frames of locals
// whose address is taken in linear memory, below a mutable i32 global
// `__stack_pointer`; a kernel's memory is the caller's, so left alone every
// worker would push its frames onto the same caller bytes. The host instead
// gives each worker a stack region of its own, carved from pages it appends
// to the caller's memory, and points the worker's `__stack_pointer` at the
// top of that region for the duration of the call.
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wpvm/module_def.h"
#include "wpvm/result.h"
#include "wpvm/runtime.h"

namespace wpvm::parallel {

// The global a module keeps its shadow stack pointer in, and its initial value
// (the top of the stack wasm-ld laid out: the stack lies below it).
struct ShadowStack {
  uint32_t global_index = 0;
  uint32_t initial = 0;
  // Bytes a worker's region gets: the module's own stack lies somewhere below
  // `initial`, so that many bytes always hold it (16-byte aligned, at least 1 KiB).
  uint32_t region_bytes() const;
};

// A defined, mutable i32 global named `__stack_pointer` (name section or
// export) with a constant initialiser. Modules stripped of their names keep
// wasm-ld's layout: the first defined global, when it is a mutable i32 whose
// initialiser is a non-zero multiple of 16, is taken to be the stack pointer.
std::optional<ShadowStack> find_shadow_stack(const Module& m);

// Whether the code of `m` may read or write global `index` (a global.get or
// global.set of it). Cautious: it looks for either opcode's byte followed by
// a LEB128 of the index anywhere in the function bodies, so the bytes of
// other instructions' immediates may give a wrong yes, never a wrong no.
bool code_may_use_global(const Module& m, uint32_t index);

class StackRegions;

// Regions leased to one job: region i's top (exclusive end, 16-byte aligned)
// is where worker slot i's stack pointer starts. Returned when the lease dies.
class StackLease {
 public:
  StackLease() = default;
  StackLease(StackLease&& o) noexcept;
  StackLease& operator=(StackLease&& o) noexcept;
  ~StackLease();
  std::span<const uint32_t> tops() const { return tops_; }

 private:
  friend class StackRegions;
  StackRegions* owner_ = nullptr;
  uint64_t memory_id_ = 0;
  std::vector<size_t> regions_;  // indices in the owner's list for the memory
  std::vector<uint32_t> tops_;
};

// The stack regions of every caller memory the host has served, keyed by the
// memory's identity (aliases of one memory share them). Regions are appended
// to the memory once and reused by later calls; two jobs running at the same
// time on one memory get disjoint regions. Thread-safe.
class StackRegions {
 public:
  // `count` regions of at least `bytes` each in `memory`, growing it (never
  // past `max_pages`) when too few are free. The error says why not.
  Result<StackLease> acquire(Memory& memory, uint32_t count, uint32_t bytes, uint64_t max_pages);

 private:
  friend class StackLease;
  struct Region {
    uint32_t addr = 0, bytes = 0;
    bool busy = false;
  };
  struct PerMemory {
    std::vector<Region> regions;
    uint64_t last_use = 0;
  };
  void release(uint64_t memory_id, std::span<const size_t> regions);
  void forget_idle_memories();

  std::mutex mutex_;
  std::map<uint64_t, PerMemory> memories_;
  uint64_t clock_ = 0;
};

}  // namespace wpvm::parallel

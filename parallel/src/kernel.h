// Kernels of parallel_exec: the contract's kernel rules, checked once per
// distinct module, and the cache of checked kernels keyed by content hash.
#pragma once
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>

#include "stacks.h"
#include "wpvm/module_def.h"
#include "wpvm/result.h"

namespace wpvm::parallel {

// A decoded, validated kernel module that follows the rules.
struct Kernel {
  std::shared_ptr<const Module> module;
  uint64_t hash = 0;
  uint32_t func_index = 0;   // of the `kernel` export
  uint32_t num_buffers = 0;  // (ptr, len) pairs after the three leading params
  const Import* memory = nullptr;  // the one import (in module)
  std::optional<ShadowStack> stack;  // a C kernel's __stack_pointer, if its code uses one
};

// Checks the kernel rules of a validated module; the error message says which
// rule the module breaks.
Result<std::shared_ptr<const Kernel>> check_kernel(std::shared_ptr<const Module> module, uint64_t hash);

// 64-bit content hash (FNV-1a over 8-byte words, then the tail).
uint64_t hash_bytes(std::span<const uint8_t> bytes);

// Decoded kernels by content, bounded: at most kMaxEntries kernels and
// kMaxBytes of kernel module bytes; the least recently used goes first. A
// module that is rejected is not kept at all (neither its bytes nor its
// reason): a guest retrying a bad kernel pays the decode again, and a guest
// sending many distinct kernels cannot grow the host. Thread-safe.
class KernelCache {
 public:
  static constexpr size_t kMaxEntries = 256;
  static constexpr size_t kMaxBytes = size_t{64} << 20;
  // get compares the bytes of this many most recently used kernels directly,
  // before it hashes.
  static constexpr size_t kRecent = 4;

  Result<std::shared_ptr<const Kernel>> get(std::span<const uint8_t> bytes);
  // The cached kernel of exactly these bytes, if any; its recency is unchanged.
  std::shared_ptr<const Kernel> find(std::span<const uint8_t> bytes) const;
  size_t size() const;
  size_t bytes() const;

 private:
  using Lru = std::list<std::shared_ptr<const Kernel>>;  // most recent first
  void evict_locked();

  mutable std::mutex mutex_;
  Lru lru_;
  // By content hash; the module's bytes are compared on a hit (hashes may collide).
  std::unordered_multimap<uint64_t, Lru::iterator> by_hash_;
  size_t bytes_ = 0;
};

}  // namespace wpvm::parallel

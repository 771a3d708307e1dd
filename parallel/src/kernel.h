// Kernels of parallel_exec: the contract's kernel rules, checked once per
// distinct module, and the cache of checked kernels keyed by content hash.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "wpvm/module.h"
#include "wpvm/result.h"

namespace wpvm::parallel {

// A decoded, validated kernel module that follows the rules.
struct Kernel {
  std::shared_ptr<const Module> module;
  uint64_t hash = 0;
  uint32_t func_index = 0;   // of the `kernel` export
  uint32_t num_buffers = 0;  // (ptr, len) pairs after the three leading params
  const Import* memory = nullptr;  // the one import (in module)
};

// Checks the kernel rules of a validated module; the error message says which
// rule the module breaks.
Result<std::shared_ptr<const Kernel>> check_kernel(std::shared_ptr<const Module> module, uint64_t hash);

// 64-bit content hash (FNV-1a over 8-byte words, then the tail).
uint64_t hash_bytes(std::span<const uint8_t> bytes);

// Decoded kernels by content. Rejected modules are remembered too, with their
// reason, so a guest retrying a bad kernel does not decode it again. Safe to
// use from several threads.
class KernelCache {
 public:
  Result<std::shared_ptr<const Kernel>> get(std::span<const uint8_t> bytes);
  size_t size() const;

 private:
  struct Entry {
    std::vector<uint8_t> bytes;  // compared on a hit: hashes may collide
    std::shared_ptr<const Kernel> kernel;
    std::string error;
  };
  mutable std::mutex mutex_;
  std::unordered_multimap<uint64_t, Entry> entries_;
};

}  // namespace wpvm::parallel

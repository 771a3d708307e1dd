// Code compiled from a Module, attached to it (Module::compiled, a private
// slot) and shared by every instance of the module in every store and thread:
// built once, holding no instance address, freed with the module.
//
// The interpreter's code (interp::Code) is built per defined function on its
// first call by any thread and published with one atomic compare-exchange: no
// lock. Two threads that race on a function's first call may both build it;
// one publishes, the other frees its copy and uses the published one. What
// the builder emits depends on the module and on two EngineConfig switches,
// the fuel and epoch checks (interp_variant): one copy per variant serves
// every engine configuration and instance.
//
// Native code (exec/tier.h) is compiled for the whole module at once, per code
// generator and CodeOptions, under the module's own mutex: the first thread
// compiles, threads that need the same code meanwhile wait, other modules are
// not held up.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "exec/tier.h"
#include "wpvm/module_def.h"

namespace wpvm {

namespace detail {

struct NativeVariant {
  tier::CodeGenerator* generator;
  tier::CodeOptions options;             // parallel: false (not part of the key)
  std::unique_ptr<tier::NativeCode> code;  // nullptr: the generator compiled nothing
};

// The interpreter's code variants: with or without fuel charges, with or
// without epoch checks (EngineConfig::consume_fuel, epoch_interruption).
inline constexpr size_t kInterpVariants = 4;
inline size_t interp_variant(const EngineConfig& c) {
  return (c.consume_fuel ? 1u : 0u) | (c.epoch_interruption ? 2u : 0u);
}

struct CompiledCode {
  explicit CompiledCode(const Module& m);
  ~CompiledCode();
  CompiledCode(const CompiledCode&) = delete;
  CompiledCode& operator=(const CompiledCode&) = delete;

  // The slots of one variant (interp_variant), one per defined function:
  // made on the variant's first use, each null until published, then never
  // replaced. Thread-safe.
  std::atomic<const interp::Code*>* interp_slots(size_t variant);
  uint32_t num_funcs = 0;
  std::atomic<uint32_t> interp_built{0};  // functions published (for tests and statistics)

  std::mutex native_mutex;
  std::vector<NativeVariant> native;  // under native_mutex; entries never removed

 private:
  std::array<std::atomic<std::atomic<const interp::Code*>*>, kInterpVariants> interp_{};
};

struct CompiledCodeAccess {
  // The module's compiled code, created (empty) on first use. Thread-safe.
  static CompiledCode& of(const Module& m);
  // The module's compiled code if anything was ever compiled from it.
  static const CompiledCode* peek(const Module& m) { return m.compiled.code_.load(std::memory_order_acquire); }
};

}  // namespace detail

inline detail::CompiledCode& compiled_code(const Module& m) { return detail::CompiledCodeAccess::of(m); }

}  // namespace wpvm

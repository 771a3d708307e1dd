// The per-module compiled code slot (compiled_code.h, wpvm/module.h).
#include "runtime/compiled_code.h"

namespace wpvm::detail {

CompiledCode::CompiledCode(const Module& m) : num_funcs(static_cast<uint32_t>(m.bodies.size())) {
  for (auto& v : interp) v = std::make_unique<std::atomic<const interp::Code*>[]>(m.bodies.size());
}

CompiledCode::~CompiledCode() {
  for (auto& v : interp)
    for (uint32_t i = 0; i < num_funcs; ++i) tier::free_code(v[i].load(std::memory_order_relaxed));
}

CompiledCode& CompiledCodeAccess::of(const Module& m) {
  std::atomic<CompiledCode*>& slot = m.compiled.code_;
  if (CompiledCode* c = slot.load(std::memory_order_acquire)) return *c;
  auto made = std::make_unique<CompiledCode>(m);
  CompiledCode* expected = nullptr;
  if (slot.compare_exchange_strong(expected, made.get(), std::memory_order_acq_rel, std::memory_order_acquire))
    return *made.release();
  return *expected;  // another thread attached its own first
}

CompiledCodeSlot& CompiledCodeSlot::operator=(const CompiledCodeSlot& other) noexcept {
  // The module was overwritten: its old code no longer matches it.
  if (this != &other) delete code_.exchange(nullptr, std::memory_order_acq_rel);
  return *this;
}

CompiledCodeSlot::~CompiledCodeSlot() { delete code_.load(std::memory_order_acquire); }

}  // namespace wpvm::detail

// The per-module compiled code slot (compiled_code.h, wpvm/module.h).
#include "runtime/compiled_code.h"

namespace wpvm::detail {

CompiledCode::CompiledCode(const Module& m) : num_funcs(static_cast<uint32_t>(m.bodies.size())) {}

CompiledCode::~CompiledCode() {
  for (auto& v : interp_) {
    std::atomic<const interp::Code*>* slots = v.load(std::memory_order_acquire);
    if (!slots) continue;
    for (uint32_t i = 0; i < num_funcs; ++i) tier::free_code(slots[i].load(std::memory_order_relaxed));
    delete[] slots;
  }
}

std::atomic<const interp::Code*>* CompiledCode::interp_slots(size_t variant) {
  std::atomic<std::atomic<const interp::Code*>*>& v = interp_[variant];
  std::atomic<const interp::Code*>* slots = v.load(std::memory_order_acquire);
  if (slots) return slots;
  auto made = std::make_unique<std::atomic<const interp::Code*>[]>(num_funcs);
  if (v.compare_exchange_strong(slots, made.get(), std::memory_order_acq_rel, std::memory_order_acquire))
    return made.release();
  return slots;  // another thread made them first
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

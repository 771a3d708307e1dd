// Fuel, epoch interruption and resource limits in the C API (wpvm.h): the
// config switches, a store's fuel, deadline and limits, the engine's epoch,
// the two trap kinds.
#include <algorithm>
#include <cstdint>

#include "store.h"
#include "trap.h"
#include "wpvm.h"
#include "wpvm_error.h"

wpvm_error_t* wpvm_config_consume_fuel_set(wasm_config_t* config, bool enable) {
  if (!config) return capi::new_error("wpvm_config_consume_fuel_set: no config");
  config->consume_fuel = enable;
  return nullptr;
}

wpvm_error_t* wpvm_config_epoch_interruption_set(wasm_config_t* config, bool enable) {
  if (!config) return capi::new_error("wpvm_config_epoch_interruption_set: no config");
  config->epoch_interruption = enable;
  return nullptr;
}

namespace {
wpvm_error_t* error_of(const char* what, const wpvm::Result<void>& r) {
  return r ? nullptr : capi::new_error(std::string(what) + ": " + r.error().message);
}
}  // namespace

wpvm_error_t* wpvm_store_fuel_set(wasm_store_t* store, uint64_t fuel) {
  if (!store) return capi::new_error("wpvm_store_fuel_set: no store");
  return error_of("wpvm_store_fuel_set", store->state->store().set_fuel(fuel));
}

wpvm_error_t* wpvm_store_fuel_get(const wasm_store_t* store, uint64_t* fuel) {
  if (!store || !fuel) return capi::new_error("wpvm_store_fuel_get: no store or no out-pointer");
  auto f = store->state->store().get_fuel();
  if (!f) return capi::new_error("wpvm_store_fuel_get: " + f.error().message);
  *fuel = *f;
  return nullptr;
}

wpvm_error_t* wpvm_store_fuel_add(wasm_store_t* store, uint64_t fuel) {
  if (!store) return capi::new_error("wpvm_store_fuel_add: no store");
  return error_of("wpvm_store_fuel_add", store->state->store().add_fuel(fuel));
}

void wpvm_store_epoch_deadline_set(wasm_store_t* store, uint64_t ticks_beyond_current) {
  if (store) store->state->store().set_epoch_deadline(ticks_beyond_current);
}

void wpvm_engine_epoch_increment(const wasm_engine_t* engine) {
  if (engine) engine->engine->increment_epoch();
}

bool wpvm_trap_is_out_of_fuel(const wasm_trap_t* trap) {
  const wpvm::Trap* t = capi::engine_trap_of(trap);
  return t && t->kind == wpvm::TrapKind::kOutOfFuel;
}

bool wpvm_trap_is_interrupted(const wasm_trap_t* trap) {
  const wpvm::Trap* t = capi::engine_trap_of(trap);
  return t && t->kind == wpvm::TrapKind::kInterrupted;
}

void wpvm_store_limits(wasm_store_t* store, int64_t memory_size, int64_t table_elements, int64_t instances,
                       int64_t tables, int64_t memories) {
  if (!store) return;
  wpvm::StoreLimits l;
  if (memory_size >= 0) l.memory_size = static_cast<uint64_t>(memory_size);
  if (table_elements >= 0) l.table_elements = static_cast<uint64_t>(table_elements);
  auto count = [](int64_t v, uint32_t dflt) {
    return v < 0 ? dflt : static_cast<uint32_t>(std::min<int64_t>(v, UINT32_MAX));
  };
  l.instances = count(instances, l.instances);
  l.tables = count(tables, l.tables);
  l.memories = count(memories, l.memories);
  store->state->store().set_limits(l);
}

// Configs, engines and stores.
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <new>
#include <string_view>

#include "store.h"

namespace {

// The engine wasm_engine_new makes, and wasm_engine_new_with_config for a
// config without a tier: the tier from WPVM_TIER ("jit", the default, or
// "interp"); any other value is reported on stderr (once per process) and
// the default used.
wpvm::EngineConfig engine_config() {
  wpvm::EngineConfig config;
  const char* tier = std::getenv("WPVM_TIER");
  std::string_view name = tier ? tier : "";
  if (name == "interp") {
    config.tier = wpvm::Tier::kInterp;
  } else if (name.empty() || name == "jit") {
    config.tier = wpvm::Tier::kJit;
  } else {
    static std::once_flag warned;
    std::call_once(warned, [tier] {
      std::fprintf(stderr, "wpvm: WPVM_TIER=%s is neither \"jit\" nor \"interp\"; using the JIT\n", tier);
    });
    config.tier = wpvm::Tier::kJit;
  }
  return config;
}

}  // namespace

wasm_config_t* wasm_config_new(void) { return new (std::nothrow) wasm_config_t; }
void wasm_config_delete(wasm_config_t* config) { delete config; }

wasm_engine_t* wasm_engine_new(void) { return wasm_engine_new_with_config(nullptr); }

wasm_engine_t* wasm_engine_new_with_config(wasm_config_t* config) {
  std::unique_ptr<wasm_config_t> owned(config);
  try {
    wpvm::EngineConfig chosen;
    if (config && config->tier) chosen.tier = *config->tier;  // an explicit tier beats WPVM_TIER
    else chosen = engine_config();
    if (config) {
      chosen.consume_fuel = config->consume_fuel;
      chosen.epoch_interruption = config->epoch_interruption;
      if (config->max_wasm_stack) chosen.max_wasm_stack = *config->max_wasm_stack;
    }
    return new wasm_engine_t{std::make_shared<const wpvm::Engine>(chosen)};
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

void wasm_engine_delete(wasm_engine_t* engine) { delete engine; }

wasm_store_t* wasm_store_new(wasm_engine_t* engine) {
  if (!engine) return nullptr;
  try {
    return new wasm_store_t{std::make_shared<capi::StoreState>(engine->engine)};
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

void wasm_store_delete(wasm_store_t* store) { delete store; }

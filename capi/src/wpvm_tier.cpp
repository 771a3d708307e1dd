// The tier of an engine and its stack budget: wpvm_config_tier_set,
// wpvm_engine_tier, wpvm_config_max_wasm_stack_set.
#include "store.h"
#include "wpvm_error.h"

wpvm_error_t* wpvm_config_tier_set(wasm_config_t* config, wpvm_tier_t tier) {
  if (!config) return capi::new_error("wpvm_config_tier_set: no config");
  switch (tier) {
    case WPVM_TIER_JIT: config->tier = wpvm::Tier::kJit; return nullptr;
    case WPVM_TIER_INTERP: config->tier = wpvm::Tier::kInterp; return nullptr;
  }
  return capi::new_error("wpvm_config_tier_set: " + std::to_string(tier) + " is no tier");
}

wpvm_tier_t wpvm_engine_tier(const wasm_engine_t* engine) {
  if (!engine) return 0xff;
  return engine->engine->config().tier == wpvm::Tier::kInterp ? WPVM_TIER_INTERP : WPVM_TIER_JIT;
}

wpvm_error_t* wpvm_config_max_wasm_stack_set(wasm_config_t* config, size_t bytes) {
  if (!config) return capi::new_error("wpvm_config_max_wasm_stack_set: no config");
  config->max_wasm_stack = bytes;
  return nullptr;
}

// Traps: the Object behind wasm_trap_t, and the traps the other parts make
// (a failed call, a failed instantiation, misuse).
#pragma once
#include <string>

#include "store.h"
#include "wpvm/trap.h"

namespace capi {

// A new trap of `store` (may be nullptr) for an engine trap; nullptr when
// out of memory.
wasm_trap_t* new_trap(StoreState* store, wpvm::Trap trap);
// The same for a host error with this message (its text as given).
wasm_trap_t* new_trap(StoreState* store, std::string message);

// The engine trap behind a trap reference, or nullptr (NULL, another kind).
const wpvm::Trap* engine_trap_of(const wasm_trap_t* trap);

// The engine trap a host function returns for a trap its callback returned
// in `store`: kind, message and (for a trap of this store) frames.
wpvm::Trap engine_trap(const wasm_trap_t& trap, const StoreState& store);

}  // namespace capi

// Trap kinds by their spec text, from the engine's one trap table (trap.def),
// so assert_trap can compare kinds rather than engine-specific wording.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "wpvm/trap.h"

namespace wpvm::spec {

std::string_view trap_kind_text(TrapKind kind);

// The kind whose text begins `expected` (the reference interpreter sometimes
// appends detail, e.g. "uninitialized element 2"); the longest text wins.
std::optional<TrapKind> trap_kind_for_text(std::string_view expected);

// "out of bounds memory access" plus the trap's message, if any.
std::string describe_trap(const Trap& trap);

}  // namespace wpvm::spec

// A trap as one integer, for code that reports traps without building a
// Trap: 0 for none, else 1 + TrapKind. The numeric rows (numeric.h), the bulk
// operations (bulk.h), the interpreter's SIMD functions and native code (its
// status to the entry trampoline, jit/src/context.h) all use it.
#pragma once
#include <cstdint>

#include "wpvm/trap.h"

namespace wpvm::exec {

using TrapCode = uint32_t;
inline constexpr TrapCode trap_code(TrapKind k) { return 1u + static_cast<uint32_t>(k); }
inline constexpr TrapKind trap_kind(TrapCode c) { return static_cast<TrapKind>(c - 1); }

}  // namespace wpvm::exec

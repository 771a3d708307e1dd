// The x86-64 JIT, every engine's native tier (EngineConfig::tier = kJit, the
// default): what it offers besides running code. In a build without the JIT
// (no asmjit, or not x86-64) this header links too: listing() and
// native_functions() fail and modules_compiled() is 0.
#pragma once
#include <string>
#include <string_view>

#include "wpvm/module.h"
#include "wpvm/result.h"
#include "wpvm/runtime.h"

namespace wpvm::jit {

// The listing of m's native code (for `wpvm objdump --jit` and golden
// tests), compiled anew with asmjit's logger attached: each function starts
// with a "func[N] name:" line. bounds_checks: the code for a memory 0
// without the guarded reservation.
Result<std::string> listing(const Module& m, bool bounds_checks = false);

// How many of m's defined functions the JIT compiles to native code (the
// others would run in the interpreter behind a stub), compiled anew; an
// error if it cannot compile m at all.
Result<size_t> native_functions(const Module& m);

// Fault injection for the interpreter fallback (a function the JIT cannot
// compile runs in the interpreter behind a stub; every valid function
// compiles, so tests make one fail on purpose): modules compiled from now on
// leave the functions named in `names` to the interpreter. `names` is a
// comma-separated list of export names or name-section names; "" disarms.
// The environment variable WPVM_JIT_REFUSE, read once at start, arms it the
// same way.
void set_refused_functions(std::string_view names);

// How many modules the JIT compiled in this process (each module once per
// kind of memory it ran with; listings not counted).
uint64_t modules_compiled();

}  // namespace wpvm::jit

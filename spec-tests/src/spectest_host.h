// The `spectest` host module every spec script may import from: print
// functions, four immutable globals, a funcref table (10..20) and a memory
// (1..2 pages), as the reference interpreter defines them.
#pragma once
#include "wpvm/result.h"
#include "wpvm/runtime.h"

namespace wpvm::spec {

// Creates the spectest externs in `store` and defines them in `linker`.
Result<void> define_spectest(Store& store, Linker& linker);

}  // namespace wpvm::spec

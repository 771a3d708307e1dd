// Work spread over the oneTBB pool for the JIT's parallel compile.
#pragma once
#include <cstddef>
#include <functional>

namespace wpvm::jit {

// Runs body(k) for every k in [0, n) on the oneTBB pool and returns when all
// are done. Isolated: while it waits, the calling thread runs only these
// tasks, never an outer task of the pool (which might need what is being
// compiled). What the calling thread wrote before happens-before each
// body(k), and what each body(k) wrote happens-before the return, through
// atomics of its own (oneTBB's synchronisation is invisible to
// ThreadSanitizer, see tools/tsan.supp).
void parallel_for_each(size_t n, const std::function<void(size_t)>& body);

}  // namespace wpvm::jit

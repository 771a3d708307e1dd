// Running one module's code on several threads at once (wasi-threads,
// wasi-parallel): memories of one store that alias another store's linear
// memory, worker copies of an instance, and access to an instance's own
// functions and globals by index. Both rely on linear memories never moving:
// an alias is another typed view of the same pages. Implemented in
// core/src/runtime/ (memory_share.cpp, instantiate.cpp, store.cpp).
#pragma once
#include <cstdint>
#include <optional>

#include "wpvm/result.h"
#include "wpvm/runtime.h"
#include "wpvm/types.h"

namespace wpvm {

// A Memory owned by `store` whose pages are those of `source` (of any store),
// typed `as` (e.g. shared, as a kernel declares its import) so that it links
// against that import. The caller keeps `source` alive and guarantees that no
// one uses the alias concurrently with a grow of `source`.
Result<Memory*> create_memory_alias(Store& store, Memory& source, const MemoryType& as);

// A copy of `source` (an instance of another store) in `store`, for a worker
// thread: its memories alias the source's, its globals are copies (mutable
// ones start at the source's current values), its tables are copies whose
// function references point at the copy's own functions, and imported host
// functions are re-created in `store` with the same callbacks. Fails (kUsage)
// for an instance that imports Wasm functions of other instances.
Result<Instance*> clone_instance(Store& store, const Instance& source);

// What a store running code on behalf of another (a wasi-threads thread, a
// wasi-parallel worker) takes from it, so that interruption and fuel reach
// that code too: the epoch deadline (the stores' engines must be one engine
// or copies of it, which share the epoch), and, when both engines consume
// fuel, the fuel left. The fuel is copied: from then on each store consumes
// its own.
void inherit_interruption(Store& to, const Store& from);

// Makes `to` (a store running code on behalf of `from`: a wasi-threads
// thread, a wasi-parallel worker) count against `from`'s resource limits:
// it uses from's ResourceLimiter (also when from's is replaced later), and
// the instances, memories and tables it holds count with from's, until it
// dies. What `to` held already moves over. Call it before instantiating in `to`.
void share_limits(Store& to, const Store& from);
// Whether two stores count against the same limits (share_limits).
bool shares_limits(const Store& a, const Store& b);

// An id shared by a memory and every alias of it, unique in the process and
// never reused: hosts key what they keep per memory (wasi-parallel's stack
// regions) by it. 0 for a memory object of a foreign implementation.
uint64_t memory_identity(const Memory& memory);

// Global `global_index` of an instance's global space, or nullptr.
Global* instance_global(const Instance& instance, uint32_t global_index);
// Sets every mutable global the instance defines back to the value its
// initialiser gave it at instantiation (imported globals are left alone).
void reset_globals(Instance& instance);

// Function `func_index` of an instance's function space, or nullptr.
Func* instance_func(const Instance& instance, uint32_t func_index);
// The index of `func` in `instance`'s function space if it is one of the
// instance's own (defined) functions.
std::optional<uint32_t> defined_func_index(const Instance& instance, const Func* func);

}  // namespace wpvm

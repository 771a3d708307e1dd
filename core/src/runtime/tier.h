// The seam between the runtime and an optional native code generator (the
// JIT lives outside core; an embedder gives an engine its generator through
// EngineConfig::code_generator, e.g. wpvm::jit::code_generator()). Core never
// depends on the generator; it asks it to compile a module and to run a
// function that has native code.
//
// Native code belongs to the Module: compiled once per module (and per
// CodeOptions) on the first call of any of its functions in any instance,
// kept with the module (compiled_code.h), and shared by every instance,
// store and thread. It holds no instance address: an instance's data is
// reached through its context (vm_context.h).
//
// Calling convention shared by every tier: arguments are passed as slots
// (runtime_impl.h), results come back in the same slots, so a call can cross
// between the interpreter and native code in either direction.
#pragma once
#include <memory>
#include <optional>

#include "runtime/runtime_impl.h"

namespace wpvm::tier {

// What a module's native code was compiled for.
struct CodeOptions {
  // Memory 0 has the guarded reservation (LinearMemory::guarded): accesses
  // need no explicit bounds check. Instances whose memory 0 lacks it use
  // code compiled with checks. (Always true for a module without memory.)
  bool guarded_memory = true;
  bool parallel = true;  // compile the functions on the TBB pool
  bool operator==(const CodeOptions&) const = default;
};

// One module's native code; freed with the module.
class NativeCode {
 public:
  virtual ~NativeCode() = default;
  // Entry of defined function i, or nullptr if it runs in the interpreter.
  virtual void* entry(uint32_t defined_index) const = 0;
};

class CodeGenerator {
 public:
  virtual ~CodeGenerator() = default;
  // Compiles the defined functions of `m` it can; nullptr if none.
  virtual std::unique_ptr<NativeCode> compile(const Module& m, const CodeOptions& options) = 0;
  // Called before an instance's functions are bound to native code (once per
  // instance): what the code needs in place in the process, e.g. the JIT's
  // fault handler, which a host may have replaced since the module compiled.
  virtual void prepare_instance() {}
  // Runs f (f.native set) with its arguments in `slots`; results come back
  // in the same slots. `slots` holds max(params, results) slots.
  virtual std::optional<Trap> invoke(Store::Impl& store, FuncImpl& f, Slot* slots) = 0;
};

// The code generator of the store's engine (EngineConfig::code_generator), or nullptr.
CodeGenerator* code_generator(const Store::Impl& store);

// The options instances of inst's module compile with in this store.
CodeOptions code_options(const Store::Impl& store, const InstanceImpl& inst);

// m's native code from `gen` for `options`, compiled on the first request;
// threads asking meanwhile wait for that compile (per module, no global
// lock). nullptr if the generator compiled nothing.
const NativeCode* native_code(const Module& m, CodeGenerator& gen, const CodeOptions& options);

// True if f runs as native code. On the first call into an instance whose
// store's engine selects the JIT tier, binds the instance's functions to its
// module's native code (compiling it if no instance did before).
bool ensure_native(Store::Impl& store, FuncImpl& f);

}  // namespace wpvm::tier

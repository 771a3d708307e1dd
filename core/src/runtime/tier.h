// The seam between the runtime and an optional native code generator (the
// JIT lives outside core; an embedder gives an engine its generator through
// EngineConfig::code_generator, e.g. wpvm::jit::code_generator()). Core never
// depends on the generator; it only asks it to compile an instance and to run
// a function that has native code.
//
// Calling convention shared by every tier: arguments are passed as slots
// (runtime_impl.h), results come back in the same slots, so a call can cross
// between the interpreter and native code in either direction.
#pragma once
#include <optional>

#include "runtime/runtime_impl.h"

namespace wpvm::tier {

// Native code owned by an instance; freed with it.
class NativeCode {
 public:
  virtual ~NativeCode() = default;
};

class CodeGenerator {
 public:
  virtual ~CodeGenerator() = default;
  // Compiles the defined functions of `inst` it can and sets FuncImpl::native
  // for them; functions left without native code run in the interpreter.
  virtual void compile_instance(InstanceImpl& inst) = 0;
  // Runs f (f.native != nullptr) with its arguments in `slots`; results come
  // back in the same slots. `slots` holds max(params, results) slots.
  virtual std::optional<Trap> invoke(Store::Impl& store, FuncImpl& f, Slot* slots) = 0;
};

// The code generator of the store's engine (EngineConfig::code_generator), or nullptr.
CodeGenerator* code_generator(const Store::Impl& store);

// True if f runs as native code; compiles f's instance on first use when the
// store's engine selects the JIT tier and has a code generator.
bool ensure_native(Store::Impl& store, FuncImpl& f);

}  // namespace wpvm::tier

// The seam between the runtime and the two tiers that run Wasm code, which
// are peers behind it: the runtime (Store::call), each tier calling into the
// other, and nothing else reach a tier through anything but this header.
//
//  * The interpreter (core/src/interp/) is always there. Its code is built
//    per defined function on the function's first call in any instance, kept
//    in the module's compiled-code slot (runtime/compiled_code.h) and freed
//    with it (free_code). Its per-store state, the value and frame stacks, is
//    made by the interpreter on first use and kept by the store
//    (Store::Impl::interp_state).
//  * Native code comes from the engine's code generator, the JIT
//    (builtin_code_generator, defined by the JIT's part of libwpvm: core
//    includes none of its files). It is compiled for the whole module at once (per
//    CodeOptions) on the first call of any of its functions in any instance,
//    kept in the same slot, and each instance's functions are then bound to
//    it (FuncImpl::native).
//
// Code depends on the module, never on one instance: both tiers' code holds
// no instance address (the interpreter names instance objects by module
// index, native code reads them through the instance's context,
// runtime/vm_context.h), so one copy serves every instance, store and thread.
//
// Calling convention shared by both tiers: arguments are passed as slots
// (runtime_impl.h), results come back in the same slots, so a call can cross
// between the interpreter and native code in either direction.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "runtime/runtime_impl.h"

namespace wpvm::tier {

// ---- The interpreter (core/src/interp/) ----

// Where the arguments of a call into the interpreter go: the first free slot
// of the store's value stack, if n slots fit there; nullptr if they do not
// (the call traps "call stack exhausted").
Slot* entry_slots(Store::Impl& store, uint32_t n);

// Runs Wasm function f in the interpreter with its arguments in `slots`, as
// entry_slots gave them; results come back in the same slots. Its callees
// run on their own tier.
std::optional<Trap> interpret(Store::Impl& store, FuncImpl& f, Slot* slots);

// Frees one function's interpreter code (its module's compiled code goes).
void free_code(const interp::Code* code);

// ---- Both tiers ----

// Sets fr's module_offset and func_offset (trap.h) from the module offset of
// its instruction in m, the module of function fr.func_index (a defined
// function); kNoOffset leaves them unknown.
void set_frame_offset(Frame& fr, const Module& m, size_t module_offset);

// ---- Native code (a CodeGenerator) ----

// What a module's native code was compiled for.
struct CodeOptions {
  // Memory 0 has the guarded reservation (LinearMemory::guarded): accesses
  // need no explicit bounds check. Instances whose memory 0 lacks it use
  // code compiled with checks. (Always true for a module without memory.)
  bool guarded_memory = true;
  // EngineConfig::consume_fuel: the code charges fuel per segment
  // (exec/fuel.h). EngineConfig::epoch_interruption: it checks the epoch on
  // entry and at loop headers. Code without them has no such instruction.
  bool consume_fuel = false;
  bool epoch_interruption = false;
  bool parallel = true;  // compile the functions on the TBB pool
  bool operator==(const CodeOptions&) const = default;
};

// A module's native code as bytes that run wherever they are loaded (in a
// process of the same build), and per defined function where its code
// starts: native code, or a stub that runs it in the interpreter.
struct CodeImage {
  struct Entry {
    uint32_t offset;
    bool native;
  };
  // Where native code that traps or calls came from, for backtraces: a byte
  // of the code (`native`, from the image's start) and the module offset of
  // the Wasm instruction it belongs to. In `native` order.
  struct Site {
    uint32_t native;
    uint32_t wasm;
  };
  std::vector<uint8_t> bytes;
  std::vector<Entry> entries;
  std::vector<Site> sites;
};

// Code to load: bytes anywhere, copied into executable memory, or bytes
// already executable (a compiled module's file mapped in place), which run
// where they are and are freed by `release` with the code.
struct CodeSource {
  std::span<const uint8_t> bytes;
  std::span<const CodeImage::Entry> entries;
  std::span<const CodeImage::Site> sites;
  std::shared_ptr<const void> sites_owner;  // what keeps `sites` valid; the loaded code holds it
  bool executable = false;
  std::function<void()> release;
};

// One module's native code; freed with the module.
class NativeCode {
 public:
  virtual ~NativeCode() = default;
  // Entry of defined function i, or nullptr if it runs in the interpreter.
  virtual void* entry(uint32_t defined_index) const = 0;
  // The defined functions that run in the interpreter (through a stub that
  // reads their FuncImpl from the instance's context), in order.
  virtual std::span<const uint32_t> interpreted() const = 0;
};

class CodeGenerator {
 public:
  virtual ~CodeGenerator() = default;
  // Compiles the defined functions of `m` it can; nullptr if none.
  virtual std::unique_ptr<NativeCode> compile(const Module& m, const CodeOptions& options) = 0;
  // Compiled modules on disk (wpvm/serialize.h): what must match for code to
  // be loaded again (build, layouts, the CPU features the code needs),
  // compared exactly; "" if this CPU cannot run the generator's code.
  virtual std::string fingerprint() const = 0;
  // The code as position-independent bytes, and code loaded back from them
  // (nullptr, with the reason in `error`, if the image does not fit m).
  virtual CodeImage image(const NativeCode& code) const = 0;
  virtual std::unique_ptr<NativeCode> load(const Module& m, CodeSource code, std::string& error) = 0;
  // Called before an instance's functions are bound to native code (once per
  // instance): what the code needs in place in the process, e.g. the JIT's
  // fault handler, which a host may have replaced since the module compiled.
  virtual void prepare_instance() {}
  // Runs f (f.native set) with its arguments in `slots`; results come back
  // in the same slots (call_slots(f.type()) of them).
  virtual std::optional<Trap> invoke(Store::Impl& store, FuncImpl& f, Slot* slots) = 0;
};

// The engine's native tier: the JIT's code generator (jit/src/jit.cpp), made
// on first use, or nullptr in a build without the JIT (jit/src/jit_none.cpp).
// Defined by the JIT's part of libwpvm, so linking the library gives every
// engine its JIT.
CodeGenerator* builtin_code_generator();

// An engine's code generator: builtin_code_generator() (Engine's
// constructor), also for an engine of Tier::kInterp, whose functions never
// get native code but which writes and reads compiled modules
// (wpvm/serialize.h). Tests make engines with another generator.
struct EngineAccess {
  static CodeGenerator* code_generator(const Engine& e) { return e.code_generator_; }
  static const std::atomic<uint64_t>* epoch(const Engine& e) { return e.epoch_.get(); }
  static Engine with_code_generator(EngineConfig config, CodeGenerator* gen) {
    Engine e(std::move(config));
    e.code_generator_ = gen;
    return e;
  }
};

// The code generator of the store's engine.
CodeGenerator* code_generator(const Store::Impl& store);

// The options instances of inst's module compile with in this store.
CodeOptions code_options(const Store::Impl& store, const InstanceImpl& inst);
// The same from the engine's configuration, for a memory 0 with or without
// the guarded reservation (what an instance's options are made of).
CodeOptions code_options(const EngineConfig& config, bool guarded_memory);

// Attaches code read from disk as m's native code from `gen` for `options`
// (before any instance of m ran).
void adopt_native_code(const Module& m, CodeGenerator& gen, const CodeOptions& options,
                       std::unique_ptr<NativeCode> code);

// m's native code from `gen` for `options`, compiled on the first request;
// threads asking meanwhile wait for that compile (per module, no global
// lock). nullptr if the generator compiled nothing.
const NativeCode* native_code(const Module& m, CodeGenerator& gen, const CodeOptions& options);

// True if f runs as native code. On the first call into an instance whose
// store's engine selects the JIT tier, binds the instance's functions to its
// module's native code (compiling it if no instance did before).
bool ensure_native(Store::Impl& store, FuncImpl& f);

}  // namespace wpvm::tier

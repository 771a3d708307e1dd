// The engine's native code generator, the per-module native code and the
// binding of an instance's functions to it; frame offsets (tier.h).
#include "exec/tier.h"

#include "runtime/compiled_code.h"

namespace wpvm::tier {

void set_frame_offset(Frame& fr, const Module& m, size_t module_offset) {
  if (module_offset == kNoOffset || fr.func_index < m.num_imported_funcs) return;
  const FunctionBody& body = m.bodies[fr.func_index - m.num_imported_funcs];
  if (module_offset < body.body_offset || module_offset >= body.code_end) return;
  fr.module_offset = module_offset;
  fr.func_offset = module_offset - body.body_offset;
}

CodeGenerator* code_generator(const Store::Impl& store) { return EngineAccess::code_generator(store.engine); }

CodeOptions code_options(const EngineConfig& config, bool guarded_memory) {
  CodeOptions o;
  o.guarded_memory = guarded_memory;
  o.consume_fuel = config.consume_fuel;
  o.epoch_interruption = config.epoch_interruption;
  o.parallel = config.parallel_compile;
  return o;
}

CodeOptions code_options(const Store::Impl& store, const InstanceImpl& inst) {
  return code_options(store.engine.config(), inst.memories.empty() || inst.memories[0]->lin->guarded);
}

namespace {

// How the functions were compiled (in parallel or not) does not change the
// code: variants differ only in what the code assumes.
CodeOptions variant_key(CodeOptions options) {
  options.parallel = false;
  return options;
}

}  // namespace

const NativeCode* native_code(const Module& m, CodeGenerator& gen, const CodeOptions& options) {
  detail::CompiledCode& cc = compiled_code(m);
  CodeOptions key = variant_key(options);
  std::lock_guard lock(cc.native_mutex);
  for (const detail::NativeVariant& v : cc.native)
    if (v.generator == &gen && v.options == key) return v.code.get();
  std::unique_ptr<NativeCode> code = gen.compile(m, options);
  const NativeCode* result = code.get();
  cc.native.push_back({&gen, key, std::move(code)});
  return result;
}

void adopt_native_code(const Module& m, CodeGenerator& gen, const CodeOptions& options,
                       std::unique_ptr<NativeCode> code) {
  detail::CompiledCode& cc = compiled_code(m);
  std::lock_guard lock(cc.native_mutex);
  cc.native.push_back({&gen, variant_key(options), std::move(code)});
}

bool ensure_native(Store::Impl& store, FuncImpl& f) {
  if (f.native.load(std::memory_order_acquire)) return true;
  InstanceImpl* inst = f.instance;
  if (!inst || store.engine.config().tier != Tier::kJit) return false;
  CodeGenerator* gen = code_generator(store);
  if (!gen) return false;
  std::call_once(inst->native_bound, [&] {
    const Module& m = *inst->mod;
    const NativeCode* code = native_code(m, *gen, code_options(store, *inst));
    if (!code) return;
    gen->prepare_instance();
    // Stubs of functions that run in the interpreter read their FuncImpl
    // from the context: make those first.
    for (uint32_t i : code->interpreted()) inst->func(m.num_imported_funcs + i);
    inst->bind_native(*code);
  });
  return f.native.load(std::memory_order_acquire) != nullptr;
}

}  // namespace wpvm::tier

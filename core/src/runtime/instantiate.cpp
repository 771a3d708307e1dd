// Module instantiation (Wasm 2.0): import resolution and type matching,
// allocation of functions/globals/tables/memories, exports, then element and
// data segments in order and the start function.
#include <cstring>
#include <new>
#include <string>

#include "runtime/runtime_impl.h"
#include "runtime/vm_context.h"
#include "wpvm/share.h"

namespace wpvm {

namespace {

Error unlinkable(const Import& imp, const char* what) {
  return make_error(ErrorKind::kUnlinkable, kNoOffset, std::string(what) + " (" + imp.module + "." + imp.name + ")");
}

// Limits subtyping: the actual [min, max] lies within the expected one.
bool limits_match(uint64_t actual_min, std::optional<uint64_t> actual_max, const Limits& expected) {
  if (actual_min < expected.min) return false;
  if (!expected.max) return true;
  return actual_max && *actual_max <= *expected.max;
}

bool import_matches(Store::Impl& store, const Module& m, const Import& imp, const Extern& ext) {
  if (extern_kind(ext) != imp.kind) return false;
  switch (imp.kind) {
    case ExternKind::kFunc:
      return static_cast<FuncImpl*>(std::get<Func*>(ext))->sig_id == store.intern(m.types[imp.type_index]);
    case ExternKind::kTable: {
      auto* t = static_cast<TableImpl*>(std::get<Table*>(ext));
      return t->type_.elem == imp.table.elem && limits_match(t->size(), t->type_.limits.max, imp.table.limits);
    }
    case ExternKind::kMemory: {
      auto* mem = static_cast<MemoryImpl*>(std::get<Memory*>(ext));
      const Limits& l = mem->type_.limits;
      return l.shared == imp.memory.limits.shared &&
             limits_match(mem->pages(), l.max, imp.memory.limits);
    }
    case ExternKind::kGlobal: {
      const GlobalType& g = std::get<Global*>(ext)->type();
      return g.type == imp.global.type && g.mut == imp.global.mut;
    }
  }
  return false;
}

}  // namespace

void intern_types(Store::Impl& store, InstanceImpl& inst) {
  const Module& m = *inst.mod;
  inst.type_ids.reserve(m.types.size());
  for (const FuncType& t : m.types) {
    inst.type_ids.push_back(store.intern(t));
    inst.type_sigs.push_back(store.sig(inst.type_ids.back()));
  }
}

namespace {

// Whether an instance of `store` may import e: an object of that store, or a
// shared memory of any store (shared memories exist to be used by several
// threads, each with its own store).
bool extern_of_store(const Extern& e, const Store::Impl& store) {
  if (auto* m = std::get_if<Memory*>(&e); m && *m && (*m)->type().limits.shared) return true;
  struct Owner {
    const Store::Impl* operator()(Func* f) const { return f ? static_cast<FuncImpl*>(f)->store : nullptr; }
    const Store::Impl* operator()(Table* t) const { return t ? static_cast<TableImpl*>(t)->store : nullptr; }
    const Store::Impl* operator()(Memory* m) const { return m ? static_cast<MemoryImpl*>(m)->store : nullptr; }
    const Store::Impl* operator()(Global* g) const { return g ? static_cast<GlobalImpl*>(g)->store : nullptr; }
  };
  return std::visit(Owner{}, e) == &store;
}

Result<void> link_imports(Store::Impl& store, const Module& m, const Linker& linker, InstanceImpl& inst) {
  uint32_t func_index = 0;
  for (const Import& imp : m.imports) {
    auto ext = linker.resolve(imp.module, imp.name);
    if (!ext) return unlinkable(imp, "unknown import");
    if (!extern_of_store(*ext, store)) return unlinkable(imp, "an object of another store");
    if (!import_matches(store, m, imp, *ext)) return unlinkable(imp, "incompatible import type");
    switch (imp.kind) {
      case ExternKind::kFunc: inst.set_import(func_index++, static_cast<FuncImpl*>(std::get<Func*>(*ext))); break;
      case ExternKind::kTable: inst.tables.push_back(static_cast<TableImpl*>(std::get<Table*>(*ext))); break;
      case ExternKind::kMemory: inst.memories.push_back(static_cast<MemoryImpl*>(std::get<Memory*>(*ext))); break;
      case ExternKind::kGlobal: inst.globals.push_back(static_cast<GlobalImpl*>(std::get<Global*>(*ext))); break;
    }
  }
  return {};
}

// Evaluates a constant expression into slots.
void eval_const(const ConstExpr& e, const InstanceImpl& inst, Slot* out) {
  out[0] = e.bits[0];
  out[1] = e.bits[1];
  switch (e.op) {
    case ConstExpr::Op::kI32: case ConstExpr::Op::kF32: out[0] = static_cast<uint32_t>(e.bits[0]); break;
    case ConstExpr::Op::kI64: case ConstExpr::Op::kF64: case ConstExpr::Op::kV128: break;
    case ConstExpr::Op::kRefNull: out[0] = 0; break;
    case ConstExpr::Op::kRefFunc: out[0] = reinterpret_cast<uintptr_t>(inst.func(e.index)); break;
    case ConstExpr::Op::kGlobalGet: std::memcpy(out, inst.globals[e.index]->cell, sizeof(Slot) * 2); break;
  }
}

void* eval_ref(const ConstExpr& e, const InstanceImpl& inst) {
  Slot s[2];
  eval_const(e, inst, s);
  return reinterpret_cast<void*>(static_cast<uintptr_t>(s[0]));
}

Result<void> allocate(Store::Impl& store, const Module& m, InstanceImpl& inst) {
  // The functions the module can reference get their FuncImpl now (native
  // code reads them from the context); the others when first needed.
  for (uint32_t i : m.declared_funcs) inst.func(i);
  for (const GlobalDef& g : m.globals) {
    GlobalImpl* gi = store.new_global(g.type);
    eval_const(g.init, inst, gi->cell);
    inst.globals.push_back(gi);
  }
  for (size_t i = m.num_imported_tables; i < m.tables.size(); ++i) {
    std::string what = "table " + std::to_string(i);
    for (const Export& e : m.exports)
      if (e.kind == ExternKind::kTable && e.index == i) what += " (export \"" + e.name + "\")";
    auto t = store.new_table(m.tables[i], nullptr, what);
    if (!t) return t.error();
    inst.tables.push_back(*t);
  }
  for (size_t i = m.num_imported_memories; i < m.memories.size(); ++i) {
    std::string what = "memory " + std::to_string(i);
    for (const Export& e : m.exports)
      if (e.kind == ExternKind::kMemory && e.index == i) what += " (export \"" + e.name + "\")";
    auto mem = store.new_memory(m.memories[i], what);
    if (!mem) return mem.error();
    inst.memories.push_back(*mem);
  }
  return {};
}

Error uninstantiable(TrapKind k) { return make_error(ErrorKind::kUninstantiable, kNoOffset, trap_text(k)); }

Result<void> init_segments(const Module& m, InstanceImpl& inst) {
  inst.elems.resize(m.elems.size());
  for (size_t i = 0; i < m.elems.size(); ++i)
    for (const ConstExpr& e : m.elems[i].items) inst.elems[i].push_back(eval_ref(e, inst));
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    if (seg.mode == SegmentMode::kPassive) continue;
    if (seg.mode == SegmentMode::kActive) {
      Slot off[2];
      eval_const(seg.offset, inst, off);
      TableImpl* t = inst.tables[seg.table];
      uint64_t start = static_cast<uint32_t>(off[0]), n = inst.elems[i].size();
      if (start + n > t->size()) return uninstantiable(TrapKind::kTableOutOfBounds);
      std::copy(inst.elems[i].begin(), inst.elems[i].end(), t->elems.data() + start);
    }
    std::vector<void*>().swap(inst.elems[i]);  // active and declarative segments are dropped
  }
  inst.data_dropped.assign(m.datas.size(), 0);
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const DataSegment& seg = m.datas[i];
    if (seg.mode != SegmentMode::kActive) continue;
    Slot off[2];
    eval_const(seg.offset, inst, off);
    LinearMemory& mem = *inst.memories[seg.memory]->lin;
    uint64_t start = static_cast<uint32_t>(off[0]);
    if (start + seg.data_size > mem.size) return uninstantiable(TrapKind::kMemoryOutOfBounds);
    if (seg.data_size) std::memcpy(mem.base + start, m.data(seg).data(), seg.data_size);
    inst.data_dropped[i] = 1;
  }
  return {};
}

}  // namespace

Result<Instance*> Store::instantiate(std::shared_ptr<const Module> module, const Linker& linker,
                                     StartFunction start) {
  if (!module) return make_error(ErrorKind::kUsage, kNoOffset, "null module");
  const Module& m = *module;
  // The store's limits on counts, for the whole module before anything is made.
  WPVM_TRY(impl_->charge(1, static_cast<uint32_t>(m.memories.size() - m.num_imported_memories),
                         static_cast<uint32_t>(m.tables.size() - m.num_imported_tables), "instantiating the module"));
  // The host running out of memory for what the module declares is an
  // error, not an exception out of the engine. (The start function runs
  // outside: a trap there is reported below.)
  InstanceImpl* inst = nullptr;
  try {
    inst = impl_->new_instance();
    inst->mod = std::move(module);
    make_vm_context(*inst);
    intern_types(*impl_, *inst);
    WPVM_TRY(link_imports(*impl_, m, linker, *inst));
    WPVM_TRY(allocate(*impl_, m, *inst));
    fill_vm_context(*inst);
    WPVM_TRY(init_segments(m, *inst));
  } catch (const std::bad_alloc&) {
    return make_error(ErrorKind::kResource, kNoOffset, "out of memory instantiating the module");
  }
  if (m.start && start == StartFunction::kRun) {
    CallResult r = call(inst->func(*m.start), {});
    if (r.trap) return make_error(ErrorKind::kUninstantiable, kNoOffset, r.trap->to_string());
  }
  return static_cast<Instance*>(inst);
}

// Declared in wpvm/share.h (wasi-parallel restarts kernel instances from
// their initial globals); here because it re-runs the initialisers above.
void reset_globals(Instance& instance) {
  auto& inst = static_cast<InstanceImpl&>(instance);
  const Module& m = *inst.mod;
  for (size_t i = 0; i < m.globals.size(); ++i) {
    if (!m.globals[i].type.mut) continue;
    eval_const(m.globals[i].init, inst, inst.globals[m.num_imported_globals + i]->cell);
  }
}

}  // namespace wpvm

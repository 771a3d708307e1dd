// Memory aliases and worker copies of instances (see wpvm/share.h): how a
// wasi-parallel device runs a caller's memory and code on its own threads,
// one Store per worker, without copying the memory.
#include "wpvm/share.h"

#include <unordered_map>

#include "runtime/runtime_impl.h"
#include "runtime/vm_context.h"

namespace wpvm {

Result<Memory*> create_memory_alias(Store& store, Memory& source, const MemoryType& as) {
  auto* src = dynamic_cast<MemoryImpl*>(&source);
  if (!src) return make_error(ErrorKind::kUsage, kNoOffset, "memory alias of a foreign memory object");
  Result<MemoryImpl*> m = store.impl().adopt_memory(as, src->lin);
  if (!m) return m.error();
  return static_cast<Memory*>(*m);
}

namespace {

using FuncMap = std::unordered_map<const FuncImpl*, FuncImpl*>;

// Host imports get a FuncImpl of the copy's store; the source's defined
// functions that have a FuncImpl (the only ones its tables, globals and
// segments can hold) get theirs in the copy, the others are made when needed.
Result<void> clone_funcs(Store::Impl& s, const InstanceImpl& src, InstanceImpl& dst, FuncMap& map) {
  const Module& m = *src.mod;
  intern_types(s, dst);
  Result<void> result;
  src.for_each_made([&](uint32_t i, const FuncImpl* from) {
    if (i >= m.num_imported_funcs) {
      map.emplace(from, dst.func(i));
      return;
    }
    if (from->instance) {
      result = make_error(ErrorKind::kUsage, kNoOffset, "cannot copy an instance that imports Wasm functions");
      return;
    }
    FuncImpl* f = s.new_func();
    f->sig_id = dst.type_ids[m.func_types[i]];
    f->sig = dst.type_sigs[m.func_types[i]];
    f->func_index = i;
    f->host = from->host;
    dst.set_import(i, f);
    map.emplace(from, f);
  });
  return result;
}

Result<void> clone_state(Store& store, const InstanceImpl& src, InstanceImpl& dst, const FuncMap& map) {
  Store::Impl& s = store.impl();
  for (const GlobalImpl* g : src.globals) {
    GlobalImpl* c = s.new_global(g->type_);
    c->cell[0] = g->cell[0];
    c->cell[1] = g->cell[1];
    if (is_ref(g->type_.type)) {  // a funcref global names one of the copy's functions
      auto it = map.find(reinterpret_cast<const FuncImpl*>(static_cast<uintptr_t>(g->cell[0])));
      c->cell[0] = it == map.end() ? g->cell[0] : reinterpret_cast<uintptr_t>(it->second);
    }
    dst.globals.push_back(c);
  }
  for (const TableImpl* t : src.tables) {
    auto made = s.new_table(t->type_, nullptr, "a copy of a table");
    if (!made) return made.error();
    TableImpl* c = *made;
    if (!c->elems.grow(t->elems.size() - c->elems.size(), nullptr))
      return make_error(ErrorKind::kResource, kNoOffset, "a copy of a table cannot grow to its source's size");
    // Null elements are already null in the new storage: only the set ones
    // are written, so a large sparse table costs its copy no memory.
    for (size_t i = 0; i < t->elems.size(); ++i) {
      if (!t->elems[i]) continue;
      auto it = t->type_.elem == ValType::kFuncRef ? map.find(static_cast<const FuncImpl*>(t->elems[i])) : map.end();
      c->elems[i] = it == map.end() ? t->elems[i] : it->second;
    }
    dst.tables.push_back(c);
  }
  for (MemoryImpl* m : src.memories) {
    auto a = create_memory_alias(store, *m, m->type_);
    if (!a) return a.error();
    dst.memories.push_back(static_cast<MemoryImpl*>(*a));
  }
  dst.elems = src.elems;
  for (auto& seg : dst.elems)
    for (void*& e : seg)
      if (auto it = map.find(static_cast<const FuncImpl*>(e)); it != map.end()) e = it->second;
  dst.data_dropped = src.data_dropped;
  return {};
}

}  // namespace

Result<Instance*> clone_instance(Store& store, const Instance& source) {
  const auto* src = dynamic_cast<const InstanceImpl*>(&source);
  if (!src) return make_error(ErrorKind::kUsage, kNoOffset, "copy of a foreign instance object");
  // A copy counts as an instance with tables of its own (its memories are aliases).
  WPVM_TRY(store.impl().charge(1, 0, static_cast<uint32_t>(src->tables.size()), "copying the instance"));
  InstanceImpl* dst = store.impl().new_instance();
  dst->mod = src->mod;
  make_vm_context(*dst);
  FuncMap map;
  WPVM_TRY(clone_funcs(store.impl(), *src, *dst, map));
  WPVM_TRY(clone_state(store, *src, *dst, map));
  fill_vm_context(*dst);
  return static_cast<Instance*>(dst);
}

uint64_t memory_identity(const Memory& memory) {
  const auto* m = dynamic_cast<const MemoryImpl*>(&memory);
  return m && m->lin ? m->lin->id : 0;
}

Global* instance_global(const Instance& instance, uint32_t global_index) {
  const auto& inst = static_cast<const InstanceImpl&>(instance);
  return global_index < inst.globals.size() ? inst.globals[global_index] : nullptr;
}

Func* instance_func(const Instance& instance, uint32_t func_index) {
  const auto& inst = static_cast<const InstanceImpl&>(instance);
  return func_index < inst.num_funcs() ? inst.func(func_index) : nullptr;
}

std::optional<uint32_t> defined_func_index(const Instance& instance, const Func* func) {
  const auto* f = static_cast<const FuncImpl*>(func);
  if (!f || static_cast<const Instance*>(f->instance) != &instance) return std::nullopt;
  return f->func_index;
}

// Defined here rather than in store.cpp: only the memory-sharing code adopts pages.
Result<MemoryImpl*> Store::Impl::adopt_memory(const MemoryType& type, std::shared_ptr<LinearMemory> lin) {
  if (!lin) return make_error(ErrorKind::kUsage, kNoOffset, "memory alias of a null memory");
  auto m = std::make_unique<MemoryImpl>();
  m->type_ = type;
  m->lin = std::move(lin);
  m->store = this;
  return memories_.emplace_back(std::move(m)).get();
}

}  // namespace wpvm

// The per-instance context of compiled code (vm_context.h).
#include "runtime/vm_context.h"

#include <cstring>

namespace wpvm {

VmLayout::VmLayout(const Module& m) {
  auto count = [](size_t n) { return static_cast<int32_t>(n); };
  globals_ = static_cast<int32_t>(sizeof(VmHeader));
  tables_ = globals_ + 8 * count(m.global_types.size());
  table_elems_ = tables_ + 8 * count(m.tables.size());
  funcs_ = table_elems_ + 8 * count(m.tables.size());
  type_ids_ = funcs_ + 8 * count(m.func_types.size());
  words_ = static_cast<size_t>(type_ids_) / 8 + (m.types.size() + 1) / 2;
}

void make_vm_context(InstanceImpl& inst) {
  VmLayout layout(*inst.mod);
  inst.vm = std::make_unique<uint64_t[]>(layout.words());
  inst.func_slots = reinterpret_cast<FuncImpl**>(reinterpret_cast<uint8_t*>(inst.vm.get()) + layout.funcs());
}

void fill_vm_context(InstanceImpl& inst) {
  const Module& m = *inst.mod;
  VmLayout layout(m);
  auto* bytes = reinterpret_cast<uint8_t*>(inst.vm.get());
  auto put = [bytes](int32_t offset, const void* p) { std::memcpy(bytes + offset, &p, sizeof p); };
  VmHeader h{};
  if (!inst.memories.empty()) {
    h.mem0 = inst.memories[0];
    h.mem0_base = h.mem0->lin->base;
    h.mem0_size = &h.mem0->lin->size;
  }
  h.instance = &inst;
  std::memcpy(bytes, &h, sizeof h);
  for (uint32_t i = 0; i < inst.globals.size(); ++i) put(layout.global(i), inst.globals[i]->cell);
  for (uint32_t i = 0; i < inst.tables.size(); ++i) {
    put(layout.table(i), inst.tables[i]);
    put(layout.table_elems(i), &inst.tables[i]->elems);
  }
  for (uint32_t i = 0; i < inst.type_ids.size(); ++i)
    std::memcpy(bytes + layout.type_id(i), &inst.type_ids[i], sizeof(uint32_t));
}

}  // namespace wpvm

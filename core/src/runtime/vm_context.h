// The per-instance context through which code compiled once per module
// reaches one instance's data at run time: memory 0's base and size, the
// instance itself, and the addresses of its globals, tables, functions and
// canonical type ids. Native code finds the running instance's context in
// its thread's execution context and reads these words at fixed offsets; it
// holds no instance address of its own.
//
// Layout (8-byte words, in this order; the offsets depend on the module
// alone, so code compiled from the module serves every instance):
//   VmHeader
//   Slot*          global cell     per global (imports first)
//   TableImpl*     table           per table
//   TableStorage*  table elements  per table
//   FuncImpl*      function        per function (imports first)
//   uint32_t       type id         per type (two per word)
#pragma once
#include <cstddef>
#include <cstdint>

#include "runtime/runtime_impl.h"

namespace wpvm {

struct VmHeader {
  uint8_t* mem0_base;         // memory 0's pages (never moves), or null
  const uint64_t* mem0_size;  // memory 0's current size in bytes, read live
  InstanceImpl* instance;
  MemoryImpl* mem0;
};
static_assert(std::is_standard_layout_v<VmHeader>);
inline constexpr int32_t kVmMem0Base = offsetof(VmHeader, mem0_base);
inline constexpr int32_t kVmMem0Size = offsetof(VmHeader, mem0_size);
inline constexpr int32_t kVmInstance = offsetof(VmHeader, instance);
inline constexpr int32_t kVmMem0 = offsetof(VmHeader, mem0);

// Byte offsets of a module's context entries.
class VmLayout {
 public:
  explicit VmLayout(const Module& m);
  int32_t global(uint32_t i) const { return globals_ + 8 * static_cast<int32_t>(i); }
  int32_t table(uint32_t i) const { return tables_ + 8 * static_cast<int32_t>(i); }
  int32_t table_elems(uint32_t i) const { return table_elems_ + 8 * static_cast<int32_t>(i); }
  int32_t func(uint32_t i) const { return funcs_ + 8 * static_cast<int32_t>(i); }
  int32_t funcs() const { return funcs_; }
  int32_t type_id(uint32_t i) const { return type_ids_ + 4 * static_cast<int32_t>(i); }
  size_t words() const { return words_; }

 private:
  int32_t globals_, tables_, table_elems_, funcs_, type_ids_;
  size_t words_;
};

// Makes inst.vm for inst.mod, zeroed, its function slots empty: the first
// step of making an instance (imports then go into the slots).
void make_vm_context(InstanceImpl& inst);
// Fills the rest of inst.vm from its memories, globals, tables and type ids,
// once they are all in place.
void fill_vm_context(InstanceImpl& inst);

}  // namespace wpvm

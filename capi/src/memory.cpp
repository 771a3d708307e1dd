// Memories: new, type, data, size and grow.
#include <new>

#include "type.h"
#include "store.h"

namespace {

// Limits a memory may have: at most 65,536 pages, the minimum within the maximum.
bool valid(const wpvm::Limits& l) {
  return l.min <= wpvm::kMaxPages && (!l.max || (*l.max <= wpvm::kMaxPages && l.min <= *l.max));
}

}  // namespace

wasm_memory_t* wasm_memory_new(wasm_store_t* store, const wasm_memorytype_t* type) {
  if (!store || !type) return nullptr;
  wpvm::MemoryType t{capi::limits_from(type->limits)};
  if (!valid(t.limits)) return nullptr;
  capi::StoreState& s = *store->state;
  try {
    auto m = s.store().create_memory(t);
    return m ? s.ref_of<wasm_memory_t>(*m) : nullptr;
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

// Its current size as the minimum.
wasm_memorytype_t* wasm_memory_type(const wasm_memory_t* memory) {
  wpvm::Memory* m = capi::memory_of(memory);
  if (!m) return nullptr;
  wpvm::MemoryType t = m->type();
  t.limits.min = m->pages();
  return capi::new_memorytype(t);
}

byte_t* wasm_memory_data(wasm_memory_t* memory) {
  wpvm::Memory* m = capi::memory_of(memory);
  return m ? reinterpret_cast<byte_t*>(m->data()) : nullptr;
}

size_t wasm_memory_data_size(const wasm_memory_t* memory) {
  wpvm::Memory* m = capi::memory_of(memory);
  return m ? m->size_bytes() : 0;
}

wasm_memory_pages_t wasm_memory_size(const wasm_memory_t* memory) {
  wpvm::Memory* m = capi::memory_of(memory);
  return m ? static_cast<wasm_memory_pages_t>(m->pages()) : 0;
}

bool wasm_memory_grow(wasm_memory_t* memory, wasm_memory_pages_t delta) {
  wpvm::Memory* m = capi::memory_of(memory);
  return m && m->grow(delta).ok();
}

// The elements of a table: a never-moving array of void* (FuncImpl* for
// funcref, the host pointer for externref; null is 0) whose untouched
// elements cost no memory.
//
// Room for `capacity` elements (the table's maximum, at most the engine's
// max_table_elements) is reserved once, zero-filled: small arrays with
// calloc, larger ones as an anonymous MAP_NORESERVE mapping whose pages the
// OS commits only when an element on them is written. So a table of ten
// million null elements costs address space, not memory, and growing never
// moves the array: data() is fixed for the life of the storage.
//
// Invariant: every element in [size, capacity) is null, so growing with a
// null initial value writes nothing.
//
// The table instructions of both tiers (exec/bulk.h) and the interpreter's
// call_indirect use data()/size(); the JIT's call_indirect reads the two
// fields at kDataOffset / kSizeOffset directly.
#pragma once
#include <cstddef>
#include <cstdint>

#include "wpvm/result.h"

namespace wpvm {

class TableStorage {
 public:
  // Reserves `capacity` elements and sets the first `size` (<= capacity) to
  // init. Fails (ErrorKind::kResource) only when the host refuses the memory.
  static Result<TableStorage> create(uint64_t size, uint64_t capacity, void* init);

  TableStorage() = default;
  ~TableStorage();
  TableStorage(TableStorage&& o) noexcept;
  TableStorage& operator=(TableStorage&& o) noexcept;
  TableStorage(const TableStorage&) = delete;
  TableStorage& operator=(const TableStorage&) = delete;

  void** data() const { return data_; }
  uint64_t size() const { return size_; }
  uint64_t capacity() const { return capacity_; }
  void*& operator[](uint64_t i) { return data_[i]; }
  void* operator[](uint64_t i) const { return data_[i]; }

  // Appends delta elements set to init; false (and no change) past capacity.
  bool grow(uint64_t delta, void* init);

  static constexpr size_t kDataOffset = 0;
  static constexpr size_t kSizeOffset = sizeof(void*);

 private:
  void release();

  void** data_ = nullptr;  // kDataOffset
  uint64_t size_ = 0;      // kSizeOffset: elements in the table
  uint64_t capacity_ = 0;  // elements reserved
  size_t mapped_ = 0;      // bytes mapped with mmap, 0 when calloc'ed (or empty)
};

}  // namespace wpvm

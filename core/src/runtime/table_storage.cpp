// Table elements reserved once and committed by the OS on first write
// (table_storage.h).
#include "runtime/table_storage.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <new>
#include <string>
#include <utility>

namespace wpvm {

namespace {
// Up to this many bytes the elements come from calloc: a mapping per small
// table would cost a syscall and a kernel mapping each.
constexpr size_t kCallocMax = 64 * 1024;
constexpr size_t kPage = 4096;
}  // namespace

Result<TableStorage> TableStorage::create(uint64_t size, uint64_t capacity, void* init) {
  // The JIT's call_indirect reads these two fields.
  static_assert(offsetof(TableStorage, data_) == kDataOffset && offsetof(TableStorage, size_) == kSizeOffset);
  TableStorage s;
  if (capacity > 0) {
    size_t bytes = capacity * sizeof(void*);
    if (bytes <= kCallocMax) {
      s.data_ = static_cast<void**>(std::calloc(capacity, sizeof(void*)));
    } else {
      bytes = (bytes + kPage - 1) / kPage * kPage;
      void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (p != MAP_FAILED) {
        s.data_ = static_cast<void**>(p);
        s.mapped_ = bytes;
      }
    }
    if (!s.data_)
      return make_error(ErrorKind::kResource, kNoOffset,
                        "cannot reserve memory for a table of " + std::to_string(capacity) + " elements");
    s.capacity_ = capacity;
  }
  if (!s.grow(size, init))
    return make_error(ErrorKind::kResource, kNoOffset,
                      "table size " + std::to_string(size) + " exceeds its capacity " + std::to_string(capacity));
  return s;
}

TableStorage::~TableStorage() { release(); }

void TableStorage::release() {
  if (mapped_) munmap(data_, mapped_);
  else std::free(data_);
  data_ = nullptr;
  size_ = capacity_ = 0;
  mapped_ = 0;
}

TableStorage::TableStorage(TableStorage&& o) noexcept
    : data_(std::exchange(o.data_, nullptr)),
      size_(std::exchange(o.size_, 0)),
      capacity_(std::exchange(o.capacity_, 0)),
      mapped_(std::exchange(o.mapped_, 0)) {}

TableStorage& TableStorage::operator=(TableStorage&& o) noexcept {
  if (this != &o) {
    release();
    data_ = std::exchange(o.data_, nullptr);
    size_ = std::exchange(o.size_, 0);
    capacity_ = std::exchange(o.capacity_, 0);
    mapped_ = std::exchange(o.mapped_, 0);
  }
  return *this;
}

bool TableStorage::grow(uint64_t delta, void* init) {
  if (delta > capacity_ - size_) return false;
  if (init) std::fill_n(data_ + size_, delta, init);  // null elements are already zero
  size_ += delta;
  return true;
}

}  // namespace wpvm

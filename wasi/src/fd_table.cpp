// Guest descriptor table.
#include "fd_table.h"

namespace wpvm::wasi {

FdEntry* FdTable::find(uint32_t fd) {
  return fd < slots_.size() ? slots_[fd].get() : nullptr;
}

Errno FdTable::get(uint32_t fd, Rights needed, FdEntry*& out) {
  FdEntry* e = find(fd);
  if (!e) return Errno::kBadf;
  if ((e->base & needed) != needed) return Errno::kNotcapable;
  out = e;
  return Errno::kSuccess;
}

uint32_t FdTable::insert(std::unique_ptr<FdEntry> entry) {
  for (uint32_t i = 0; i < slots_.size(); ++i) {
    if (!slots_[i]) {
      slots_[i] = std::move(entry);
      return i;
    }
  }
  slots_.push_back(std::move(entry));
  return static_cast<uint32_t>(slots_.size() - 1);
}

Errno FdTable::close(uint32_t fd) {
  if (!find(fd)) return Errno::kBadf;
  slots_[fd].reset();
  return Errno::kSuccess;
}

Errno FdTable::renumber(uint32_t from, uint32_t to) {
  if (!find(from) || !find(to)) return Errno::kBadf;
  if (from == to) return Errno::kSuccess;
  slots_[to] = std::move(slots_[from]);
  return Errno::kSuccess;
}

}  // namespace wpvm::wasi

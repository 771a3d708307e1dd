// Guest descriptor table.
#include "fd_table.h"

namespace wpvm::wasi {

FdRef FdTable::find(uint32_t fd) {
  std::lock_guard lock(mu_);
  return fd < slots_.size() ? slots_[fd] : nullptr;
}

Errno FdTable::get(uint32_t fd, Rights needed, FdRef& out) {
  FdRef e = find(fd);
  if (!e) return Errno::kBadf;
  if ((e->base & needed) != needed) return Errno::kNotcapable;
  out = std::move(e);
  return Errno::kSuccess;
}

uint32_t FdTable::insert(std::unique_ptr<FdEntry> entry) {
  std::lock_guard lock(mu_);
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
  FdRef gone;  // released after the lock
  std::lock_guard lock(mu_);
  if (fd >= slots_.size() || !slots_[fd]) return Errno::kBadf;
  gone = std::move(slots_[fd]);
  return Errno::kSuccess;
}

Errno FdTable::renumber(uint32_t from, uint32_t to) {
  FdRef gone;  // released after the lock
  std::lock_guard lock(mu_);
  if (from >= slots_.size() || !slots_[from] || to >= slots_.size() || !slots_[to]) return Errno::kBadf;
  if (from == to) return Errno::kSuccess;
  gone = std::move(slots_[to]);
  slots_[to] = std::move(slots_[from]);
  return Errno::kSuccess;
}

size_t FdTable::capacity() {
  std::lock_guard lock(mu_);
  return slots_.size();
}

}  // namespace wpvm::wasi

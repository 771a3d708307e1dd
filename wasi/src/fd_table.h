// The guest's descriptor table: guest fd numbers -> host descriptors with their
// WASI file type and rights. Preopens are numbered from 3 in configuration
// order; new descriptors take the lowest free number, as POSIX does.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "abi.h"
#include "wasi_errno.h"
#include "unique_fd.h"

namespace wpvm::wasi {

struct DirEntry {
  uint64_t ino = 0;
  FileType type = FileType::kUnknown;
  std::string name;
};

struct FdEntry {
  UniqueFd host;
  FileType type = FileType::kUnknown;
  Rights base = 0;        // what this descriptor may do
  Rights inheriting = 0;  // what descriptors opened through it may do
  bool preopen = false;
  std::string preopen_name;  // guest path of a preopened directory
  // fd_readdir works on a snapshot taken at cookie 0, so cookies stay stable
  // while the guest pages through a directory that it also modifies.
  std::vector<DirEntry> listing;
  bool is_dir() const { return type == FileType::kDirectory; }
  bool is_socket() const {
    return type == FileType::kSocketStream || type == FileType::kSocketDgram;
  }
};

class FdTable {
 public:
  // The entry for `fd` if open and holding every right in `needed`:
  // kBadf when not open, kNotcapable when a right is missing.
  Errno get(uint32_t fd, Rights needed, FdEntry*& out);
  FdEntry* find(uint32_t fd);

  uint32_t insert(std::unique_ptr<FdEntry> entry);  // lowest free number
  Errno close(uint32_t fd);
  Errno renumber(uint32_t from, uint32_t to);  // `to` must be open; it is closed first
  size_t capacity() const { return slots_.size(); }

 private:
  std::vector<std::unique_ptr<FdEntry>> slots_;
};

}  // namespace wpvm::wasi

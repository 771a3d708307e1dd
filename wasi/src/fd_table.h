// The guest's descriptor table: guest fd numbers -> host descriptors with their
// WASI file type and rights. Preopens are numbered from 3 in configuration
// order; new descriptors take the lowest free number, as POSIX does.
//
// wasi-threads share one table between threads: the table is locked, and a
// call holds a reference to its entry, so a concurrent fd_close only drops the
// table's reference (the host descriptor closes when the last call using it
// returns, never under a running syscall or while its number is reused).
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
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
  std::atomic<Rights> base = 0;        // what this descriptor may do (only ever drops)
  std::atomic<Rights> inheriting = 0;  // what descriptors opened through it may do
  bool preopen = false;
  std::string preopen_name;  // guest path of a preopened directory
  // fd_readdir works on a snapshot taken at cookie 0, so cookies stay stable
  // while the guest pages through a directory that it also modifies.
  std::vector<DirEntry> listing;
  std::mutex listing_mu;  // guards `listing`
  bool is_dir() const { return type == FileType::kDirectory; }
  bool is_socket() const {
    return type == FileType::kSocketStream || type == FileType::kSocketDgram;
  }
};

// A reference to an open entry, held for the length of a call.
using FdRef = std::shared_ptr<FdEntry>;

class FdTable {
 public:
  // The entry for `fd` if open and holding every right in `needed`:
  // kBadf when not open, kNotcapable when a right is missing.
  Errno get(uint32_t fd, Rights needed, FdRef& out);
  FdRef find(uint32_t fd);

  uint32_t insert(std::unique_ptr<FdEntry> entry);  // lowest free number
  Errno close(uint32_t fd);
  Errno renumber(uint32_t from, uint32_t to);  // `to` must be open; it is closed first
  size_t capacity();

 private:
  std::mutex mu_;
  std::vector<FdRef> slots_;
};

}  // namespace wpvm::wasi

// The shape shared by every preview1 host function: what a handler sees of one
// call (context, checked guest memory, arguments) and the table rows that
// wasi.cpp turns into Linker definitions.
#pragma once
#include <time.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wasi_errno.h"
#include "fd_table.h"
#include "guest_memory.h"
#include "wpvm/runtime.h"

namespace wpvm::wasi {

struct WasiCtx {
  std::vector<std::string> args;
  std::vector<std::string> env;  // "NAME=VALUE"
  FdTable fds;
};

struct HostCall {
  WasiCtx& ctx;
  GuestMemory mem;
  std::span<const Value> args;
  std::optional<Trap> trap;  // set by handlers that end the program (proc_exit)

  uint32_t u32(size_t i) const { return args[i].i32; }
  uint64_t u64(size_t i) const { return args[i].i64; }
};

using Handler = Errno (*)(HostCall& call);

// One preview1 import. `params`: 'i' = i32, 'I' = i64. Every function returns
// an errno (i32) except those with returns_errno == false (proc_exit).
struct HostFnDef {
  const char* name;
  const char* params;
  Handler fn;
  bool returns_errno = true;
};

// The function groups, each defined in its own file.
std::span<const HostFnDef> env_functions();   // args, environ, clocks, random, proc, sched
std::span<const HostFnDef> fd_functions();    // fd_*
std::span<const HostFnDef> path_functions();  // path_*
std::span<const HostFnDef> poll_functions();  // poll_oneoff
std::span<const HostFnDef> sock_functions();  // sock_*

// Shared helpers.
FileType file_type_of_mode(uint32_t st_mode);
// Writes a preview1 filestat for `st` (a struct stat) at ptr (already checked).
void put_filestat(const GuestMemory& mem, uint32_t ptr, const void* st);

// preview1 (atim, mtim, fstflags) -> utimensat/futimens times; kInval on bad flags.
Errno make_times(uint64_t atim, uint64_t mtim, uint32_t flags, timespec ts[2]);

// Propagates a non-success errno.
#define WASI_TRY(expr)                                                   \
  do {                                                                   \
    if (::wpvm::wasi::Errno wasi_e_ = (expr); wasi_e_ != ::wpvm::wasi::Errno::kSuccess) \
      return wasi_e_;                                                    \
  } while (0)

}  // namespace wpvm::wasi

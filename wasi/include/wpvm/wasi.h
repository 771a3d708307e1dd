// WASI preview1 (`wasi_snapshot_preview1`) for wpvm embedders.
//
// Build a Wasi from a WasiConfig, then define its imports in a Linker for one
// Store. The Wasi object holds the guest's descriptor table and must outlive
// every call into the instance that imports it.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "wpvm/result.h"
#include "wpvm/runtime.h"

namespace wpvm {

inline constexpr const char* kWasiModuleName = "wasi_snapshot_preview1";

struct WasiPreopen {
  std::string host_path;   // directory on the host
  std::string guest_path;  // name the guest sees (fd_prestat_dir_name), e.g. "/" or "."
};

struct WasiConfig {
  std::vector<std::string> args;  // argv, argv[0] included
  std::vector<std::pair<std::string, std::string>> env;  // the entire environment
  std::vector<WasiPreopen> preopens;  // fds 3, 4, ... in this order
  // Host descriptors of listening sockets, preopened after the directories.
  // They are dup()ed; the caller keeps its own.
  std::vector<int> preopen_sockets;
  // Host descriptors for the guest's stdin/stdout/stderr (dup()ed); -1 gives
  // /dev/null. The defaults inherit the host's.
  int stdin_fd = 0;
  int stdout_fd = 1;
  int stderr_fd = 2;

  // Parses "HOST[::GUEST]" (GUEST defaults to HOST) as the CLI's --dir does.
  static WasiPreopen parse_dir(const std::string& spec);
};

namespace wasi {
struct WasiCtx;
}

class Wasi {
 public:
  // Opens the preopened directories and stdio. Fails (kIo) when a host
  // directory cannot be opened.
  static Result<std::unique_ptr<Wasi>> create(const WasiConfig& config);
  ~Wasi();
  Wasi(const Wasi&) = delete;
  Wasi& operator=(const Wasi&) = delete;

  // Defines every preview1 function under kWasiModuleName in `linker`, as host
  // functions of `store`.
  void define(Linker& linker, Store& store);

  wasi::WasiCtx& ctx() { return *ctx_; }

 private:
  Wasi();
  std::unique_ptr<wasi::WasiCtx> ctx_;
};

// True if the module imports anything from kWasiModuleName.
bool module_uses_wasi(const Module& module);

}  // namespace wpvm

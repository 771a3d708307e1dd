// wpvm_wasi_config_t: what a WASI guest sees, and the files behind its stdio.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "wpvm.h"
#include "wpvm/result.h"
#include "wpvm/wasi.h"

namespace capi {

// An owned host descriptor (-1: none).
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

// Where one stdio stream goes or comes from.
struct Stdio {
  enum class Kind { kNull, kInherit, kFile, kCapture, kBytes } kind = Kind::kNull;
  Fd fd;              // kFile, kCapture: the open file (a capture's is unnamed)
  std::string bytes;  // kBytes: stdin's contents
};

// An unnamed temporary file, open for reading and writing; an error message.
wpvm::Result<Fd> temporary_file();

}  // namespace capi

struct wpvm_wasi_config_t {
  wpvm::WasiConfig config;  // args, env and preopens; stdio below
  capi::Stdio stdio[3];     // stdin, stdout, stderr
};

namespace capi {

// The engine's WasiConfig for `config` (NULL: the defaults: no stdio), with
// the descriptors Wasi::create dups; `hold` keeps any made for the occasion
// (stdin's bytes) until then.
wpvm::Result<wpvm::WasiConfig> wasi_config_for(const wpvm_wasi_config_t* config, std::vector<Fd>& hold);

}  // namespace capi

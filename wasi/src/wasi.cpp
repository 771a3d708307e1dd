// The public WASI object: builds the context (args, env, stdio, preopens) and
// turns the per-file function tables into Linker definitions.
#include "wpvm/module_def.h"
#include "wpvm/wasi.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "host_call.h"

namespace wpvm {

using wasi::Errno;
using wasi::FdEntry;
using wasi::FileType;
namespace right = wasi::right;

WasiPreopen WasiConfig::parse_dir(const std::string& spec) {
  size_t sep = spec.find("::");
  if (sep == std::string::npos) return {spec, spec};
  return {spec.substr(0, sep), spec.substr(sep + 2)};
}

Wasi::Wasi() : ctx_(std::make_unique<wasi::WasiCtx>()) {}
Wasi::~Wasi() = default;

namespace {

std::unique_ptr<FdEntry> stdio_entry(int host_fd, int fallback_flags) {
  auto e = std::make_unique<FdEntry>();
  int fd = host_fd >= 0 ? ::fcntl(host_fd, F_DUPFD_CLOEXEC, 0) : -1;
  if (fd < 0) fd = ::open("/dev/null", fallback_flags | O_CLOEXEC);
  e->host.reset(fd);
  struct stat st;
  e->type = fd >= 0 && ::fstat(fd, &st) == 0 ? wasi::file_type_of_mode(st.st_mode)
                                             : FileType::kUnknown;
  // Stdio is a stream to the guest whatever the host attached: a regular
  // file (a redirected stdout) gets no seek, tell, allocate, set_size or
  // set_times, so the host's file changes only by the guest's writes.
  e->base = e->is_socket() ? right::kSocketBase : right::kStreamBase;
  e->inheriting = 0;
  return e;
}

}  // namespace

Result<std::unique_ptr<Wasi>> Wasi::create(const WasiConfig& config) {
  std::unique_ptr<Wasi> w(new Wasi());
  wasi::WasiCtx& ctx = *w->ctx_;
  ctx.args = config.args;
  for (const auto& [k, v] : config.env) ctx.env.push_back(k + "=" + v);
  ctx.fds.insert(stdio_entry(config.stdin_fd, O_RDONLY));
  ctx.fds.insert(stdio_entry(config.stdout_fd, O_WRONLY));
  ctx.fds.insert(stdio_entry(config.stderr_fd, O_WRONLY));
  for (const auto& p : config.preopens) {
    int fd = ::open(p.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
      return make_error(ErrorKind::kIo, kNoOffset,
                        "cannot open directory " + p.host_path + ": " + std::strerror(errno));
    auto e = std::make_unique<FdEntry>();
    e->host.reset(fd);
    e->type = FileType::kDirectory;
    e->base = right::kDirBase;
    e->inheriting = right::kDirInheriting;
    e->preopen = true;
    e->preopen_name = p.guest_path;
    ctx.fds.insert(std::move(e));
  }
  for (int s : config.preopen_sockets) {
    auto e = std::make_unique<FdEntry>();
    e->host.reset(::fcntl(s, F_DUPFD_CLOEXEC, 0));
    if (!e->host.valid())
      return make_error(ErrorKind::kIo, kNoOffset, "bad socket descriptor " + std::to_string(s));
    e->type = FileType::kSocketStream;
    e->base = right::kSocketBase;
    e->inheriting = right::kSocketBase;
    ctx.fds.insert(std::move(e));
  }
  return w;
}

namespace {

FuncType signature(const wasi::HostFnDef& def) {
  FuncType t;
  for (const char* p = def.params; *p; ++p) t.params.push_back(*p == 'I' ? ValType::kI64 : ValType::kI32);
  if (def.returns_errno) t.results.push_back(ValType::kI32);
  return t;
}

void define_group(Linker& linker, Store& store, wasi::WasiCtx& ctx,
                  std::span<const wasi::HostFnDef> defs) {
  for (const wasi::HostFnDef& def : defs) {
    wasi::Handler fn = def.fn;
    HostFn host = [&ctx, fn](Caller& caller, std::span<const Value> args,
                             std::span<Value> results) -> std::optional<Trap> {
      Memory* m = caller.memory();
      wasi::HostCall call{ctx, m ? wasi::GuestMemory(m->data(), m->size_bytes())
                                 : wasi::GuestMemory(nullptr, 0),
                          args, std::nullopt};
      Errno e = fn(call);
      if (call.trap) return std::move(call.trap);
      if (!results.empty()) results[0] = Value::from_i32(static_cast<uint32_t>(e));
      return std::nullopt;
    };
    Func* f = store.create_host_func(signature(def), std::move(host),
                                     std::string(kWasiModuleName) + "." + def.name);
    linker.define(kWasiModuleName, def.name, f);
  }
}

}  // namespace

void Wasi::define(Linker& linker, Store& store) {
  for (auto group : {wasi::env_functions(), wasi::fd_functions(), wasi::path_functions(),
                     wasi::poll_functions(), wasi::sock_functions()})
    define_group(linker, store, *ctx_, group);
}

bool module_uses_wasi(const Module& module) {
  for (const Import& i : module.imports)
    if (i.module == kWasiModuleName) return true;
  return false;
}

}  // namespace wpvm

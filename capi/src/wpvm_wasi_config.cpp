// wpvm_wasi_config_t: arguments, environment, preopened directories, stdio.
#include "wpvm_wasi_config.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>

#include "wpvm_error.h"

extern char** environ;

namespace capi {

Fd& Fd::operator=(Fd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.release();
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

wpvm::Result<Fd> temporary_file() {
  FILE* f = std::tmpfile();  // already unlinked
  if (!f) return wpvm::make_error(wpvm::ErrorKind::kIo, wpvm::kNoOffset, std::strerror(errno));
  int fd = ::fcntl(::fileno(f), F_DUPFD_CLOEXEC, 0);
  int err = errno;
  std::fclose(f);
  if (fd < 0) return wpvm::make_error(wpvm::ErrorKind::kIo, wpvm::kNoOffset, std::strerror(err));
  return Fd(fd);
}

wpvm::Result<wpvm::WasiConfig> wasi_config_for(const wpvm_wasi_config_t* config, std::vector<Fd>& hold) {
  wpvm::WasiConfig out;
  if (config) out = config->config;
  int* fds[3] = {&out.stdin_fd, &out.stdout_fd, &out.stderr_fd};
  for (int i = 0; i < 3; ++i) {
    const Stdio* s = config ? &config->stdio[i] : nullptr;
    Stdio::Kind kind = s ? s->kind : Stdio::Kind::kNull;
    switch (kind) {
      case Stdio::Kind::kNull: *fds[i] = -1; break;
      case Stdio::Kind::kInherit: *fds[i] = i; break;
      case Stdio::Kind::kFile:
      case Stdio::Kind::kCapture: *fds[i] = s->fd.get(); break;
      case Stdio::Kind::kBytes: {
        // A file of its own each time, read from the start.
        auto file = temporary_file();
        if (!file) return file.error();
        for (size_t done = 0; done < s->bytes.size();) {
          ssize_t n = ::write(file->get(), s->bytes.data() + done, s->bytes.size() - done);
          if (n < 0 && errno == EINTR) continue;
          if (n <= 0) return wpvm::make_error(wpvm::ErrorKind::kIo, wpvm::kNoOffset, std::strerror(errno));
          done += static_cast<size_t>(n);
        }
        ::lseek(file->get(), 0, SEEK_SET);
        *fds[i] = file->get();
        hold.push_back(std::move(*file));
        break;
      }
    }
  }
  return out;
}

}  // namespace capi

namespace {

constexpr const char* kStreamNames[3] = {"stdin", "stdout", "stderr"};

// Runs `f` (which may throw bad_alloc) for a config; errors for NULL.
template <class F>
wpvm_error_t* with_config(wpvm_wasi_config_t* config, const char* fn, F f) {
  if (!config) return capi::new_error(std::string(fn) + ": no config");
  try {
    return f(*config);
  } catch (const std::bad_alloc&) {
    return capi::new_error(std::string(fn) + ": out of memory");
  }
}

wpvm_error_t* set_stdio(wpvm_wasi_config_t* config, int stream, capi::Stdio::Kind kind, const char* fn) {
  return with_config(config, fn, [&](wpvm_wasi_config_t& c) -> wpvm_error_t* {
    capi::Stdio s;
    s.kind = kind;
    if (kind == capi::Stdio::Kind::kCapture) {
      auto file = capi::temporary_file();
      if (!file) return capi::new_error(std::string(fn) + ": no temporary file", file.error());
      s.fd = std::move(*file);
    }
    c.stdio[stream] = std::move(s);
    return nullptr;
  });
}

wpvm_error_t* set_stdio_file(wpvm_wasi_config_t* config, int stream, const char* path, const char* fn) {
  return with_config(config, fn, [&](wpvm_wasi_config_t& c) -> wpvm_error_t* {
    if (!path) return capi::new_error(std::string(fn) + ": no path");
    int flags = stream == 0 ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC;
    int fd = ::open(path, flags | O_CLOEXEC, 0666);
    if (fd < 0) return capi::new_error(std::string(fn) + ": " + path + ": " + std::strerror(errno));
    capi::Stdio s;
    s.kind = capi::Stdio::Kind::kFile;
    s.fd = capi::Fd(fd);
    c.stdio[stream] = std::move(s);
    return nullptr;
  });
}

wpvm_error_t* captured(const wpvm_wasi_config_t* config, int stream, wasm_byte_vec_t* out, const char* fn) {
  wasm_byte_vec_new_empty(out);
  if (!config) return capi::new_error(std::string(fn) + ": no config");
  if (!out) return capi::new_error(std::string(fn) + ": no out");
  const capi::Stdio& s = config->stdio[stream];
  if (s.kind != capi::Stdio::Kind::kCapture)
    return capi::new_error(std::string(fn) + ": " + kStreamNames[stream] + " is not captured");
  struct stat st;
  if (::fstat(s.fd.get(), &st) != 0) return capi::new_error(std::string(fn) + ": " + std::strerror(errno));
  size_t size = static_cast<size_t>(st.st_size);
  wasm_byte_vec_new_uninitialized(out, size);
  if (out->size != size) return capi::new_error(std::string(fn) + ": out of memory");
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(s.fd.get(), out->data + done, size - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  out->size = done;  // the array stays as allocated; delete frees it
  return nullptr;
}

}  // namespace

wpvm_wasi_config_t* wpvm_wasi_config_new(void) { return new (std::nothrow) wpvm_wasi_config_t; }

void wpvm_wasi_config_delete(wpvm_wasi_config_t* config) { delete config; }

wpvm_error_t* wpvm_wasi_config_set_argv(wpvm_wasi_config_t* config, size_t argc, const char* const argv[]) {
  return with_config(config, "wpvm_wasi_config_set_argv", [&](wpvm_wasi_config_t& c) -> wpvm_error_t* {
    if (argc && !argv) return capi::new_error("wpvm_wasi_config_set_argv: no argv");
    std::vector<std::string> args;
    for (size_t i = 0; i < argc; ++i) {
      if (!argv[i]) return capi::new_error("wpvm_wasi_config_set_argv: argv[" + std::to_string(i) + "] is NULL");
      args.emplace_back(argv[i]);
    }
    c.config.args = std::move(args);
    return nullptr;
  });
}

wpvm_error_t* wpvm_wasi_config_set_env(wpvm_wasi_config_t* config, size_t count, const char* const names[],
                                       const char* const values[]) {
  return with_config(config, "wpvm_wasi_config_set_env", [&](wpvm_wasi_config_t& c) -> wpvm_error_t* {
    if (count && (!names || !values)) return capi::new_error("wpvm_wasi_config_set_env: no names or values");
    std::vector<std::pair<std::string, std::string>> env;
    for (size_t i = 0; i < count; ++i) {
      if (!names[i] || !values[i] || !*names[i] || std::strchr(names[i], '='))
        return capi::new_error("wpvm_wasi_config_set_env: pair " + std::to_string(i) +
                               " has no name, a name with '=' or no value");
      env.emplace_back(names[i], values[i]);
    }
    c.config.env = std::move(env);
    return nullptr;
  });
}

wpvm_error_t* wpvm_wasi_config_inherit_env(wpvm_wasi_config_t* config) {
  return with_config(config, "wpvm_wasi_config_inherit_env", [&](wpvm_wasi_config_t& c) -> wpvm_error_t* {
    std::vector<std::pair<std::string, std::string>> env;
    for (char** e = environ; e && *e; ++e) {
      const char* eq = std::strchr(*e, '=');
      if (eq && eq != *e) env.emplace_back(std::string(*e, static_cast<size_t>(eq - *e)), eq + 1);
    }
    c.config.env = std::move(env);
    return nullptr;
  });
}

wpvm_error_t* wpvm_wasi_config_preopen_dir(wpvm_wasi_config_t* config, const char* host_path,
                                           const char* guest_path) {
  return with_config(config, "wpvm_wasi_config_preopen_dir", [&](wpvm_wasi_config_t& c) -> wpvm_error_t* {
    if (!host_path) return capi::new_error("wpvm_wasi_config_preopen_dir: no host path");
    DIR* dir = ::opendir(host_path);
    if (!dir)
      return capi::new_error(std::string("wpvm_wasi_config_preopen_dir: ") + host_path + ": " + std::strerror(errno));
    ::closedir(dir);
    c.config.preopens.push_back({host_path, guest_path ? guest_path : host_path});
    return nullptr;
  });
}

wpvm_error_t* wpvm_wasi_config_inherit_stdin(wpvm_wasi_config_t* config) {
  return set_stdio(config, 0, capi::Stdio::Kind::kInherit, "wpvm_wasi_config_inherit_stdin");
}

wpvm_error_t* wpvm_wasi_config_set_stdin_file(wpvm_wasi_config_t* config, const char* path) {
  return set_stdio_file(config, 0, path, "wpvm_wasi_config_set_stdin_file");
}

wpvm_error_t* wpvm_wasi_config_set_stdin_bytes(wpvm_wasi_config_t* config, const wasm_byte_vec_t* bytes) {
  return with_config(config, "wpvm_wasi_config_set_stdin_bytes", [&](wpvm_wasi_config_t& c) -> wpvm_error_t* {
    if (!bytes || (bytes->size && !bytes->data)) return capi::new_error("wpvm_wasi_config_set_stdin_bytes: no bytes");
    capi::Stdio s;
    s.kind = capi::Stdio::Kind::kBytes;
    s.bytes.assign(bytes->data ? bytes->data : "", bytes->size);
    c.stdio[0] = std::move(s);
    return nullptr;
  });
}

wpvm_error_t* wpvm_wasi_config_inherit_stdout(wpvm_wasi_config_t* config) {
  return set_stdio(config, 1, capi::Stdio::Kind::kInherit, "wpvm_wasi_config_inherit_stdout");
}
wpvm_error_t* wpvm_wasi_config_set_stdout_file(wpvm_wasi_config_t* config, const char* path) {
  return set_stdio_file(config, 1, path, "wpvm_wasi_config_set_stdout_file");
}
wpvm_error_t* wpvm_wasi_config_capture_stdout(wpvm_wasi_config_t* config) {
  return set_stdio(config, 1, capi::Stdio::Kind::kCapture, "wpvm_wasi_config_capture_stdout");
}
wpvm_error_t* wpvm_wasi_config_inherit_stderr(wpvm_wasi_config_t* config) {
  return set_stdio(config, 2, capi::Stdio::Kind::kInherit, "wpvm_wasi_config_inherit_stderr");
}
wpvm_error_t* wpvm_wasi_config_set_stderr_file(wpvm_wasi_config_t* config, const char* path) {
  return set_stdio_file(config, 2, path, "wpvm_wasi_config_set_stderr_file");
}
wpvm_error_t* wpvm_wasi_config_capture_stderr(wpvm_wasi_config_t* config) {
  return set_stdio(config, 2, capi::Stdio::Kind::kCapture, "wpvm_wasi_config_capture_stderr");
}

wpvm_error_t* wpvm_wasi_config_stdout_captured(const wpvm_wasi_config_t* config, wasm_byte_vec_t* out) {
  return captured(config, 1, out, "wpvm_wasi_config_stdout_captured");
}
wpvm_error_t* wpvm_wasi_config_stderr_captured(const wpvm_wasi_config_t* config, wasm_byte_vec_t* out) {
  return captured(config, 2, out, "wpvm_wasi_config_stderr_captured");
}

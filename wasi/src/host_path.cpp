// Preview1 path_* functions. Every path goes through resolve_path (sandbox.h),
// so each syscall here sees a directory descriptor and a single final name.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "host_call.h"
#include "sandbox.h"

namespace wpvm::wasi {
namespace {

Errno fail() { return errno_from_host(errno); }

// Looks up directory fd `fd` with `needed` rights and resolves the guest path
// at (ptr, len) beneath it.
Errno resolve_at(HostCall& c, uint32_t fd, Rights needed, uint32_t ptr, uint32_t len,
                 bool follow, ResolvedPath& out, FdRef* dir = nullptr) {
  FdRef e;
  WASI_TRY(c.ctx.fds.get(fd, needed, e));
  if (!e->is_dir()) return Errno::kNotdir;
  std::string_view path;
  if (!c.mem.read_string(ptr, len, path)) return Errno::kFault;
  out.base_owner = e;  // dir_fd may be the base's own descriptor
  int base_fd = e->host.get();
  if (dir) *dir = std::move(e);
  return resolve_path(base_fd, path, follow, out);
}

Errno path_create_directory(HostCall& c) {
  ResolvedPath r;
  WASI_TRY(resolve_at(c, c.u32(0), right::kPathCreateDirectory, c.u32(1), c.u32(2), false, r));
  return ::mkdirat(r.dir_fd, r.at_name().c_str(), 0777) == 0 ? Errno::kSuccess : fail();
}

Errno path_filestat_get(HostCall& c) {
  ResolvedPath r;
  bool follow = c.u32(1) & kLookupSymlinkFollow;
  WASI_TRY(resolve_at(c, c.u32(0), right::kPathFilestatGet, c.u32(2), c.u32(3), follow, r));
  if (!c.mem.check(c.u32(4), layout::kFilestatSize)) return Errno::kFault;
  struct stat st;
  // A final symlink was already followed by the resolver when asked to be.
  if (::fstatat(r.dir_fd, r.at_name().c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return fail();
  put_filestat(c.mem, c.u32(4), &st);
  return Errno::kSuccess;
}

Errno path_filestat_set_times(HostCall& c) {
  ResolvedPath r;
  bool follow = c.u32(1) & kLookupSymlinkFollow;
  WASI_TRY(resolve_at(c, c.u32(0), right::kPathFilestatSetTimes, c.u32(2), c.u32(3), follow, r));
  timespec ts[2];
  WASI_TRY(make_times(c.u64(4), c.u64(5), c.u32(6), ts));
  return ::utimensat(r.dir_fd, r.at_name().c_str(), ts, AT_SYMLINK_NOFOLLOW) == 0
             ? Errno::kSuccess : fail();
}

Errno path_link(HostCall& c) {
  ResolvedPath from, to;
  bool follow = c.u32(1) & kLookupSymlinkFollow;
  WASI_TRY(resolve_at(c, c.u32(0), right::kPathLinkSource, c.u32(2), c.u32(3), follow, from));
  WASI_TRY(resolve_at(c, c.u32(4), right::kPathLinkTarget, c.u32(5), c.u32(6), false, to));
  if (to.trailing_slash) return Errno::kNoent;  // a new hard link cannot be a directory
  return ::linkat(from.dir_fd, from.at_name().c_str(), to.dir_fd, to.name.c_str(), 0) == 0
             ? Errno::kSuccess : fail();
}

// Host open(2) flags for a preview1 path_open.
int open_flags(uint32_t oflags, Rights base, uint32_t fdflags, bool want_dir) {
  int fl = O_CLOEXEC | O_NOFOLLOW;  // the resolver follows symlinks itself
  bool read = base & (right::kFdRead | right::kFdReaddir);
  bool write = (base & (right::kFdWrite | right::kFdDatasync | right::kFdAllocate |
                        right::kFdFilestatSetSize)) ||
               (fdflags & fdflag::kAppend);
  if (want_dir) return fl | O_RDONLY | O_DIRECTORY;
  fl |= write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (oflags & oflag::kCreat) fl |= O_CREAT;
  if (oflags & oflag::kExcl) fl |= O_EXCL;
  if (oflags & oflag::kTrunc) fl |= O_TRUNC;
  if (fdflags & fdflag::kAppend) fl |= O_APPEND;
  if (fdflags & fdflag::kNonblock) fl |= O_NONBLOCK;
  if (fdflags & fdflag::kDsync) fl |= O_DSYNC;
  if (fdflags & (fdflag::kSync | fdflag::kRsync)) fl |= O_SYNC;
  return fl;
}

Errno path_open(HostCall& c) {
  uint32_t oflags = c.u32(4), fdflags = c.u32(7);
  Rights base = c.u64(5), inheriting = c.u64(6);
  Rights needed = right::kPathOpen;
  if (oflags & oflag::kCreat) needed |= right::kPathCreateFile;
  if (oflags & oflag::kTrunc) needed |= right::kPathFilestatSetSize;
  ResolvedPath r;
  FdRef parent;
  bool follow = c.u32(1) & kLookupSymlinkFollow;
  WASI_TRY(resolve_at(c, c.u32(0), needed, c.u32(2), c.u32(3), follow, r, &parent));
  if (!c.mem.check(c.u32(8), 4)) return Errno::kFault;
  bool want_dir = (oflags & oflag::kDirectory) || r.trailing_slash;
  if (want_dir && (oflags & (oflag::kCreat | oflag::kTrunc))) return Errno::kInval;
  // Asking to write (fd_write or append) is what makes a directory "isdir";
  // the other write-ish rights (datasync, allocate, set_size) come along in
  // rights sets copied from a directory and must not stop it from opening.
  bool writes = (base & right::kFdWrite) || (fdflags & fdflag::kAppend);
  if (want_dir && writes) return Errno::kIsdir;
  int fd = ::openat(r.dir_fd, r.name.c_str(), open_flags(oflags, base, fdflags, want_dir), 0666);
  if (fd < 0 && errno == EISDIR && !writes && !(oflags & (oflag::kCreat | oflag::kTrunc)))
    fd = ::openat(r.dir_fd, r.name.c_str(), open_flags(0, 0, 0, true));
  if (fd < 0) return fail();
  auto e = std::make_unique<FdEntry>();
  e->host.reset(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) return fail();
  e->type = file_type_of_mode(st.st_mode);
  Rights mask = e->is_dir() ? right::kDirBase
              : e->type == FileType::kRegularFile ? right::kFileBase : right::kStreamBase;
  e->base = base & parent->inheriting & mask;
  e->inheriting = inheriting & parent->inheriting;
  c.mem.put<uint32_t>(c.u32(8), c.ctx.fds.insert(std::move(e)));
  return Errno::kSuccess;
}

Errno path_readlink(HostCall& c) {
  ResolvedPath r;
  WASI_TRY(resolve_at(c, c.u32(0), right::kPathReadlink, c.u32(1), c.u32(2), false, r));
  uint32_t buf = c.u32(3), len = c.u32(4);
  if (!c.mem.check(buf, len) || !c.mem.check(c.u32(5), 4)) return Errno::kFault;
  char tmp[4096];
  ssize_t n = ::readlinkat(r.dir_fd, r.at_name().c_str(), tmp, sizeof(tmp));
  if (n < 0) return fail();
  // A short buffer gets a prefix, as readlink(2) does.
  uint32_t copied = std::min<uint32_t>(len, static_cast<uint32_t>(n));
  std::memcpy(c.mem.at(buf), tmp, copied);
  c.mem.put<uint32_t>(c.u32(5), copied);
  return Errno::kSuccess;
}

Errno path_remove_directory(HostCall& c) {
  ResolvedPath r;
  WASI_TRY(resolve_at(c, c.u32(0), right::kPathRemoveDirectory, c.u32(1), c.u32(2), false, r));
  if (r.name == ".") return Errno::kInval;
  return ::unlinkat(r.dir_fd, r.at_name().c_str(), AT_REMOVEDIR) == 0 ? Errno::kSuccess : fail();
}

Errno path_rename(HostCall& c) {
  ResolvedPath from, to;
  WASI_TRY(resolve_at(c, c.u32(0), right::kPathRenameSource, c.u32(1), c.u32(2), false, from));
  WASI_TRY(resolve_at(c, c.u32(3), right::kPathRenameTarget, c.u32(4), c.u32(5), false, to));
  if (from.name == "." || to.name == ".") return Errno::kBusy;
  // A trailing '/' on either side means "directories only": pass it on to the
  // kernel on both names, which then rejects files with ENOTDIR.
  bool dirs = from.trailing_slash || to.trailing_slash;
  std::string a = dirs ? from.name + "/" : from.name, b = dirs ? to.name + "/" : to.name;
  return ::renameat(from.dir_fd, a.c_str(), to.dir_fd, b.c_str()) == 0 ? Errno::kSuccess : fail();
}

Errno path_symlink(HostCall& c) {
  std::string_view target;
  if (!c.mem.read_string(c.u32(0), c.u32(1), target)) return Errno::kFault;
  WASI_TRY(check_path_text(target));
  // A link that points at an absolute path could never be followed inside the
  // sandbox; refuse to create it.
  if (target.front() == '/') return Errno::kNotcapable;
  ResolvedPath r;
  WASI_TRY(resolve_at(c, c.u32(2), right::kPathSymlink, c.u32(3), c.u32(4), false, r));
  std::string t(target);
  return ::symlinkat(t.c_str(), r.dir_fd, r.at_name().c_str()) == 0 ? Errno::kSuccess : fail();
}

Errno path_unlink_file(HostCall& c) {
  ResolvedPath r;
  WASI_TRY(resolve_at(c, c.u32(0), right::kPathUnlinkFile, c.u32(1), c.u32(2), false, r));
  return ::unlinkat(r.dir_fd, r.at_name().c_str(), 0) == 0 ? Errno::kSuccess : fail();
}

const HostFnDef kFunctions[] = {
    {"path_create_directory", "iii", path_create_directory},
    {"path_filestat_get", "iiiii", path_filestat_get},
    {"path_filestat_set_times", "iiiiIIi", path_filestat_set_times},
    {"path_link", "iiiiiii", path_link},
    {"path_open", "iiiiiIIii", path_open},
    {"path_readlink", "iiiiii", path_readlink},
    {"path_remove_directory", "iii", path_remove_directory},
    {"path_rename", "iiiiii", path_rename},
    {"path_symlink", "iiiii", path_symlink},
    {"path_unlink_file", "iii", path_unlink_file},
};

}  // namespace

std::span<const HostFnDef> path_functions() { return kFunctions; }

}  // namespace wpvm::wasi

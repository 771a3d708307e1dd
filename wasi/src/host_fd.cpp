// Preview1 fd_* functions: descriptor-level operations.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "host_call.h"
#include "iovec.h"

namespace wpvm::wasi {

FileType file_type_of_mode(uint32_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG: return FileType::kRegularFile;
    case S_IFDIR: return FileType::kDirectory;
    case S_IFLNK: return FileType::kSymbolicLink;
    case S_IFCHR: return FileType::kCharacterDevice;
    case S_IFBLK: return FileType::kBlockDevice;
    case S_IFSOCK: return FileType::kSocketStream;
    default: return FileType::kUnknown;  // FIFOs have no preview1 type
  }
}

namespace {
uint64_t ts_ns(const timespec& t) {
  return static_cast<uint64_t>(t.tv_sec) * 1000000000ull + static_cast<uint64_t>(t.tv_nsec);
}
}  // namespace

void put_filestat(const GuestMemory& mem, uint32_t p, const void* raw) {
  const auto& st = *static_cast<const struct stat*>(raw);
  for (uint32_t i = 0; i < layout::kFilestatSize; ++i) mem.put<uint8_t>(p + i, 0);
  mem.put<uint64_t>(p + 0, st.st_dev);
  mem.put<uint64_t>(p + 8, st.st_ino);
  mem.put<uint8_t>(p + 16, static_cast<uint8_t>(file_type_of_mode(st.st_mode)));
  mem.put<uint64_t>(p + 24, st.st_nlink);
  mem.put<uint64_t>(p + 32, static_cast<uint64_t>(st.st_size));
  mem.put<uint64_t>(p + 40, ts_ns(st.st_atim));
  mem.put<uint64_t>(p + 48, ts_ns(st.st_mtim));
  mem.put<uint64_t>(p + 56, ts_ns(st.st_ctim));
}

namespace {

Errno fail() { return errno_from_host(errno); }

// File operations on a directory are "isdir" whatever rights the fd holds.
Errno get_file(HostCall& c, uint32_t fd, Rights needed, FdRef& e) {
  if (FdRef d = c.ctx.fds.find(fd); d && d->is_dir()) return Errno::kIsdir;
  return c.ctx.fds.get(fd, needed, e);
}

Errno fd_advise(HostCall& c) {
  FdRef e;
  WASI_TRY(c.ctx.fds.get(c.u32(0), right::kFdAdvise, e));
  static const int kAdvice[] = {POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
  uint32_t advice = c.u32(3);
  if (advice > 5) return Errno::kInval;
  if (e->is_dir()) return Errno::kSuccess;  // advice is only a hint
  int r = ::posix_fadvise(e->host.get(), static_cast<off_t>(c.u64(1)),
                          static_cast<off_t>(c.u64(2)), kAdvice[advice]);
  return r == 0 ? Errno::kSuccess : errno_from_host(r);
}

Errno fd_allocate(HostCall& c) {
  FdRef e;
  WASI_TRY(get_file(c, c.u32(0), right::kFdAllocate, e));
  uint64_t off = c.u64(1), len = c.u64(2);
  if (off > INT64_MAX || len > INT64_MAX - off) return Errno::kInval;
  int r = ::posix_fallocate(e->host.get(), static_cast<off_t>(off), static_cast<off_t>(len));
  return r == 0 ? Errno::kSuccess : errno_from_host(r);
}

Errno fd_close(HostCall& c) { return c.ctx.fds.close(c.u32(0)); }

Errno fd_datasync(HostCall& c) {
  FdRef e;
  WASI_TRY(c.ctx.fds.get(c.u32(0), right::kFdDatasync, e));
  return ::fdatasync(e->host.get()) == 0 ? Errno::kSuccess : fail();
}

Errno fd_sync(HostCall& c) {
  FdRef e;
  WASI_TRY(c.ctx.fds.get(c.u32(0), right::kFdSync, e));
  return ::fsync(e->host.get()) == 0 ? Errno::kSuccess : fail();
}

uint16_t fdflags_of(int host_flags) {
  uint16_t f = 0;
  if (host_flags & O_APPEND) f |= fdflag::kAppend;
  if (host_flags & O_NONBLOCK) f |= fdflag::kNonblock;
  if ((host_flags & O_SYNC) == O_SYNC) f |= fdflag::kSync;
  else if (host_flags & O_DSYNC) f |= fdflag::kDsync;
  return f;
}

Errno fd_fdstat_get(HostCall& c) {
  FdRef e;
  WASI_TRY(c.ctx.fds.get(c.u32(0), 0, e));
  uint32_t p = c.u32(1);
  if (!c.mem.check(p, layout::kFdstatSize)) return Errno::kFault;
  int fl = ::fcntl(e->host.get(), F_GETFL);
  if (fl < 0) return fail();
  for (uint32_t i = 0; i < layout::kFdstatSize; ++i) c.mem.put<uint8_t>(p + i, 0);
  c.mem.put<uint8_t>(p, static_cast<uint8_t>(e->type));
  c.mem.put<uint16_t>(p + 2, fdflags_of(fl));
  c.mem.put<uint64_t>(p + 8, e->base);
  c.mem.put<uint64_t>(p + 16, e->inheriting);
  return Errno::kSuccess;
}

Errno fd_fdstat_set_flags(HostCall& c) {
  FdRef e;
  WASI_TRY(c.ctx.fds.get(c.u32(0), right::kFdFdstatSetFlags, e));
  uint32_t flags = c.u32(1);
  // Linux cannot change the sync modes of an open file.
  if (flags & (fdflag::kDsync | fdflag::kRsync | fdflag::kSync)) return Errno::kNotsup;
  int fl = ::fcntl(e->host.get(), F_GETFL);
  if (fl < 0) return fail();
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (flags & fdflag::kAppend) fl |= O_APPEND;
  if (flags & fdflag::kNonblock) fl |= O_NONBLOCK;
  return ::fcntl(e->host.get(), F_SETFL, fl) == 0 ? Errno::kSuccess : fail();
}

Errno fd_fdstat_set_rights(HostCall& c) {
  FdRef e;
  WASI_TRY(c.ctx.fds.get(c.u32(0), 0, e));
  Rights base = c.u64(1), inh = c.u64(2);
  // Rights can only be dropped, never gained.
  if ((base & ~e->base) || (inh & ~e->inheriting)) return Errno::kNotcapable;
  // Concurrent drops compose: each clears only bits.
  e->base.fetch_and(base);
  e->inheriting.fetch_and(inh);
  return Errno::kSuccess;
}

Errno fd_filestat_get(HostCall& c) {
  FdRef e;
  WASI_TRY(c.ctx.fds.get(c.u32(0), right::kFdFilestatGet, e));
  if (!c.mem.check(c.u32(1), layout::kFilestatSize)) return Errno::kFault;
  struct stat st;
  if (::fstat(e->host.get(), &st) != 0) return fail();
  put_filestat(c.mem, c.u32(1), &st);
  if (e->is_socket() || e->type == FileType::kUnknown)  // keep what the table says
    c.mem.put<uint8_t>(c.u32(1) + 16, static_cast<uint8_t>(e->type));
  return Errno::kSuccess;
}

Errno fd_filestat_set_size(HostCall& c) {
  FdRef e;
  WASI_TRY(get_file(c, c.u32(0), right::kFdFilestatSetSize, e));
  if (c.u64(1) > INT64_MAX) return Errno::kInval;
  return ::ftruncate(e->host.get(), static_cast<off_t>(c.u64(1))) == 0 ? Errno::kSuccess : fail();
}

}  // namespace

// Shared with path_filestat_set_times: preview1 fstflags -> utimensat times.
Errno make_times(uint64_t atim, uint64_t mtim, uint32_t flags, timespec ts[2]) {
  if (flags & ~0xFu) return Errno::kInval;
  if ((flags & fstflag::kAtim) && (flags & fstflag::kAtimNow)) return Errno::kInval;
  if ((flags & fstflag::kMtim) && (flags & fstflag::kMtimNow)) return Errno::kInval;
  auto one = [](uint64_t ns, bool set, bool now, timespec& t) {
    if (now) t = {0, UTIME_NOW};
    else if (set) t = {static_cast<time_t>(ns / 1000000000ull), static_cast<long>(ns % 1000000000ull)};
    else t = {0, UTIME_OMIT};
  };
  one(atim, flags & fstflag::kAtim, flags & fstflag::kAtimNow, ts[0]);
  one(mtim, flags & fstflag::kMtim, flags & fstflag::kMtimNow, ts[1]);
  return Errno::kSuccess;
}

namespace {

Errno fd_filestat_set_times(HostCall& c) {
  FdRef e;
  WASI_TRY(c.ctx.fds.get(c.u32(0), right::kFdFilestatSetTimes, e));
  timespec ts[2];
  WASI_TRY(make_times(c.u64(1), c.u64(2), c.u32(3), ts));
  return ::futimens(e->host.get(), ts) == 0 ? Errno::kSuccess : fail();
}

Errno finish_io(HostCall& c, ssize_t n, uint32_t out_ptr) {
  if (n < 0) return fail();
  return c.mem.store<uint32_t>(out_ptr, static_cast<uint32_t>(n)) ? Errno::kSuccess : Errno::kFault;
}

// fd_read, fd_pread, fd_write and fd_pwrite: (fd, iovs, iovs_len[, offset],
// out). The positioned forms also need the seek right.
template <bool kWrite, bool kPositioned>
Errno vectored_io(HostCall& c) {
  FdRef e;
  Rights need = (kWrite ? right::kFdWrite : right::kFdRead) | (kPositioned ? right::kFdSeek : 0);
  WASI_TRY(get_file(c, c.u32(0), need, e));
  HostIovs iovs;
  WASI_TRY(gather_iovs(c.mem, c.u32(1), c.u32(2), iovs));
  uint32_t out = c.u32(kPositioned ? 4 : 3);
  if (!c.mem.check(out, 4)) return Errno::kFault;
  int fd = e->host.get();
  if constexpr (kPositioned) {
    if (c.u64(3) > INT64_MAX) return Errno::kInval;
    auto off = static_cast<off_t>(c.u64(3));
    return finish_io(c, kWrite ? ::pwritev(fd, iovs.v.data(), iovs.count, off)
                               : ::preadv(fd, iovs.v.data(), iovs.count, off), out);
  } else {
    return finish_io(c, kWrite ? ::writev(fd, iovs.v.data(), iovs.count)
                               : ::readv(fd, iovs.v.data(), iovs.count), out);
  }
}

Errno fd_read(HostCall& c) { return vectored_io<false, false>(c); }
Errno fd_pread(HostCall& c) { return vectored_io<false, true>(c); }
Errno fd_write(HostCall& c) { return vectored_io<true, false>(c); }
Errno fd_pwrite(HostCall& c) { return vectored_io<true, true>(c); }

Errno fd_prestat_get(HostCall& c) {
  FdRef e = c.ctx.fds.find(c.u32(0));
  if (!e || !e->preopen) return Errno::kBadf;
  uint32_t p = c.u32(1);
  if (!c.mem.check(p, layout::kPrestatSize)) return Errno::kFault;
  c.mem.put<uint32_t>(p, kPreopenTypeDir);  // tag byte plus padding
  c.mem.put<uint32_t>(p + 4, static_cast<uint32_t>(e->preopen_name.size()));
  return Errno::kSuccess;
}

Errno fd_prestat_dir_name(HostCall& c) {
  FdRef e = c.ctx.fds.find(c.u32(0));
  if (!e || !e->preopen) return Errno::kBadf;
  uint32_t p = c.u32(1), len = c.u32(2);
  if (len < e->preopen_name.size()) return Errno::kNametoolong;
  if (!c.mem.check(p, e->preopen_name.size())) return Errno::kFault;
  std::memcpy(c.mem.at(p), e->preopen_name.data(), e->preopen_name.size());
  return Errno::kSuccess;
}

Errno fd_renumber(HostCall& c) { return c.ctx.fds.renumber(c.u32(0), c.u32(1)); }

Errno fd_seek(HostCall& c) {
  auto offset = static_cast<int64_t>(c.u64(1));
  uint32_t whence = c.u32(2);
  // seek(0, CUR) is how libc implements tell, so it needs only the tell right.
  Rights need = (offset == 0 && whence == 1) ? right::kFdTell : right::kFdSeek;
  FdRef e;
  WASI_TRY(get_file(c, c.u32(0), need, e));
  static const int kWhence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  if (whence > 2) return Errno::kInval;
  if (!c.mem.check(c.u32(3), 8)) return Errno::kFault;
  off_t r = ::lseek(e->host.get(), offset, kWhence[whence]);
  if (r < 0) return fail();
  c.mem.put<uint64_t>(c.u32(3), static_cast<uint64_t>(r));
  return Errno::kSuccess;
}

Errno fd_tell(HostCall& c) {
  FdRef e;
  WASI_TRY(get_file(c, c.u32(0), right::kFdTell, e));
  if (!c.mem.check(c.u32(1), 8)) return Errno::kFault;
  off_t r = ::lseek(e->host.get(), 0, SEEK_CUR);
  if (r < 0) return fail();
  c.mem.put<uint64_t>(c.u32(1), static_cast<uint64_t>(r));
  return Errno::kSuccess;
}

// A sorted snapshot: "." and ".." first, then by name, so listings are stable.
Errno snapshot_dir(FdEntry& e) {
  int fd = ::openat(e.host.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail();
  DIR* dir = ::fdopendir(fd);
  if (!dir) {
    ::close(fd);
    return fail();
  }
  e.listing.clear();
  while (dirent* d = ::readdir(dir)) {
    DirEntry de{d->d_ino, FileType::kUnknown, d->d_name};
    struct stat st;
    if (d->d_type != DT_UNKNOWN) de.type = file_type_of_mode(DTTOIF(d->d_type));
    else if (::fstatat(::dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
      de.type = file_type_of_mode(st.st_mode);
    e.listing.push_back(std::move(de));
  }
  ::closedir(dir);
  auto rank = [](const std::string& n) { return n == "." ? 0 : n == ".." ? 1 : 2; };
  std::sort(e.listing.begin(), e.listing.end(), [&](const DirEntry& a, const DirEntry& b) {
    return rank(a.name) != rank(b.name) ? rank(a.name) < rank(b.name) : a.name < b.name;
  });
  return Errno::kSuccess;
}

Errno fd_readdir(HostCall& c) {
  FdRef e;
  WASI_TRY(c.ctx.fds.get(c.u32(0), right::kFdReaddir, e));
  if (!e->is_dir()) return Errno::kNotdir;
  uint32_t buf = c.u32(1), len = c.u32(2), used_ptr = c.u32(4);
  uint64_t cookie = c.u64(3);
  if (!c.mem.check(buf, len) || !c.mem.check(used_ptr, 4)) return Errno::kFault;
  std::lock_guard lock(e->listing_mu);
  if (cookie == 0 || e->listing.empty()) WASI_TRY(snapshot_dir(*e));
  uint32_t used = 0;
  for (uint64_t i = cookie; i < e->listing.size() && used < len; ++i) {
    const DirEntry& d = e->listing[i];
    uint8_t head[layout::kDirentSize] = {};
    uint64_t next = i + 1, ino = d.ino;
    auto namlen = static_cast<uint32_t>(d.name.size());
    std::memcpy(head, &next, 8);
    std::memcpy(head + 8, &ino, 8);
    std::memcpy(head + 16, &namlen, 4);
    head[20] = static_cast<uint8_t>(d.type);
    // Entries are cut at the buffer's end; a full buffer tells the guest to
    // call again from the last complete entry's cookie.
    uint32_t n = std::min<uint32_t>(layout::kDirentSize, len - used);
    std::memcpy(c.mem.at(buf + used), head, n);
    used += n;
    n = std::min<uint32_t>(namlen, len - used);
    std::memcpy(c.mem.at(buf + used), d.name.data(), n);
    used += n;
  }
  c.mem.put<uint32_t>(used_ptr, used);
  return Errno::kSuccess;
}

const HostFnDef kFunctions[] = {
    {"fd_advise", "iIIi", fd_advise},
    {"fd_allocate", "iII", fd_allocate},
    {"fd_close", "i", fd_close},
    {"fd_datasync", "i", fd_datasync},
    {"fd_fdstat_get", "ii", fd_fdstat_get},
    {"fd_fdstat_set_flags", "ii", fd_fdstat_set_flags},
    {"fd_fdstat_set_rights", "iII", fd_fdstat_set_rights},
    {"fd_filestat_get", "ii", fd_filestat_get},
    {"fd_filestat_set_size", "iI", fd_filestat_set_size},
    {"fd_filestat_set_times", "iIIi", fd_filestat_set_times},
    {"fd_pread", "iiiIi", fd_pread},
    {"fd_prestat_get", "ii", fd_prestat_get},
    {"fd_prestat_dir_name", "iii", fd_prestat_dir_name},
    {"fd_pwrite", "iiiIi", fd_pwrite},
    {"fd_read", "iiii", fd_read},
    {"fd_readdir", "iiiIi", fd_readdir},
    {"fd_renumber", "ii", fd_renumber},
    {"fd_seek", "iIii", fd_seek},
    {"fd_sync", "i", fd_sync},
    {"fd_tell", "ii", fd_tell},
    {"fd_write", "iiii", fd_write},
};

}  // namespace

std::span<const HostFnDef> fd_functions() { return kFunctions; }

}  // namespace wpvm::wasi

// Guest: the preview1 calls libc rarely reaches, called directly: sync,
// datasync, advise, allocate, proc_raise, sched_yield, random_get, renumber,
// rights, and bad guest pointers (errno fault).
#include <fcntl.h>
#include <unistd.h>
#include <wasi/api.h>

#include "check.h"

__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
uint16_t raw_proc_raise(uint8_t sig);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_write")))
uint16_t raw_fd_write(uint32_t fd, uint32_t iovs, uint32_t n, uint32_t nwritten);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("random_get")))
uint16_t raw_random_get(uint32_t buf, uint32_t len);

int main(void) {
  int fd = open("m.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0);
  CHECK(write(fd, "data", 4) == 4);
  CHECK(__wasi_fd_sync(fd) == 0);
  CHECK(__wasi_fd_datasync(fd) == 0);
  CHECK(__wasi_fd_advise(fd, 0, 4, __WASI_ADVICE_SEQUENTIAL) == 0);
  CHECK(__wasi_fd_advise(fd, 0, 4, 99) == __WASI_ERRNO_INVAL);
  CHECK(__wasi_fd_allocate(fd, 0, 100) == 0);
  __wasi_filestat_t st;
  CHECK(__wasi_fd_filestat_get(fd, &st) == 0 && st.size == 100);
  // Rights can be dropped, not regained; a dropped right is "notcapable".
  __wasi_fdstat_t fs;
  CHECK(__wasi_fd_fdstat_get(fd, &fs) == 0);
  CHECK(fs.fs_filetype == __WASI_FILETYPE_REGULAR_FILE);
  CHECK(__wasi_fd_fdstat_set_rights(fd, fs.fs_rights_base & ~__WASI_RIGHTS_FD_WRITE, 0) == 0);
  __wasi_ciovec_t iov = {(const uint8_t*)"x", 1};
  size_t n;
  CHECK(__wasi_fd_write(fd, &iov, 1, &n) == __WASI_ERRNO_NOTCAPABLE);
  CHECK(__wasi_fd_fdstat_set_rights(fd, fs.fs_rights_base, 0) == __WASI_ERRNO_NOTCAPABLE);
  // Renumber onto another open descriptor.
  int other = open("m2.txt", O_WRONLY | O_CREAT, 0644);
  CHECK(other >= 0);
  CHECK(__wasi_fd_renumber(fd, other) == 0);
  CHECK(__wasi_fd_fdstat_get(fd, &fs) == __WASI_ERRNO_BADF);
  CHECK(__wasi_fd_fdstat_get(other, &fs) == 0 && !(fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE));
  CHECK(__wasi_fd_renumber(other, 1000) == __WASI_ERRNO_BADF);
  CHECK(__wasi_fd_close(other) == 0);
  // Preopens: fd 3 is "/", stdio is not a preopen.
  __wasi_prestat_t pre;
  CHECK(__wasi_fd_prestat_get(3, &pre) == 0 && pre.u.dir.pr_name_len == 1);
  CHECK(__wasi_fd_prestat_get(0, &pre) == __WASI_ERRNO_BADF);
  char name[4];
  CHECK(__wasi_fd_prestat_dir_name(3, (uint8_t*)name, 0) == __WASI_ERRNO_NAMETOOLONG);
  // Directories have no seek; sockets calls on files are "notsock".
  CHECK(__wasi_fd_seek(3, 0, __WASI_WHENCE_SET, &st.size) != 0);
  CHECK(__wasi_sock_shutdown(1, __WASI_SDFLAGS_WR) == __WASI_ERRNO_NOTSOCK);
  CHECK(__wasi_sock_shutdown(77, __WASI_SDFLAGS_WR) == __WASI_ERRNO_BADF);
  // Misc.
  CHECK(__wasi_sched_yield() == 0);
  CHECK(raw_proc_raise(15) == __WASI_ERRNO_NOSYS);
  uint8_t buf[64] = {0};
  CHECK(__wasi_random_get(buf, 0) == 0);
  CHECK(__wasi_random_get(buf, sizeof buf) == 0);
  __wasi_timestamp_t t;
  CHECK(__wasi_clock_time_get(99, 0, &t) == __WASI_ERRNO_INVAL);
  __wasi_event_t ev;
  size_t nev;
  CHECK(__wasi_poll_oneoff(NULL, &ev, 0, &nev) == __WASI_ERRNO_INVAL);
  // Pointers outside linear memory are "fault", never a host crash.
  CHECK(raw_random_get(0xFFFFFFF0u, 64) == __WASI_ERRNO_FAULT);
  CHECK(raw_fd_write(1, 0xFFFFFFFCu, 1, 0) == __WASI_ERRNO_FAULT);
  CHECK(unlink("m.txt") == 0 && unlink("m2.txt") == 0);
  puts("misc OK");
  return 0;
}

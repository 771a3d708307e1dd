// Guest: stdio is a stream whatever the host attached (the test attaches
// regular files): seek, tell, allocate, set_size, set_times and positioned
// writes on fds 0-2 fail with an errno, and only writes reach the files.
#include <wasi/api.h>

#include "check.h"

static void check_stream(__wasi_fd_t fd) {
  __wasi_filesize_t pos;
  CHECK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos) != 0);
  CHECK(__wasi_fd_seek(fd, 1 << 30, __WASI_WHENCE_END, &pos) != 0);
  CHECK(__wasi_fd_tell(fd, &pos) != 0);
  CHECK(__wasi_fd_allocate(fd, 0, 1ull << 40) != 0);
  CHECK(__wasi_fd_filestat_set_size(fd, 1ull << 40) != 0);
  CHECK(__wasi_fd_filestat_set_size(fd, 0) != 0);
  CHECK(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM) != 0);
  __wasi_ciovec_t iov = {(const uint8_t*)"X", 1};
  size_t n;
  CHECK(__wasi_fd_pwrite(fd, &iov, 1, 1 << 20, &n) != 0);
  // The rights say so, and they cannot be regained.
  __wasi_fdstat_t fs;
  CHECK(__wasi_fd_fdstat_get(fd, &fs) == 0);
  __wasi_rights_t file_only = __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_ALLOCATE |
                              __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES;
  CHECK((fs.fs_rights_base & file_only) == 0);
  CHECK(__wasi_fd_fdstat_set_rights(fd, fs.fs_rights_base | __WASI_RIGHTS_FD_SEEK, 0) != 0);
}

int main(void) {
  for (__wasi_fd_t fd = 0; fd < 3; ++fd) check_stream(fd);
  // Reading stdin still works.
  char buf[64] = {0};
  __wasi_iovec_t in = {(uint8_t*)buf, sizeof buf - 1};
  size_t got;
  CHECK(__wasi_fd_read(0, &in, 1, &got) == 0 && got > 0);
  printf("stdin said %s", buf);
  fprintf(stderr, "to stderr\n");
  printf("stdio OK\n");
  return 0;
}

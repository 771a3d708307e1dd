// Guest: a one-shot echo server on the preopened listening socket (fd 3, from
// `wpvm run --tcplisten`): accept, receive a line, send it back upper-cased.
#include <ctype.h>
#include <wasi/api.h>

#include "check.h"

int main(void) {
  __wasi_fdstat_t fs;
  CHECK(__wasi_fd_fdstat_get(3, &fs) == 0 && fs.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM);
  __wasi_fd_t conn;
  CHECK(__wasi_sock_accept(3, 0, &conn) == 0);
  char buf[128];
  size_t got = 0;
  while (got == 0 || buf[got - 1] != '\n') {
    __wasi_iovec_t iov = {(uint8_t*)buf + got, sizeof buf - got};
    size_t n;
    __wasi_roflags_t ro;
    CHECK(__wasi_sock_recv(conn, &iov, 1, 0, &n, &ro) == 0);
    CHECK(n > 0);
    got += n;
  }
  for (size_t i = 0; i < got; ++i) buf[i] = (char)toupper((unsigned char)buf[i]);
  __wasi_ciovec_t out = {(const uint8_t*)buf, got};
  size_t sent;
  CHECK(__wasi_sock_send(conn, &out, 1, 0, &sent) == 0 && sent == got);
  CHECK(__wasi_sock_shutdown(conn, __WASI_SDFLAGS_WR) == 0);
  CHECK(__wasi_sock_shutdown(conn, 7) == __WASI_ERRNO_INVAL);
  CHECK(__wasi_fd_close(conn) == 0);
  puts("sock OK");
  return 0;
}

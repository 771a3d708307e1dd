// Guest: every way out of the preopened directory must fail. The runner
// plants, next to the sandbox root, outside/secret, and inside it the links
// out_link -> ../outside, abs_link -> /, chain -> out_link.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

#define ESCAPE ENOTCAPABLE, EPERM, ENOENT, EACCES

int main(void) {
  struct stat st;
  CHECK(mkdir("inner", 0755) == 0);
  CHECK_FAILS(open("../outside/secret", O_RDONLY), ESCAPE);
  CHECK_FAILS(open("inner/../../outside/secret", O_RDONLY), ESCAPE);
  CHECK_FAILS(open("/../outside/secret", O_RDONLY), ESCAPE);
  CHECK_FAILS(open("out_link/secret", O_RDONLY), ESCAPE);
  CHECK_FAILS(open("abs_link/etc/passwd", O_RDONLY), ESCAPE);
  CHECK_FAILS(open("chain/secret", O_RDONLY), ESCAPE);
  CHECK_FAILS(stat("out_link/secret", &st), ESCAPE);
  CHECK_FAILS(open("out_link", O_RDONLY | O_DIRECTORY), ESCAPE);
  // Writes out: create, mkdir, rename, link, symlink through an escaping path.
  CHECK_FAILS(open("out_link/new", O_WRONLY | O_CREAT, 0644), ESCAPE);
  CHECK_FAILS(mkdir("../made_outside", 0755), ESCAPE);
  int fd = open("mine", O_WRONLY | O_CREAT, 0644);
  CHECK(fd >= 0);
  close(fd);
  CHECK_FAILS(rename("mine", "../outside/stolen"), ESCAPE);
  CHECK_FAILS(rename("out_link/secret", "stolen"), ESCAPE);
  CHECK_FAILS(link("mine", "out_link/hard"), ESCAPE);
  CHECK_FAILS(link("out_link/secret", "hard"), ESCAPE);
  // A guest-made symlink that points out can be made but never followed.
  if (symlink("../outside", "my_link") == 0) {
    CHECK_FAILS(open("my_link/secret", O_RDONLY), ESCAPE);
    CHECK_FAILS(stat("my_link/secret", &st), ESCAPE);
  }
  CHECK_FAILS(symlink("/etc/passwd", "abs_made"), ESCAPE);
  // A symlink inside that stays inside works.
  CHECK(symlink("inner", "ok_link") == 0);
  CHECK(stat("ok_link", &st) == 0 && S_ISDIR(st.st_mode));
  char target[64] = {0};
  CHECK(readlink("ok_link", target, sizeof target) == 5 && strcmp(target, "inner") == 0);
  // Symlink loops.
  CHECK(symlink("loop", "loop") == 0);
  CHECK_FAILS(open("loop", O_RDONLY), ELOOP);
  puts("sandbox OK");
  return 0;
}

// Guest: directories: mkdir, readdir listing, rmdir, error cases.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

int main(void) {
  CHECK(mkdir("d", 0755) == 0);
  CHECK_FAILS(mkdir("d", 0755), EEXIST);
  const char* names[] = {"d/one", "d/two", "d/three"};
  for (int i = 0; i < 3; ++i) {
    int fd = open(names[i], O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);
    close(fd);
  }
  CHECK(mkdir("d/sub", 0755) == 0);
  DIR* dir = opendir("d");
  CHECK(dir != NULL);
  int files = 0, subdirs = 0, dots = 0;
  struct dirent* e;
  while ((e = readdir(dir)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) ++dots;
    else if (e->d_type == DT_DIR) ++subdirs;
    else if (e->d_type == DT_REG) ++files;
    struct stat st;
    if (strcmp(e->d_name, "..") != 0) {
      CHECK(fstatat(dirfd(dir), e->d_name, &st, 0) == 0);
      CHECK(st.st_ino == e->d_ino);
    }
  }
  closedir(dir);
  printf("files=%d subdirs=%d dots=%d\n", files, subdirs, dots);
  CHECK(files == 3 && subdirs == 1 && dots == 2);
  CHECK_FAILS(rmdir("d"), ENOTEMPTY);
  CHECK_FAILS(rmdir("d/one"), ENOTDIR);
  CHECK_FAILS(unlink("d/sub"), EISDIR, EPERM);
  CHECK_FAILS(open("d/one/x", O_RDONLY), ENOTDIR);
  CHECK_FAILS(opendir("d/one") ? 0 : -1, ENOTDIR);
  for (int i = 0; i < 3; ++i) CHECK(unlink(names[i]) == 0);
  CHECK(rmdir("d/sub/") == 0);
  CHECK(rmdir("d") == 0);
  CHECK_FAILS(rmdir("d"), ENOENT);
  puts("dirs OK");
  return 0;
}

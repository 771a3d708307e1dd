// Guest: regular files: create, write, read, seek/tell, pread/pwrite,
// truncate, stat, timestamps, rename, unlink.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

int main(void) {
  int fd = open("f.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0);
  CHECK(write(fd, "hello world", 11) == 11);
  CHECK(lseek(fd, 0, SEEK_CUR) == 11);
  CHECK(lseek(fd, 6, SEEK_SET) == 6);
  char buf[32] = {0};
  CHECK(read(fd, buf, sizeof buf) == 5 && memcmp(buf, "world", 5) == 0);
  CHECK(lseek(fd, -5, SEEK_END) == 6);
  CHECK(lseek(fd, -100, SEEK_CUR) < 0 && errno == EINVAL);
  // pread/pwrite leave the offset alone.
  CHECK(lseek(fd, 2, SEEK_SET) == 2);
  CHECK(pwrite(fd, "W", 1, 6) == 1);
  memset(buf, 0, sizeof buf);
  CHECK(pread(fd, buf, 5, 6) == 5 && memcmp(buf, "World", 5) == 0);
  CHECK(lseek(fd, 0, SEEK_CUR) == 2);
  // Sizes and truncation.
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && st.st_size == 11 && S_ISREG(st.st_mode));
  CHECK(ftruncate(fd, 5) == 0);
  CHECK(fstat(fd, &st) == 0 && st.st_size == 5);
  // Timestamps with nanoseconds survive the round trip.
  struct timespec ts[2] = {{1000000000, 123456789}, {1200000000, 987654321}};
  CHECK(futimens(fd, ts) == 0);
  CHECK(fstat(fd, &st) == 0);
  CHECK(st.st_atim.tv_sec == 1000000000 && st.st_atim.tv_nsec == 123456789);
  CHECK(st.st_mtim.tv_sec == 1200000000 && st.st_mtim.tv_nsec == 987654321);
  CHECK(close(fd) == 0);
  CHECK(close(fd) < 0 && errno == EBADF);
  // Append mode writes at the end.
  fd = open("f.txt", O_WRONLY | O_APPEND);
  CHECK(fd >= 0);
  CHECK(write(fd, "!", 1) == 1);
  CHECK(fstat(fd, &st) == 0 && st.st_size == 6);
  close(fd);
  // O_EXCL, rename, unlink.
  CHECK_FAILS(open("f.txt", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
  CHECK(rename("f.txt", "g.txt") == 0);
  CHECK_FAILS(open("f.txt", O_RDONLY), ENOENT);
  CHECK(stat("g.txt", &st) == 0 && st.st_size == 6);
  CHECK(unlink("g.txt") == 0);
  CHECK_FAILS(unlink("g.txt"), ENOENT);
  puts("files OK");
  return 0;
}

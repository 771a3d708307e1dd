// Reading the files the commands are given: whole files, and the first bytes
// of a file, with errors as values (a directory or an unreadable file is an
// error, never an exception).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "command.h"

namespace wpvm::cli {

Result<std::vector<uint8_t>> read_file(const std::string& path) {
  auto fail = [&path](const char* why) {
    return make_error(ErrorKind::kIo, kNoOffset, "cannot read " + path + ": " + why);
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) return fail(std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return fail("is a directory");
  // Regular files are read at their size; pipes and devices until their end.
  std::vector<uint8_t> bytes;
  if (S_ISREG(st.st_mode)) bytes.reserve(static_cast<size_t>(st.st_size));
  constexpr size_t kChunk = 1 << 16;
  for (;;) {
    size_t at = bytes.size();
    bytes.resize(at + kChunk);
    ssize_t n = ::read(fd, bytes.data() + at, kChunk);
    bytes.resize(at + static_cast<size_t>(n > 0 ? n : 0));
    if (n == 0) break;
    if (n < 0 && errno != EINTR) return fail(std::strerror(errno));
  }
  return bytes;
}

std::vector<uint8_t> file_head(const std::string& path, size_t n) {
  std::vector<uint8_t> head;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return head;
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    head.resize(n);
    ssize_t got = ::pread(fd, head.data(), n, 0);
    head.resize(got > 0 ? static_cast<size_t>(got) : 0);
  }
  ::close(fd);
  return head;
}

}  // namespace wpvm::cli

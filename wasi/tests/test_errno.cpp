// Unit tests: the preview1 errno numbering and the host errno mapping.
#include <doctest/doctest.h>

#include <cerrno>
#include <string>

#include "wasi_errno.h"

using wpvm::wasi::Errno;
using wpvm::wasi::errno_from_host;
using wpvm::wasi::errno_name;

TEST_CASE("errno numbers follow the preview1 table") {
  CHECK(static_cast<int>(Errno::kSuccess) == 0);
  CHECK(static_cast<int>(Errno::kAcces) == 2);
  CHECK(static_cast<int>(Errno::kBadf) == 8);
  CHECK(static_cast<int>(Errno::kExist) == 20);
  CHECK(static_cast<int>(Errno::kFault) == 21);
  CHECK(static_cast<int>(Errno::kInval) == 28);
  CHECK(static_cast<int>(Errno::kIsdir) == 31);
  CHECK(static_cast<int>(Errno::kLoop) == 32);
  CHECK(static_cast<int>(Errno::kNametoolong) == 37);
  CHECK(static_cast<int>(Errno::kNoent) == 44);
  CHECK(static_cast<int>(Errno::kNosys) == 52);
  CHECK(static_cast<int>(Errno::kNotdir) == 54);
  CHECK(static_cast<int>(Errno::kNotempty) == 55);
  CHECK(static_cast<int>(Errno::kNotsock) == 57);
  CHECK(static_cast<int>(Errno::kNotsup) == 58);
  CHECK(static_cast<int>(Errno::kPerm) == 63);
  CHECK(static_cast<int>(Errno::kSpipe) == 70);
  CHECK(static_cast<int>(Errno::kXdev) == 75);
  CHECK(static_cast<int>(Errno::kNotcapable) == 76);
}

TEST_CASE("host errno values map to their preview1 counterparts") {
  CHECK(errno_from_host(0) == Errno::kSuccess);
  CHECK(errno_from_host(EBADF) == Errno::kBadf);
  CHECK(errno_from_host(ENOENT) == Errno::kNoent);
  CHECK(errno_from_host(EEXIST) == Errno::kExist);
  CHECK(errno_from_host(ENOTDIR) == Errno::kNotdir);
  CHECK(errno_from_host(EISDIR) == Errno::kIsdir);
  CHECK(errno_from_host(ELOOP) == Errno::kLoop);
  CHECK(errno_from_host(ENOTEMPTY) == Errno::kNotempty);
  CHECK(errno_from_host(EAGAIN) == Errno::kAgain);
  CHECK(errno_from_host(ENOTSUP) == Errno::kNotsup);
  CHECK(errno_from_host(ESPIPE) == Errno::kSpipe);
  CHECK(errno_from_host(EPERM) == Errno::kPerm);
  CHECK(errno_from_host(EACCES) == Errno::kAcces);
  CHECK(errno_from_host(ENAMETOOLONG) == Errno::kNametoolong);
}

TEST_CASE("unknown host errno values become io") {
  CHECK(errno_from_host(ENOSTR) == Errno::kIo);  // STREAMS: no preview1 equivalent
  CHECK(errno_from_host(999999) == Errno::kIo);
}

TEST_CASE("errno names") {
  CHECK(std::string(errno_name(Errno::kSuccess)) == "success");
  CHECK(std::string(errno_name(Errno::k2big)) == "2big");
  CHECK(std::string(errno_name(Errno::kNotcapable)) == "notcapable");
  CHECK(std::string(errno_name(Errno::kBadf)) == "badf");
  CHECK(std::string(errno_name(static_cast<Errno>(77))) == "unknown");
}

// Unit tests: the guest descriptor table (numbering, rights checks, renumber).
#include <doctest/doctest.h>
#include <fcntl.h>

#include "fd_table.h"

using namespace wpvm::wasi;

namespace {
std::unique_ptr<FdEntry> entry(Rights base) {
  auto e = std::make_unique<FdEntry>();
  e->host.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  e->base = base;
  return e;
}
}  // namespace

TEST_CASE("new descriptors take the lowest free number") {
  FdTable t;
  CHECK(t.insert(entry(0)) == 0);
  CHECK(t.insert(entry(0)) == 1);
  CHECK(t.insert(entry(0)) == 2);
  CHECK(t.close(1) == Errno::kSuccess);
  CHECK(t.insert(entry(0)) == 1);
  CHECK(t.insert(entry(0)) == 3);
}

TEST_CASE("lookups check that the descriptor is open and holds the rights") {
  FdTable t;
  uint32_t fd = t.insert(entry(right::kFdRead | right::kFdSeek));
  FdEntry* e = nullptr;
  CHECK(t.get(fd, right::kFdRead, e) == Errno::kSuccess);
  CHECK(e != nullptr);
  CHECK(t.get(fd, right::kFdRead | right::kFdSeek, e) == Errno::kSuccess);
  CHECK(t.get(fd, right::kFdWrite, e) == Errno::kNotcapable);
  CHECK(t.get(fd + 1, 0, e) == Errno::kBadf);
  CHECK(t.get(0xFFFFFFFFu, 0, e) == Errno::kBadf);
  CHECK(t.close(fd) == Errno::kSuccess);
  CHECK(t.get(fd, 0, e) == Errno::kBadf);
  CHECK(t.close(fd) == Errno::kBadf);
}

TEST_CASE("renumber moves a descriptor over another open one") {
  FdTable t;
  uint32_t a = t.insert(entry(right::kFdRead));
  uint32_t b = t.insert(entry(right::kFdWrite));
  FdEntry* e = nullptr;
  CHECK(t.renumber(a, b) == Errno::kSuccess);
  CHECK(t.find(a) == nullptr);
  REQUIRE(t.get(b, right::kFdRead, e) == Errno::kSuccess);
  CHECK(t.renumber(b, b) == Errno::kSuccess);
  CHECK(t.find(b) != nullptr);
  CHECK(t.renumber(a, b) == Errno::kBadf);   // source closed
  CHECK(t.renumber(b, 42) == Errno::kBadf);  // target not open
  CHECK(t.find(b) != nullptr);
}

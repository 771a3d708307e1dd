// Unit tests: the guest descriptor table (numbering, rights checks, renumber,
// sharing between threads).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

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
  FdRef e;
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
  FdRef e;
  CHECK(t.renumber(a, b) == Errno::kSuccess);
  CHECK(t.find(a) == nullptr);
  REQUIRE(t.get(b, right::kFdRead, e) == Errno::kSuccess);
  CHECK(t.renumber(b, b) == Errno::kSuccess);
  CHECK(t.find(b) != nullptr);
  CHECK(t.renumber(a, b) == Errno::kBadf);   // source closed
  CHECK(t.renumber(b, 42) == Errno::kBadf);  // target not open
  CHECK(t.find(b) != nullptr);
}

TEST_CASE("an entry in use outlives its close: the host descriptor stays open until released") {
  FdTable t;
  uint32_t fd = t.insert(entry(right::kFdRead));
  FdRef held;
  REQUIRE(t.get(fd, right::kFdRead, held) == Errno::kSuccess);
  int host = held->host.get();
  CHECK(t.close(fd) == Errno::kSuccess);
  CHECK(t.find(fd) == nullptr);
  CHECK(::fcntl(host, F_GETFD) >= 0);  // still open for the call holding it
  held.reset();
  CHECK(::fcntl(host, F_GETFD) < 0);
}

TEST_CASE("threads opening, using and closing descriptors concurrently") {
  FdTable t;
  constexpr int kThreads = 4, kRounds = 2000;
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int k = 0; k < kThreads; ++k)
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds; ++i) {
        uint32_t fd = t.insert(entry(right::kFdRead));
        FdRef e;
        if (t.get(fd, right::kFdRead, e) != Errno::kSuccess || e->host.get() < 0) ++bad;
        FdRef other;  // another thread's descriptor may vanish meanwhile: either answer is fine
        (void)t.get(fd ^ 1, 0, other);
        if (t.close(fd) != Errno::kSuccess) ++bad;
      }
    });
  for (auto& th : threads) th.join();
  CHECK(bad.load() == 0);
  for (uint32_t fd = 0; fd < t.capacity(); ++fd) CHECK(t.find(fd) == nullptr);
}

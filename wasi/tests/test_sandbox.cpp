// Unit tests: path resolution beneath a directory (the sandbox), on a real
// scratch tree with escapes by `..`, absolute paths and symlinks.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "sandbox.h"

namespace fs = std::filesystem;
using wpvm::wasi::Errno;
using wpvm::wasi::ResolvedPath;
using wpvm::wasi::resolve_path;

namespace {

// outside/secret, root/{a/b/, file, ...symlinks}; root is the sandbox.
struct Tree {
  fs::path top, root;
  int root_fd = -1;
  Tree() {
    std::string tmpl = (fs::temp_directory_path() / "wpvm-sandbox-XXXXXX").string();
    top = ::mkdtemp(tmpl.data());
    root = top / "root";
    fs::create_directories(root / "a" / "b");
    fs::create_directories(top / "outside");
    { auto f = std::fopen((top / "outside" / "secret").c_str(), "w"); std::fclose(f); }
    { auto f = std::fopen((root / "file").c_str(), "w"); std::fclose(f); }
    fs::create_directory_symlink("a", root / "link_in");
    fs::create_directory_symlink("../outside", root / "link_out");
    fs::create_directory_symlink("/etc", root / "abs_link");
    fs::create_symlink("loop", root / "loop");
    fs::create_symlink("chain2", root / "chain1");
    fs::create_symlink("a/../../outside", root / "chain2");
    fs::create_symlink("b/../../file", root / "a" / "up_ok");
    fs::create_symlink("missing", root / "dangling");
    root_fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY);
  }
  ~Tree() {
    ::close(root_fd);
    fs::remove_all(top);
  }
  Errno resolve(const std::string& p, bool follow, ResolvedPath& r) const {
    return resolve_path(root_fd, p, follow, r);
  }
  Errno resolve(const std::string& p, bool follow = true) const {
    ResolvedPath r;
    return resolve(p, follow, r);
  }
};

bool exists_at(const ResolvedPath& r) {
  struct stat st;
  return ::fstatat(r.dir_fd, r.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

}  // namespace

TEST_CASE("plain paths resolve to a parent and a final name") {
  Tree t;
  ResolvedPath r;
  REQUIRE(t.resolve("a/b", true, r) == Errno::kSuccess);
  CHECK(r.name == "b");
  CHECK(r.dir_fd != t.root_fd);
  CHECK(exists_at(r));
  REQUIRE(t.resolve("file", true, r) == Errno::kSuccess);
  CHECK(r.name == "file");
  CHECK(r.dir_fd == t.root_fd);
  REQUIRE(t.resolve(".", true, r) == Errno::kSuccess);
  CHECK(r.name == ".");
  REQUIRE(t.resolve("a/b/.", true, r) == Errno::kSuccess);
  CHECK(r.name == ".");  // the directory b itself
  REQUIRE(t.resolve("a//b/", true, r) == Errno::kSuccess);
  CHECK(r.name == "b");
  CHECK(r.trailing_slash);
  CHECK(r.at_name() == "b/");
  REQUIRE(t.resolve("a/../file", true, r) == Errno::kSuccess);
  CHECK(r.name == "file");
  CHECK(r.dir_fd == t.root_fd);
  REQUIRE(t.resolve("new_name", false, r) == Errno::kSuccess);  // need not exist
  CHECK(r.name == "new_name");
}

TEST_CASE("dot-dot cannot leave the base directory") {
  Tree t;
  CHECK(t.resolve("..") == Errno::kNotcapable);
  CHECK(t.resolve("../root/file") == Errno::kNotcapable);
  CHECK(t.resolve("a/../../outside/secret") == Errno::kNotcapable);
  CHECK(t.resolve("a/b/../../..") == Errno::kNotcapable);
  CHECK(t.resolve("a/b/../..") == Errno::kSuccess);  // back at the root: allowed
}

TEST_CASE("absolute paths are escapes") {
  Tree t;
  CHECK(t.resolve("/etc/passwd") == Errno::kNotcapable);
  CHECK(t.resolve("/") == Errno::kNotcapable);
}

TEST_CASE("symlinks are followed inside and refused outside") {
  Tree t;
  ResolvedPath r;
  REQUIRE(t.resolve("link_in/b", true, r) == Errno::kSuccess);
  CHECK(r.name == "b");
  CHECK(exists_at(r));
  CHECK(t.resolve("link_out/secret") == Errno::kNotcapable);
  CHECK(t.resolve("link_out", true) == Errno::kNotcapable);
  CHECK(t.resolve("abs_link/passwd") == Errno::kNotcapable);
  CHECK(t.resolve("abs_link", true) == Errno::kNotcapable);
  CHECK(t.resolve("chain1/secret") == Errno::kNotcapable);  // a chain that ends outside
  REQUIRE(t.resolve("a/up_ok", true, r) == Errno::kSuccess);  // up and back, still inside
  CHECK(r.name == "file");
  CHECK(r.dir_fd == t.root_fd);
}

TEST_CASE("a final symlink is left alone unless following is asked for") {
  Tree t;
  ResolvedPath r;
  REQUIRE(t.resolve("abs_link", false, r) == Errno::kSuccess);
  CHECK(r.name == "abs_link");
  REQUIRE(t.resolve("link_out", false, r) == Errno::kSuccess);
  CHECK(r.name == "link_out");
  // A trailing slash forces the final symlink to be resolved.
  CHECK(t.resolve("link_out/", false, r) == Errno::kNotcapable);
  REQUIRE(t.resolve("dangling", true, r) == Errno::kSuccess);  // the missing target's name
  CHECK(r.name == "missing");
}

TEST_CASE("symlink loops end in loop") {
  Tree t;
  CHECK(t.resolve("loop", true) == Errno::kLoop);
  CHECK(t.resolve("loop/x", true) == Errno::kLoop);
}

TEST_CASE("bad components and bad text") {
  Tree t;
  CHECK(t.resolve("file/x") == Errno::kNotdir);
  CHECK(t.resolve("missing/x") == Errno::kNoent);
  CHECK(t.resolve("") == Errno::kNoent);
  CHECK(t.resolve(std::string("fi\0le", 5)) == Errno::kIlseq);
  CHECK(t.resolve("bad\xff") == Errno::kIlseq);
  CHECK(t.resolve("caf\xc3\xa9") == Errno::kSuccess);
}

TEST_CASE("a symlink swapped in after resolution cannot be followed by the final call") {
  // The resolver hands back (dir, name); callers open name with O_NOFOLLOW,
  // so a link planted there later fails with ELOOP instead of escaping.
  Tree t;
  ResolvedPath r;
  REQUIRE(t.resolve("a/planted", false, r) == Errno::kSuccess);
  fs::create_symlink("/etc/passwd", t.root / "a" / "planted");
  int fd = ::openat(r.dir_fd, r.name.c_str(), O_RDONLY | O_NOFOLLOW);
  CHECK(fd < 0);
  CHECK(errno == ELOOP);
}

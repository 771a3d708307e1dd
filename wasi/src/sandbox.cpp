// Component-by-component path resolution beneath a preopened directory.
#include "sandbox.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <vector>

namespace wpvm::wasi {
namespace {

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : 4;
    if (extra == 4 || s.size() - i <= extra) return false;
    for (size_t k = 1; k <= extra; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += extra + 1;
  }
  return true;
}

// Splits "a//b/c/" into a, b, c (empty components are no-ops in paths) and
// puts them in front of `rest`, keeping their order.
void splice_front(std::string_view path, std::deque<std::string>& rest) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) parts.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) rest.push_front(std::move(*it));
}

// kSuccess and the target if `name` in `dir` is a symlink; otherwise an errno.
Errno read_link(int dir, const std::string& name, std::string& target) {
  char buf[4096];
  ssize_t n = ::readlinkat(dir, name.c_str(), buf, sizeof(buf));
  if (n < 0) return errno_from_host(errno);
  if (static_cast<size_t>(n) >= sizeof(buf)) return Errno::kNametoolong;
  target.assign(buf, static_cast<size_t>(n));
  return Errno::kSuccess;
}

}  // namespace

Errno check_path_text(std::string_view path) {
  if (path.find('\0') != std::string_view::npos) return Errno::kIlseq;
  if (!valid_utf8(path)) return Errno::kIlseq;
  if (path.empty()) return Errno::kNoent;
  return Errno::kSuccess;
}

Errno resolve_path(int base_fd, std::string_view path, bool follow_final, ResolvedPath& out) {
  if (Errno e = check_path_text(path); e != Errno::kSuccess) return e;
  if (path.front() == '/') return Errno::kNotcapable;
  std::deque<std::string> rest;
  splice_front(path, rest);
  bool trailing = path.back() == '/';
  std::vector<UniqueFd> stack;  // directories entered below base_fd
  auto cur = [&] { return stack.empty() ? base_fd : stack.back().get(); };
  int expansions = 0;
  std::string name = ".";

  // Splices a symlink's target in place of the component that named it.
  auto expand = [&](const std::string& target, bool was_last) -> Errno {
    if (++expansions > kMaxSymlinkExpansions) return Errno::kLoop;
    if (target.empty()) return Errno::kNoent;
    if (target.front() == '/') return Errno::kNotcapable;
    splice_front(target, rest);
    if (was_last && target.back() == '/') trailing = true;
    return Errno::kSuccess;
  };

  while (!rest.empty()) {
    std::string c = std::move(rest.front());
    rest.pop_front();
    bool last = rest.empty();
    if (c == ".") continue;
    if (c == "..") {
      if (stack.empty()) return Errno::kNotcapable;
      stack.pop_back();
      continue;
    }
    std::string target;
    if (last) {
      // Follow a final symlink only when asked to (or when a trailing '/' demands
      // a directory); a missing or non-symlink name is left for the operation.
      if ((follow_final || trailing) && read_link(cur(), c, target) == Errno::kSuccess) {
        if (Errno e = expand(target, true); e != Errno::kSuccess) return e;
        continue;
      }
      name = std::move(c);
      break;
    }
    int fd = ::openat(cur(), c.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
      stack.emplace_back(fd);
      continue;
    }
    int err = errno;
    if (err == ENOTDIR || err == ELOOP) {
      if (read_link(cur(), c, target) != Errno::kSuccess) return Errno::kNotdir;
      if (Errno e = expand(target, false); e != Errno::kSuccess) return e;
      continue;
    }
    return errno_from_host(err);
  }
  out.trailing_slash = trailing;
  out.name = std::move(name);
  if (stack.empty()) {
    out.owned.reset();
    out.dir_fd = base_fd;
  } else {
    out.owned = std::move(stack.back());
    out.dir_fd = out.owned.get();
  }
  return Errno::kSuccess;
}

}  // namespace wpvm::wasi

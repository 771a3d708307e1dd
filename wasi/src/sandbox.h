// Path resolution beneath a directory descriptor: the WASI sandbox.
//
// A guest path is resolved one component at a time with openat(O_NOFOLLOW):
// `..` pops a stack of directory descriptors and fails when it would leave the
// base directory; symlinks are read with readlinkat and their targets spliced
// into the remaining path (absolute targets are escapes). What comes back is a
// directory descriptor plus one final name without '/', so the operation that
// follows (openat, mkdirat, unlinkat, ...) cannot leave the sandbox either.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "wasi_errno.h"
#include "unique_fd.h"

namespace wpvm::wasi {

inline constexpr int kMaxSymlinkExpansions = 32;

struct ResolvedPath {
  UniqueFd owned;        // the parent directory when it is not the base itself
  int dir_fd = -1;       // parent directory of `name` (owned.get() or the base)
  std::string name;      // one component, "." when the path names a directory itself
  bool trailing_slash = false;  // the path ended in '/': the target must be a directory
  std::shared_ptr<const void> base_owner;  // keeps the base descriptor open while this is used

  // The name to hand to *at() syscalls: with the trailing slash kept, so the
  // kernel applies the "must be a directory" rule itself.
  std::string at_name() const { return trailing_slash && name != "." ? name + "/" : name; }
};

// Checks the guest's path string itself: no NUL bytes, valid UTF-8, not empty.
Errno check_path_text(std::string_view path);

// Resolves `path` beneath `base_fd`. If `follow_final` (or the path ends in '/'),
// a symlink in the last position is followed too. Escapes (absolute paths, `..`
// above the base, symlinks leading out) give kNotcapable; too many symlinks kLoop.
Errno resolve_path(int base_fd, std::string_view path, bool follow_final, ResolvedPath& out);

}  // namespace wpvm::wasi

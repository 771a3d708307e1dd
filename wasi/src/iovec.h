// Guest iovec arrays -> host struct iovec, bounds-checked, without allocating.
#pragma once
#include <sys/uio.h>

#include <array>

#include "abi.h"
#include "wasi_errno.h"
#include "guest_memory.h"

namespace wpvm::wasi {

// Longer vectors are cut here: the call then transfers a prefix, which
// preview1 (like POSIX readv/writev) permits as a short read or write.
inline constexpr uint32_t kMaxIovs = 128;

struct HostIovs {
  std::array<iovec, kMaxIovs> v;
  int count = 0;
};

inline Errno gather_iovs(const GuestMemory& mem, uint32_t iovs, uint32_t n, HostIovs& out) {
  if (!mem.check(iovs, static_cast<uint64_t>(n) * layout::kIovecSize)) return Errno::kFault;
  out.count = 0;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t buf = mem.get<uint32_t>(iovs + i * layout::kIovecSize);
    uint32_t len = mem.get<uint32_t>(iovs + i * layout::kIovecSize + 4);
    if (!mem.check(buf, len)) return Errno::kFault;
    if (len == 0 || out.count == static_cast<int>(kMaxIovs)) continue;
    out.v[out.count++] = iovec{mem.at(buf), len};
  }
  return Errno::kSuccess;
}

}  // namespace wpvm::wasi

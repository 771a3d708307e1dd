// Preview1 sock_* functions on preopened (inherited) sockets and the
// connections accepted from them.
#include <sys/socket.h>

#include <cerrno>

#include "host_call.h"
#include "iovec.h"

namespace wpvm::wasi {
namespace {

// Socket calls on a non-socket are "notsock" before any rights question.
Errno get_socket(HostCall& c, uint32_t fd, Rights needed, FdRef& e) {
  FdRef f = c.ctx.fds.find(fd);
  if (!f) return Errno::kBadf;
  if (!f->is_socket()) return Errno::kNotsock;
  return c.ctx.fds.get(fd, needed, e);
}

Errno sock_accept(HostCall& c) {
  FdRef e;
  WASI_TRY(get_socket(c, c.u32(0), right::kSockAccept, e));
  uint32_t flags = c.u32(1);
  if (flags & ~uint32_t{fdflag::kNonblock}) return Errno::kInval;
  if (!c.mem.check(c.u32(2), 4)) return Errno::kFault;
  int fd = ::accept4(e->host.get(), nullptr, nullptr,
                     SOCK_CLOEXEC | ((flags & fdflag::kNonblock) ? SOCK_NONBLOCK : 0));
  if (fd < 0) return errno_from_host(errno);
  auto n = std::make_unique<FdEntry>();
  n->host.reset(fd);
  n->type = FileType::kSocketStream;
  n->base = right::kSocketBase & ~right::kSockAccept;
  n->inheriting = 0;
  c.mem.put<uint32_t>(c.u32(2), c.ctx.fds.insert(std::move(n)));
  return Errno::kSuccess;
}

Errno sock_recv(HostCall& c) {
  FdRef e;
  WASI_TRY(get_socket(c, c.u32(0), right::kFdRead, e));
  HostIovs iovs;
  WASI_TRY(gather_iovs(c.mem, c.u32(1), c.u32(2), iovs));
  uint32_t riflags = c.u32(3);
  if (riflags & ~uint32_t{kRiflagRecvPeek | kRiflagRecvWaitall}) return Errno::kInval;
  if (!c.mem.check(c.u32(4), 4) || !c.mem.check(c.u32(5), 2)) return Errno::kFault;
  msghdr msg{};
  msg.msg_iov = iovs.v.data();
  msg.msg_iovlen = static_cast<size_t>(iovs.count);
  int fl = ((riflags & kRiflagRecvPeek) ? MSG_PEEK : 0) |
           ((riflags & kRiflagRecvWaitall) ? MSG_WAITALL : 0);
  ssize_t n = ::recvmsg(e->host.get(), &msg, fl);
  if (n < 0) return errno_from_host(errno);
  c.mem.put<uint32_t>(c.u32(4), static_cast<uint32_t>(n));
  c.mem.put<uint16_t>(c.u32(5), (msg.msg_flags & MSG_TRUNC) ? kRoflagRecvDataTruncated : 0);
  return Errno::kSuccess;
}

Errno sock_send(HostCall& c) {
  FdRef e;
  WASI_TRY(get_socket(c, c.u32(0), right::kFdWrite, e));
  HostIovs iovs;
  WASI_TRY(gather_iovs(c.mem, c.u32(1), c.u32(2), iovs));
  if (c.u32(3) != 0) return Errno::kInval;  // no siflags are defined
  if (!c.mem.check(c.u32(4), 4)) return Errno::kFault;
  msghdr msg{};
  msg.msg_iov = iovs.v.data();
  msg.msg_iovlen = static_cast<size_t>(iovs.count);
  ssize_t n = ::sendmsg(e->host.get(), &msg, MSG_NOSIGNAL);
  if (n < 0) return errno_from_host(errno);
  c.mem.put<uint32_t>(c.u32(4), static_cast<uint32_t>(n));
  return Errno::kSuccess;
}

Errno sock_shutdown(HostCall& c) {
  FdRef e;
  WASI_TRY(get_socket(c, c.u32(0), right::kSockShutdown, e));
  uint32_t how = c.u32(1);
  int h = how == kSdflagRd ? SHUT_RD : how == kSdflagWr ? SHUT_WR
        : how == (kSdflagRd | kSdflagWr) ? SHUT_RDWR : -1;
  if (h < 0) return Errno::kInval;
  return ::shutdown(e->host.get(), h) == 0 ? Errno::kSuccess : errno_from_host(errno);
}

const HostFnDef kFunctions[] = {
    {"sock_accept", "iii", sock_accept},
    {"sock_recv", "iiiiii", sock_recv},
    {"sock_send", "iiiii", sock_send},
    {"sock_shutdown", "ii", sock_shutdown},
};

}  // namespace

std::span<const HostFnDef> sock_functions() { return kFunctions; }

}  // namespace wpvm::wasi

// Preview1 poll_oneoff: clock subscriptions (relative or absolute timeouts)
// and fd read/write readiness, answered with one host ppoll().
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>

#include <array>
#include <cerrno>
#include <span>
#include <vector>

#include "host_call.h"

namespace wpvm::wasi {
namespace {

uint64_t now_ns(clockid_t id) {
  timespec ts{};
  ::clock_gettime(id, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

struct Sub {
  uint64_t userdata = 0;
  EventType type = EventType::kClock;
  uint64_t deadline = 0;  // clock: remaining ns from the start of the call
  int pollfd_index = -1;  // fd: index into the pollfd array
  Errno error = Errno::kSuccess;
  int host_fd = -1;
  FdRef entry;  // keeps host_fd open until the poll returns
};

void put_event(HostCall& c, uint32_t p, const Sub& s, uint64_t nbytes, uint16_t flags) {
  for (uint32_t i = 0; i < layout::kEventSize; ++i) c.mem.put<uint8_t>(p + i, 0);
  c.mem.put<uint64_t>(p, s.userdata);
  c.mem.put<uint16_t>(p + 8, static_cast<uint16_t>(s.error));
  c.mem.put<uint8_t>(p + 10, static_cast<uint8_t>(s.type));
  c.mem.put<uint64_t>(p + 16, nbytes);
  c.mem.put<uint16_t>(p + 24, flags);
}

// Bytes ready to read: remaining file bytes for regular files, else FIONREAD.
uint64_t readable_bytes(int fd) {
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    off_t pos = ::lseek(fd, 0, SEEK_CUR);
    return pos >= 0 && st.st_size > pos ? static_cast<uint64_t>(st.st_size - pos) : 0;
  }
  int n = 0;
  return ::ioctl(fd, FIONREAD, &n) == 0 && n > 0 ? static_cast<uint64_t>(n) : 0;
}

// Up to this many subscriptions are handled without touching the heap.
constexpr uint32_t kInlineSubs = 8;

// pollfds for the fd subscriptions, on the stack for small calls.
struct PollFds {
  std::array<pollfd, kInlineSubs> inline_buf;
  std::vector<pollfd> heap;
  pollfd* data = inline_buf.data();
  size_t size = 0;
  explicit PollFds(uint32_t n) {
    if (n > kInlineSubs) {
      heap.resize(n);
      data = heap.data();
    }
  }
  void push_back(pollfd p) { data[size++] = p; }
};

Errno read_sub(HostCall& c, uint32_t p, Sub& s, PollFds& pfds, uint64_t& timeout) {
  s.userdata = c.mem.get<uint64_t>(p);
  uint8_t tag = c.mem.get<uint8_t>(p + 8);
  if (tag > 2) return Errno::kInval;
  s.type = static_cast<EventType>(tag);
  if (s.type == EventType::kClock) {
    static const clockid_t kIds[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                     CLOCK_THREAD_CPUTIME_ID};
    uint32_t id = c.mem.get<uint32_t>(p + 16);
    uint64_t t = c.mem.get<uint64_t>(p + 24);
    uint16_t flags = c.mem.get<uint16_t>(p + 40);
    if (id > 3) {
      s.error = Errno::kInval;
      s.deadline = 0;
    } else if (flags & kSubclockAbstime) {
      uint64_t now = now_ns(kIds[id]);
      s.deadline = t > now ? t - now : 0;
    } else {
      s.deadline = t;
    }
    timeout = std::min(timeout, s.deadline);
    return Errno::kSuccess;
  }
  uint32_t fd = c.mem.get<uint32_t>(p + 16);
  s.error = c.ctx.fds.get(fd, right::kPollFdReadwrite, s.entry);
  if (s.error != Errno::kSuccess) {
    timeout = 0;  // an error is an event: report it at once
    return Errno::kSuccess;
  }
  s.host_fd = s.entry->host.get();
  s.pollfd_index = static_cast<int>(pfds.size);
  short ev = s.type == EventType::kFdRead ? POLLIN : POLLOUT;
  pfds.push_back(pollfd{s.host_fd, ev, 0});
  return Errno::kSuccess;
}

Errno poll_oneoff(HostCall& c) {
  uint32_t in = c.u32(0), out = c.u32(1), n = c.u32(2);
  if (n == 0) return Errno::kInval;
  if (!c.mem.check(in, uint64_t{n} * layout::kSubscriptionSize) ||
      !c.mem.check(out, uint64_t{n} * layout::kEventSize) || !c.mem.check(c.u32(3), 4))
    return Errno::kFault;
  std::array<Sub, kInlineSubs> sub_buf;
  std::vector<Sub> sub_heap(n > kInlineSubs ? n : 0);
  std::span<Sub> subs = n > kInlineSubs ? std::span<Sub>(sub_heap) : std::span<Sub>(sub_buf.data(), n);
  PollFds pfds(n);
  uint64_t timeout = UINT64_MAX;
  uint64_t start = now_ns(CLOCK_MONOTONIC);
  for (uint32_t i = 0; i < n; ++i)
    WASI_TRY(read_sub(c, in + i * layout::kSubscriptionSize, subs[i], pfds, timeout));
  timespec ts{}, *tsp = nullptr;
  if (timeout != UINT64_MAX) {
    ts = {static_cast<time_t>(timeout / 1000000000ull), static_cast<long>(timeout % 1000000000ull)};
    tsp = &ts;
  }
  int r;
  do r = ::ppoll(pfds.data, pfds.size, tsp, nullptr);
  while (r < 0 && errno == EINTR);
  if (r < 0) return errno_from_host(errno);
  uint64_t elapsed = now_ns(CLOCK_MONOTONIC) - start;
  uint32_t events = 0;
  for (const Sub& s : subs) {
    uint32_t p = out + events * layout::kEventSize;
    if (s.type == EventType::kClock) {
      if (s.deadline <= elapsed || (r == 0 && s.deadline == timeout)) put_event(c, p, s, 0, 0), ++events;
    } else if (s.error != Errno::kSuccess) {
      put_event(c, p, s, 0, 0), ++events;
    } else if (short re = pfds.data[s.pollfd_index].revents; re != 0) {
      uint16_t flags = (re & POLLHUP) ? kEventFdReadwriteHangup : 0;
      uint64_t nbytes = s.type == EventType::kFdRead ? readable_bytes(s.host_fd) : 0;
      Sub copy = s;
      if ((re & (POLLERR | POLLNVAL)) && !(re & (POLLIN | POLLOUT | POLLHUP))) copy.error = Errno::kIo;
      put_event(c, p, copy, nbytes, flags), ++events;
    }
  }
  c.mem.put<uint32_t>(c.u32(3), events);
  return Errno::kSuccess;
}

const HostFnDef kFunctions[] = {
    {"poll_oneoff", "iiii", poll_oneoff},
};

}  // namespace

std::span<const HostFnDef> poll_functions() { return kFunctions; }

}  // namespace wpvm::wasi

// Preview1 args_*, environ_*, clock_*, random_get, proc_exit, proc_raise, sched_yield.
#include <sched.h>
#include <sys/random.h>
#include <time.h>

#include <cerrno>

#include "host_call.h"

namespace wpvm::wasi {
namespace {

// argv/environ share one layout: an array of pointers into one NUL-separated buffer.
Errno strings_sizes(HostCall& c, const std::vector<std::string>& v) {
  uint32_t bytes = 0;
  for (const auto& s : v) bytes += static_cast<uint32_t>(s.size() + 1);
  if (!c.mem.store<uint32_t>(c.u32(0), static_cast<uint32_t>(v.size()))) return Errno::kFault;
  if (!c.mem.store<uint32_t>(c.u32(1), bytes)) return Errno::kFault;
  return Errno::kSuccess;
}

Errno strings_get(HostCall& c, const std::vector<std::string>& v) {
  uint32_t ptrs = c.u32(0), buf = c.u32(1);
  uint64_t bytes = 0;
  for (const auto& s : v) bytes += s.size() + 1;
  if (!c.mem.check(ptrs, 4ull * v.size()) || !c.mem.check(buf, bytes)) return Errno::kFault;
  for (size_t i = 0; i < v.size(); ++i) {
    c.mem.put<uint32_t>(ptrs + 4 * static_cast<uint32_t>(i), buf);
    std::memcpy(c.mem.at(buf), v[i].c_str(), v[i].size() + 1);
    buf += static_cast<uint32_t>(v[i].size() + 1);
  }
  return Errno::kSuccess;
}

Errno args_sizes_get(HostCall& c) { return strings_sizes(c, c.ctx.args); }
Errno args_get(HostCall& c) { return strings_get(c, c.ctx.args); }
Errno environ_sizes_get(HostCall& c) { return strings_sizes(c, c.ctx.env); }
Errno environ_get(HostCall& c) { return strings_get(c, c.ctx.env); }

bool host_clock(uint32_t id, clockid_t& out) {
  switch (static_cast<ClockId>(id)) {
    case ClockId::kRealtime: out = CLOCK_REALTIME; return true;
    case ClockId::kMonotonic: out = CLOCK_MONOTONIC; return true;
    case ClockId::kProcessCputime: out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case ClockId::kThreadCputime: out = CLOCK_THREAD_CPUTIME_ID; return true;
  }
  return false;
}

uint64_t to_ns(const timespec& ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

Errno clock_res_get(HostCall& c) {
  clockid_t id;
  if (!host_clock(c.u32(0), id)) return Errno::kInval;
  timespec ts{};
  if (::clock_getres(id, &ts) != 0) return errno_from_host(errno);
  return c.mem.store<uint64_t>(c.u32(1), to_ns(ts)) ? Errno::kSuccess : Errno::kFault;
}

Errno clock_time_get(HostCall& c) {
  clockid_t id;
  if (!host_clock(c.u32(0), id)) return Errno::kInval;
  timespec ts{};
  if (::clock_gettime(id, &ts) != 0) return errno_from_host(errno);
  return c.mem.store<uint64_t>(c.u32(2), to_ns(ts)) ? Errno::kSuccess : Errno::kFault;
}

Errno random_get(HostCall& c) {
  uint32_t buf = c.u32(0), len = c.u32(1);
  if (!c.mem.check(buf, len)) return Errno::kFault;
  uint32_t done = 0;
  while (done < len) {
    ssize_t n = ::getrandom(c.mem.at(buf + done), len - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_from_host(errno);
    }
    done += static_cast<uint32_t>(n);
  }
  return Errno::kSuccess;
}

Errno proc_exit(HostCall& c) {
  Trap t;
  t.kind = TrapKind::kExit;
  t.exit_code = static_cast<int32_t>(c.u32(0));
  t.message = "exit with code " + std::to_string(t.exit_code);
  c.trap = std::move(t);
  return Errno::kSuccess;
}

// Delivering a host signal to the engine itself is not something a sandbox
// should allow; like other runtimes we report the call as unsupported.
Errno proc_raise(HostCall&) { return Errno::kNosys; }

Errno sched_yield(HostCall&) {
  ::sched_yield();
  return Errno::kSuccess;
}

const HostFnDef kFunctions[] = {
    {"args_get", "ii", args_get},
    {"args_sizes_get", "ii", args_sizes_get},
    {"environ_get", "ii", environ_get},
    {"environ_sizes_get", "ii", environ_sizes_get},
    {"clock_res_get", "ii", clock_res_get},
    {"clock_time_get", "iIi", clock_time_get},
    {"random_get", "ii", random_get},
    {"proc_exit", "i", proc_exit, false},
    {"proc_raise", "i", proc_raise},
    {"sched_yield", "", sched_yield},
};

}  // namespace

std::span<const HostFnDef> env_functions() { return kFunctions; }

}  // namespace wpvm::wasi

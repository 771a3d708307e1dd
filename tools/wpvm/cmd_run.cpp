// `wpvm run`: instantiate a module with WASI preview1 and run `_start`, or call
// one export with --invoke. Maps the outcome to the process exit status.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "backtrace.h"
#include "command.h"
#include "guest_thread.h"
#include "invoke_values.h"
#include "quantities.h"
#include "wpvm/module_def.h"
#include "wpvm/parallel.h"
#include "wpvm/runtime.h"
#include "wpvm/wasi.h"
#include "wpvm/wasi_threads.h"

namespace wpvm::cli {
namespace {

struct RunOptions {
  WasiConfig wasi;
  Tier tier = Tier::kJit;
  std::string invoke;
  std::vector<std::string> tcplisten;  // HOST:PORT, IPv4
  ParallelConfig parallel;
  std::string module_path;
  std::vector<std::string> args;  // after the module path
  std::optional<uint64_t> fuel;
  std::optional<std::chrono::nanoseconds> timeout;
  StoreLimits limits;
  std::optional<size_t> max_wasm_stack;
};

// --max-wasm-stack: below 64 KiB hardly a call fits; past 1 GiB the threads
// that run Wasm could not be given the stack for it.
constexpr size_t kMinWasmStack = 64u << 10, kMaxWasmStack = 1u << 30;

// Options come before the module path; everything after it belongs to the guest.
bool parse_options(std::span<const std::string> a, RunOptions& o) {
  size_t i = 0;
  auto value = [&](const std::string& flag, std::string& out) {
    std::string prefix = flag + "=";
    if (a[i].rfind(prefix, 0) == 0) {
      out = a[i].substr(prefix.size());
      return true;
    }
    if (a[i] != flag) return false;
    if (i + 1 >= a.size()) {
      std::cerr << "Error: " << flag << " needs a value\n";
      out.clear();
      return true;
    }
    out = a[++i];
    return true;
  };
  for (; i < a.size() && a[i].size() > 1 && a[i][0] == '-'; ++i) {
    std::string v;
    if (a[i] == "--") { ++i; break; }
    if (value("--dir", v)) {
      if (v.empty()) return false;
      o.wasi.preopens.push_back(WasiConfig::parse_dir(v));
    } else if (value("--env", v)) {
      size_t eq = v.find('=');
      if (v.empty() || eq == 0) {
        std::cerr << "Error: --env wants NAME=VALUE or NAME\n";
        return false;
      }
      if (eq != std::string::npos) {
        o.wasi.env.emplace_back(v.substr(0, eq), v.substr(eq + 1));
      } else if (const char* host = std::getenv(v.c_str())) {
        o.wasi.env.emplace_back(v, host);  // NAME alone passes the host's value on
      }
    } else if (value("--tier", v)) {
      if (v == "interp") o.tier = Tier::kInterp;
      else if (v == "jit") o.tier = Tier::kJit;
      else {
        std::cerr << "Error: --tier wants interp or jit\n";
        return false;
      }
    } else if (value("--parallel-threads", v)) {
      char* end = nullptr;
      unsigned long n = std::strtoul(v.c_str(), &end, 10);
      if (v.empty() || *end || n > 4096) {
        std::cerr << "Error: --parallel-threads wants a thread count (0: one per core)\n";
        return false;
      }
      o.parallel.cpu_threads = static_cast<uint32_t>(n);
    } else if (value("--gpu", v)) {
      if (v.empty()) return false;
      o.parallel.gpu = v;
    } else if (a[i] == "--parallel-verbose") {
      o.parallel.verbose = true;
    } else if (value("--tcplisten", v)) {
      if (v.empty()) return false;
      o.tcplisten.push_back(v);
    } else if (value("--fuel", v)) {
      o.fuel = parse_count(v);
      if (!o.fuel) {
        std::cerr << "Error: --fuel wants a whole number of fuel units, got '" << v << "'\n";
        return false;
      }
    } else if (value("--timeout", v)) {
      o.timeout = parse_duration(v);
      if (!o.timeout) {
        std::cerr << "Error: --timeout wants a duration such as 500ms, 2s or 1.5m, got '" << v << "'\n";
        return false;
      }
    } else if (value("--max-memory", v)) {
      o.limits.memory_size = parse_size(v);
      if (!o.limits.memory_size) {
        std::cerr << "Error: --max-memory wants a size such as 64MiB, 1GiB or 65536, got '" << v << "'\n";
        return false;
      }
    } else if (value("--max-wasm-stack", v)) {
      o.max_wasm_stack = parse_size(v);
      if (!o.max_wasm_stack || *o.max_wasm_stack < kMinWasmStack || *o.max_wasm_stack > kMaxWasmStack) {
        std::cerr << "Error: --max-wasm-stack wants a size from 64KiB to 1GiB such as 512KiB or 16MiB, got '" << v
                  << "'\n";
        return false;
      }
    } else if (value("--max-table-elements", v)) {
      auto n = parse_count(v);
      if (!n) {
        std::cerr << "Error: --max-table-elements wants a whole number, got '" << v << "'\n";
        return false;
      }
      o.limits.table_elements = *n;
    } else if (value("--invoke", v)) {
      if (v.empty()) return false;
      o.invoke = v;
    } else {
      std::cerr << "Error: unknown option " << a[i] << "\n";
      return false;
    }
  }
  if (i >= a.size()) {
    std::cerr << "Error: no module given\n";
    return false;
  }
  o.module_path = a[i];
  o.args.assign(a.begin() + static_cast<ptrdiff_t>(i) + 1, a.end());
  return true;
}

// A listening IPv4 TCP socket on "HOST:PORT", or -1 with a message.
int listen_on(const std::string& spec) {
  size_t colon = spec.rfind(':');
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  std::string host = colon == std::string::npos ? "" : spec.substr(0, colon);
  int port = colon == std::string::npos ? -1 : std::atoi(spec.c_str() + colon + 1);
  if (port < 0 || port > 65535 || inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    std::cerr << "Error: --tcplisten wants IPV4_ADDRESS:PORT, got '" << spec << "'\n";
    return -1;
  }
  addr.sin_port = htons(static_cast<uint16_t>(port));
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd < 0 || ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0) {
    std::cerr << "Error: cannot listen on " << spec << ": " << std::strerror(errno) << "\n";
    if (fd >= 0) ::close(fd);
    return -1;
  }
  return fd;
}

// Calls `fire` on a thread of its own once `after` has passed, unless it is
// destroyed first.
class Timer {
 public:
  Timer(std::chrono::nanoseconds after, std::function<void()> fire)
      : thread_([this, after, fire = std::move(fire)] {
          std::unique_lock lock(mu_);
          if (!cv_.wait_for(lock, after, [this] { return cancelled_; })) fire();
        }) {}
  ~Timer() {
    {
      std::lock_guard lock(mu_);
      cancelled_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool cancelled_ = false;
  std::thread thread_;  // last: starts once the members it uses exist
};

int report_trap(const Trap& trap, const Module& module) {
  if (trap.kind == TrapKind::kExit) return trap.exit_code;
  std::cout.flush();
  std::cerr << "Error: trap: " << trap.to_string() << "\n";
  if (!trap.backtrace.empty()) std::cerr << "wasm backtrace:\n";
  auto name_of = [&](const Frame& f) { return std::string(module.func_name(f.func_index)); };
  for (const std::string& line : format_backtrace(trap.backtrace, name_of)) std::cerr << line << "\n";
  return kExitTrap;
}

int invoke(Store& store, Instance& inst, const RunOptions& o) {
  Func* f = inst.func(o.invoke);
  if (!f) {
    std::cerr << "Error: no exported function named '" << o.invoke << "'\n";
    return 1;
  }
  const FuncType& type = f->type();
  if (type.params.size() != o.args.size()) {
    std::cerr << "Error: '" << o.invoke << "' takes " << type.params.size()
              << " argument(s), got " << o.args.size() << "\n";
    return 1;
  }
  std::vector<Value> args;
  for (size_t i = 0; i < o.args.size(); ++i) {
    auto v = parse_value(type.params[i], o.args[i]);
    if (!v) {
      std::cerr << "Error: argument " << i + 1 << " ('" << o.args[i] << "') is not a valid "
                << val_type_name(type.params[i]) << "\n";
      return 1;
    }
    args.push_back(*v);
  }
  CallResult r = store.call(f, args);
  if (!r.ok()) return report_trap(*r.trap, inst.module());
  for (const Value& v : r.values) std::cout << format_value(v) << "\n";
  return 0;
}

// Calls a no-argument entry point if exported: nullopt when it returned (or is
// absent), else the exit status its trap maps to.
std::optional<int> call_entry(Store& store, Instance& inst, const char* name) {
  Func* f = inst.func(name);
  if (!f) return std::nullopt;
  CallResult r = store.call(f, {});
  if (!r.ok()) return report_trap(*r.trap, inst.module());
  return std::nullopt;
}

int run_entries(Store& store, Instance& inst, const RunOptions& o) {
  // A reactor's _initialize comes first, as for wasmtime; then _start or the export.
  if (auto status = call_entry(store, inst, "_initialize")) return *status;
  if (!o.invoke.empty()) return invoke(store, inst, o);
  return call_entry(store, inst, "_start").value_or(0);
}

}  // namespace

int run_main(std::span<const std::string> a) {
  RunOptions o;
  if (!parse_options(a, o)) {
    std::cerr << "(see `wpvm help run`)\n";
    return kExitUsage;
  }
  EngineConfig config;
  config.tier = o.tier;
  config.consume_fuel = o.fuel.has_value();
  config.epoch_interruption = o.timeout.has_value();
  if (o.max_wasm_stack) config.max_wasm_stack = *o.max_wasm_stack;
  Engine engine(config);
  auto module = load_module_file(o.module_path, &engine);
  if (!module) return 1;
  o.wasi.args.push_back(o.module_path);
  o.wasi.args.insert(o.wasi.args.end(), o.args.begin(), o.args.end());
  for (const std::string& spec : o.tcplisten) {
    int fd = listen_on(spec);
    if (fd < 0) return 1;
    o.wasi.preopen_sockets.push_back(fd);
  }
  auto wasi = Wasi::create(o.wasi);
  for (int fd : o.wasi.preopen_sockets) ::close(fd);  // the guest's table holds dups
  if (!wasi) {
    std::cerr << "Error: " << wasi.error().message << "\n";
    return 1;
  }
  // After the engine: the parallel host's worker stores refer to it.
  auto parallel = Parallel::create(o.parallel);
  if (!parallel) {
    std::cerr << "Error: " << parallel.error().message << "\n";
    return 1;
  }
  Store store(engine);
  if (o.fuel) (void)store.set_fuel(*o.fuel);
  // --max-memory, --max-table-elements: the store's limits, which its
  // wasi-threads threads and wasi-parallel kernels count against too.
  store.set_limits(o.limits);
  // --timeout: the store's deadline is the next epoch, which a timer thread
  // starts when the duration has passed; spawned threads and wasi-parallel
  // workers inherit the deadline, so every one of them traps "interrupted".
  std::optional<Timer> timer;
  if (o.timeout) {
    store.set_epoch_deadline(1);
    timer.emplace(*o.timeout, [&engine] { engine.increment_epoch(); });
  }
  Linker linker;
  (*wasi)->define(linker, store);
  (*parallel)->define(linker, store);
  // wasi-threads: every thread gets the imports the main instance got (one
  // WASI context, one wasi-parallel host); a trap or proc_exit in a spawned
  // thread ends the process with that outcome.
  std::unique_ptr<WasiThreads> threads;
  if (module_uses_wasi_threads(*module)) {
    Wasi* w = wasi->get();
    Parallel* p = parallel->get();
    const Module* mod = module.get();
    threads = std::make_unique<WasiThreads>(
        engine, module,
        [w, p](Linker& l, Store& s) {
          w->define(l, s);
          p->define(l, s);
        },
        [mod](const Trap& t) {
          int status = report_trap(t, *mod);
          std::cout.flush();
          std::_Exit(status);
        });
    if (auto r = threads->define(linker, store); !r) {
      std::cerr << "Error: " << describe_error(r.error()) << "\n";
      return 1;
    }
  }
  auto inst = store.instantiate(module, linker);
  if (!inst) {
    std::cerr << "Error: " << describe_error(inst.error()) << "\n";
    return 1;
  }
  // On a thread with a stack for the Wasm stack budget (guest_thread.h).
  int status = run_with_stack(wasm_thread_stack_size(engine.config()), [&] { return run_entries(store, **inst, o); });
  std::cout.flush();
  // The main thread's end ends the program; spawned threads may still run
  // and use this frame's objects, so leave without destructors.
  if (threads && threads->spawned() > 0) std::_Exit(status);
  return status;
}

extern const Command kRunCommand = {"run", "Run a WebAssembly module (a WASI command, or one export with --invoke)",
    "usage: wpvm run [options] MODULE.wasm|MODULE.cwasm [ARGS...]\n"
    "\n"
    "Runs the module's `_start` export with WASI preview1 and wasi-parallel\n"
    "(wasi_ephemeral_parallel), or calls one export. A compiled module\n"
    "(`wpvm compile`) starts without compiling; one made by another build of\n"
    "wpvm or for another CPU is refused.\n"
    "\n"
    "options:\n"
    "  --dir HOST[::GUEST]   preopen host directory HOST as GUEST (repeatable)\n"
    "  --env NAME[=VALUE]    add an environment variable; NAME alone passes\n"
    "                        the host's value on (repeatable)\n"
    "  --tcplisten ADDR:PORT listen on an IPv4 TCP address and hand the socket\n"
    "                        to the guest, after the directories (repeatable)\n"
    "  --tier interp|jit     execution tier (default: jit)\n"
    "  --parallel-threads N  threads of the wasi-parallel CPU device (default 0:\n"
    "                        one per core)\n"
    "  --parallel-verbose    explain every wasi-parallel errno and device choice\n"
    "                        on stderr\n"
    "  --gpu SELECTOR        the Vulkan device for wasi-parallel GPU hints: auto\n"
    "                        (default: a real GPU, else the CPU device), none\n"
    "                        (the CPU device), or an index or part of a name as\n"
    "                        `wpvm devices` lists them (e.g. --gpu llvmpipe for\n"
    "                        Mesa's lavapipe, which auto never picks: it caps\n"
    "                        shader loops at 65,535 iterations); no match is an\n"
    "                        error\n"
    "  --invoke NAME         call export NAME; ARGS are its parameters, parsed\n"
    "                        by the export's parameter types; results are\n"
    "                        printed one per line\n"
    "  --fuel N              give the guest N units of fuel (one per Wasm\n"
    "                        instruction executed; nop, drop, block, loop,\n"
    "                        else and end are free); running out traps \"all\n"
    "                        fuel consumed\"; threads start with what their\n"
    "                        spawner had left, wasi-parallel kernels draw from it\n"
    "  --timeout DURATION    trap \"interrupted\" once DURATION (500ms, 2s, 1m)\n"
    "                        has passed: every thread and wasi-parallel worker,\n"
    "                        GPU launches between parts\n"
    "  --max-memory SIZE     the most bytes any one memory may have (64MiB,\n"
    "                        1GiB, 65536): a larger declared minimum fails\n"
    "                        instantiation (exit 1), memory.grow past it\n"
    "                        returns -1 (default: the memory's own maximum)\n"
    "  --max-table-elements N  the most elements any one table may have\n"
    "                        (same rules; default 10,000,000)\n"
    "  --max-wasm-stack SIZE the stack budget for Wasm frames of each thread\n"
    "                        (64KiB to 1GiB, default 8MiB: ~170,000 frames of\n"
    "                        a small function); deeper traps \"call stack\n"
    "                        exhausted\"\n"
    "  -h, --help            show this text\n"
    "\n"
    "exit status: the guest's proc_exit code (0 when _start returns); 134\n"
    "after a trap (one line with the reason, then the backtrace); 1 for any\n"
    "other error (an unreadable, invalid or unlinkable module, a limit\n"
    "refused at instantiation); 2 for a usage error.\n",
    run_main};

}  // namespace wpvm::cli

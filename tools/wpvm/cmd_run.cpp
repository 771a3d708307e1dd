// `wpvm run`: instantiate a module with WASI preview1 and run `_start`, or call
// one export with --invoke. Maps the outcome to the process exit status.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>

#include "command.h"
#include "guest_thread.h"
#include "invoke_values.h"
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
};

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

int report_trap(const Trap& trap, const Module& module) {
  if (trap.kind == TrapKind::kExit) return trap.exit_code;
  std::cout.flush();
  std::cerr << "Error: trap: " << trap.to_string() << "\n";
  if (!trap.backtrace.empty()) std::cerr << "wasm backtrace:\n";
  for (size_t i = 0; i < trap.backtrace.size(); ++i) {
    const Frame& f = trap.backtrace[i];
    std::string_view name = f.name.empty() ? module.func_name(f.func_index) : f.name;
    std::cerr << "  " << i << ": func[" << f.func_index << "]";
    if (!name.empty()) std::cerr << " " << name;
    // The instruction's byte offset in the module, then from the function's body.
    if (f.module_offset != kNoOffset)
      std::cerr << " at 0x" << std::hex << f.module_offset << " (func+0x" << f.func_offset << ")" << std::dec;
    std::cerr << "\n";
  }
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
    "  -h, --help            show this text\n"
    "\n"
    "exit status: the guest's proc_exit code (0 when _start returns); 134\n"
    "after a trap; 1 for an invalid module or a failed instantiation.\n",
    run_main};

}  // namespace wpvm::cli

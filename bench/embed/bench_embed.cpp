// The embedding benchmarks' measuring program (driven by bench_embed.py):
// generates synthetic modules (module_gen.h) and measures, through the
// public API, what an embedder pays per module and per instance.
//
//   wpvm-bench-embed gen --bytes N [--threads K] -o FILE
//   wpvm-bench-embed compile --bytes N [--repeat R]
//   wpvm-bench-embed compile --module FILE.wasm [--repeat R]
//   wpvm-bench-embed instantiate --bytes N [--count C]
//   wpvm-bench-embed rss --bytes N [--instances K]
//
// Each measuring subcommand prints one JSON object on stdout.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "module_gen.h"
#include "wpvm/module_def.h"
#include "wpvm/jit.h"
#include "wpvm/runtime.h"
#include "wpvm/serialize.h"

namespace {

using namespace wpvm;
using Clock = std::chrono::steady_clock;

struct Args {
  std::string command, out, module;  // module: compile this file, not a generated one
  size_t bytes = 1 << 20;
  uint32_t threads = 0, repeat = 5, count = 10000, instances = 100;
};

[[noreturn]] void usage() {
  std::fputs("usage: wpvm-bench-embed gen|compile|instantiate|rss --bytes N [--threads K] [-o FILE]\n"
             "       [--repeat R] [--count C] [--instances K] [--module FILE.wasm (compile)]\n", stderr);
  std::exit(2);
}

Args parse(int argc, char** argv) {
  if (argc < 2) usage();
  Args a;
  a.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string k = argv[i];
    if (i + 1 >= argc) usage();
    std::string v = argv[++i];
    if (k == "--bytes") a.bytes = std::stoull(v);
    else if (k == "--threads") a.threads = static_cast<uint32_t>(std::stoul(v));
    else if (k == "--repeat") a.repeat = static_cast<uint32_t>(std::stoul(v));
    else if (k == "--count") a.count = static_cast<uint32_t>(std::stoul(v));
    else if (k == "--instances") a.instances = static_cast<uint32_t>(std::stoul(v));
    else if (k == "-o") a.out = v;
    else if (k == "--module") a.module = v;
    else usage();
  }
  return a;
}

std::shared_ptr<const Module> make_module(size_t bytes) {
  auto m = load_module(bench::generate_module({.code_bytes = bytes}));
  if (!m) {
    std::fprintf(stderr, "generated module invalid: %s\n", m.error().to_string().c_str());
    std::exit(1);
  }
  return *m;
}

std::shared_ptr<const Module> read_module(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "%s: cannot open\n", path.c_str());
    std::exit(1);
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto m = load_module(bytes);
  if (!m) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), m.error().to_string().c_str());
    std::exit(1);
  }
  return *m;
}

size_t body_bytes(const Module& m) {
  size_t n = 0;
  for (const FunctionBody& b : m.bodies) n += b.code_end - b.code_offset;
  return n;
}

Engine jit_engine(bool parallel) {
  return Engine(EngineConfig{.tier = Tier::kJit, .parallel_compile = parallel});
}

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Instantiates m in `store` and calls run(0, 0): on the module's first
// instance this compiles it. Exits on any failure.
Instance* instantiate_and_call(Store& store, const std::shared_ptr<const Module>& m, bool call = true) {
  auto inst = store.instantiate(m, Linker{});
  if (!inst) {
    std::fprintf(stderr, "instantiate: %s\n", inst.error().to_string().c_str());
    std::exit(1);
  }
  if (call) {
    CallResult r = store.call((*inst)->func("run"), std::vector<Value>{Value::from_i32(0), Value::from_i32(0)});
    if (!r.ok()) {
      std::fprintf(stderr, "run trapped: %s\n", r.trap->to_string().c_str());
      std::exit(1);
    }
  }
  return *inst;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Best of `repeat` compiles of a fresh module, on the calling thread alone
// and on the pool: wall seconds (and, alone, the thread's CPU seconds). A
// generated module compiles on its first call; a module from a file (whose
// imports the benchmark cannot satisfy) through Engine::precompile.
int compile(const Args& a) {
  double alone = 1e9, alone_cpu = 1e9, pool = 1e9;
  size_t code = 0;
  for (uint32_t r = 0; r < a.repeat; ++r)
    for (bool parallel : {false, true}) {
      auto m = a.module.empty() ? make_module(a.bytes) : read_module(a.module);
      code = body_bytes(*m);
      Engine engine = jit_engine(parallel);
      Store store(engine);
      uint64_t before = jit::modules_compiled();
      double c0 = thread_cpu_seconds();
      auto t0 = Clock::now();
      if (a.module.empty()) {
        instantiate_and_call(store, m);
      } else if (auto c = engine.precompile(*m); !c) {
        std::fprintf(stderr, "compile: %s\n", c.error().to_string().c_str());
        return 1;
      }
      double dt = seconds(Clock::now() - t0), dc = thread_cpu_seconds() - c0;
      if (jit::modules_compiled() != before + 1) {
        std::fprintf(stderr, "the module did not compile once\n");
        return 1;
      }
      if (parallel) pool = std::min(pool, dt);
      else alone = std::min(alone, dt), alone_cpu = std::min(alone_cpu, dc);
    }
  std::printf("{\"code_bytes\": %zu, \"one_thread_s\": %.6f, \"one_thread_cpu_s\": %.6f, \"pool_s\": %.6f, "
              "\"pool_threads\": %u}\n",
              code, alone, alone_cpu, pool, std::thread::hardware_concurrency());
  return 0;
}

// Instantiating an already compiled module: `count` times, each into a
// fresh store (made and dropped outside the timed part); median and p90.
int instantiate(const Args& a) {
  auto m = make_module(a.bytes);
  Engine engine = jit_engine(true);
  {
    Store warm(engine);
    instantiate_and_call(warm, m);  // compiles
  }
  std::vector<double> inst_us, first_call_us;
  for (uint32_t i = 0; i < a.count; ++i) {
    auto store = std::make_unique<Store>(engine);
    auto t0 = Clock::now();
    auto inst = store->instantiate(m, Linker{});
    auto t1 = Clock::now();
    if (!inst) return 1;
    CallResult r = store->call((*inst)->func("run"), std::vector<Value>{Value::from_i32(0), Value::from_i32(0)});
    auto t2 = Clock::now();
    if (!r.ok()) return 1;
    inst_us.push_back(seconds(t1 - t0) * 1e6);
    first_call_us.push_back(seconds(t2 - t1) * 1e6);
  }
  auto pct = [](std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1))];
  };
  std::printf("{\"code_bytes\": %zu, \"functions\": %zu, \"count\": %u, \"instantiate_median_us\": %.3f, "
              "\"instantiate_p90_us\": %.3f, \"first_call_median_us\": %.3f}\n",
              body_bytes(*m), m->bodies.size(), a.count, pct(inst_us, 0.5), pct(inst_us, 0.9),
              pct(first_call_us, 0.5));
  return 0;
}

uint64_t rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

// `instances` live instances of one compiled module, each called once:
// what each adds to the resident set, next to the size of the code.
int rss(const Args& a) {
  auto m = make_module(a.bytes);
  Engine engine = jit_engine(true);
  std::vector<std::unique_ptr<Store>> stores;
  stores.push_back(std::make_unique<Store>(engine));
  instantiate_and_call(*stores.back(), m);  // compiles
  auto file = serialize_module(engine, *m);
  size_t machine_code = file ? file->size() - m->bytes.size() : 0;  // about: the image and its table
  uint64_t before = rss_bytes();
  for (uint32_t i = 0; i < a.instances; ++i) {
    stores.push_back(std::make_unique<Store>(engine));
    instantiate_and_call(*stores.back(), m);
  }
  uint64_t after = rss_bytes();
  std::printf("{\"code_bytes\": %zu, \"machine_code_bytes\": %zu, \"instances\": %u, \"rss_per_instance_bytes\": %.0f, "
              "\"memory_bytes_per_instance\": 65536}\n",
              body_bytes(*m), machine_code, a.instances,
              static_cast<double>(after - before) / static_cast<double>(a.instances));
  return 0;
}

int gen(const Args& a) {
  if (a.out.empty()) usage();
  std::vector<uint8_t> bytes = bench::generate_module({.code_bytes = a.bytes, .threads = a.threads});
  std::ofstream(a.out, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                static_cast<std::streamsize>(bytes.size()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a = parse(argc, argv);
  if (a.command == "gen") return gen(a);
  if (a.command == "compile") return compile(a);
  if (a.command == "instantiate") return instantiate(a);
  if (a.command == "rss") return rss(a);
  usage();
}

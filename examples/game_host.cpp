// A game-style host on wpvm's C++ API (C++17): it loads a guest, gives it
// host functions for input and drawing, calls its update() once per frame,
// reads its memory, survives a trap in one frame and goes on; then, given a
// wasi-parallel guest, runs it with WASI and wasi-parallel.
//
// usage: game_host GAME.wasm [PARALLEL_GUEST.wasm [ARGS...]]
#include <wpvm.hpp>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

std::vector<uint8_t> read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::shared_ptr<const wpvm::Module> load(const char* path) {
  std::vector<uint8_t> bytes = read_file(path);
  auto m = wpvm::load_module(bytes);
  if (!m) {
    std::fprintf(stderr, "%s: %s\n", path, m.error().to_string().c_str());
    return nullptr;
  }
  return *m;
}

int play(const wpvm::Engine& engine, const char* path) {
  auto module = load(path);
  if (!module) return 1;
  wpvm::Store store(engine);

  // Host functions: the input of the current frame, and drawing.
  int frame = 0;
  wpvm::Linker linker;
  linker.define("env", "input",
                store.create_host_func({{}, {wpvm::ValType::kI32}},
                                       [&frame](wpvm::Caller&, wpvm::Span<const wpvm::Value>,
                                                wpvm::Span<wpvm::Value> results) -> std::optional<wpvm::Trap> {
                                         results[0] = wpvm::Value::from_i32(frame % 2 ? 1 : 3);  // right, + down every other frame
                                         return std::nullopt;
                                       }));
  linker.define("env", "draw",
                store.create_host_func({{wpvm::ValType::kI32, wpvm::ValType::kI32, wpvm::ValType::kI32}, {}},
                                       [](wpvm::Caller&, wpvm::Span<const wpvm::Value> args,
                                          wpvm::Span<wpvm::Value>) -> std::optional<wpvm::Trap> {
                                         std::printf("  draw sprite %u at (%u, %u)\n", args[2].i32, args[0].i32,
                                                     args[1].i32);
                                         return std::nullopt;
                                       }));
  auto instance = store.instantiate(module, linker);
  if (!instance) {
    std::fprintf(stderr, "instantiate: %s\n", instance.error().to_string().c_str());
    return 1;
  }
  wpvm::Func* update = (*instance)->func("update");
  wpvm::Memory* memory = (*instance)->memory("memory");
  if (!update || !memory) {
    std::fprintf(stderr, "the guest exports no update() or no memory\n");
    return 1;
  }
  for (frame = 1; frame <= 5; ++frame) {
    std::printf("frame %d\n", frame);
    wpvm::CallResult r = store.call(update, {wpvm::Value::from_f32(0.5f)});
    if (!r.ok()) {
      // A trap is a value: report it and keep the game running.
      std::printf("  update trapped: %s\n", r.trap->to_string().c_str());
      for (const wpvm::Frame& f : r.trap->backtrace) std::printf("    in func[%u] %s\n", f.func_index, f.name.c_str());
      continue;
    }
    uint32_t state[3];
    std::memcpy(state, memory->data(), sizeof state);
    std::printf("  player at (%u, %u), score %u\n", state[0], state[1], state[2]);
  }
  return 0;
}

// A WASI command that uses wasi-parallel, as `wpvm run` runs it.
int run_parallel(const wpvm::Engine& engine, int argc, char** argv) {
  auto module = load(argv[0]);
  if (!module) return 1;
  wpvm::WasiConfig wasi_config;
  wasi_config.args.assign(argv, argv + argc);
  auto wasi = wpvm::Wasi::create(wasi_config);
  auto parallel = wpvm::Parallel::create();
  if (!wasi || !parallel) {
    std::fprintf(stderr, "%s\n", (!wasi ? wasi.error() : parallel.error()).to_string().c_str());
    return 1;
  }
  wpvm::Store store(engine);
  wpvm::Linker linker;
  (*wasi)->define(linker, store);
  (*parallel)->define(linker, store);
  auto instance = store.instantiate(module, linker);
  if (!instance) {
    std::fprintf(stderr, "instantiate: %s\n", instance.error().to_string().c_str());
    return 1;
  }
  wpvm::CallResult r = store.call((*instance)->func("_start"), {});
  if (r.trap && r.trap->kind == wpvm::TrapKind::kExit) return r.trap->exit_code;
  if (r.trap) {
    std::fprintf(stderr, "trap: %s\n", r.trap->to_string().c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: game_host GAME.wasm [PARALLEL_GUEST.wasm [ARGS...]]\n");
    return 2;
  }
  wpvm::Engine engine;  // the JIT; wpvm::EngineConfig{wpvm::Tier::kInterp} for the interpreter
  if (int status = play(engine, argv[1])) return status;
  if (argc >= 3) {
    std::printf("wasi-parallel guest %s\n", argv[2]);
    std::fflush(stdout);
    return run_parallel(engine, argc - 2, argv + 2);
  }
  return 0;
}

// Fuzz harness `parallel`: the wasi-parallel host calls driven by the input.
// A caller instance re-exports the five functions of one generation: the
// current one (wat/caller.wat, parallel_exec) or the 2021 one
// (wat/caller2021.wat, parallel_for of a kernel in its own table); the
// input is a sequence of operations, each a call with arguments taken
// from the input: device hints (SEQUENTIAL and CPU; GPU hints get the CPU
// device, `gpu = "none"`), handles (ones returned earlier or any number),
// addresses and lengths (mostly inside the caller's memory, sometimes any
// number), kernels (built-in modules, or bytes from the input) and handle
// lists. Whatever the calls, the host must answer each with an errno or a
// trap, never crash and never hang: every call runs with fuel and an epoch
// deadline (a watchdog thread advances the epoch), which also stop kernels
// that loop. The first byte of the input chooses the tier (interpreter or
// JIT) and the generation.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "fuzz_kernels.h"
#include "wpvm/parallel.h"
#include "wpvm/runtime.h"

namespace {

using namespace wpvm;

constexpr uint64_t kFuelPerCall = 20'000;
constexpr uint64_t kDeadlineTicks = 3;                   // epoch ticks a call may run
constexpr auto kTick = std::chrono::milliseconds(10);    // so at most about 30 ms
constexpr size_t kMaxOps = 48;

// Kept for the life of the process (the watchdog thread uses them until it ends).
const Engine& engine(bool jit) {
  static const Engine* engines[2] = {
      new Engine(EngineConfig{.tier = Tier::kInterp, .parallel_compile = false, .consume_fuel = true,
                              .epoch_interruption = true}),
      new Engine(EngineConfig{.tier = Tier::kJit, .parallel_compile = false, .consume_fuel = true,
                              .epoch_interruption = true})};
  static const bool watchdog = [] {
    std::thread([] {
      for (;;) {
        std::this_thread::sleep_for(kTick);
        engines[0]->increment_epoch();
        engines[1]->increment_epoch();
      }
    }).detach();
    return true;
  }();
  (void)watchdog;
  return *engines[jit ? 1 : 0];
}

// WPVM_FUZZ_VERBOSE=1: print every call and its errno or trap on stderr.
bool verbose() {
  static const bool v = std::getenv("WPVM_FUZZ_VERBOSE") != nullptr;
  return v;
}

struct Input {
  const uint8_t* p;
  size_t n;
  bool empty() const { return n == 0; }
  uint8_t u8() {
    if (!n) return 0;
    --n;
    return *p++;
  }
  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t(u8()) << (8 * i);
    return v;
  }
};

struct Harness {
  Harness(bool jit, bool gen2021, Input& in) : store(engine(jit)), gen2021(gen2021), in(in) {
    ParallelConfig config;
    config.cpu_threads = 2;
    config.gpu = "none";
    config.log = [](std::string_view) {};
    auto p = Parallel::create(config);
    if (!p.ok()) {
      std::fprintf(stderr, "parallel harness: %s\n", p.error().to_string().c_str());
      std::abort();
    }
    parallel = std::move(*p);
    Linker linker;
    parallel->define(linker, store);
    auto module = gen2021 ? load_module(Span<const uint8_t>(fuzz_caller2021, sizeof fuzz_caller2021))
                          : load_module(Span<const uint8_t>(fuzz_caller, sizeof fuzz_caller));
    if (!module.ok()) std::abort();
    if (!store.set_fuel(kFuelPerCall).ok()) std::abort();
    auto inst = store.instantiate(*module, linker);
    if (!inst.ok()) std::abort();
    instance = *inst;
    memory = instance->memory("memory");
  }

  // An address: mostly inside the memory's first 64 KiB, sometimes anything.
  uint32_t addr() {
    uint8_t k = in.u8();
    if (k < 200) return uint32_t(k) * 256 + in.u8();
    if (k < 250) return static_cast<uint32_t>(memory->size_bytes()) - in.u8();
    return in.u32();
  }
  uint32_t length() {
    uint8_t k = in.u8();
    if (k < 128) return k;
    if (k < 250) return uint32_t(k - 128) * 64;
    return in.u32();
  }
  uint32_t handle() {
    uint8_t k = in.u8();
    if (k < 240 && !handles.empty()) return handles[k % handles.size()];
    return in.u32();
  }
  uint32_t count() {
    uint8_t k = in.u8();
    return k < 250 ? k % 5 : in.u32();
  }
  void put(uint32_t at, const void* p, size_t n) {
    if (n != 0 && memory->in_bounds(at, n)) std::memcpy(memory->data() + at, p, n);
  }

  uint32_t call(const char* name, std::vector<uint32_t> args) {
    std::vector<Value> values;
    for (uint32_t a : args) values.push_back(Value::from_i32(a));
    if (!store.set_fuel(kFuelPerCall).ok()) std::abort();
    store.set_epoch_deadline(kDeadlineTicks);
    CallResult r = store.call(instance->func(name), values);
    if (verbose()) {
      std::fprintf(stderr, "  %s(", name);
      for (size_t i = 0; i < args.size(); ++i) std::fprintf(stderr, "%s%u", i ? ", " : "", args[i]);
      std::fprintf(stderr, ") = %s\n", r.ok() ? std::to_string(r.values.at(0).i32).c_str() : r.trap->to_string().c_str());
    }
    return r.ok() ? r.values.at(0).i32 : ~0u;
  }
  // A handle the call wrote at `out` on success (errno 0).
  void keep(uint32_t err, uint32_t out) {
    if (err != 0 || !memory->in_bounds(out, 4)) return;
    uint32_t h;
    std::memcpy(&h, memory->data() + out, 4);
    handles.push_back(h);
  }

  void kernel(uint32_t at, uint32_t& len) {
    static const struct {
      const unsigned char* bytes;
      size_t size;
    } kernels[] = {{fuzz_k_trivial, sizeof fuzz_k_trivial}, {fuzz_k_sum, sizeof fuzz_k_sum},
                   {fuzz_k_trap, sizeof fuzz_k_trap},       {fuzz_k_spin, sizeof fuzz_k_spin}};
    uint8_t k = in.u8();
    if (k < 200) {
      const auto& kernel = kernels[k % 4];
      put(at, kernel.bytes, kernel.size);
      len = static_cast<uint32_t>(kernel.size);
      if (k >= 100 && len > 8) {  // one byte of it changed
        uint32_t i = 8 + in.u8() % (len - 8);
        uint8_t v = in.u8();
        put(at + i, &v, 1);
      }
    } else {  // bytes from the input
      len = length();
      std::vector<uint8_t> bytes(std::min<size_t>(len, in.n));
      for (auto& b : bytes) b = in.u8();
      put(at, bytes.data(), bytes.size());
    }
  }

  // The in and out buffer lists: address, count, address, count; the
  // handles are written at the addresses.
  void lists(uint32_t (&out)[4]) {
    for (int l = 0; l < 2; ++l) {
      uint32_t at = addr(), n = count();
      for (uint32_t i = 0; i < n && i < 8; ++i) {
        uint32_t h = handle();
        put(at + 4 * i, &h, 4);
      }
      out[2 * l] = at;
      out[2 * l + 1] = n;
    }
  }

  void step() {
    switch (in.u8() % 6) {
      case 0: {  // get_device
        uint8_t k = in.u8();
        uint32_t hint = k < 240 ? k % 5 : in.u32();
        uint32_t out = addr();
        keep(call("get_device", {hint, out}), out);
        break;
      }
      case 1: {  // create_buffer
        uint32_t dev = handle(), size = length(), access = in.u8() < 250 ? in.u8() % 4 : in.u32(), out = addr();
        keep(call("create_buffer", {dev, size, access, out}), out);
        break;
      }
      case 2: {  // write_buffer
        uint32_t at = addr(), len = length(), buf = handle();
        call("write_buffer", {at, len, buf});
        break;
      }
      case 3: {  // read_buffer
        uint32_t buf = handle(), at = addr(), len = length();
        call("read_buffer", {buf, at, len});
        break;
      }
      case 4: {  // parallel_exec, or parallel_for (2021)
        if (gen2021) {
          uint8_t k = in.u8();
          uint32_t index = k < 250 ? k % 7 : in.u32();
          uint8_t shape = in.u8();
          uint32_t n = shape < 250 ? shape % 64 : in.u32();
          uint32_t bs = in.u8() < 250 ? 1 + in.u8() % 16 : in.u32();
          uint32_t list_args[4];
          lists(list_args);
          call("parallel_for", {index, n, bs, list_args[0], list_args[1], list_args[2], list_args[3]});
          break;
        }
        uint32_t dev = handle(), kernel_at = addr(), kernel_len = 0;
        kernel(kernel_at, kernel_len);
        if (in.u8() >= 250) kernel_len = in.u32();
        uint8_t shape = in.u8();
        uint32_t n = shape < 250 ? shape % 64 : in.u32();
        uint32_t bs = in.u8() < 250 ? 1 + in.u8() % 16 : in.u32();
        uint32_t list_args[4];
        lists(list_args);
        call("parallel_exec", {dev, kernel_at, kernel_len, n, bs, list_args[0], list_args[1], list_args[2], list_args[3]});
        break;
      }
      case 5: {  // bytes from the input into memory
        uint32_t at = addr(), len = std::min<uint32_t>(length(), static_cast<uint32_t>(in.n));
        std::vector<uint8_t> bytes(len);
        for (auto& b : bytes) b = in.u8();
        put(at, bytes.data(), bytes.size());
        break;
      }
    }
  }

  Store store;
  bool gen2021;
  Input& in;
  std::unique_ptr<Parallel> parallel;
  Instance* instance = nullptr;
  Memory* memory = nullptr;
  std::vector<uint32_t> handles;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in{data, size};
  uint8_t first = in.u8();
  Harness h(first & 1, first & 2, in);
  for (size_t i = 0; i < kMaxOps && !in.empty(); ++i) h.step();
  return 0;
}

// The JIT as the runtime sees it (runtime/tier.h): per-instance compilation
// into one code buffer, the entry trampoline every host->native call goes
// through, trap unwinding to that entry, and the code generator an embedder
// gives its engine (wpvm/jit.h).
#include "wpvm/jit.h"

#include <pthread.h>

#include <asmjit/x86.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <mutex>

#include "body_decoder.h"
#include "compiler.h"
#include "helpers.h"
#include "runtime/tier.h"

namespace wpvm::jit {

using namespace asmjit;
using namespace asmjit::x86;

namespace {

JitRuntime& jit_runtime() {
  static JitRuntime rt;
  return rt;
}

// Where one function's code starts; `native` false for the stubs that run a
// function in the interpreter (the interpreter reports that frame itself).
struct FuncStart {
  uintptr_t begin;
  FuncImpl* func;
  bool native;
};

class ModuleCode;
// Every instance's code by address, for mapping return addresses to
// functions when a trap is unwound (never on a hot path).
std::mutex g_modules_mutex;
std::map<uintptr_t, const ModuleCode*> g_modules;

// Native code of one instance; released with it.
class ModuleCode final : public tier::NativeCode {
 public:
  ModuleCode(void* base, size_t size, std::vector<FuncStart> starts)
      : base_(base), size_(size), starts_(std::move(starts)) {
    std::lock_guard lock(g_modules_mutex);
    g_modules[reinterpret_cast<uintptr_t>(base_)] = this;
  }
  ~ModuleCode() override {
    {
      std::lock_guard lock(g_modules_mutex);
      g_modules.erase(reinterpret_cast<uintptr_t>(base_));
    }
    unregister_code_range(reinterpret_cast<uintptr_t>(base_));
    jit_runtime().release(base_);
  }
  // The function whose code holds pc (starts_ is in address order), if any.
  const FuncStart* find(uintptr_t pc) const {
    if (pc < reinterpret_cast<uintptr_t>(base_) || pc >= reinterpret_cast<uintptr_t>(base_) + size_) return nullptr;
    auto it = std::upper_bound(starts_.begin(), starts_.end(), pc,
                               [](uintptr_t p, const FuncStart& s) { return p < s.begin; });
    return it == starts_.begin() ? nullptr : &*std::prev(it);
  }

 private:
  void* base_;
  size_t size_;
  std::vector<FuncStart> starts_;
};

const FuncStart* find_function(uintptr_t pc) {
  auto it = g_modules.upper_bound(pc);
  if (it == g_modules.begin()) return nullptr;
  return std::prev(it)->second->find(pc);
}

}  // namespace

// Called on the trap path while the JIT frames are still on the stack:
// records them from the trap point up to the entry trampoline (whose code
// belongs to no module), innermost first, following the rbp chain every JIT
// frame keeps.
void capture_backtrace(ExecContext* ctx, uint64_t trap_pc, uint64_t trap_rbp) {
  std::vector<Frame>& out = ctx->trap_frames;
  out.clear();
  std::lock_guard lock(g_modules_mutex);
  uintptr_t pc = trap_pc;
  uintptr_t rbp = trap_rbp;
  while (const FuncStart* fs = find_function(pc)) {
    if (fs->native) {
      Frame fr;
      fr.func_index = fs->func->func_index;
      fr.name = fs->func->debug_name;
      out.push_back(std::move(fr));
    }
    const auto* frame = reinterpret_cast<const uintptr_t*>(rbp);
    pc = frame[1] - 1;  // inside the call instruction
    rbp = frame[0];
  }
}

namespace {

struct Trampoline {
  EntryFn entry = nullptr;
  void* trap_exit = nullptr;
  void* oob = nullptr;
};

Trampoline build_trampoline() {
  Trampoline t;
  CodeHolder code;
  code.init(jit_runtime().environment());
  Assembler a(&code);
  Label exit = a.newLabel(), oob = a.newLabel();
  // dst[i] = src[i] for i < rcx (8-byte slots; rax, r8 scratch).
  auto copy_slots = [&a](Gp src, Gp dst) {
    Label loop = a.newLabel(), done = a.newLabel();
    a.xor_(eax, eax);
    a.bind(loop);
    a.cmp(rax, rcx);
    a.jae(done);
    a.mov(r8, qword_ptr(src, rax, 3));
    a.mov(qword_ptr(dst, rax, 3), r8);
    a.inc(rax);
    a.jmp(loop);
    a.bind(done);
  };
  // (rdi ctx, rsi code, rdx slots, rcx n)
  a.push(rbp);
  a.mov(rbp, rsp);
  a.push(rbx);
  a.push(r12);
  a.push(r13);
  a.push(r14);
  a.push(r15);
  a.push(qword_ptr(rdi, kCtxEntryRsp));
  a.push(rdx);
  a.push(rcx);  // [entry_rsp] = n, [entry_rsp + 8] = slots; rsp is 16-aligned here
  a.mov(r15, rdi);
  a.mov(qword_ptr(r15, kCtxEntryRsp), rsp);
  a.lea(rax, qword_ptr(rcx, 1));
  a.and_(rax, -2);
  a.shl(rax, 3);
  a.sub(rsp, rax);
  copy_slots(rdx, rsp);
  a.call(rsi);
  a.mov(rdx, qword_ptr(r15, kCtxEntryRsp));
  a.mov(rcx, qword_ptr(rdx));
  a.mov(rdx, qword_ptr(rdx, 8));
  copy_slots(rsp, rdx);
  a.xor_(eax, eax);
  a.bind(exit);  // eax = status
  a.mov(rsp, qword_ptr(r15, kCtxEntryRsp));
  a.add(rsp, 16);
  a.pop(qword_ptr(r15, kCtxEntryRsp));
  a.pop(r15);
  a.pop(r14);
  a.pop(r13);
  a.pop(r12);
  a.pop(rbx);
  a.pop(rbp);
  a.ret();
  a.bind(oob);  // the fault's pc and rbp were recorded by the signal handler
  a.mov(rdi, r15);
  a.mov(rsi, qword_ptr(r15, kCtxTrapPc));
  a.mov(rdx, qword_ptr(r15, kCtxTrapRbp));
  a.and_(rsp, -16);
  a.mov(rax, reinterpret_cast<uint64_t>(&capture_backtrace));
  a.call(rax);
  a.mov(eax, trap_status(TrapKind::kMemoryOutOfBounds));
  a.jmp(exit);

  void* base = nullptr;
  if (jit_runtime().add(&base, &code) != kErrorOk) return t;
  auto at = [&](Label l) { return static_cast<uint8_t*>(base) + code.labelOffsetFromBase(l); };
  t.entry = reinterpret_cast<EntryFn>(base);
  t.trap_exit = at(exit);
  t.oob = at(oob);
  register_code_range(reinterpret_cast<uintptr_t>(base), reinterpret_cast<uintptr_t>(base) + code.codeSize());
  return t;
}

const Trampoline& trampoline() {
  static Trampoline t = [] {
    install_signal_handler();
    return build_trampoline();
  }();
  return t;
}

uint32_t slots_of(std::span<const ValType> types) {
  uint32_t n = 0;
  for (ValType t : types) n += slot_width(t);
  return n;
}

// Compiles every defined function; those that fail (wasm_ok[i] false) get a
// stub that calls the interpreter. Returns false if code generation failed.
bool compile_into(InstanceImpl& inst, CodeHolder& code, std::vector<bool>& wasm_ok, std::vector<Label>& labels) {
  const Module& m = *inst.mod;
  size_t n = m.bodies.size();
  Assembler a(&code);
  ModuleCtx mc{a, code, inst, {}, a.newLabel()};
  for (size_t i = 0; i < n; ++i) mc.func_labels.push_back(a.newLabel());
  for (uint32_t i = 0; i < n; ++i) {
    if (!wasm_ok[i]) {
      FuncImpl* f = inst.funcs[m.num_imported_funcs + i];
      a.bind(mc.func_labels[i]);
      a.push(rbp);
      a.mov(rbp, rsp);
      a.mov(rdi, r15);
      a.mov(rsi, reinterpret_cast<uint64_t>(f));
      a.lea(rdx, qword_ptr(rbp, 16));
      a.mov(rcx, reinterpret_cast<uint64_t>(&inst));
      a.mov(rax, reinterpret_cast<uint64_t>(&helper::call_slow));
      a.call(rax);
      Label trapped = a.newLabel();
      a.test(eax, eax);
      a.jnz(trapped);
      a.pop(rbp);
      a.ret();
      a.bind(trapped);
      a.call(mc.trap_exit);
      continue;
    }
    LocalUses uses = count_local_uses(m, i);
    FuncCompiler fc(mc, i);
    fc.set_local_weights(std::move(uses.weight), uses.call_weight);
    auto r = decode_function(m, i, fc);
    if (!r || !fc.ok()) {
      wasm_ok[i] = false;
      return false;  // restart without it (its partial code is unusable)
    }
  }
  // Reached by a call from a trap path: record that return address (minus
  // one, so it lies inside the trapping function) and the frame pointer.
  // The frames are captured here, before the exit reuses their stack.
  a.bind(mc.trap_exit);
  a.pop(rsi);
  a.dec(rsi);
  a.mov(ebx, eax);  // callee-saved registers are restored by the exit anyway
  a.mov(rdi, r15);
  a.mov(rdx, rbp);
  a.and_(rsp, -16);
  a.mov(rax, reinterpret_cast<uint64_t>(&capture_backtrace));
  a.call(rax);
  a.mov(eax, ebx);
  a.mov(rcx, reinterpret_cast<uint64_t>(trap_exit()));
  a.jmp(rcx);
  labels = mc.func_labels;
  return true;
}

// The calling thread's CPU time: compile time without the waits of a busy
// machine.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// One line per compiled module on stderr (WPVM_JIT_STATS=1): what the
// benchmark reports as compile speed, by the wall clock and by CPU time.
void print_stats(const Module& m, const std::vector<bool>& ok, size_t code_bytes, std::chrono::nanoseconds dt,
                 double cpu_secs) {
  size_t body_bytes = 0;
  for (const FunctionBody& b : m.bodies) body_bytes += b.code_end - b.code_offset;
  double secs = std::chrono::duration<double>(dt).count();
  auto rate = [&](double t) { return t > 0 ? body_bytes / t / 1e6 : 0.0; };
  std::fprintf(stderr,
               "jit: %zu/%zu functions native, %zu bytes of code section -> %zu bytes in %.3f ms (%.1f MB/s), "
               "cpu %.3f ms (%.1f MB/s)\n",
               static_cast<size_t>(std::count(ok.begin(), ok.end(), true)), ok.size(), body_bytes, code_bytes,
               secs * 1e3, rate(secs), cpu_secs * 1e3, rate(cpu_secs));
}

class Jit final : public tier::CodeGenerator {
 public:
  void compile_instance(InstanceImpl& inst) override { (void)compile_module(inst, nullptr); }
  std::optional<Trap> invoke(Store::Impl& store, FuncImpl& f, Slot* slots) override {
    return invoke_native(store, f, slots);
  }

  static bool compile_module(InstanceImpl& inst, std::string* listing) {
    if (!trampoline().entry) return false;
    install_signal_handler();
    const Module& m = *inst.mod;
    size_t n = m.bodies.size();
    if (n == 0) return true;
    std::vector<bool> ok(n, true);
    auto t0 = std::chrono::steady_clock::now();
    double cpu0 = thread_cpu_seconds();
    for (;;) {
      CodeHolder code;
      code.init(jit_runtime().environment());
      StringLogger logger;
      bool print_listing = std::getenv("WPVM_JIT_LISTING") != nullptr;
      if (listing || print_listing) code.setLogger(&logger);
      std::vector<Label> labels;
      if (!compile_into(inst, code, ok, labels)) continue;
      if (std::none_of(ok.begin(), ok.end(), [](bool b) { return b; })) return false;
      void* base = nullptr;
      if (jit_runtime().add(&base, &code) != kErrorOk) return false;
      if (!register_code_range(reinterpret_cast<uintptr_t>(base), reinterpret_cast<uintptr_t>(base) + code.codeSize())) {
        jit_runtime().release(base);
        return false;
      }
      std::vector<FuncStart> starts;
      for (size_t i = 0; i < n; ++i) {
        FuncImpl* f = inst.funcs[m.num_imported_funcs + i];
        auto* entry = static_cast<uint8_t*>(base) + code.labelOffsetFromBase(labels[i]);
        starts.push_back({reinterpret_cast<uintptr_t>(entry), f, ok[i]});
        if (ok[i]) f->native = entry;
      }
      inst.native_code = std::make_unique<ModuleCode>(base, code.codeSize(), std::move(starts));
      if (listing) *listing = logger.data();
      if (print_listing) std::fputs(logger.data(), stderr);
      if (std::getenv("WPVM_JIT_STATS")) print_stats(m, ok, code.codeSize(), std::chrono::steady_clock::now() - t0,
                                                          thread_cpu_seconds() - cpu0);
      return true;
    }
  }
};

}  // namespace

EntryFn entry_trampoline() { return trampoline().entry; }
void* trap_exit() { return trampoline().trap_exit; }
void* oob_landing() { return trampoline().oob; }

ExecContext& thread_context() {
  thread_local ExecContext ctx;
  if (!ctx.stack_limit) {
    pthread_attr_t attr;
    void* addr = nullptr;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      pthread_attr_getstack(&attr, &addr, &size);
      pthread_attr_destroy(&attr);
    }
    // Leave room below JIT frames for helpers, host functions and the interpreter.
    constexpr size_t kReserve = 256 * 1024;
    uintptr_t lo = reinterpret_cast<uintptr_t>(addr);
    ctx.stack_limit = size > 2 * kReserve ? lo + kReserve : lo + size / 2;
  }
  return ctx;
}

std::optional<Trap> invoke_native(Store::Impl& store, FuncImpl& f, Slot* slots) {
  ExecContext& ctx = thread_context();
  Store::Impl* saved = ctx.store;
  ctx.store = &store;
  uint64_t n = std::max(slots_of(f.sig->params), slots_of(f.sig->results));
  uint32_t status = entry_trampoline()(&ctx, f.native, slots, n);
  ctx.store = saved;
  if (status == 0) return std::nullopt;
  Trap t;
  if (status == kPendingTrap) {
    // The callee (interpreter, host, another entry) reported its own frames.
    t = std::move(*ctx.pending);
    ctx.pending.reset();
  } else {
    t.kind = static_cast<TrapKind>(status - 1);
  }
  for (Frame& fr : ctx.trap_frames) t.backtrace.push_back(std::move(fr));
  ctx.trap_frames.clear();
  if (status != kPendingTrap && t.backtrace.empty()) {
    Frame fr;
    fr.func_index = f.func_index;
    fr.name = f.debug_name;
    t.backtrace.push_back(std::move(fr));
  }
  return t;
}

tier::CodeGenerator* code_generator() {
  static Jit jit;
  return &jit;
}

Result<std::string> listing(InstanceImpl& inst) {
  std::string text;
  if (!Jit::compile_module(inst, &text)) return make_error(ErrorKind::kUsage, kNoOffset, "JIT compilation failed");
  return text;
}

}  // namespace wpvm::jit

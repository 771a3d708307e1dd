// The JIT as the runtime sees it (runtime/tier.h): per-instance compilation
// into one code buffer, the entry trampoline every host->native call goes
// through, trap unwinding to that entry, and self-registration at start-up.
#include "wpvm/jit.h"

#include <pthread.h>

#include <asmjit/x86.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
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

// Native code of one instance; released with it.
class ModuleCode final : public tier::NativeCode {
 public:
  explicit ModuleCode(void* base) : base_(base) {}
  ~ModuleCode() override {
    unregister_code_range(reinterpret_cast<uintptr_t>(base_));
    jit_runtime().release(base_);
  }

 private:
  void* base_;
};

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
  Label exit = a.newLabel(), oob = a.newLabel(), copy_in = a.newLabel(), copied_in = a.newLabel();
  Label copy_out = a.newLabel(), copied_out = a.newLabel();
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
  a.xor_(eax, eax);
  a.bind(copy_in);
  a.cmp(rax, rcx);
  a.jae(copied_in);
  a.mov(r8, qword_ptr(rdx, rax, 3));
  a.mov(qword_ptr(rsp, rax, 3), r8);
  a.inc(rax);
  a.jmp(copy_in);
  a.bind(copied_in);
  a.call(rsi);
  a.mov(rdx, qword_ptr(r15, kCtxEntryRsp));
  a.mov(rcx, qword_ptr(rdx));
  a.mov(rdx, qword_ptr(rdx, 8));
  a.xor_(eax, eax);
  a.bind(copy_out);
  a.cmp(rax, rcx);
  a.jae(copied_out);
  a.mov(r8, qword_ptr(rsp, rax, 3));
  a.mov(qword_ptr(rdx, rax, 3), r8);
  a.inc(rax);
  a.jmp(copy_out);
  a.bind(copied_out);
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
  a.bind(oob);
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
      a.test(eax, eax);
      a.jnz(mc.trap_exit);
      a.pop(rbp);
      a.ret();
      continue;
    }
    LocalUseCounter counter;
    if (!decode_function(m, i, counter)) {
      wasm_ok[i] = false;
      return false;
    }
    FuncCompiler fc(mc, i);
    fc.set_local_weights(std::move(counter.weight));
    auto r = decode_function(m, i, fc);
    if (!r || !fc.ok()) {
      wasm_ok[i] = false;
      return false;  // restart without it (its partial code is unusable)
    }
  }
  a.bind(mc.trap_exit);
  a.mov(rcx, reinterpret_cast<uint64_t>(trap_exit()));
  a.jmp(rcx);
  labels = mc.func_labels;
  return true;
}

// One line per compiled module on stderr (WPVM_JIT_STATS=1): what the
// benchmark reports as compile speed.
void print_stats(const Module& m, const std::vector<bool>& ok, size_t code_bytes, std::chrono::nanoseconds dt) {
  size_t body_bytes = 0;
  for (const FunctionBody& b : m.bodies) body_bytes += b.code_end - b.code_offset;
  double secs = std::chrono::duration<double>(dt).count();
  std::fprintf(stderr, "jit: %zu/%zu functions native, %zu bytes of code section -> %zu bytes in %.3f ms (%.1f MB/s)\n",
               static_cast<size_t>(std::count(ok.begin(), ok.end(), true)), ok.size(), body_bytes, code_bytes,
               secs * 1e3, secs > 0 ? body_bytes / secs / 1e6 : 0.0);
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
      inst.native_code = std::make_unique<ModuleCode>(base);
      for (size_t i = 0; i < n; ++i)
        if (ok[i])
          inst.funcs[m.num_imported_funcs + i]->native =
              static_cast<uint8_t*>(base) + code.labelOffsetFromBase(labels[i]);
      if (listing) *listing = logger.data();
      if (print_listing) std::fputs(logger.data(), stderr);
      if (std::getenv("WPVM_JIT_STATS")) print_stats(m, ok, code.codeSize(), std::chrono::steady_clock::now() - t0);
      return true;
    }
  }
};

Jit g_jit;

// Registration when the library is linked (link_whole).
const bool g_registered = [] {
  tier::set_code_generator(&g_jit);
  return true;
}();

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
  if (status == kPendingTrap) {
    Trap t = std::move(*ctx.pending);
    ctx.pending.reset();
    return t;
  }
  Trap t;
  t.kind = static_cast<TrapKind>(status - 1);
  Frame fr;
  fr.func_index = f.func_index;
  fr.name = f.debug_name;
  t.backtrace.push_back(std::move(fr));
  return t;
}

void ensure_registered() { (void)g_registered; }

Result<std::string> listing(InstanceImpl& inst) {
  std::string text;
  if (!Jit::compile_module(inst, &text)) return make_error(ErrorKind::kUsage, kNoOffset, "JIT compilation failed");
  return text;
}

}  // namespace wpvm::jit

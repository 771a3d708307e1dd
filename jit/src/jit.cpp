// The JIT as the runtime sees it (exec/tier.h): a module compiled once, in
// chunks on the oneTBB pool, into one executable block shared by all its
// instances; the entry trampoline every host->native call goes through; trap
// unwinding to that entry; and the code generator an embedder gives its
// engine (wpvm/jit.h).
#include "wpvm/jit.h"

#include <asmjit/x86.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <mutex>
#include <string_view>

#include <unistd.h>

#include "assembler.h"
#include "body_decoder.h"
#include "compiler.h"
#include "fingerprint.h"
#include "helpers.h"
#include "exec/stack.h"
#include "exec/tier.h"
#include "pool.h"

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
  uint32_t func_index;  // in the module's function space
  bool native;
};

class ModuleCode;
// Every module's code by address, for mapping return addresses to functions
// when a trap is unwound (never on a hot path).
std::mutex g_modules_mutex;
std::map<uintptr_t, const ModuleCode*> g_modules;

// The native code of one module, in one executable block; freed with the
// module (it is kept in the module's compiled code, runtime/compiled_code.h).
class ModuleCode final : public tier::NativeCode {
 public:
  // Takes over `base`, `size` bytes of executable memory already registered
  // with the signal handler, which `release` frees.
  ModuleCode(const Module& m, const void* base, size_t size, std::span<const tier::CodeImage::Entry> entries,
             std::span<const tier::CodeImage::Site> sites, std::shared_ptr<const void> sites_owner,
             std::function<void()> release)
      : module_(m), base_(base), size_(size), release_(std::move(release)), sites_(sites),
        sites_owner_(std::move(sites_owner)) {
    starts_.reserve(entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
      auto begin = reinterpret_cast<uintptr_t>(base) + entries[i].offset;
      starts_.push_back({begin, m.num_imported_funcs + static_cast<uint32_t>(i), entries[i].native});
      if (!entries[i].native) interpreted_.push_back(static_cast<uint32_t>(i));
    }
    std::lock_guard lock(g_modules_mutex);
    g_modules[reinterpret_cast<uintptr_t>(base_)] = this;
  }
  ~ModuleCode() override {
    {
      std::lock_guard lock(g_modules_mutex);
      g_modules.erase(reinterpret_cast<uintptr_t>(base_));
    }
    unregister_code_range(reinterpret_cast<uintptr_t>(base_));
    release_();
  }
  std::span<const uint32_t> interpreted() const override { return interpreted_; }
  void* entry(uint32_t defined_index) const override {
    const FuncStart& s = starts_[defined_index];
    return s.native ? reinterpret_cast<void*>(s.begin) : nullptr;
  }
  // The function whose code holds pc (starts_ is in address order), if any.
  const FuncStart* find(uintptr_t pc) const {
    if (pc < reinterpret_cast<uintptr_t>(base_) || pc >= reinterpret_cast<uintptr_t>(base_) + size_) return nullptr;
    auto it = std::upper_bound(starts_.begin(), starts_.end(), pc,
                               [](uintptr_t p, const FuncStart& s) { return p < s.begin; });
    return it == starts_.begin() ? nullptr : &*std::prev(it);
  }
  const Module& module() const { return module_; }
  // The module offset of the Wasm instruction that code byte pc (a return
  // address - 1, or a faulting access) belongs to, or kNoOffset.
  size_t wasm_offset(uintptr_t pc) const {
    auto native = static_cast<uint32_t>(pc - reinterpret_cast<uintptr_t>(base_));
    auto it = std::lower_bound(sites_.begin(), sites_.end(), native,
                               [](const tier::CodeImage::Site& s, uint32_t n) { return s.native < n; });
    return it != sites_.end() && it->native == native ? it->wasm : kNoOffset;
  }
  tier::CodeImage image() const {
    tier::CodeImage out;
    const auto* p = static_cast<const uint8_t*>(base_);
    out.bytes.assign(p, p + size_);
    for (const FuncStart& s : starts_)
      out.entries.push_back({static_cast<uint32_t>(s.begin - reinterpret_cast<uintptr_t>(base_)), s.native});
    out.sites.assign(sites_.begin(), sites_.end());
    return out;
  }

 private:
  const Module& module_;
  const void* base_;
  size_t size_;
  std::function<void()> release_;
  std::vector<FuncStart> starts_;
  std::vector<uint32_t> interpreted_;
  std::span<const tier::CodeImage::Site> sites_;  // ascending native offsets
  std::shared_ptr<const void> sites_owner_;
};

const ModuleCode* find_module(uintptr_t pc) {
  auto it = g_modules.upper_bound(pc);
  if (it == g_modules.begin()) return nullptr;
  const ModuleCode* mc = std::prev(it)->second;
  return mc->find(pc) ? mc : nullptr;
}

}  // namespace

// Called on the trap path while the JIT frames are still on the stack:
// records them from the trap point up to the entry trampoline (whose code
// belongs to no module), innermost first, following the rbp chain every JIT
// frame keeps. The frames get the instance running at the trap (ctx->vm)
// up to the first frame of another module's code; which instance called into
// that one is not on the stack, so those frames and the ones past them get
// none. (A call between two instances of one module is not seen: the
// caller's frames get the callee's instance.)
void capture_backtrace(ExecContext* ctx, uint64_t trap_pc, uint64_t trap_rbp) {
  std::vector<Frame>& out = ctx->trap_frames;
  out.clear();
  std::lock_guard lock(g_modules_mutex);
  uintptr_t pc = trap_pc;
  uintptr_t rbp = trap_rbp;
  const InstanceImpl* running = ctx->vm ? reinterpret_cast<const VmHeader*>(ctx->vm)->instance : nullptr;
  while (const ModuleCode* code = find_module(pc)) {
    const FuncStart* fs = code->find(pc);
    if (running && running->mod.get() != &code->module()) running = nullptr;
    if (fs->native) {
      Frame fr;
      fr.func_index = fs->func_index;
      fr.instance = running;
      fr.name = std::string(code->module().func_name(fs->func_index));
      tier::set_frame_offset(fr, code->module(), code->wasm_offset(pc));
      out.push_back(std::move(fr));
    }
    const auto* frame = reinterpret_cast<const uintptr_t*>(rbp);
    pc = frame[1] - 1;  // the call instruction's last byte
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
  a.mov(kFuelReg, qword_ptr(r15, kCtxFuel));  // code with fuel keeps it there (compiler.h)
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
  // The fuel left, from code compiled with fuel (without it, r13 may hold
  // anything here, and invoke_native does not read it back).
  a.mov(qword_ptr(r15, kCtxFuel), kFuelReg);
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
  a.mov(rax, reinterpret_cast<uint64_t>(&capture_backtrace));  // the trampoline's own code is not shared
  a.call(rax);
  a.mov(eax, exec::trap_code(TrapKind::kMemoryOutOfBounds));
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

// A run of consecutive defined functions compiled into one code buffer (by
// one thread); a module's chunks are then laid out one after another.
struct Chunk {
  uint32_t first = 0, end = 0;       // defined function indices
  std::unique_ptr<CodeHolder> code;  // its machine code, in the text section
  std::span<const uint8_t> bytes() const {
    const CodeBuffer& b = code->textSection()->buffer();
    return {b.data(), b.size()};
  }
  std::vector<uint32_t> offsets;     // per function of the chunk, from the chunk's start
  std::vector<CallSite> calls;       // rel32 fields from the chunk's start
  std::vector<tier::CodeImage::Site> sites;  // from the chunk's start (ModuleCtx::sites)
  std::string listing;
};

// Chunks of about this much function-body code: enough work per task to
// spread a large module over the pool, few enough buffers to lay out.
constexpr size_t kChunkBytes = 32 * 1024;
constexpr size_t kMinParallelChunks = 4;

std::vector<Chunk> plan_chunks(const Module& m) {
  std::vector<Chunk> chunks;
  size_t bytes = 0;
  for (uint32_t i = 0; i < m.bodies.size(); ++i) {
    if (chunks.empty() || bytes >= kChunkBytes) {
      chunks.emplace_back();
      chunks.back().first = i;
      bytes = 0;
    }
    chunks.back().end = i + 1;
    bytes += m.bodies[i].code_end - m.bodies[i].code_offset;
  }
  return chunks;
}

// Calls helper `fn` through the context's table (scratch: rax).
void call_helper_of(Assembler& a, const void* fn) {
  a.mov(rax, qword_ptr(r15, kCtxHelpers));
  a.call(qword_ptr(rax, 8 * static_cast<int32_t>(helper_id(fn))));
}

// A function the compiler cannot handle runs in the interpreter: its entry
// hands its slots to helper::call_slow with its own FuncImpl (with fuel, the
// fuel register passes through the context as around any call_slow).
void emit_interpreter_stub(Assembler& a, const VmLayout& layout, uint32_t func_index, Label trap_exit,
                           bool consume_fuel) {
  a.push(rbp);
  a.mov(rbp, rsp);
  a.mov(rdi, r15);
  a.mov(rax, qword_ptr(r15, kCtxVm));
  a.mov(rsi, qword_ptr(rax, layout.func(func_index)));
  a.lea(rdx, qword_ptr(rbp, 16));
  a.mov(rcx, qword_ptr(rax, kVmInstance));
  if (consume_fuel) a.mov(qword_ptr(r15, kCtxFuel), kFuelReg);
  call_helper_of(a, reinterpret_cast<const void*>(&helper::call_slow));
  if (consume_fuel) a.mov(kFuelReg, qword_ptr(r15, kCtxFuel));
  Label trapped = a.newLabel();
  a.test(eax, eax);
  a.jnz(trapped);
  a.pop(rbp);
  a.ret();
  a.bind(trapped);
  a.call(trap_exit);
}

// The functions set_refused_functions names (fault injection for the
// interpreter fallback): read under a lock, only when armed.
struct Refusals {
  std::mutex mutex;
  std::vector<std::string> names;
  std::atomic<bool> armed{false};
  Refusals() {
    if (const char* env = std::getenv("WPVM_JIT_REFUSE")) set(env);
  }
  void set(std::string_view list) {
    std::lock_guard lock(mutex);
    names.clear();
    for (size_t at = 0; at <= list.size();) {
      size_t end = std::min(list.find(',', at), list.size());
      if (end > at) names.emplace_back(list.substr(at, end - at));
      at = end + 1;
    }
    armed = !names.empty();
  }
  // Whether module m's function func_index is named in the list.
  bool refuses(const Module& m, uint32_t func_index) {
    if (!armed.load(std::memory_order_relaxed)) return false;
    std::lock_guard lock(mutex);
    auto named = [&](std::string_view n) { return std::find(names.begin(), names.end(), n) != names.end(); };
    if (named(m.func_name(func_index))) return true;
    for (const Export& e : m.exports)
      if (e.kind == ExternKind::kFunc && e.index == func_index && named(e.name)) return true;
    return false;
  }
};

Refusals& refusals() {
  static Refusals r;
  return r;
}

// Compiles chunk c's functions; those that fail (ok[i] false) get a stub.
// Returns false if code generation itself failed. The compiler takes every
// valid function, so a failure is a limit (a frame too large) or a bug; a
// function that fails midway restarts the chunk without it (its partial
// code is unusable).
bool compile_chunk(const Module& m, const tier::CodeOptions& options, const VmLayout& layout, Chunk& c,
                   std::vector<uint8_t>& ok, bool listing) {
  for (;;) {
    auto holder = std::make_unique<CodeHolder>();
    CodeHolder& code = *holder;
    code.init(jit_runtime().environment());
    // Room for three times the bodies' size up front (the code is about 2
    // to 2.3 times their size): growing the buffer copies it.
    size_t body_bytes = m.bodies[c.end - 1].code_end - m.bodies[c.first].code_offset;
    code.reserveBuffer(&code.textSection()->buffer(), 3 * body_bytes + 4096);
    StringLogger logger;
    if (listing) code.setLogger(&logger);
    FastAssembler a(&code);
    ModuleCtx mc{a, code, m, options, layout, a.new_jump_label(), {}, {}};
    FuncCompiler fc(mc);
    FunctionDecoder decoder(m, fc);
    LocalUses uses;
    c.offsets.clear();
    std::vector<Label> entries;
    bool restart = false;
    for (uint32_t i = c.first; i < c.end && !restart; ++i) {
      uint32_t func_index = m.num_imported_funcs + i;
      if (listing) {
        std::string name(m.func_name(func_index));
        a.commentf("\nfunc[%u]%s%s:", func_index, name.empty() ? "" : " ", name.c_str());
      }
      if (ok[i] && refusals().refuses(m, func_index)) ok[i] = false;
      if (!ok[i]) {
        entries.push_back(a.newLabel());
        a.bind(entries.back());
        emit_interpreter_stub(a, layout, func_index, mc.trap_exit, options.consume_fuel);
        continue;
      }
      count_local_uses(m, i, uses);
      fc.reset(i, uses);
      entries.push_back(fc.entry());
      auto r = decoder.decode(i);
      if (!r || !fc.ok()) {
        ok[i] = false;
        restart = true;
      }
    }
    if (restart) continue;
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
    call_helper_of(a, reinterpret_cast<const void*>(&capture_backtrace));
    a.mov(eax, ebx);
    a.mov(rcx, qword_ptr(r15, kCtxHelpers));
    a.jmp(qword_ptr(rcx, 8 * static_cast<int32_t>(helper_id(trap_exit()))));
    // Everything the code refers to is in the chunk or reached through the
    // context: nothing to relocate.
    if (code.hasUnresolvedLinks() || !a.jump_labels_bound() || !code.relocEntries().empty()) return false;
    for (Label l : entries) c.offsets.push_back(static_cast<uint32_t>(a.label_offset(l)));
    c.calls = std::move(mc.calls);
    c.sites = std::move(mc.sites);
    if (listing) {
      c.listing = logger.data();
      code.setLogger(nullptr);  // the holder outlives the logger
    }
    c.code = std::move(holder);  // its buffer is copied into place when the module is laid out
    return true;
  }
}

// The calling thread's CPU time: compile time without the waits of a busy
// machine.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// One line per compiled module on stderr (WPVM_JIT_STATS=1): what the
// benchmark reports as compile speed, by the wall clock and by the calling
// thread's CPU time (the pool's threads not counted).
void print_stats(const Module& m, const std::vector<uint8_t>& ok, size_t chunks, size_t code_bytes,
                 std::chrono::nanoseconds dt, double cpu_secs) {
  size_t body_bytes = 0;
  for (const FunctionBody& b : m.bodies) body_bytes += b.code_end - b.code_offset;
  double secs = std::chrono::duration<double>(dt).count();
  auto rate = [&](double t) { return t > 0 ? body_bytes / t / 1e6 : 0.0; };
  std::fprintf(stderr,
               "jit: %zu/%zu functions native, %zu bytes of code section -> %zu bytes in %zu chunks, %.3f ms "
               "(%.1f MB/s), cpu %.3f ms (%.1f MB/s)\n",
               static_cast<size_t>(std::count(ok.begin(), ok.end(), 1)), ok.size(), body_bytes, code_bytes, chunks,
               secs * 1e3, rate(secs), cpu_secs * 1e3, rate(cpu_secs));
}

std::atomic<uint64_t> g_modules_compiled{0};

// WPVM_PERF_MAP=1: each function's code range and name appended to
// /tmp/perf-PID.map, where perf (record/report/top) looks for symbols of
// code without an ELF image, as for other JITs.
void write_perf_map(const Module& m, uintptr_t base, size_t size, std::span<const tier::CodeImage::Entry> entries) {
  static const bool on = [] {
    const char* v = std::getenv("WPVM_PERF_MAP");
    return v && *v && std::string_view(v) != "0";
  }();
  if (!on) return;
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::string path = "/tmp/perf-" + std::to_string(getpid()) + ".map";
  std::FILE* f = std::fopen(path.c_str(), "a");
  if (!f) return;
  for (size_t i = 0; i < entries.size(); ++i) {
    size_t end = i + 1 < entries.size() ? entries[i + 1].offset : size;
    uint32_t index = m.num_imported_funcs + static_cast<uint32_t>(i);
    std::string_view name = m.func_name(index);
    std::fprintf(f, "%lx %zx wasm[%u]%s%.*s\n", static_cast<unsigned long>(base + entries[i].offset),
                 end - entries[i].offset, index, name.empty() ? "" : " ", static_cast<int>(name.size()), name.data());
  }
  std::fclose(f);
}

// Executable code for m (compiled now, or read from disk). Entries must lie
// in the code and rise; nothing runs otherwise.
std::unique_ptr<ModuleCode> load_code(const Module& m, tier::CodeSource src, std::string& error) {
  auto refuse = [&](std::string why) -> std::unique_ptr<ModuleCode> {
    if (src.executable && src.release) src.release();
    error = std::move(why);
    return nullptr;
  };
  if (!trampoline().entry) return refuse("the JIT could not build its entry trampoline");
  if (src.entries.size() != m.bodies.size())
    return refuse("code for " + std::to_string(src.entries.size()) + " functions, the module defines " +
                  std::to_string(m.bodies.size()));
  for (size_t i = 0; i < src.entries.size(); ++i)
    if (src.entries[i].offset >= src.bytes.size() || (i && src.entries[i].offset <= src.entries[i - 1].offset))
      return refuse("function " + std::to_string(i) + "'s code lies outside the image");
  for (size_t i = 0; i < src.sites.size(); ++i)
    if (src.sites[i].native >= src.bytes.size() || (i && src.sites[i].native <= src.sites[i - 1].native))
      return refuse("the code's instruction sites lie outside the image or out of order");
  if (src.bytes.empty()) return refuse("no code");
  const void* base = src.bytes.data();
  std::function<void()> release = src.release;
  if (!src.executable) {
    void* rx = nullptr;
    void* rw = nullptr;
    if (jit_runtime().allocator()->alloc(&rx, &rw, src.bytes.size()) != kErrorOk) return refuse("out of executable memory");
    std::memcpy(rw, src.bytes.data(), src.bytes.size());
    base = rx;
    release = [rx] { jit_runtime().allocator()->release(rx); };
  }
  auto begin = reinterpret_cast<uintptr_t>(base);
  if (!register_code_range(begin, begin + src.bytes.size())) {
    release();
    error = "too many modules' code in this process";
    return nullptr;
  }
  write_perf_map(m, begin, src.bytes.size(), src.entries);
  return std::make_unique<ModuleCode>(m, base, src.bytes.size(), src.entries, src.sites, std::move(src.sites_owner),
                                      std::move(release));
}

// A module's code: its chunks compiled (on the pool when `options.parallel`),
// laid out in order, calls between them patched. nullptr if no function
// could be compiled or code generation failed.
std::unique_ptr<ModuleCode> compile_module(const Module& m, const tier::CodeOptions& options, std::string* listing) {
  if (!trampoline().entry || m.bodies.empty()) return nullptr;
  auto t0 = std::chrono::steady_clock::now();
  double cpu0 = thread_cpu_seconds();
  VmLayout layout(m);
  std::vector<Chunk> chunks = plan_chunks(m);
  // Per defined function (bytes, not vector<bool>: chunks write their own
  // ranges concurrently).
  std::vector<uint8_t> ok(m.bodies.size(), 1);
  bool print_listing = std::getenv("WPVM_JIT_LISTING") != nullptr;
  bool want_listing = listing || print_listing;
  std::atomic<bool> failed{false};
  auto compile = [&](size_t k) {
    if (!compile_chunk(m, options, layout, chunks[k], ok, want_listing)) failed = true;
  };
  // Small modules compile on the calling thread: starting the pool would
  // cost more than it saves.
  if (options.parallel && chunks.size() >= kMinParallelChunks && !want_listing) {
    parallel_for_each(chunks.size(), compile);
  } else {
    for (size_t k = 0; k < chunks.size(); ++k) compile(k);
  }
  if (failed || std::none_of(ok.begin(), ok.end(), [](uint8_t b) { return b != 0; })) return nullptr;


  // Layout: chunks 16-byte aligned, one after another.
  std::vector<size_t> chunk_at;
  size_t size = 0;
  for (const Chunk& c : chunks) {
    size = (size + 15) & ~size_t{15};
    chunk_at.push_back(size);
    size += c.bytes().size();
  }
  std::vector<uint32_t> offsets;
  for (size_t k = 0; k < chunks.size(); ++k)
    for (uint32_t off : chunks[k].offsets) offsets.push_back(static_cast<uint32_t>(chunk_at[k] + off));
  // Laid out straight into executable memory (written through its writable
  // view), calls between chunks patched there.
  void* rx = nullptr;
  void* rw = nullptr;
  if (jit_runtime().allocator()->alloc(&rx, &rw, size) != kErrorOk) return nullptr;
  auto* out = static_cast<uint8_t*>(rw);
  std::vector<tier::CodeImage::Entry> entries;
  auto kept_sites = std::make_shared<std::vector<tier::CodeImage::Site>>();
  std::vector<tier::CodeImage::Site>& sites = *kept_sites;
  size_t num_sites = 0;
  for (const Chunk& c : chunks) num_sites += c.sites.size();
  sites.reserve(num_sites);
  entries.reserve(offsets.size());
  size_t written = 0;
  for (size_t k = 0; k < chunks.size(); ++k) {
    const Chunk& c = chunks[k];
    std::memset(out + written, 0xcc, chunk_at[k] - written);  // int3 between chunks
    std::span<const uint8_t> bytes = c.bytes();
    std::memcpy(out + chunk_at[k], bytes.data(), bytes.size());
    written = chunk_at[k] + bytes.size();
    for (const CallSite& cs : c.calls) {
      size_t site = chunk_at[k] + cs.offset;
      int32_t rel = static_cast<int32_t>(static_cast<int64_t>(offsets[cs.callee]) - static_cast<int64_t>(site + 4));
      std::memcpy(out + site, &rel, 4);
    }
    for (const tier::CodeImage::Site& st : c.sites)
      sites.push_back({static_cast<uint32_t>(chunk_at[k] + st.native), st.wasm});
  }
  for (size_t i = 0; i < offsets.size(); ++i) entries.push_back({offsets[i], ok[i] != 0});
  std::string error;
  std::span<const uint8_t> bytes(static_cast<const uint8_t*>(rx), size);
  std::unique_ptr<ModuleCode> code =
      load_code(m, {bytes, entries, sites, kept_sites, true, [rx] { jit_runtime().allocator()->release(rx); }}, error);
  if (!code) return nullptr;
  g_modules_compiled.fetch_add(1, std::memory_order_relaxed);
  if (want_listing) {
    std::string text;
    for (const Chunk& c : chunks) text += c.listing;
    if (listing) *listing = text;
    if (print_listing) std::fputs(text.c_str(), stderr);
  }
  if (std::getenv("WPVM_JIT_STATS"))
    print_stats(m, ok, chunks.size(), size, std::chrono::steady_clock::now() - t0, thread_cpu_seconds() - cpu0);
  return code;
}

class Jit final : public tier::CodeGenerator {
 public:
  std::unique_ptr<tier::NativeCode> compile(const Module& m, const tier::CodeOptions& options) override {
    return compile_module(m, options, nullptr);
  }
  void prepare_instance() override { install_signal_handler(); }
  std::string fingerprint() const override { return jit::fingerprint(); }
  tier::CodeImage image(const tier::NativeCode& code) const override {
    return static_cast<const ModuleCode&>(code).image();
  }
  std::unique_ptr<tier::NativeCode> load(const Module& m, tier::CodeSource code, std::string& error) override {
    install_signal_handler();
    return load_code(m, std::move(code), error);
  }
  std::optional<Trap> invoke(Store::Impl& store, FuncImpl& f, Slot* slots) override {
    return invoke_native(store, f, slots);
  }
};

}  // namespace

EntryFn entry_trampoline() { return trampoline().entry; }
void* trap_exit() { return trampoline().trap_exit; }
void* oob_landing() { return trampoline().oob; }

ExecContext& thread_context() {
  thread_local ExecContext ctx;
  if (!ctx.helpers) ctx.helpers = helper_table().data();
  return ctx;
}

std::optional<Trap> invoke_native(Store::Impl& store, FuncImpl& f, Slot* slots) {
  ExecContext& ctx = thread_context();
  // The thread's stack budget (exec/stack.h): this entry keeps the limit an
  // outer one set, as raised by the interpreter's frames below it.
  exec::StackEntry stack_entry(WPVM_STACK_POINTER(), store.engine.config().max_wasm_stack);
  const uint64_t saved_limit = ctx.stack_limit;
  ctx.stack_limit = exec::stack_limit();
  Store::Impl* saved = ctx.store;
  uint64_t* saved_vm = ctx.vm;
  const uint64_t saved_fuel = ctx.fuel, saved_deadline = ctx.epoch_deadline;
  const std::atomic<uint64_t>* saved_epoch = ctx.epoch;
  ctx.store = &store;
  ctx.vm = f.vm;
  load_store_state(ctx);
  uint64_t n = call_slots(*f.sig);
  uint32_t status = entry_trampoline()(&ctx, f.native.load(std::memory_order_acquire), slots, n);
  // Native code's own out-of-fuel trap borrowed past 0: none is left. Without
  // fuel the exit's copy means nothing (compiler.h: r13 is a pin then).
  if (store.engine.config().consume_fuel)
    store.fuel = status == exec::trap_code(TrapKind::kOutOfFuel) ? 0 : ctx.fuel;
  ctx.store = saved;
  ctx.vm = saved_vm;
  ctx.fuel = saved_fuel;
  ctx.epoch = saved_epoch;
  ctx.epoch_deadline = saved_deadline;
  ctx.stack_limit = saved_limit;
  if (status == 0) return std::nullopt;
  Trap t;
  if (status == kPendingTrap) {
    // The callee (interpreter, host, another entry) reported its own frames.
    t = std::move(*ctx.pending);
    ctx.pending.reset();
  } else {
    t.kind = exec::trap_kind(status);
  }
  for (Frame& fr : ctx.trap_frames) t.backtrace.push_back(std::move(fr));
  ctx.trap_frames.clear();
  if (status != kPendingTrap && t.backtrace.empty()) {
    Frame fr;
    fr.func_index = f.func_index;
    fr.instance = f.instance;
    fr.name = std::string(f.name());
    t.backtrace.push_back(std::move(fr));
  }
  return t;
}

uint64_t modules_compiled() { return g_modules_compiled.load(std::memory_order_relaxed); }

void set_refused_functions(std::string_view names) { refusals().set(names); }

Result<size_t> native_functions(const Module& m) {
  tier::CodeOptions options;
  options.parallel = false;
  std::unique_ptr<ModuleCode> code = compile_module(m, options, nullptr);
  if (!code) return make_error(ErrorKind::kUsage, kNoOffset, "JIT compilation failed");
  size_t n = 0;
  for (const tier::CodeImage::Entry& e : code->image().entries) n += e.native ? 1 : 0;
  return n;
}

Result<std::string> listing(const Module& m, bool bounds_checks) {
  tier::CodeOptions options;
  options.guarded_memory = !bounds_checks;
  options.parallel = false;
  std::string text;
  if (!compile_module(m, options, &text)) return make_error(ErrorKind::kUsage, kNoOffset, "JIT compilation failed");
  return text;
}

}  // namespace wpvm::jit

namespace wpvm::tier {

CodeGenerator* builtin_code_generator() {
  static jit::Jit jit;
  return &jit;
}

}  // namespace wpvm::tier

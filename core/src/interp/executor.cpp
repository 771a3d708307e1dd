// The interpreter's executor: one function running pre-decoded code with
// direct threading (GCC computed goto). Wasm calls do not recurse on the
// native stack: a call pushes a FrameRec on the thread's frame stack and
// continues in the same loop. What the frames use of those stacks is charged
// against the thread's stack budget (EngineConfig::max_wasm_stack,
// exec/stack.h), which also bounds the native stack that entries nested
// through host functions and native code take.
// The code is the module's (shared by its instances): functions, tables,
// globals and types are module indices resolved through `inst`, the running
// function's instance, which a call or return reloads from FuncImpl::instance.
// Operand layouts are written beside each handler.
#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>

#include "exec/bulk.h"
#include "exec/numeric.h"
#include "exec/slot_tags.h"
#include "exec/stack.h"
#include "exec/tier.h"
#include "interp/code.h"
#include "interp/simd_exec.h"
#include "runtime/atomics.h"

namespace wpvm::interp {

ThreadState::ThreadState(const EngineConfig& config) {
  // Room for the frames the budget allows (exec/stack.h charges each slot
  // and each frame record its size), for budgets up to kMaxStackBytes, plus
  // the arguments of an entry.
  constexpr size_t kMaxStackBytes = size_t{1} << 30;
  size_t budget = std::min(config.max_wasm_stack, kMaxStackBytes);
  size_t n = budget / sizeof(Slot) + 1024;
  // Not zeroed: frames are initialised on entry, and untouched pages of a
  // large stack then cost no memory.
  stack = exec::Reserved<Slot>(n);
  stack_end = stack.get() + n;
  top = stack.get();
  max_depth = static_cast<uint32_t>(budget / sizeof(FrameRec) + 2);
  frames = exec::Reserved<FrameRec>(max_depth);
}

namespace {

ThreadState& thread_state(Store::Impl& store) {
  if (!store.interp_state)
    store.interp_state = {new ThreadState(store.engine.config()), [](ThreadState* ts) { delete ts; }};
  return *store.interp_state;
}

// The trap's backtrace: fn at pc (the instruction that trapped, or the call
// whose callee trapped), then each caller at the call it is in.
Trap make_trap(TrapKind kind, FuncImpl* fn, const Word* pc, const ThreadState& ts, uint32_t base_depth) {
  Trap t;
  t.kind = kind;
  auto add = [&](FuncImpl* f, const Word* at) {
    if (!f) return;
    Frame fr;
    fr.func_index = f->func_index;
    fr.instance = f->instance;
    fr.name = std::string(f->name());
    if (f->code && f->instance) tier::set_frame_offset(fr, *f->instance->mod, f->code->wasm_offset(at));
    t.backtrace.push_back(std::move(fr));
  };
  add(fn, pc);
  // frames[base_depth] holds the entry's sentinel, not a Wasm caller. A
  // caller's return pc follows its call: the word before it is in the call.
  for (uint32_t d = ts.depth; d > base_depth + 1; --d) add(ts.frames[d - 1].fn, ts.frames[d - 1].ret_pc - 1);
  return t;
}

// For the fused forms (WPVM_LOAD_OP in interp_ops.def): bin_X computes the
// numeric row X on two slots; LoadMem_L is what the load row L reads from
// memory and load_slot_L the slot it makes of it.
#define WPVM_BIN(name, in, out, expr)                                  \
  [[gnu::always_inline]] inline Slot bin_##name(Slot sa, Slot sb) {    \
    T_##in a = RD_##in(sa);                                            \
    T_##in b = RD_##in(sb);                                            \
    return WR_##out(expr);                                             \
  }
#define WPVM_LOAD(name, mem_t, out) \
  using LoadMem_##name = mem_t;     \
  [[gnu::always_inline]] inline Slot load_slot_##name(mem_t v) { return WR_##out(v); }
// StoreMem_S is what the store row S writes to memory, store_mem_S made of a slot.
#define WPVM_STORE(name, in, mem_t) \
  using StoreMem_##name = mem_t;    \
  [[gnu::always_inline]] inline mem_t store_mem_##name(Slot s) { return static_cast<mem_t>(RD_##in(s)); }
#include "interp/interp_ops.def"

// The whole interpreter. With store == nullptr it only reports its handler table.
// Built at -O2 whatever the build type: GCC's -O3 made this function's
// handlers about twice as slow on loop-heavy code (measured on a matrix
// multiply). Loop-to-memset conversion is off: the frame set-up loops are short.
__attribute__((optimize("O2", "no-tree-loop-distribute-patterns")))
std::optional<Trap> run(Store::Impl* store, FuncImpl* entry, Slot* entry_fp, const void* const** table_out) {
  static const void* const kHandlers[] = {
#define WPVM_IOP(name) &&L_##name,
#define WPVM_UN(name, in, out, expr) &&L_##name,
#define WPVM_BIN(name, in, out, expr) &&L_##name,
#define WPVM_UN_TRAP(name, in, out, fn) &&L_##name,
#define WPVM_BIN_TRAP(name, in, out, fn) &&L_##name,
#define WPVM_LOAD(name, mem_t, out) &&L_##name, &&L_##name##Add, &&L_##name##Scaled,
#define WPVM_STORE(name, in, mem_t) &&L_##name, &&L_##name##Add,
#define WPVM_LOAD_OP(bin, load) &&L_##bin##_##load, &&L_##bin##_##load##Add,
#define WPVM_OP_STORE(bin, store) &&L_##bin##_##store,
#define WPVM_LOAD_OP_STORE(bin, load, store) &&L_##bin##_##load##_##store,
#include "interp/interp_ops.def"
#define WPVM_ALOAD(name, mem_t, out) &&L_##name,
#define WPVM_ASTORE(name, in, mem_t) &&L_##name,
#define WPVM_ARMW(name, in, mem_t, op) &&L_##name,
#define WPVM_ACMPXCHG(name, in, mem_t) &&L_##name,
#define WPVM_AOP(name) &&L_##name,
#include "exec/atomic_ops.def"
  };
  static_assert(std::size(kHandlers) == static_cast<size_t>(IOp::kCount));
  if (!store) {
    *table_out = kHandlers;
    return std::nullopt;
  }

  ThreadState& ts = thread_state(*store);
  // The stack budget (exec/stack.h): this entry's frames may use the room
  // between this function's native frame and the thread's limit, as far as
  // the store's stacks hold them. An entry nested through host functions or
  // native code finds the limit raised by the frames below it, and its own
  // native frames lower, so a re-entry already past the budget traps at once.
  const uintptr_t sp = WPVM_STACK_POINTER();
  exec::StackEntry stack_entry(sp, store->engine.config().max_wasm_stack);
  const uintptr_t limit = exec::stack_limit();
  const uint32_t base_depth = ts.depth;
  Slot* const saved_top = ts.top;
  const size_t room = std::min({sp > limit ? sp - limit : size_t{0},
                                static_cast<size_t>(ts.stack_end - entry_fp) * sizeof(Slot),
                                static_cast<size_t>(ts.max_depth - base_depth) * sizeof(FrameRec)});
  // What this entry's frames use up to `end`: their slots and frame records.
#define FRAME_BYTES(end, depth) \
  (static_cast<size_t>((end) - entry_fp) * sizeof(Slot) + static_cast<size_t>((depth) - base_depth) * sizeof(FrameRec))
  Word halt[1];
  halt[0].h = &&L_Halt;

  FuncImpl* fn = nullptr;
  InstanceImpl* inst = nullptr;
  Slot* fp = entry_fp;
  const Word* pc = halt;
  uint8_t* mem_base = nullptr;
  uint64_t mem_size = 0;
  TrapKind trap_kind = TrapKind::kUnreachable;
  std::optional<Trap> host_trap;

  // Call protocol state: callee, its frame, and where to continue after it.
  FuncImpl* callee = entry;
  Slot* nfp = entry_fp;
  const Word* rpc = halt;

#define DISPATCH() goto* pc->h
#define TRAP(name)                  \
  do {                              \
    trap_kind = TrapKind::k##name;  \
    goto L_trap;                    \
  } while (0)
// Traps if `code`, a TrapCode (exec/trap_code.h), is one.
#define TRAP_IF(code)                                    \
  do {                                                   \
    if (exec::TrapCode trap_if_ = (code)) {              \
      trap_kind = exec::trap_kind(trap_if_);             \
      goto L_trap;                                       \
    }                                                    \
  } while (0)
#define LOAD_MEM()                                    \
  do {                                                \
    if (!inst->memories.empty()) {                    \
      LinearMemory* m0 = inst->memories[0]->lin.get(); \
      mem_base = m0->base;                            \
      mem_size = atomics::memory_size_acquire(*m0);   \
    } else {                                          \
      mem_base = nullptr;                             \
      mem_size = 0;                                   \
    }                                                 \
  } while (0)

  fn = entry;  // the sentinel frame records the entry itself (see make_trap)
  inst = nullptr;  // so that entering the first function loads its memory

L_do_call: {
  if (!callee->instance) {
    // Host function: arguments and results in place at nfp.
    ts.top = nfp + std::max(callee->sig->params.size(), callee->sig->results.size()) * 2;
    exec::stack_limit() = limit + FRAME_BYTES(ts.top, ts.depth);
    host_trap = call_host(*store, *callee, inst, nfp);
    exec::stack_limit() = limit;
    ts.top = saved_top;
    if (host_trap) goto L_host_trap;
    pc = rpc;
    LOAD_MEM();
    DISPATCH();
  }
  // Native code of the JIT tier (exec/tier.h), called like a host function.
  if (callee->native.load(std::memory_order_acquire) || (store->engine.config().tier == Tier::kJit && tier::ensure_native(*store, *callee))) {
    ts.top = nfp + std::max(callee->sig->params.size(), callee->sig->results.size()) * 2;
    exec::stack_limit() = limit + FRAME_BYTES(ts.top, ts.depth);
    host_trap = tier::code_generator(*store)->invoke(*store, *callee, nfp);
    exec::stack_limit() = limit;
    ts.top = saved_top;
    if (host_trap) goto L_host_trap;
    pc = rpc;
    LOAD_MEM();
    DISPATCH();
  }
  if (!callee->code) {
    auto r = compile(*callee);
    if (!r) {
      host_trap = Trap{TrapKind::kHost, "cannot compile function: " + r.error().message, 0, {}};
      goto L_host_trap;
    }
  }
  const Code* c = callee->code;
  if (FRAME_BYTES(nfp + c->frame_slots, ts.depth + 1) > room) TRAP(CallStackExhausted);
  ts.frames[ts.depth++] = FrameRec{rpc, fp, fn};
  fp = nfp;
  fn = callee;
  // Plain loops: frames are small, and a libc call per Wasm call costs more.
  for (uint32_t i = c->param_slots; i < c->local_slots; ++i) fp[i] = 0;
  for (size_t i = 0, n = c->consts.size(); i < n; ++i) fp[c->local_slots + i] = c->consts[i];
  pc = c->words.data();
  // Memory 0 can only have changed under us if another instance ran (a
  // same-instance memory.grow reloads it itself).
  if (callee->instance != inst) {
    inst = callee->instance;
    LOAD_MEM();
  }
  DISPATCH();
}

L_Halt:
  ts.top = saved_top;
  return std::nullopt;

L_Unreachable:
  TRAP(Unreachable);

// [h][dst, src]
L_Copy:
  fp[pc[1].u.a] = fp[pc[1].u.b];
  pc += 2;
  DISPATCH();
L_Copy2:
  fp[pc[1].u.a] = fp[pc[1].u.b];
  fp[pc[1].u.a + 1] = fp[pc[1].u.b + 1];
  pc += 2;
  DISPATCH();
// [h][dst, -][imm]
L_Const:
  fp[pc[1].u.a] = pc[2].imm;
  pc += 3;
  DISPATCH();

// Pays `cost` fuel where a segment starts (exec/fuel.h); a segment the fuel
// left cannot pay traps before it runs, leaving none.
#define PAY_FUEL(cost)           \
  do {                           \
    const uint64_t cost_ = (cost); \
    if (store->fuel < cost_) {   \
      store->fuel = 0;           \
      TRAP(OutOfFuel);           \
    }                            \
    store->fuel -= cost_;        \
  } while (0)
// The fuel-paying branch forms (WPVM_BRANCH in interp_ops.def): the word
// after the unfused form's operands holds [taken cost, fall-through cost],
// what the segment entered costs. `n` is the unfused form's length in words.
#define FUEL_BRANCH(taken, n, target)                      \
  do {                                                     \
    const bool taken_ = (taken);                           \
    PAY_FUEL(taken_ ? pc[n].u.a : pc[n].u.b);              \
    pc = taken_ ? (target) : pc + (n) + 1;                 \
    DISPATCH();                                            \
  } while (0)

// [h][target]
L_Br:
  pc = pc[1].target;
  DISPATCH();
L_BrFuel:
  FUEL_BRANCH(true, 2, pc[1].target);
// [h][target][dst, src][count, -]: ascending copy, dst < src
L_BrCopy: {
  Slot* d = fp + pc[2].u.a;
  const Slot* s = fp + pc[2].u.b;
  for (uint32_t i = 0, n = pc[3].u.a; i < n; ++i) d[i] = s[i];
  pc = pc[1].target;
  DISPATCH();
}
// [h][cond, -][target]
L_BrIf:
  pc = RD_u32(fp[pc[1].u.a]) ? pc[2].target : pc + 3;
  DISPATCH();
L_BrIfFuel:
  FUEL_BRANCH(RD_u32(fp[pc[1].u.a]), 3, pc[2].target);
L_BrUnless:
  pc = RD_u32(fp[pc[1].u.a]) ? pc + 3 : pc[2].target;
  DISPATCH();
L_BrUnlessFuel:
  FUEL_BRANCH(!RD_u32(fp[pc[1].u.a]), 3, pc[2].target);
// [h][cond, -][target][dst, src][count, -]
L_BrIfCopy:
  if (RD_u32(fp[pc[1].u.a])) {
    Slot* d = fp + pc[3].u.a;
    const Slot* s = fp + pc[3].u.b;
    for (uint32_t i = 0, n = pc[4].u.a; i < n; ++i) d[i] = s[i];
    pc = pc[2].target;
  } else {
    pc += 5;
  }
  DISPATCH();
// [h][index, n][src, -] then n + 1 entries [target][dst, count]
L_BrTable: {
  uint32_t i = std::min(RD_u32(fp[pc[1].u.a]), pc[1].u.b);
  const Word* e = pc + 3 + 2 * i;
  uint32_t dst = e[1].u.a, n = e[1].u.b, src = pc[2].u.a;
  if (dst != src)
    for (uint32_t k = 0; k < n; ++k) fp[dst + k] = fp[src + k];
  pc = e[0].target;
  DISPATCH();
}
// [h][index, n][src, -] then n + 1 entries [target][cost, -][dst, count]
L_BrTableFuel: {
  uint32_t i = std::min(RD_u32(fp[pc[1].u.a]), pc[1].u.b);
  const Word* e = pc + 3 + 3 * i;
  PAY_FUEL(e[1].u.a);
  uint32_t dst = e[2].u.a, n = e[2].u.b, src = pc[2].u.a;
  if (dst != src)
    for (uint32_t k = 0; k < n; ++k) fp[dst + k] = fp[src + k];
  pc = e[0].target;
  DISPATCH();
}

// [h][a, b][target]: compare and branch if true
#define BR_IF_CMP(name, tag, op)                                                      \
  L_BrIf##name:                                                                       \
  pc = (RD_##tag(fp[pc[1].u.a]) op RD_##tag(fp[pc[1].u.b])) ? pc[2].target : pc + 3; \
  DISPATCH();                                                                         \
  L_BrIf##name##Fuel:                                                                 \
  FUEL_BRANCH(RD_##tag(fp[pc[1].u.a]) op RD_##tag(fp[pc[1].u.b]), 3, pc[2].target);
  BR_IF_CMP(I32Eq, u32, ==)
  BR_IF_CMP(I32Ne, u32, !=)
  BR_IF_CMP(I32LtS, s32, <)
  BR_IF_CMP(I32LtU, u32, <)
  BR_IF_CMP(I32GtS, s32, >)
  BR_IF_CMP(I32GtU, u32, >)
  BR_IF_CMP(I32LeS, s32, <=)
  BR_IF_CMP(I32LeU, u32, <=)
  BR_IF_CMP(I32GeS, s32, >=)
  BR_IF_CMP(I32GeU, u32, >=)
#undef BR_IF_CMP
// [h][a, -][target]
L_BrIfI32Eqz:
  pc = RD_u32(fp[pc[1].u.a]) == 0 ? pc[2].target : pc + 3;
  DISPATCH();
L_BrIfI32EqzFuel:
  FUEL_BRANCH(RD_u32(fp[pc[1].u.a]) == 0, 3, pc[2].target);
L_BrIfI32Nez:
  pc = RD_u32(fp[pc[1].u.a]) != 0 ? pc[2].target : pc + 3;
  DISPATCH();
L_BrIfI32NezFuel:
  FUEL_BRANCH(RD_u32(fp[pc[1].u.a]) != 0, 3, pc[2].target);
#undef FUEL_BRANCH

// Loop latches. [h][dst, a][b, c][target]: dst = a + b, then branch if
// dst op c (c is read after dst is written: it may be dst).
#define ADD_BR_IF(name, tag, op)                                                        \
  L_I32AddBrIf##name : {                                                                \
    const uint64_t sum_ = WR_u32(RD_u32(fp[pc[1].u.b]) + RD_u32(fp[pc[2].u.a]));        \
    fp[pc[1].u.a] = sum_;                                                               \
    pc = (RD_##tag(sum_) op RD_##tag(fp[pc[2].u.b])) ? pc[3].target : pc + 4;           \
    DISPATCH();                                                                         \
  }
  ADD_BR_IF(Eq, u32, ==)
  ADD_BR_IF(Ne, u32, !=)
  ADD_BR_IF(LtS, s32, <)
  ADD_BR_IF(LtU, u32, <)
  ADD_BR_IF(GtS, s32, >)
  ADD_BR_IF(GtU, u32, >)
  ADD_BR_IF(LeS, s32, <=)
  ADD_BR_IF(LeU, u32, <=)
  ADD_BR_IF(GeS, s32, >=)
  ADD_BR_IF(GeU, u32, >=)
#undef ADD_BR_IF
// [h][d1, a1][b1, dst][a, b][c, -][target]: d1 = a1 + b1, dst = a + b, then
// branch if dst op c (Eqz, Nez: dst op 0)
#define ADD2_BR_IF(name, tag, op, rhs)                                                  \
  L_I32Add2BrIf##name : {                                                               \
    fp[pc[1].u.a] = WR_u32(RD_u32(fp[pc[1].u.b]) + RD_u32(fp[pc[2].u.a]));              \
    const uint64_t sum_ = WR_u32(RD_u32(fp[pc[3].u.a]) + RD_u32(fp[pc[3].u.b]));        \
    fp[pc[2].u.b] = sum_;                                                               \
    pc = (RD_##tag(sum_) op (rhs)) ? pc[5].target : pc + 6;                             \
    DISPATCH();                                                                         \
  }
  ADD2_BR_IF(Eq, u32, ==, RD_u32(fp[pc[4].u.a]))
  ADD2_BR_IF(Ne, u32, !=, RD_u32(fp[pc[4].u.a]))
  ADD2_BR_IF(LtS, s32, <, RD_s32(fp[pc[4].u.a]))
  ADD2_BR_IF(LtU, u32, <, RD_u32(fp[pc[4].u.a]))
  ADD2_BR_IF(GtS, s32, >, RD_s32(fp[pc[4].u.a]))
  ADD2_BR_IF(GtU, u32, >, RD_u32(fp[pc[4].u.a]))
  ADD2_BR_IF(LeS, s32, <=, RD_s32(fp[pc[4].u.a]))
  ADD2_BR_IF(LeU, u32, <=, RD_u32(fp[pc[4].u.a]))
  ADD2_BR_IF(GeS, s32, >=, RD_s32(fp[pc[4].u.a]))
  ADD2_BR_IF(GeU, u32, >=, RD_u32(fp[pc[4].u.a]))
  ADD2_BR_IF(Eqz, u32, ==, 0u)
  ADD2_BR_IF(Nez, u32, !=, 0u)
#undef ADD2_BR_IF
// [h][dst, a][b, -][target]: dst = a + b, then branch if dst == 0 / != 0
L_I32AddBrIfEqz: {
  const uint32_t sum = RD_u32(fp[pc[1].u.b]) + RD_u32(fp[pc[2].u.a]);
  fp[pc[1].u.a] = WR_u32(sum);
  pc = sum == 0 ? pc[3].target : pc + 4;
  DISPATCH();
}
L_I32AddBrIfNez: {
  const uint32_t sum = RD_u32(fp[pc[1].u.b]) + RD_u32(fp[pc[2].u.a]);
  fp[pc[1].u.a] = WR_u32(sum);
  pc = sum != 0 ? pc[3].target : pc + 4;
  DISPATCH();
}

// [h][src, count]: results to slots [0, count), then back to the caller.
L_Return: {
  uint32_t src = pc[1].u.a, n = pc[1].u.b;
  if (src != 0)
    for (uint32_t i = 0; i < n; ++i) fp[i] = fp[src + i];
  const FrameRec& r = ts.frames[--ts.depth];
  pc = r.ret_pc;
  fp = r.fp;
  fn = r.fn;
  if (fn->instance != inst) {
    inst = fn->instance;
    LOAD_MEM();
  }
  DISPATCH();
}
// [h][func, -][base, -]: func indexes the running instance's functions
L_Call:
  callee = inst->func(pc[1].u.a);
  nfp = fp + pc[2].u.a;
  rpc = pc + 3;
  goto L_do_call;
// [h][table, -][type, base][index, -]: the module's table and type indices
L_CallIndirect: {
  const TableImpl* t = inst->tables[pc[1].u.a];
  uint32_t i = RD_u32(fp[pc[3].u.a]);
  if (i >= t->elems.size()) TRAP(UndefinedElement);
  callee = static_cast<FuncImpl*>(t->elems[i]);
  if (!callee) TRAP(UninitializedElement);
  if (callee->sig_id != inst->type_ids[pc[2].u.a]) TRAP(IndirectCallTypeMismatch);
  nfp = fp + pc[2].u.b;
  rpc = pc + 4;
  goto L_do_call;
}

// [h][dst, cond][a, b]
L_Select:
  fp[pc[1].u.a] = RD_u32(fp[pc[1].u.b]) ? fp[pc[2].u.a] : fp[pc[2].u.b];
  pc += 3;
  DISPATCH();
L_Select2: {
  uint32_t s = RD_u32(fp[pc[1].u.b]) ? pc[2].u.a : pc[2].u.b;
  fp[pc[1].u.a] = fp[s];
  fp[pc[1].u.a + 1] = fp[s + 1];
  pc += 3;
  DISPATCH();
}
// [h][d1, a1][b1, d2][a2, b2]: d1 = a1 + b1, then d2 = a2 + b2 (i32)
L_I32Add2:
  fp[pc[1].u.a] = WR_u32(RD_u32(fp[pc[1].u.b]) + RD_u32(fp[pc[2].u.a]));
  fp[pc[2].u.b] = WR_u32(RD_u32(fp[pc[3].u.a]) + RD_u32(fp[pc[3].u.b]));
  pc += 4;
  DISPATCH();
// [h][slot, -][global, -]
L_GlobalGet:
  fp[pc[1].u.a] = inst->globals[pc[2].u.a]->cell[0];
  pc += 3;
  DISPATCH();
L_GlobalSet:
  inst->globals[pc[2].u.a]->cell[0] = fp[pc[1].u.a];
  pc += 3;
  DISPATCH();
L_GlobalGet2:
  std::memcpy(fp + pc[1].u.a, inst->globals[pc[2].u.a]->cell, 2 * sizeof(Slot));
  pc += 3;
  DISPATCH();
L_GlobalSet2:
  std::memcpy(inst->globals[pc[2].u.a]->cell, fp + pc[1].u.a, 2 * sizeof(Slot));
  pc += 3;
  DISPATCH();

// [h][dst, -]
L_MemorySize:  // the live size: another thread may have grown a shared memory
  fp[pc[1].u.a] = atomics::memory_size_acquire(*inst->memories[0]->lin) / kPageSize;
  pc += 2;
  DISPATCH();
// The bulk memory and table instructions are exec/bulk.h's.
// [h][dst, delta]
L_MemoryGrow:
  fp[pc[1].u.a] = WR_u32(exec::memory_grow(inst->memories[0], RD_u32(fp[pc[1].u.b])));
  LOAD_MEM();
  pc += 2;
  DISPATCH();
// [h][dst, value][n, -]
L_MemoryFill:
  TRAP_IF(exec::memory_fill(mem_base, mem_size, RD_u32(fp[pc[1].u.a]), RD_u32(fp[pc[1].u.b]), RD_u32(fp[pc[2].u.a])));
  pc += 3;
  DISPATCH();
// [h][dst, src][n, -]
L_MemoryCopy:
  TRAP_IF(exec::memory_copy(mem_base, mem_size, RD_u32(fp[pc[1].u.a]), RD_u32(fp[pc[1].u.b]), RD_u32(fp[pc[2].u.a])));
  pc += 3;
  DISPATCH();
// [h][dst, src][n, segment]
L_MemoryInit:
  TRAP_IF(exec::memory_init(inst, mem_base, mem_size, RD_u32(fp[pc[1].u.a]), RD_u32(fp[pc[1].u.b]),
                            RD_u32(fp[pc[2].u.a]), pc[2].u.b));
  pc += 3;
  DISPATCH();
// [h][segment, -]
L_DataDrop:
  exec::data_drop(inst, pc[1].u.a);
  pc += 2;
  DISPATCH();

// Tables are operands by module index: [table, -] words.
// [h][dst, index][table, -]
L_TableGet:
  TRAP_IF(exec::table_get(inst->tables[pc[2].u.a], RD_u32(fp[pc[1].u.b]), &fp[pc[1].u.a]));
  pc += 3;
  DISPATCH();
// [h][index, value][table, -]
L_TableSet:
  TRAP_IF(exec::table_set(inst->tables[pc[2].u.a], RD_u32(fp[pc[1].u.a]), fp[pc[1].u.b]));
  pc += 3;
  DISPATCH();
// [h][dst, -][table, -]
L_TableSize:
  fp[pc[1].u.a] = WR_u32(exec::table_size(inst->tables[pc[2].u.a]));
  pc += 3;
  DISPATCH();
// [h][dst, init][delta, -][table, -]
L_TableGrow:
  fp[pc[1].u.a] = WR_u32(exec::table_grow(inst->tables[pc[3].u.a], fp[pc[1].u.b], RD_u32(fp[pc[2].u.a])));
  pc += 4;
  DISPATCH();
// [h][index, value][n, -][table, -]
L_TableFill:
  TRAP_IF(exec::table_fill(inst->tables[pc[3].u.a], RD_u32(fp[pc[1].u.a]), fp[pc[1].u.b], RD_u32(fp[pc[2].u.a])));
  pc += 4;
  DISPATCH();
// [h][dst, src][n, -][dst table, -][src table, -]
L_TableCopy:
  TRAP_IF(exec::table_copy(inst->tables[pc[3].u.a], inst->tables[pc[4].u.a], RD_u32(fp[pc[1].u.a]),
                           RD_u32(fp[pc[1].u.b]), RD_u32(fp[pc[2].u.a])));
  pc += 5;
  DISPATCH();
// [h][dst, src][n, segment][table, -]
L_TableInit:
  TRAP_IF(exec::table_init(inst, inst->tables[pc[3].u.a], RD_u32(fp[pc[1].u.a]), RD_u32(fp[pc[1].u.b]),
                           RD_u32(fp[pc[2].u.a]), pc[2].u.b));
  pc += 4;
  DISPATCH();
// [h][segment, -]
L_ElemDrop:
  exec::elem_drop(inst, pc[1].u.a);
  pc += 2;
  DISPATCH();
// [h][dst, -][func, -]
L_RefFunc:
  fp[pc[1].u.a] = reinterpret_cast<uintptr_t>(inst->func(pc[2].u.a));
  pc += 3;
  DISPATCH();
// [h][cost, -]: pays a segment's fuel where it starts
L_Fuel:
  PAY_FUEL(pc[1].u.a);
  pc += 2;
  DISPATCH();
// [h]: on entry and at loop headers, the engine's epoch against the store's deadline
L_Epoch:
  if (store->epoch->load(std::memory_order_relaxed) >= store->epoch_deadline) TRAP(Interrupted);
  pc += 1;
  DISPATCH();
// [h][op, dst][a, b][c, aux]: a SIMD instruction, one function per row (simd_exec.h)
L_Simd:
  TRAP_IF(simd::kFns[pc[1].u.a](fp, pc, mem_base, mem_size));
  pc += simd::kWords;
  DISPATCH();

#define WPVM_UN(name, in, out, expr)       \
  L_##name : {                             \
    T_##in a = RD_##in(fp[pc[1].u.b]);     \
    fp[pc[1].u.a] = WR_##out(expr);        \
    pc += 2;                               \
    DISPATCH();                            \
  }
#define WPVM_BIN(name, in, out, expr)      \
  L_##name : {                             \
    T_##in a = RD_##in(fp[pc[1].u.b]);     \
    T_##in b = RD_##in(fp[pc[2].u.a]);     \
    fp[pc[1].u.a] = WR_##out(expr);        \
    pc += 3;                               \
    DISPATCH();                            \
  }
#define WPVM_UN_TRAP(name, in, out, fn)                 \
  L_##name : {                                          \
    T_##in a = RD_##in(fp[pc[1].u.b]);                  \
    T_##out r;                                          \
    TRAP_IF(fn(a, &r));                                 \
    fp[pc[1].u.a] = WR_##out(r);                        \
    pc += 2;                                            \
    DISPATCH();                                         \
  }
#define WPVM_BIN_TRAP(name, in, out, fn)                \
  L_##name : {                                          \
    T_##in a = RD_##in(fp[pc[1].u.b]);                  \
    T_##in b = RD_##in(fp[pc[2].u.a]);                  \
    T_##in r;                                           \
    TRAP_IF(fn(a, b, &r));                              \
    fp[pc[1].u.a] = WR_##out(r);                        \
    pc += 3;                                            \
    DISPATCH();                                         \
  }
#define WPVM_LOAD(name, mem_t, out)                                      \
  L_##name : {                                                           \
    uint64_t ea = uint64_t{RD_u32(fp[pc[1].u.b])} + pc[2].u.a;           \
    if (ea + sizeof(mem_t) > mem_size) TRAP(MemoryOutOfBounds);          \
    mem_t v;                                                             \
    std::memcpy(&v, mem_base + ea, sizeof v);                            \
    fp[pc[1].u.a] = WR_##out(v);                                         \
    pc += 3;                                                             \
    DISPATCH();                                                          \
  }                                                                      \
  /* [h][dst, x][y, offset]: the address is the i32 sum x + y (wrapping) */ \
  L_##name##Add : {                                                      \
    uint32_t addr = RD_u32(fp[pc[1].u.b]) + RD_u32(fp[pc[2].u.a]);       \
    uint64_t ea = uint64_t{addr} + pc[2].u.b;                            \
    if (ea + sizeof(mem_t) > mem_size) TRAP(MemoryOutOfBounds);          \
    mem_t v;                                                             \
    std::memcpy(&v, mem_base + ea, sizeof v);                            \
    fp[pc[1].u.a] = WR_##out(v);                                         \
    pc += 3;                                                             \
    DISPATCH();                                                          \
  }                                                                      \
  /* [h][dst, x][y, offset][shift, -]: the address is x + (y << shift) */ \
  L_##name##Scaled : {                                                   \
    uint32_t addr = RD_u32(fp[pc[1].u.b]) + (RD_u32(fp[pc[2].u.a]) << pc[3].u.a); \
    uint64_t ea = uint64_t{addr} + pc[2].u.b;                            \
    if (ea + sizeof(mem_t) > mem_size) TRAP(MemoryOutOfBounds);          \
    mem_t v;                                                             \
    std::memcpy(&v, mem_base + ea, sizeof v);                            \
    fp[pc[1].u.a] = WR_##out(v);                                         \
    pc += 4;                                                             \
    DISPATCH();                                                          \
  }
#define WPVM_STORE(name, in, mem_t)                                      \
  L_##name : {                                                           \
    uint64_t ea = uint64_t{RD_u32(fp[pc[1].u.a])} + pc[2].u.a;           \
    if (ea + sizeof(mem_t) > mem_size) TRAP(MemoryOutOfBounds);          \
    mem_t v = static_cast<mem_t>(RD_##in(fp[pc[1].u.b]));                \
    std::memcpy(mem_base + ea, &v, sizeof v);                            \
    pc += 3;                                                             \
    DISPATCH();                                                          \
  }                                                                      \
  /* [h][x, y][value, offset]: the address is the i32 sum x + y */      \
  L_##name##Add : {                                                      \
    uint32_t addr = RD_u32(fp[pc[1].u.a]) + RD_u32(fp[pc[1].u.b]);       \
    uint64_t ea = uint64_t{addr} + pc[2].u.b;                            \
    if (ea + sizeof(mem_t) > mem_size) TRAP(MemoryOutOfBounds);          \
    mem_t v = static_cast<mem_t>(RD_##in(fp[pc[2].u.a]));                \
    std::memcpy(mem_base + ea, &v, sizeof v);                            \
    pc += 3;                                                             \
    DISPATCH();                                                          \
  }
// [h][dst, a][addr, offset] and [h][dst, a][x, y][offset, -]: dst = a bin
// (what load reads), the address as the load row's
#define WPVM_LOAD_OP(bin, load)                                          \
  L_##bin##_##load : {                                                   \
    uint64_t ea = uint64_t{RD_u32(fp[pc[2].u.a])} + pc[2].u.b;           \
    if (ea + sizeof(LoadMem_##load) > mem_size) TRAP(MemoryOutOfBounds); \
    LoadMem_##load v;                                                    \
    std::memcpy(&v, mem_base + ea, sizeof v);                            \
    fp[pc[1].u.a] = bin_##bin(fp[pc[1].u.b], load_slot_##load(v));       \
    pc += 3;                                                             \
    DISPATCH();                                                          \
  }                                                                      \
  L_##bin##_##load##Add : {                                              \
    uint32_t addr = RD_u32(fp[pc[2].u.a]) + RD_u32(fp[pc[2].u.b]);       \
    uint64_t ea = uint64_t{addr} + pc[3].u.a;                            \
    if (ea + sizeof(LoadMem_##load) > mem_size) TRAP(MemoryOutOfBounds); \
    LoadMem_##load v;                                                    \
    std::memcpy(&v, mem_base + ea, sizeof v);                            \
    fp[pc[1].u.a] = bin_##bin(fp[pc[1].u.b], load_slot_##load(v));       \
    pc += 4;                                                             \
    DISPATCH();                                                          \
  }
// [h][a, b][addr, offset]: stores a bin b
#define WPVM_OP_STORE(bin, store)                                         \
  L_##bin##_##store : {                                                   \
    uint64_t ea = uint64_t{RD_u32(fp[pc[2].u.a])} + pc[2].u.b;            \
    if (ea + sizeof(StoreMem_##store) > mem_size) TRAP(MemoryOutOfBounds); \
    StoreMem_##store v = store_mem_##store(bin_##bin(fp[pc[1].u.a], fp[pc[1].u.b])); \
    std::memcpy(mem_base + ea, &v, sizeof v);                             \
    pc += 3;                                                              \
    DISPATCH();                                                           \
  }
// [h][a, addr][offset, -]: x = a bin x for the x at addr + offset
#define WPVM_LOAD_OP_STORE(bin, load, store)                              \
  L_##bin##_##load##_##store : {                                          \
    static_assert(sizeof(LoadMem_##load) == sizeof(StoreMem_##store));    \
    uint64_t ea = uint64_t{RD_u32(fp[pc[1].u.b])} + pc[2].u.a;            \
    if (ea + sizeof(LoadMem_##load) > mem_size) TRAP(MemoryOutOfBounds);  \
    LoadMem_##load x;                                                     \
    std::memcpy(&x, mem_base + ea, sizeof x);                             \
    StoreMem_##store v = store_mem_##store(bin_##bin(fp[pc[1].u.a], load_slot_##load(x))); \
    std::memcpy(mem_base + ea, &v, sizeof v);                             \
    pc += 3;                                                              \
    DISPATCH();                                                           \
  }
#include "interp/interp_ops.def"
#include "interp/exec_atomics.inc"

L_host_trap: {
  Trap t = std::move(*host_trap);
  Trap bt = make_trap(t.kind, fn, pc, ts, base_depth);
  // A native callee (JIT tier) reports its own frames; ours follow them.
  for (Frame& fr : bt.backtrace) t.backtrace.push_back(std::move(fr));
  ts.depth = base_depth;
  ts.top = saved_top;
  return t;
}
L_trap: {
  // Another thread may have grown a shared memory since mem_size was cached:
  // before trapping, retry the access (pc is still on it) with the live size.
  if (trap_kind == TrapKind::kMemoryOutOfBounds && inst && !inst->memories.empty() &&
      atomics::memory_size_acquire(*inst->memories[0]->lin) != mem_size) {
    LOAD_MEM();
    DISPATCH();
  }
  Trap t = make_trap(trap_kind, fn, pc, ts, base_depth);
  ts.depth = base_depth;
  ts.top = saved_top;
  return t;
}
}

}  // namespace

const void* const* handler_table() {
  static const void* const* table = [] {
    const void* const* t = nullptr;
    (void)run(nullptr, nullptr, nullptr, &t);
    return t;
  }();
  return table;
}

}  // namespace wpvm::interp

namespace wpvm::tier {

Slot* entry_slots(Store::Impl& store, uint32_t n) {
  interp::ThreadState& ts = interp::thread_state(store);
  return ts.top + n > ts.stack_end ? nullptr : ts.top;
}

std::optional<Trap> interpret(Store::Impl& store, FuncImpl& f, Slot* slots) {
  return interp::run(&store, &f, slots, nullptr);
}

}  // namespace wpvm::tier

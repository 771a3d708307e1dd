// The baseline compiler: an Emitter (core/src/emitter.h) that the body
// decoder drives once per function, producing x86-64 code with asmjit.
//
// Model (after Liftoff): a value stack whose entries live in a register, a
// constant, or their home slot in the frame; registers are spilled on demand
// and flushed at control-flow boundaries, where every label sees values in
// their home slots. Locals live in frame slots.
//
// The code is compiled once per module and holds no address: instance data
// is read through the running instance's context (ExecContext::vm,
// vm_context.h), helpers are called through ExecContext::helpers, calls
// between the module's functions are rel32 calls patched when the module's
// chunks are laid out (jit.cpp), and jump tables hold offsets.
//
// Native calling convention (every function of every module):
//   r15 = ExecContext* (pinned), r14 = memory 0 base (set by each prologue
//   from the context, reloaded after a call that entered another instance;
//   any other call keeps it), r13 = the fuel left in code
//   compiled with CodeOptions::consume_fuel (kFuelReg: loaded from
//   ExecContext::fuel by the entry trampoline, written back by its exit and
//   around every call through call_slow, which reloads it; JIT-to-JIT calls
//   share it as it is; without consume_fuel r13 is an ordinary pin).
//   Arguments are 8-byte slots just above the return address, from
//   [rbp+16] in the callee, a v128 taking two (slot_width, as the
//   interpreter lays them out); results are written back to the same slots. rbx, r12 and
//   r13 are callee-saved (pinned locals); all other registers are
//   caller-saved. A call to another instance's function switches
//   ExecContext::vm around it.
// Frame: below the saved pins, declared locals [rbp-w*(1+j)], then
//   operand-stack home slots, then the outgoing argument area at [rsp]
//   (8-byte slots). w, the frame slot's width, is 8 bytes, or 16 in a
//   function with a v128 value anywhere (count_local_uses), where every
//   local and operand slot can then hold one.
#pragma once
#include <asmjit/x86.h>

#include <cstdint>
#include <algorithm>
#include <array>
#include <span>
#include <vector>

#include "assembler.h"
#include "context.h"
#include "emitter.h"
#include "exec/fuel.h"
#include "exec/tier.h"
#include "runtime/vm_context.h"

namespace wpvm::jit {

// The fuel left while code compiled with CodeOptions::consume_fuel runs
// (the native convention above): a register, so that consecutive charges do
// not chain through memory.
inline constexpr asmjit::x86::Gp kFuelReg = asmjit::x86::r13;

// A direct call to a defined function, patched once every function has its
// address: the rel32 field at `offset` in the chunk's code.
struct CallSite {
  uint32_t offset;
  uint32_t callee;  // defined function index
};

// What the compilers of one chunk of a module's functions share: the
// assembler, the module and what its code may assume, the context layout,
// the call sites to patch, and where code that traps or calls came from.
struct ModuleCtx {
  FastAssembler& a;
  asmjit::CodeHolder& code;
  const Module& m;
  const tier::CodeOptions& options;
  const VmLayout& layout;
  asmjit::Label trap_exit;  // *call* here with the status in eax
  std::vector<CallSite> calls;
  // Per byte of code a backtrace can stop at, from the chunk's start, the
  // module offset of its Wasm instruction (tier::CodeImage::Site), in code
  // order: the last byte of each call to another function and of each trap
  // path's call to the exit (return address - 1), and the first byte of each
  // access that may fault on a guard page.
  std::vector<tier::CodeImage::Site> sites;
};

// An argument of a helper call that is not a Wasm operand: a constant, or a
// word of the running instance's context at a byte offset (vm_context.h).
struct HelperArg {
  bool from_vm;
  uint64_t value;
  static HelperArg imm(uint64_t v) { return {false, v}; }
  static HelperArg vm(int32_t offset) { return {true, static_cast<uint64_t>(static_cast<uint32_t>(offset))}; }
};

struct LocalUses;

// How many trap kinds there are (wpvm/trap.def).
inline constexpr size_t kNumTrapKinds = 0
#define WPVM_TRAP(name, text) +1
#include "wpvm/trap.def"
#undef WPVM_TRAP
    ;

// One per chunk: reset() starts each function, reusing the storage of the
// last one.
class FuncCompiler {
 public:
  static constexpr bool kDecodesValidated = true;  // compiles validated modules only
  explicit FuncCompiler(ModuleCtx& mc);
  // Starts compiling defined function `defined_index` (then the body decoder
  // drives it); its locals' weights are taken from `uses`, which gets back
  // storage to reuse.
  void reset(uint32_t defined_index, LocalUses& uses);
  asmjit::Label entry() const { return entry_; }

  void begin_function(const FuncContext& fc);
  void end_function(bool reachable);
  void block(BlockSig sig);
  void loop(BlockSig sig);
  void if_(BlockSig sig);
  void else_(bool reachable);
  void end(bool reachable);
  void br(uint32_t depth);
  void br_if(uint32_t depth);
  void br_table(std::span<const uint32_t> depths, uint32_t default_depth);
  void return_();
  void unreachable();
  void op(Opcode op, const Imm& imm, std::span<const ValType> pops, std::span<const ValType> pushes);
  void at(uint32_t offset) { at_ = offset; }

  // False if the function used something this compiler does not handle
  // (its code must then be discarded).
  bool ok() const { return ok_; }

 private:
  // kLocal: a deferred local.get (bits = local index), read in place by its
  // user; kCond: an i32 compare result still in the flags (bits = CondCode),
  // only ever on top of the stack, consumed by br_if / if or materialised.
  // kPinned: a deferred local.get of a pinned local (reg = its register).
  // kOp: a deferred integer op over pinned locals, computed by its user
  // (a local.set/tee straight into the local's register). The address form
  // (op = add): reg (base) + rhs (index) << scale + bits (disp), any of them
  // absent, one lea, may stay anywhere in the stack (a lea keeps the flags).
  // Other ops: reg op= rhs or bits, only ever on top of the stack.
  // kMem: a plain load from memory 0 not yet done, [r14 + reg + bits], only
  // ever on top of the stack: the next instruction folds it into its own
  // operand (or loads it straight into a pinned local); anything else loads it
  // first, so it happens in its place. rhs = reg when reg is a scratch
  // register the value owns, kNoReg when it is a pinned local's.
  enum class Loc : uint8_t { kSlot, kReg, kConst, kLocal, kCond, kPinned, kOp, kMem };
  static constexpr uint8_t kNoReg = 0xff;
  struct Val {
    ValType type;
    Loc loc;
    uint8_t reg;
    uint32_t pos;   // stack position (home slot)
    uint64_t bits;  // constant
    Opcode op = Opcode::Nop;  // kOp
    uint8_t rhs = kNoReg;     // kOp: the right operand's (index) register, or kNoReg for bits
    uint8_t scale = 0;        // kOp address form: index shift
    uint32_t at = 0;          // kMem: the load's module offset
  };
  static bool is_address(const Val& v) { return v.op == Opcode::I32Add || v.op == Opcode::I64Add; }
  static bool reads_reg(const Val& v, uint8_t reg);  // a kOp reading this pinned register
  enum class CtrlKind : uint8_t { kBlock, kLoop, kIf };
  struct Ctrl {
    CtrlKind kind;
    uint32_t height;  // stack entries below the params
    uint32_t types_at;  // its params, then its results, in ctrl_types_
    uint32_t nparams, nresults;
    asmjit::Label label;       // branch target: end (block/if) or start (loop)
    asmjit::Label else_label;  // if: the false arm
    bool else_bound = false;
    bool targeted = false;     // some branch jumps to label
    uint32_t arity() const { return kind == CtrlKind::kLoop ? nparams : nresults; }
  };
  void push_ctrl(CtrlKind kind, uint32_t height, BlockSig sig, asmjit::Label label, asmjit::Label else_label = {});
  void pop_ctrl();
  std::span<const ValType> params_of(const Ctrl& c) const { return {ctrl_types_.data() + c.types_at, c.nparams}; }
  std::span<const ValType> results_of(const Ctrl& c) const {
    return {ctrl_types_.data() + c.types_at + c.nparams, c.nresults};
  }

  // Frame addressing.
  asmjit::x86::Mem home(uint32_t pos) const;
  asmjit::x86::Mem mem_of(const Val& v) const;  // kSlot / kLocal operand
  static bool in_memory(const Val& v) { return v.loc == Loc::kSlot || v.loc == Loc::kLocal; }
  // Which register file a value of type t lives in: XMM for f32, f64 and v128.
  static bool in_xmm(ValType t) { return t == ValType::kF32 || t == ValType::kF64 || t == ValType::kV128; }
  asmjit::x86::Mem local_mem(uint32_t index) const;
  static asmjit::x86::Mem out_mem(uint32_t k);

  // Registers and the value stack.
  uint8_t alloc_gp();
  uint8_t alloc_xmm();
  int free_gp() const;  // a free scratch register without spilling, or -1
  static int free_reg_of(uint32_t used, uint8_t count);
  void free_reg(const Val& v);
  void spill_one(bool xmm);
  Val pop();
  void push_reg(ValType t, uint8_t reg);
  void push_const(ValType t, uint64_t bits);
  void push_slot(ValType t);
  void push_cond(asmjit::x86::CondCode cc);
  asmjit::x86::Gp gp_of(Val& v);    // v (popped) in a GP register the caller owns
  asmjit::x86::Gp gp_read(Val& v);  // v in some GP register, read only (pinned locals in place)
  asmjit::x86::Xmm xmm_read(Val& v);
  asmjit::x86::Xmm xmm_of(Val& v);  // v (popped) in an XMM register the caller owns
  // An f32, f64 or v128 between an XMM register and memory, by type.
  void load_xmm(asmjit::x86::Xmm x, ValType t, asmjit::x86::Mem m);
  void store_xmm(asmjit::x86::Mem m, ValType t, asmjit::x86::Xmm x);
  void load_gp_to(asmjit::x86::Gp dst, const Val& v);  // any GP (e.g. an ABI register)
  void store_val(const asmjit::x86::Mem& m, const Val& v);  // 8-byte slot
  void flush();            // registers and deferred locals -> home slots
  void materialize_cond();  // a kCond on top -> a register
  void materialize_op();    // a kOp on top -> a register
  // A kOp and (x & y) that is only compared with zero (eqz, br_if, if) is
  // a test instead, into the flags.
  static bool is_and(const Val& v);
  void emit_test(const Val& v);
  void materialize_mem();   // a kMem on top -> a register
  void materialize_top() {
    materialize_cond();
    materialize_op();
    materialize_mem();
  }
  asmjit::x86::Mem lin_mem(const Val& v);  // a kMem's operand, for the access emitted next (a fault site)
  bool defer_op(Opcode op, Val& a, Val& b);  // a kOp for a op b, if it qualifies
  void emit_op_into(asmjit::x86::Gp dst, const Val& v);  // a kOp's value -> dst
  void push_pinned(uint32_t index);
  void detach_local(uint32_t index);  // before writing a local: its deferred reads -> home slots
  void branch_on(Val& cond, bool if_true, asmjit::Label target);
  void materialize(uint32_t from);  // constants at positions >= from -> home slots
  void reset_stack(uint32_t height, std::span<const ValType> types);
  void transfer(const Ctrl& target);  // branch values -> the target's home slots
  Ctrl& close_arm(bool reachable);     // end of a block or arm: values to their home slots
  bool transfer_is_noop(const Ctrl& target) const;
  Ctrl& ctrl_at(uint32_t depth) {
    Ctrl& c = ctrls_[ctrls_.size() - 1 - depth];
    c.targeted = true;
    return c;
  }
  // Where the current instruction jumps when it traps with kind k: a path of
  // its own (one per instruction and kind), so the backtrace knows the
  // instruction. trap_label_status: the status of a helper in edx;
  // trap_label_call: the status of a call through call_slow in eax.
  asmjit::Label trap_label(TrapKind k) { return trap_site(static_cast<uint8_t>(k)); }
  asmjit::Label trap_label_status() { return trap_site(kTailStatusEdx); }
  asmjit::Label trap_label_call() { return trap_site(kTailStatusEax); }
  asmjit::Label trap_site(uint8_t tail);
  void emit_trap_paths();
  // Records the next instruction as a memory access of the Wasm instruction
  // at `wasm` that may fault (guard pages), and the one just emitted as a
  // call of the current instruction.
  void fault_site(uint32_t wasm);
  void call_site();
  void emit_return();
  void reload_memory_base();
  // EngineConfig::epoch_interruption and consume_fuel (CodeOptions): the
  // checks on entry, once the frame is set up (the epoch, then the first
  // segment's fuel), the epoch check of a loop header, and the charge of a
  // segment starting here (exec/fuel.h lists where). Nothing without them.
  void emit_entry_checks();
  void emit_epoch_check();
  void emit_fuel_charge();
  // Around a call through call_slow: the fuel register to the context, and
  // back (nothing without consume_fuel).
  void spill_fuel();
  void reload_fuel();
  void fail() { ok_ = false; }

  // Instruction families (emit_*.cpp / compiler.cpp).
  bool numeric_inline(Opcode op);
  void numeric_helper_call(Opcode op, ValType out);
  void int_binop(Opcode op, bool is64);
  void int_shift(Opcode op, bool is64);
  void int_compare(Opcode op, bool is64);
  void int_divrem(Opcode op, bool is64);
  void float_binop(Opcode op, bool is64);
  void float_compare(Opcode op, bool is64);
  void float_unop(Opcode op, bool is64);
  void conversion(Opcode op);
  void truncation(Opcode op);
  bool memory_access(Opcode op, const Imm& imm);
  // SIMD (emit_simd.cpp): the instructions compiled inline, then the rest
  // through their shared semantics (exec/simd.h) called on the operands'
  // home slots.
  bool simd_op(Opcode op, const Imm& imm, std::span<const ValType> pops, std::span<const ValType> pushes);
  bool simd_inline(Opcode op, const Imm& imm);
  bool simd_memory(Opcode op, const Imm& imm);
  void simd_value_call(Opcode op, const Imm& imm, std::span<const ValType> pops, std::span<const ValType> pushes);
  asmjit::x86::Mem v128_const(const uint8_t* bytes);
  asmjit::x86::Mem address(Val& addr, uint64_t offset, uint32_t size, asmjit::x86::Gp& addr_reg,
                           bool in_place = false);
  void check_bounds(asmjit::x86::Gp addr_reg, uint64_t offset, uint32_t size);  // explicit check, rax = end
  bool memory_or_table_op(Opcode op, const Imm& imm);
  bool atomic_op(Opcode op, const Imm& imm, std::span<const ValType> pushes);  // emit_atomic.cpp
  // An atomic and/or/xor waits for the next instruction: dropped, its old
  // value is not needed and one lock and/or/xor does; anything else gets the
  // cmpxchg loop that yields it. Meanwhile its value is a kReg on top (whose
  // register the loop fills) and its address register stays taken.
  struct PendingRmw {
    bool active = false;
    Opcode op = Opcode::Nop;
    asmjit::x86::Mem m;
    Val addr{};
    uint8_t value_reg = 0;
    uint32_t at = 0;  // its module offset
  };
  PendingRmw pending_rmw_;
  void settle_rmw(bool dropped);  // emit_atomic.cpp; every instruction settles it first
  void call_helper(const void* fn, std::span<const HelperArg> before, uint32_t npops,
                   std::span<const HelperArg> after, bool status, std::optional<ValType> result);
  void load_vm(asmjit::x86::Gp dst);  // the running instance's context
  void load_vm_word(asmjit::x86::Gp dst, int32_t offset);
  void call_direct(uint32_t func_index);
  void call_indirect(const Imm& imm);
  void call_through_funcimpl(const FuncType& t);  // FuncImpl* in rax
  void begin_call(const FuncType& t);
  void end_call(const FuncType& t);
  void select(ValType t);

  ModuleCtx& mc_;
  FastAssembler& a_;
  std::optional<exec::FuelPlan> fuel_;  // CodeOptions::consume_fuel
  const Module& m_;
  uint32_t defined_;
  uint32_t at_ = 0;  // module offset of the Wasm instruction being compiled
  asmjit::Label entry_;
  bool ok_ = true;
  uint32_t nparams_ = 0, ndecl_ = 0;
  uint8_t slot_ = 8;  // a frame slot's width (the frame, above)
  std::vector<uint32_t> param_slot_;  // per parameter, its first 8-byte argument slot
  std::vector<ValType> local_types_;
  // Static use counts of the locals and of the calls, weighted by loop
  // nesting (count_local_uses); the heaviest locals get the pinned
  // registers, caller-saved ones only where they pay for their saves.
  std::vector<uint64_t> weights_;
  uint64_t call_weight_ = 0;
  // Locals living in a register for the whole function (-1: in their slot).
  // GP pins on rbx/r12/r13 (rbx/r12 with fuel: r13 is kFuelReg) are
  // preserved by native code across calls; the
  // caller-saved pins (r10/r11 and the XMM pins) are saved to their local's
  // slot around calls.
  std::vector<int8_t> pin_;
  std::vector<uint32_t> pin_order_;  // choose_pins' scratch
  std::vector<uint8_t> saved_gp_;  // pushed by the prologue, in order
  std::vector<uint32_t> caller_saved_pins_;  // local indices
  int32_t save_bytes_ = 0;
  void choose_pins();
  void set_pinned(uint32_t index, Val& v);
  void save_pins();
  void restore_pins();
  std::vector<ValType> results_;
  std::vector<Val> stack_;
  std::vector<Ctrl> ctrls_;
  std::vector<ValType> ctrl_types_;  // the open blocks' params and results
  uint32_t gp_used_ = 0, xmm_used_ = 0;
  uint32_t max_stack_ = 0, max_out_ = 0;
  size_t patch_lea_ = 0, patch_sub_ = 0;
  // Trap paths, emitted after the code: each site calls its tail, which sets
  // the status (a trap kind's code, or a helper's status from edx) and goes
  // to the exit; a call's status already in eax goes to the exit directly.
  static constexpr uint8_t kTailStatusEdx = kNumTrapKinds, kTailStatusEax = kNumTrapKinds + 1;
  struct TrapSite {
    asmjit::Label label;
    uint32_t at;  // module offset
    uint8_t tail;
  };
  std::vector<TrapSite> trap_sites_;
  std::array<asmjit::Label, kNumTrapKinds + 1> tails_;  // invalid: not used yet
  struct JumpTable {
    asmjit::Label table;
    std::vector<asmjit::Label> entries;
  };
  std::vector<JumpTable> jump_tables_;
  // Float constants read from memory (rip-relative), emitted after the code.
  std::vector<std::pair<uint64_t, asmjit::Label>> float_consts_;
  // The same for 16-byte constants (v128.const, shuffle and lane masks).
  std::vector<std::pair<std::array<uint8_t, 16>, asmjit::Label>> v128_consts_;
  asmjit::x86::Mem const_mem(const Val& v);
  asmjit::x86::Mem float_const(ValType t, uint64_t bits);
};

// The numeric opcodes compiled inline, by emitter (emit_numeric.cpp); the
// others (kNone) call their reference helper.
enum class NumericFamily : uint8_t {
  kNone, kIntBinop32, kIntBinop64, kIntShift32, kIntShift64, kIntCompare32, kIntCompare64,
  kIntDivrem32, kIntDivrem64, kFloatBinop32, kFloatBinop64, kFloatCompare32, kFloatCompare64,
  kFloatUnop32, kFloatUnop64, kConversion, kTruncation,
};
NumericFamily numeric_family(Opcode op);

// Whether an opcode calls out of the function's code (a call, or a helper).
bool emits_call(Opcode op);

// Whether an instruction takes a pending load as its operand (FuncCompiler::kMem).
bool folds_load(Opcode op);

// Uses of each local and the calls, each weighted by 16^loop depth, for
// choosing pinned locals. A raw scan of a validated body (opcodes and
// immediates only, no type stack), dead code included.
struct LocalUses {
  std::vector<uint64_t> weight;  // per local, parameters first
  uint64_t call_weight = 0;
  // A v128 value somewhere (signature, locals, a SIMD opcode, a block or
  // select type, or, in a module with a v128 in any function type or global,
  // anywhere: a call's result or a global.get): the function's frame slots
  // are 16 bytes wide.
  bool vector = false;
  int8_t module_vector = -1;  // the module's part of that (-1: not known yet)
  // The scan's storage, kept from one function to the next.
  std::vector<uint8_t> nesting;  // per open block: whether it is a loop
  std::vector<uint32_t> targets;
};
void count_local_uses(const Module& m, uint32_t defined_index, LocalUses& out);

}  // namespace wpvm::jit

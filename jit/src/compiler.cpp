// The baseline compiler's core (compiler.h): frame, value stack and register
// cache, control flow, calls. Opcode families are in emit_numeric.cpp,
// emit_memory.cpp, emit_atomic.cpp and emit_simd.cpp.
#include "compiler.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <map>

#include "body_decoder_imm.h"
#include "helpers.h"

namespace wpvm::jit {

using namespace asmjit;
using namespace asmjit::x86;

namespace {

// Allocatable registers: rax, rcx, rdx and xmm14/xmm15 are scratch; r14, r15
// are pinned; rsp, rbp frame the function. Temporaries never need more than
// three registers at once (select), so four stay in the pool.
constexpr uint8_t kGpPool[] = {Gp::kIdSi, Gp::kIdDi, Gp::kIdR8, Gp::kIdR9};
constexpr uint8_t kXmmCount = 8;  // xmm0..xmm7
// Pinned locals: the callee-saved registers first, then caller-saved ones;
// with fuel, r13 is kFuelReg and not a pin.
constexpr uint8_t kGpPins[] = {Gp::kIdBx, Gp::kIdR12, Gp::kIdR13, Gp::kIdR10, Gp::kIdR11};
constexpr size_t kGpCalleeSavedPins = 3;
constexpr uint8_t kGpPinsFuel[] = {Gp::kIdBx, Gp::kIdR12, Gp::kIdR10, Gp::kIdR11};
constexpr size_t kGpCalleeSavedPinsFuel = 2;
static_assert(Gp::kIdR13 == kFuelReg.id());
constexpr uint8_t kXmmPins[] = {13, 12, 11, 10, 9, 8};

bool is_float(ValType t) { return t == ValType::kF32 || t == ValType::kF64; }
bool fits_i32(uint64_t v) { return static_cast<int64_t>(v) == static_cast<int64_t>(static_cast<int32_t>(v)); }

int64_t field_offset(const void* obj, const void* field) {
  return static_cast<const char*>(field) - static_cast<const char*>(obj);
}

}  // namespace

FuncCompiler::FuncCompiler(ModuleCtx& mc) : mc_(mc), a_(mc.a), m_(mc.m), defined_(0) {}

void FuncCompiler::reset(uint32_t defined_index, LocalUses& uses) {
  defined_ = defined_index;
  entry_ = a_.new_jump_label();
  ok_ = true;
  nparams_ = ndecl_ = 0;
  slot_ = uses.vector ? 16 : 8;
  param_slot_.clear();
  local_types_.clear();
  weights_.swap(uses.weight);
  call_weight_ = uses.call_weight;
  pin_.clear();
  saved_gp_.clear();
  caller_saved_pins_.clear();
  save_bytes_ = 0;
  results_.clear();
  stack_.clear();
  ctrls_.clear();
  ctrl_types_.clear();
  gp_used_ = xmm_used_ = 0;
  max_stack_ = max_out_ = 0;
  patch_lea_ = patch_sub_ = 0;
  at_ = 0;
  trap_sites_.clear();
  tails_.fill(Label());
  jump_tables_.clear();
  float_consts_.clear();
  v128_consts_.clear();
  pending_rmw_ = PendingRmw{};
  fuel_.reset();
  if (mc_.options.consume_fuel) {
    auto plan = exec::FuelPlan::of(m_, defined_index);
    if (plan) fuel_ = std::move(*plan); else fail();
  }
}

void FuncCompiler::push_ctrl(CtrlKind kind, uint32_t height, BlockSig sig, Label label, Label else_label) {
  auto at = static_cast<uint32_t>(ctrl_types_.size());
  ctrl_types_.insert(ctrl_types_.end(), sig.params.begin(), sig.params.end());
  ctrl_types_.insert(ctrl_types_.end(), sig.results.begin(), sig.results.end());
  ctrls_.push_back(Ctrl{kind, height, at, static_cast<uint32_t>(sig.params.size()),
                        static_cast<uint32_t>(sig.results.size()), label, else_label, false, false});
}

void FuncCompiler::pop_ctrl() {
  ctrl_types_.resize(ctrls_.back().types_at);
  ctrls_.pop_back();
}

// ---- frame ----

Mem FuncCompiler::home(uint32_t pos) const {
  return qword_ptr(rbp, -save_bytes_ - slot_ * static_cast<int32_t>(1 + ndecl_ + pos));
}

Mem FuncCompiler::mem_of(const Val& v) const {
  return v.loc == Loc::kLocal ? local_mem(static_cast<uint32_t>(v.bits)) : home(v.pos);
}

Mem FuncCompiler::local_mem(uint32_t index) const {
  if (index < nparams_) return qword_ptr(rbp, 16 + 8 * static_cast<int32_t>(param_slot_[index]));
  return qword_ptr(rbp, -save_bytes_ - slot_ * static_cast<int32_t>(1 + index - nparams_));
}

// The instructions that take a pending load (kMem) as it is.
bool folds_load(Opcode op) {
  switch (numeric_family(op)) {
    case NumericFamily::kIntBinop32: case NumericFamily::kIntBinop64: case NumericFamily::kIntCompare32:
    case NumericFamily::kIntCompare64: case NumericFamily::kFloatBinop32: case NumericFamily::kFloatBinop64:
      return true;
    default:
      return op == Opcode::LocalSet || op == Opcode::LocalTee;
  }
}

bool emits_call(Opcode op) {
  switch (op) {
    case Opcode::Call: case Opcode::CallIndirect: case Opcode::MemoryGrow: case Opcode::MemoryFill:
    case Opcode::MemoryCopy: case Opcode::MemoryInit: case Opcode::DataDrop: case Opcode::TableGet:
    case Opcode::TableSet: case Opcode::TableSize: case Opcode::TableGrow: case Opcode::TableFill:
    case Opcode::TableCopy: case Opcode::TableInit: case Opcode::ElemDrop:
      return true;
    default:
      return atomic_helper(op).fn || (numeric_family(op) == NumericFamily::kNone && numeric_helper(op).fn);
  }
}

namespace {

// How count_local_uses steps over a single-byte opcode, in one byte. The
// common steps need no dispatch: kScanLebs LEB128s to skip, or a local's
// index to count (kScanLocal); the others are kScanSpecial's kinds.
enum ScanStep : uint8_t {
  kScanLebs = 0x03,     // mask: LEB128s after the opcode (0, 1, 2)
  kScanLocal = 0x04,    // local.get / set / tee: the index
  kScanSpecial = 0x08,  // one of the kinds below, in bits 4-6
  kScanEnd = 0x08 | 0x00,    // end: closes a block
  kScanF32 = 0x08 | 0x10,    // four bytes
  kScanF64 = 0x08 | 0x20,    // eight bytes
  kScanBlock = 0x08 | 0x30,  // block / if: a block type
  kScanLoop = 0x08 | 0x40,   // loop: a block type
  kScanSlow = 0x08 | 0x50,   // a prefix, br_table, select t: read the long way
  kScanKind = 0x78,
  kCallsOut = 0x80,
};

const std::array<uint8_t, 256>& scan_steps() {
  static const std::array<uint8_t, 256> steps = [] {
    std::array<uint8_t, 256> a{};
    for (size_t b = 0; b < 256; ++b) {
      Opcode op = kOpcodesSingle[b];
      if (op == Opcode::kCount || is_prefix_byte(static_cast<uint8_t>(b))) {
        a[b] = kScanSlow;
        continue;
      }
      uint8_t step = kScanSlow;
      switch (opcode_info(op).imm) {
        case ImmKind::kNone: step = op == Opcode::End ? kScanEnd : 0; break;
        case ImmKind::kLocal: step = kScanLocal; break;
        case ImmKind::kLabel: case ImmKind::kFunc: case ImmKind::kGlobal: case ImmKind::kTable:
        case ImmKind::kI32: case ImmKind::kI64: case ImmKind::kMemory: case ImmKind::kRefType:
          step = 1;
          break;
        case ImmKind::kMemArg: case ImmKind::kCallIndirect: step = 2; break;
        case ImmKind::kF32: step = kScanF32; break;
        case ImmKind::kF64: step = kScanF64; break;
        case ImmKind::kBlockType: step = op == Opcode::Loop ? kScanLoop : kScanBlock; break;
        default: break;
      }
      a[b] = static_cast<uint8_t>(step | (emits_call(op) ? kCallsOut : 0));
    }
    return a;
  }();
  return steps;
}

// Past one LEB128. A validated body ends with `end`, so every LEB128 in it
// ends before the body does.
[[gnu::always_inline]] inline void skip_leb(const uint8_t*& p) {
  while (*p++ & 0x80) {}
}

[[gnu::always_inline]] inline uint32_t read_leb_u32(const uint8_t*& p) {
  uint32_t v = *p++;
  if (v < 0x80) return v;
  v &= 0x7f;
  for (unsigned shift = 7;; shift += 7) {
    uint8_t b = *p++;
    v |= static_cast<uint32_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return v;
  }
}

}  // namespace

// One pass over the bytes of a validated body: single-byte opcodes step over
// their immediates here (one LEB128 for most), the rest through the body
// decoder's reader.
void count_local_uses(const Module& m, uint32_t defined_index, LocalUses& u) {
  static const auto kCalls = [] {
    std::array<bool, static_cast<size_t>(Opcode::kCount)> a{};
    for (size_t i = 0; i < a.size(); ++i) a[i] = emits_call(static_cast<Opcode>(i));
    return a;
  }();
  const std::array<uint8_t, 256>& steps = scan_steps();
  const FunctionBody& body = m.bodies[defined_index];
  const FuncType& type = m.types[body.type_index];
  u.weight.assign(type.params.size() + body.num_locals, 0);
  u.call_weight = 0;
  auto is_v128 = [](ValType t) { return t == ValType::kV128; };
  if (u.module_vector < 0) {
    bool any = std::ranges::any_of(m.global_types, [](const GlobalType& g) { return g.type == ValType::kV128; });
    for (const FuncType& t : m.types)
      any = any || std::ranges::any_of(t.params, is_v128) || std::ranges::any_of(t.results, is_v128);
    u.module_vector = any ? 1 : 0;
  }
  u.vector = u.module_vector > 0 ||
             std::ranges::any_of(m.locals(body), [](const LocalRun& r) { return r.type == ValType::kV128; });
  const uint8_t* base = m.bytes.data();
  const uint8_t* p = base + body.code_offset;
  const uint8_t* end = base + body.code_end;
  if (p == end || end[-1] != 0x0b) return;  // not a validated body
  uint64_t* weight = u.weight.data();
  size_t num_locals = u.weight.size();
  std::vector<uint8_t>& is_loop = u.nesting;
  std::vector<uint32_t>& targets = u.targets;
  is_loop.clear();
  uint32_t depth = 0;
  uint64_t w = 1;  // 16^depth, at most 2^40
  while (p < end) {
    uint8_t b = *p;
    uint8_t step = steps[b];
    if (step & kCallsOut) u.call_weight += w;
    ++p;
    if (!(step & kScanSpecial)) {
      if (step & kScanLocal) {
        uint32_t index = read_leb_u32(p);
        if (index < num_locals) weight[index] += w;
      } else {
        for (unsigned n = step & kScanLebs; n > 0; --n) skip_leb(p);
      }
      continue;
    }
    switch (step & kScanKind) {
      case kScanEnd:
        if (!is_loop.empty()) {
          if (is_loop.back()) w = uint64_t{1} << std::min<uint32_t>(4 * --depth, 40);
          is_loop.pop_back();
        }
        break;
      case kScanF32: p += 4; break;
      case kScanF64: p += 8; break;
      case kScanBlock:
      case kScanLoop: {
        if (*p == static_cast<uint8_t>(ValType::kV128)) u.vector = true;
        if (*p == 0x40 || (*p & 0xc0) == 0x40) ++p;
        else skip_leb(p);
        bool loop = (step & kScanKind) == kScanLoop;
        is_loop.push_back(loop);
        if (loop) w = uint64_t{1} << std::min<uint32_t>(4 * ++depth, 40);
        break;
      }
      default: {  // a prefixed opcode, br_table, select t
        // 0xfc 0-7, the saturating truncations: one byte of sub-opcode, no immediates.
        if (b == 0xfc && *p < 8) {
          if (kCalls[static_cast<size_t>(kOpcodesFc[*p])]) u.call_weight += w;
          ++p;
          break;
        }
        Reader r(base, static_cast<size_t>(p - 1 - base), body.code_end);
        Opcode op = body_detail::read_opcode(r);
        if (!r.ok()) return;
        Imm imm;
        if (ImmKind kind = opcode_info(op).imm; kind != ImmKind::kNone)
          body_detail::read_immediates(r, kind, imm, targets);
        if (!r.ok()) return;
        if (is_prefix_byte(b) && kCalls[static_cast<size_t>(op)]) u.call_weight += w;
        if (b == 0xfd || (op == Opcode::SelectT && imm.type == ValType::kV128)) u.vector = true;
        p = r.ptr();
        break;
      }
    }
  }
}

// The heaviest integer and float locals (count_local_uses) live in registers.
// A caller-saved pin costs a store and a load around each call, so it goes
// only to a local used more often than twice the calls (by the same weights).
void FuncCompiler::choose_pins() {
  pin_.assign(local_types_.size(), -1);
  std::vector<uint32_t>& order = pin_order_;
  order.resize(local_types_.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  auto weight = [&](uint32_t i) { return i < weights_.size() ? weights_[i] : 0; };
  // Heaviest first, ties by index.
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    return weight(x) != weight(y) ? weight(x) > weight(y) : x < y;
  });
  std::span<const uint8_t> gp_pins = fuel_ ? std::span<const uint8_t>(kGpPinsFuel) : std::span<const uint8_t>(kGpPins);
  size_t callee_saved = fuel_ ? kGpCalleeSavedPinsFuel : kGpCalleeSavedPins;
  size_t gp = 0, fp = 0;
  for (uint32_t i : order) {
    if (weights_.size() == local_types_.size() && weight(i) == 0) break;
    bool pays = weight(i) > 2 * call_weight_;
    ValType t = local_types_[i];
    if ((t == ValType::kI32 || t == ValType::kI64) && gp < gp_pins.size() && (gp < callee_saved || pays)) {
      pin_[i] = static_cast<int8_t>(gp_pins[gp]);
      if (gp < callee_saved) saved_gp_.push_back(gp_pins[gp]);
      else caller_saved_pins_.push_back(i);
      ++gp;
    } else if (in_xmm(t) && fp < std::size(kXmmPins) && pays) {
      pin_[i] = static_cast<int8_t>(kXmmPins[fp++]);
      caller_saved_pins_.push_back(i);
    }
  }
  save_bytes_ = 8 * static_cast<int32_t>(saved_gp_.size());
}

void FuncCompiler::save_pins() {
  for (uint32_t i : caller_saved_pins_) {
    if (in_xmm(local_types_[i])) store_xmm(local_mem(i), local_types_[i], xmm(pin_[i]));
    else a_.mov(local_mem(i), gpq(pin_[i]));
  }
}

void FuncCompiler::restore_pins() {
  for (uint32_t i : caller_saved_pins_) {
    if (in_xmm(local_types_[i])) load_xmm(xmm(pin_[i]), local_types_[i], local_mem(i));
    else a_.mov(gpq(pin_[i]), local_mem(i));
  }
}

void FuncCompiler::load_xmm(Xmm x, ValType t, Mem m) {
  if (t == ValType::kF64) a_.movsd(x, m.cloneResized(8));
  else if (t == ValType::kF32) a_.movss(x, m.cloneResized(4));
  else a_.movups(x, m.cloneResized(16));
}

void FuncCompiler::store_xmm(Mem m, ValType t, Xmm x) {
  if (t == ValType::kF64) a_.movsd(m.cloneResized(8), x);
  else if (t == ValType::kF32) a_.movss(m.cloneResized(4), x);
  else a_.movups(m.cloneResized(16), x);
}

void FuncCompiler::set_pinned(uint32_t index, Val& v) {
  uint8_t p = static_cast<uint8_t>(pin_[index]);
  if (!in_xmm(v.type)) {
    load_gp_to(gpq(p), v);
  } else if (in_memory(v)) {
    load_xmm(xmm(p), v.type, mem_of(v));
  } else if (v.loc == Loc::kMem) {
    if (v.type == ValType::kF64) a_.movsd(xmm(p), lin_mem(v)); else a_.movss(xmm(p), lin_mem(v));
  } else {
    Xmm x = xmm_read(v);
    if (x.id() != p) a_.movaps(xmm(p), x);
  }
}

Mem FuncCompiler::out_mem(uint32_t k) { return qword_ptr(rsp, 8 * static_cast<int32_t>(k)); }

// ---- registers and value stack ----

uint8_t FuncCompiler::alloc_gp() {
  for (;;) {
    for (uint8_t id : kGpPool)
      if (!(gp_used_ & (1u << id))) {
        gp_used_ |= 1u << id;
        return id;
      }
    spill_one(false);
  }
}

uint8_t FuncCompiler::alloc_xmm() {
  for (;;) {
    for (uint8_t id = 0; id < kXmmCount; ++id)
      if (!(xmm_used_ & (1u << id))) {
        xmm_used_ |= 1u << id;
        return id;
      }
    spill_one(true);
  }
}

void FuncCompiler::free_reg(const Val& v) {
  if (v.loc == Loc::kMem && v.rhs != kNoReg) gp_used_ &= ~(1u << v.rhs);
  if (v.loc != Loc::kReg) return;
  if (in_xmm(v.type))
    xmm_used_ &= ~(1u << v.reg);
  else
    gp_used_ &= ~(1u << v.reg);
}

void FuncCompiler::spill_one(bool xmm) {
  for (Val& v : stack_)
    if (v.loc == Loc::kReg && in_xmm(v.type) == xmm) {
      store_val(home(v.pos), v);
      free_reg(v);
      v.loc = Loc::kSlot;
      return;
    }
  fail();  // every register held by temporaries: cannot happen with <= 3 operands
  if (xmm) xmm_used_ = 0; else gp_used_ = 0;
}

FuncCompiler::Val FuncCompiler::pop() {
  Val v = stack_.back();
  stack_.pop_back();
  return v;
}

void FuncCompiler::push_reg(ValType t, uint8_t reg) {
  uint32_t pos = static_cast<uint32_t>(stack_.size());
  stack_.push_back(Val{t, Loc::kReg, reg, pos, 0});
  max_stack_ = std::max(max_stack_, pos + 1);
}

void FuncCompiler::push_const(ValType t, uint64_t bits) {
  uint32_t pos = static_cast<uint32_t>(stack_.size());
  stack_.push_back(Val{t, Loc::kConst, 0, pos, bits});
  max_stack_ = std::max(max_stack_, pos + 1);
}

void FuncCompiler::push_cond(CondCode cc) {
  uint32_t pos = static_cast<uint32_t>(stack_.size());
  stack_.push_back(Val{ValType::kI32, Loc::kCond, 0, pos, static_cast<uint64_t>(cc)});
  max_stack_ = std::max(max_stack_, pos + 1);
}

void FuncCompiler::push_slot(ValType t) {
  uint32_t pos = static_cast<uint32_t>(stack_.size());
  stack_.push_back(Val{t, Loc::kSlot, 0, pos, 0});
  max_stack_ = std::max(max_stack_, pos + 1);
}

void FuncCompiler::load_gp_to(Gp dst, const Val& v) {
  bool wide = !(v.type == ValType::kI32 || v.type == ValType::kF32);
  switch (v.loc) {
    case Loc::kReg:
      if (is_float(v.type)) {
        if (wide) a_.movq(dst.r64(), xmm(v.reg)); else a_.movd(dst.r32(), xmm(v.reg));
      } else if (dst.id() != v.reg) {
        a_.mov(dst.r64(), gpq(v.reg));
      }
      break;
    case Loc::kConst:
      if (!wide || v.bits <= 0xffffffffu) a_.mov(dst.r32(), static_cast<uint32_t>(v.bits));
      else a_.mov(dst.r64(), v.bits);
      break;
    case Loc::kSlot:
    case Loc::kLocal:
      if (wide) a_.mov(dst.r64(), mem_of(v)); else a_.mov(dst.r32(), mem_of(v).cloneResized(4));
      break;
    case Loc::kCond:
      a_.emit(Inst::setccFromCond(static_cast<CondCode>(v.bits)), dst.r8());
      a_.movzx(dst.r32(), dst.r8());
      break;
    case Loc::kPinned:
      if (is_float(v.type)) {
        if (wide) a_.movq(dst.r64(), xmm(v.reg)); else a_.movd(dst.r32(), xmm(v.reg));
      } else {
        a_.mov(dst.r64(), gpq(v.reg));
      }
      break;
    case Loc::kOp:
      emit_op_into(dst, v);
      break;
    case Loc::kMem:
      if (wide) a_.mov(dst.r64(), lin_mem(v)); else a_.mov(dst.r32(), lin_mem(v));
      break;
  }
}

Gp FuncCompiler::gp_read(Val& v) {
  if (v.loc == Loc::kPinned && !is_float(v.type)) return gpq(v.reg);
  return gp_of(v);
}

Xmm FuncCompiler::xmm_read(Val& v) {
  if (v.loc == Loc::kPinned) return xmm(v.reg);
  return xmm_of(v);
}

Mem FuncCompiler::const_mem(const Val& v) { return float_const(v.type, v.bits); }

Mem FuncCompiler::float_const(ValType t, uint64_t bits) {
  if (t != ValType::kF64) bits = static_cast<uint32_t>(bits);
  auto it = std::find_if(float_consts_.begin(), float_consts_.end(), [&](const auto& c) { return c.first == bits; });
  if (it == float_consts_.end()) {
    float_consts_.emplace_back(bits, a_.new_jump_label());
    it = float_consts_.end() - 1;
  }
  return ptr(it->second, 0, t == ValType::kF64 ? 8 : 4);
}

Mem FuncCompiler::lin_mem(const Val& v) {
  fault_site(v.at);
  return ptr(r14, gpq(v.reg), 0, static_cast<int32_t>(v.bits), v.type == ValType::kI64 || v.type == ValType::kF64 ? 8 : 4);
}

Gp FuncCompiler::gp_of(Val& v) {
  if (v.loc == Loc::kReg && !is_float(v.type)) return gpq(v.reg);
  if (v.loc == Loc::kMem && v.rhs != kNoReg && !is_float(v.type)) {  // into its own address register
    load_gp_to(gpq(v.reg), v);
    v.loc = Loc::kReg;
    return gpq(v.reg);
  }
  uint8_t r = alloc_gp();
  load_gp_to(gpq(r), v);
  free_reg(v);
  v.loc = Loc::kReg;
  v.reg = r;
  if (is_float(v.type)) v.type = v.type == ValType::kF32 ? ValType::kI32 : ValType::kI64;
  return gpq(r);
}

Xmm FuncCompiler::xmm_of(Val& v) {
  if (v.loc == Loc::kReg) return xmm(v.reg);
  uint8_t r = alloc_xmm();
  bool wide = v.type == ValType::kF64;
  if (v.loc == Loc::kPinned) {
    a_.movaps(xmm(r), xmm(v.reg));
  } else if (v.loc == Loc::kMem) {
    if (wide) a_.movsd(xmm(r), lin_mem(v)); else a_.movss(xmm(r), lin_mem(v));
    free_reg(v);
  } else if (v.loc == Loc::kConst) {
    if (v.bits == 0) a_.xorps(xmm(r), xmm(r));
    else if (wide) a_.movsd(xmm(r), const_mem(v));
    else a_.movss(xmm(r), const_mem(v));
  } else {
    load_xmm(xmm(r), v.type, mem_of(v));
  }
  v.loc = Loc::kReg;
  v.reg = r;
  return xmm(r);
}

void FuncCompiler::store_val(const Mem& m, const Val& v) {
  switch (v.loc) {
    case Loc::kReg:
    case Loc::kPinned:
      if (in_xmm(v.type)) store_xmm(m, v.type, xmm(v.reg));
      else a_.mov(m, gpq(v.reg));
      break;
    case Loc::kConst:
      if (fits_i32(v.bits)) {
        a_.mov(m, static_cast<int32_t>(v.bits));
      } else {
        a_.mov(rax, v.bits);
        a_.mov(m, rax);
      }
      break;
    case Loc::kSlot:
    case Loc::kLocal: {
      Mem src = mem_of(v);
      if (src == m) break;
      if (v.type == ValType::kV128) {
        a_.movups(xmm15, src.cloneResized(16));
        a_.movups(m.cloneResized(16), xmm15);
        break;
      }
      a_.mov(rax, src);
      a_.mov(m, rax);
      break;
    }
    case Loc::kCond:
    case Loc::kOp:
    case Loc::kMem:
      load_gp_to(rax, v);
      a_.mov(m, rax);
      break;
  }
}

void FuncCompiler::flush() {
  materialize_top();
  for (Val& v : stack_)
    if (v.loc == Loc::kReg || v.loc == Loc::kLocal || v.loc == Loc::kPinned || v.loc == Loc::kOp) {
      store_val(home(v.pos), v);
      free_reg(v);
      v.loc = Loc::kSlot;
    }
}

void FuncCompiler::materialize_mem() {
  settle_rmw(false);  // (before anything that could use its registers)
  if (stack_.empty() || stack_.back().loc != Loc::kMem) return;
  if (is_float(stack_.back().type)) xmm_of(stack_.back()); else gp_of(stack_.back());
}

void FuncCompiler::materialize_op() {
  if (!stack_.empty() && stack_.back().loc == Loc::kOp && !is_address(stack_.back())) gp_of(stack_.back());
}

bool FuncCompiler::is_and(const Val& v) {
  return v.loc == Loc::kOp && (v.op == Opcode::I32And || v.op == Opcode::I64And);
}

// x & y only tested against zero: test sets the flags and needs no register.
void FuncCompiler::emit_test(const Val& v) {
  bool is64 = v.op == Opcode::I64And;
  Gp x = is64 ? Gp(gpq(v.reg)) : Gp(gpd(v.reg));
  if (v.rhs != kNoReg) a_.test(x, is64 ? Gp(gpq(v.rhs)) : Gp(gpd(v.rhs)));
  else a_.test(x, asmjit::Imm(static_cast<int32_t>(v.bits)));
}

// a op b as a kOp. The address form (op = add) is base + index << scale +
// disp over pinned registers, one lea; pinned locals, constants and other
// address forms combine into it. Any other op is x op= rhs on a pinned x.
bool FuncCompiler::defer_op(Opcode op, Val& a, Val& b) {
  bool is64 = a.type == ValType::kI64;
  Opcode add = is64 ? Opcode::I64Add : Opcode::I32Add;
  auto as_address = [&](const Val& v, Val& out) {
    if (v.loc == Loc::kPinned) {
      out = Val{v.type, Loc::kOp, v.reg, 0, 0, add, kNoReg, 0};
      return true;
    }
    if (v.loc == Loc::kOp && v.op == add) {
      out = v;
      return true;
    }
    return false;
  };
  // i32 displacements wrap like the i32 result; i64 ones must stay exact.
  auto add_disp = [&](Val& e, int64_t c) {
    int64_t d = static_cast<int32_t>(e.bits) + c;
    if (is64 && d != static_cast<int32_t>(d)) return false;
    e.bits = static_cast<uint32_t>(static_cast<int32_t>(static_cast<uint32_t>(d)));
    return true;
  };
  auto push = [&](Val e) {
    e.pos = static_cast<uint32_t>(stack_.size());
    stack_.push_back(e);
    max_stack_ = std::max(max_stack_, e.pos + 1);
    return true;
  };
  auto is_imm = [&](const Val& v) { return v.loc == Loc::kConst && (!is64 || fits_i32(v.bits)); };
  Val e, f;
  switch (op) {
    case Opcode::I32Add: case Opcode::I64Add:
      if (is_imm(b) && as_address(a, e) && add_disp(e, static_cast<int32_t>(b.bits))) return push(e);
      if (is_imm(a) && as_address(b, e) && add_disp(e, static_cast<int32_t>(a.bits))) return push(e);
      if (as_address(a, e) && as_address(b, f) && add_disp(e, static_cast<int32_t>(f.bits))) {
        // At most two registers, at most one of them scaled.
        if (e.rhs == kNoReg && f.rhs == kNoReg && e.reg != kNoReg && f.reg != kNoReg) {
          e.rhs = f.reg;
          return push(e);
        }
        if (e.rhs == kNoReg && f.reg == kNoReg) {
          e.rhs = f.rhs;
          e.scale = f.scale;
          return push(e);
        }
        if (f.rhs == kNoReg && e.reg == kNoReg) {
          e.reg = f.reg;
          return push(e);
        }
      }
      break;
    case Opcode::I32Sub: case Opcode::I64Sub:
      if (is_imm(b) && as_address(a, e) && add_disp(e, -static_cast<int64_t>(static_cast<int32_t>(b.bits))))
        return push(e);
      break;
    case Opcode::I32Shl: case Opcode::I64Shl:
      // x << k for k <= 3: an index with no base.
      if (b.loc == Loc::kConst && a.loc == Loc::kPinned && (b.bits & (is64 ? 63 : 31)) <= 3) {
        as_address(a, e);
        e.scale = static_cast<uint8_t>(b.bits & 3);
        std::swap(e.reg, e.rhs);
        return push(e);
      }
      break;
    default: break;
  }
  if (a.loc != Loc::kPinned) return false;
  switch (op) {
    case Opcode::I32Sub: case Opcode::I64Sub: case Opcode::I32And: case Opcode::I64And:
    case Opcode::I32Or: case Opcode::I64Or: case Opcode::I32Xor: case Opcode::I64Xor:
      if (b.loc != Loc::kPinned && !is_imm(b)) return false;
      break;
    case Opcode::I32Mul: case Opcode::I64Mul:
      if (!is_imm(b)) return false;
      break;
    case Opcode::I32Shl: case Opcode::I64Shl: case Opcode::I32ShrS: case Opcode::I64ShrS:
    case Opcode::I32ShrU: case Opcode::I64ShrU:
      if (b.loc != Loc::kConst) return false;
      b.bits &= is64 ? 63 : 31;
      break;
    default: return false;
  }
  return push(Val{a.type, Loc::kOp, a.reg, 0, b.bits, op, b.loc == Loc::kPinned ? b.reg : kNoReg, 0});
}

bool FuncCompiler::reads_reg(const Val& v, uint8_t reg) {
  return v.loc == Loc::kOp && (v.reg == reg || v.rhs == reg);
}

void FuncCompiler::emit_op_into(Gp dst, const Val& v) {
  bool is64 = v.type == ValType::kI64;
  auto sized = [&](Gp r) { return is64 ? Gp(r.r64()) : Gp(r.r32()); };
  Gp d = sized(dst);
  int32_t c = static_cast<int32_t>(v.bits);
  if (is_address(v)) {
    uint8_t base = v.reg, index = v.rhs;
    if (base == kNoReg && v.scale == 0) std::swap(base, index);
    if (index == kNoReg && c == 0) {
      if (base != dst.id()) a_.mov(d, sized(gpq(base)));
    } else if (base == kNoReg) {
      a_.lea(d, ptr_abs(static_cast<uint64_t>(static_cast<int64_t>(c)), gpq(index), v.scale));
    } else if (index == kNoReg) {
      a_.lea(d, ptr(gpq(base), c));
    } else {
      a_.lea(d, ptr(gpq(base), gpq(index), v.scale, c));
    }
    return;
  }
  if (dst.id() != v.reg) {
    if (v.op == Opcode::I32Mul || v.op == Opcode::I64Mul) {
      a_.imul(d, sized(gpq(v.reg)), c);
      return;
    }
    a_.mov(d, sized(gpq(v.reg)));
  }
  Operand rhs = v.rhs != kNoReg ? Operand(sized(gpq(v.rhs))) : Operand(asmjit::Imm(c));
  InstId id = Inst::kIdNone;
  switch (v.op) {
    case Opcode::I32Sub: case Opcode::I64Sub: id = Inst::kIdSub; break;
    case Opcode::I32And: case Opcode::I64And: id = Inst::kIdAnd; break;
    case Opcode::I32Or: case Opcode::I64Or: id = Inst::kIdOr; break;
    case Opcode::I32Xor: case Opcode::I64Xor: id = Inst::kIdXor; break;
    case Opcode::I32Shl: case Opcode::I64Shl: id = Inst::kIdShl; break;
    case Opcode::I32ShrS: case Opcode::I64ShrS: id = Inst::kIdSar; break;
    case Opcode::I32ShrU: case Opcode::I64ShrU: id = Inst::kIdShr; break;
    case Opcode::I32Mul: case Opcode::I64Mul: a_.imul(d, d, c); return;
    default: break;
  }
  a_.int_op(id, d, rhs);
}

void FuncCompiler::push_pinned(uint32_t index) {
  uint32_t pos = static_cast<uint32_t>(stack_.size());
  stack_.push_back(Val{local_types_[index], Loc::kPinned, static_cast<uint8_t>(pin_[index]), pos, index});
  max_stack_ = std::max(max_stack_, pos + 1);
}

void FuncCompiler::materialize_cond() {
  if (stack_.empty() || stack_.back().loc != Loc::kCond) return;
  Val& v = stack_.back();
  uint8_t r = alloc_gp();  // may spill: plain moves keep the flags
  load_gp_to(gpq(r), v);
  v.loc = Loc::kReg;
  v.reg = r;
}

// The deferred reads of a local about to be written take its current value:
// into a free scratch register (plain moves, the flags survive), or their
// home slot when none is free.
void FuncCompiler::detach_local(uint32_t index) {
  uint8_t pin = pin_[index] >= 0 ? static_cast<uint8_t>(pin_[index]) : kNoReg;
  for (Val& v : stack_)
    if (((v.loc == Loc::kLocal || v.loc == Loc::kPinned) && v.bits == index) || (pin != kNoReg && reads_reg(v, pin))) {
      bool fp = in_xmm(v.type);
      int r = fp ? free_reg_of(xmm_used_, kXmmCount) : free_gp();
      if (r < 0) {
        store_val(home(v.pos), v);
        v.loc = Loc::kSlot;
      } else if (fp) {
        xmm_used_ |= 1u << r;
        if (v.loc == Loc::kPinned) a_.movaps(xmm(r), xmm(v.reg));
        else load_xmm(xmm(r), v.type, mem_of(v));
        v.loc = Loc::kReg;
        v.reg = static_cast<uint8_t>(r);
      } else {
        gp_used_ |= 1u << r;
        load_gp_to(gpq(r), v);
        v.loc = Loc::kReg;
        v.reg = static_cast<uint8_t>(r);
      }
    }
}

int FuncCompiler::free_gp() const {
  for (uint8_t id : kGpPool)
    if (!(gp_used_ & (1u << id))) return id;
  return -1;
}

int FuncCompiler::free_reg_of(uint32_t used, uint8_t count) {
  for (uint8_t id = 0; id < count; ++id)
    if (!(used & (1u << id))) return id;
  return -1;
}

void FuncCompiler::branch_on(Val& cond, bool if_true, Label target) {
  CondCode cc = CondCode::kNZ;
  if (cond.loc == Loc::kCond) {
    cc = static_cast<CondCode>(cond.bits);
  } else if (is_and(cond)) {
    emit_test(cond);
  } else {
    Gp r = gp_read(cond);  // a pinned local in place
    a_.test(r.r32(), r.r32());
    free_reg(cond);
  }
  if (!if_true) cc = negateCond(cc);
  a_.j(cc, target);
}

void FuncCompiler::materialize(uint32_t from) {
  for (size_t i = from; i < stack_.size(); ++i) {
    Val& v = stack_[i];
    if (v.loc == Loc::kConst || v.loc == Loc::kLocal || v.loc == Loc::kPinned || v.loc == Loc::kOp) {
      store_val(home(v.pos), v);
      v.loc = Loc::kSlot;
    }
  }
}

void FuncCompiler::reset_stack(uint32_t height, std::span<const ValType> types) {
  for (size_t i = height; i < stack_.size(); ++i) free_reg(stack_[i]);
  stack_.resize(height);
  for (ValType t : types) push_slot(t);
  // Below a block's height nothing is in a register (flushed on entry).
  gp_used_ = 0;
  xmm_used_ = 0;
}

bool FuncCompiler::transfer_is_noop(const Ctrl& target) const {
  uint32_t n = target.arity();
  size_t first = stack_.size() - n;
  for (uint32_t k = 0; k < n; ++k) {
    const Val& v = stack_[first + k];
    if (v.loc != Loc::kSlot || v.pos != target.height + k) return false;
  }
  return true;
}

void FuncCompiler::transfer(const Ctrl& target) {
  uint32_t n = target.arity();
  size_t first = stack_.size() - n;
  // Ascending: a destination never lies above its source.
  for (uint32_t k = 0; k < n; ++k) store_val(home(target.height + k), stack_[first + k]);
}

Label FuncCompiler::trap_site(uint8_t tail) {
  // The current instruction's sites are the last ones.
  for (size_t i = trap_sites_.size(); i-- > 0 && trap_sites_[i].at == at_;)
    if (trap_sites_[i].tail == tail) return trap_sites_[i].label;
  trap_sites_.push_back({a_.new_jump_label(), at_, tail});
  return trap_sites_.back().label;
}

// Trap paths *call* onwards so the return address (inside this function)
// tells the unwinder which function and instruction trapped (backtraces).
void FuncCompiler::emit_trap_paths() {
  for (const TrapSite& t : trap_sites_) {
    a_.bind(t.label);
    if (t.tail == kTailStatusEax) {
      a_.call(mc_.trap_exit);
    } else {
      Label& tail = tails_[t.tail];
      if (!tail.isValid()) tail = a_.new_jump_label();
      a_.call(tail);
    }
    mc_.sites.push_back({static_cast<uint32_t>(a_.offset() - 1), t.at});
  }
  for (size_t k = 0; k < tails_.size(); ++k) {
    if (!tails_[k].isValid()) continue;
    a_.bind(tails_[k]);
    if (k == kTailStatusEdx) a_.mov(eax, edx); else a_.mov(eax, exec::trap_code(static_cast<TrapKind>(k)));
    a_.jmp(mc_.trap_exit);
  }
}

void FuncCompiler::fault_site(uint32_t wasm) {
  if (mc_.options.guarded_memory) mc_.sites.push_back({static_cast<uint32_t>(a_.offset()), wasm});
}

void FuncCompiler::call_site() { mc_.sites.push_back({static_cast<uint32_t>(a_.offset() - 1), at_}); }

void FuncCompiler::reload_memory_base() {
  if (!m_.memories.empty()) load_vm_word(r14, kVmMem0Base);
}

void FuncCompiler::emit_entry_checks() {
  emit_epoch_check();
  emit_fuel_charge();
}

void FuncCompiler::emit_epoch_check() {
  if (!mc_.options.epoch_interruption) return;
  a_.mov(rax, qword_ptr(r15, kCtxEpoch));
  a_.mov(rax, qword_ptr(rax));
  a_.cmp(rax, qword_ptr(r15, kCtxEpochDeadline));
  a_.jae(trap_label(TrapKind::kInterrupted));
}

// The fuel left (kFuelReg) is unsigned: a segment it cannot pay borrows, and
// the trap path's exit (invoke_native) leaves the store 0.
void FuncCompiler::emit_fuel_charge() {
  if (!fuel_) return;
  uint32_t cost = fuel_->next();
  if (cost == 0) return;
  if (cost > static_cast<uint32_t>(INT32_MAX)) return fail();
  a_.sub(kFuelReg, static_cast<int32_t>(cost));
  a_.jb(trap_label(TrapKind::kOutOfFuel));
}

void FuncCompiler::spill_fuel() {
  if (fuel_) a_.mov(qword_ptr(r15, kCtxFuel), kFuelReg);
}

void FuncCompiler::reload_fuel() {
  if (fuel_) a_.mov(kFuelReg, qword_ptr(r15, kCtxFuel));
}

void FuncCompiler::load_vm(Gp dst) { a_.mov(dst, qword_ptr(r15, kCtxVm)); }

void FuncCompiler::load_vm_word(Gp dst, int32_t offset) {
  load_vm(dst);
  a_.mov(dst, qword_ptr(dst, offset));
}

// ---- function ----

void FuncCompiler::begin_function(const FuncContext& fc) {
  nparams_ = static_cast<uint32_t>(fc.type->params.size());
  ndecl_ = static_cast<uint32_t>(fc.locals.size()) - nparams_;
  local_types_.assign(fc.locals.begin(), fc.locals.end());
  results_.assign(fc.type->results.begin(), fc.type->results.end());
  uint32_t arg_slots = 0;
  for (uint32_t i = 0; i < nparams_; ++i) {
    param_slot_.push_back(arg_slots);
    arg_slots += slot_width(local_types_[i]);
  }
  // The prologue's stack check traps at the first instruction.
  at_ = m_.bodies[defined_].code_offset;

  choose_pins();
  a_.bind(entry_);
  a_.push(rbp);
  a_.mov(rbp, rsp);
  for (uint8_t r : saved_gp_) a_.push(gpq(r));
  // lea rax, [rsp - frame]; cmp rax, [r15 + limit]; jb overflow; sub rsp, frame
  // (frame size patched at the end, so both use 32-bit immediates).
  static const uint8_t kLea[] = {0x48, 0x8d, 0x84, 0x24, 0, 0, 0, 0};
  static const uint8_t kSub[] = {0x48, 0x81, 0xec, 0, 0, 0, 0};
  patch_lea_ = a_.offset() + 4;
  a_.embed(kLea, sizeof kLea);
  a_.cmp(rax, qword_ptr(r15, kCtxStackLimit));
  a_.jb(trap_label(TrapKind::kCallStackExhausted));
  patch_sub_ = a_.offset() + 3;
  a_.embed(kSub, sizeof kSub);
  if (ndecl_ > 0) {  // the declared locals' slots, as 8-byte words
    uint32_t words = ndecl_ * slot_ / 8;
    a_.xor_(eax, eax);
    if (words <= 8) {
      for (uint32_t j = 0; j < words; ++j) a_.mov(qword_ptr(rbp, -save_bytes_ - 8 * static_cast<int32_t>(1 + j)), rax);
    } else {
      a_.lea(rdi, qword_ptr(rbp, -save_bytes_ - 8 * static_cast<int32_t>(words)));
      a_.mov(ecx, words);
      a_.rep().stosq();
    }
  }
  for (uint32_t i = 0; i < pin_.size(); ++i) {
    if (pin_[i] < 0) continue;
    uint8_t p = static_cast<uint8_t>(pin_[i]);
    ValType t = local_types_[i];
    if (i >= nparams_) {
      if (in_xmm(t)) a_.xorps(xmm(p), xmm(p)); else a_.xor_(gpd(p), gpd(p));
    } else if (in_xmm(t)) {
      load_xmm(xmm(p), t, local_mem(i));
    } else if (t == ValType::kI32) {
      a_.mov(gpd(p), local_mem(i).cloneResized(4));
    } else {
      a_.mov(gpq(p), local_mem(i));
    }
  }
  reload_memory_base();
  emit_entry_checks();
  push_ctrl(CtrlKind::kBlock, 0, BlockSig{{}, results_}, a_.new_jump_label());
}

void FuncCompiler::emit_return() {
  size_t n = results_.size();
  size_t first = stack_.size() - n;
  // Results overwrite the parameter slots: read deferred parameters first.
  for (size_t k = 0; k < n; ++k) {
    Val& v = stack_[first + k];
    if (v.loc == Loc::kLocal && v.bits < nparams_) (in_xmm(v.type) ? (void)xmm_of(v) : (void)gp_of(v));
  }
  int32_t at = 16;
  for (size_t k = 0; k < n; ++k) {
    store_val(qword_ptr(rbp, at), stack_[first + k]);
    at += 8 * static_cast<int32_t>(slot_width(results_[k]));
  }
  if (saved_gp_.empty()) {
    a_.mov(rsp, rbp);
  } else {
    a_.lea(rsp, qword_ptr(rbp, -save_bytes_));
    for (size_t k = saved_gp_.size(); k-- > 0;) a_.pop(gpq(saved_gp_[k]));
  }
  a_.pop(rbp);
  a_.ret();
}

void FuncCompiler::end_function(bool reachable) {
  if (!ok_) return;  // after a failure the code is discarded
  if (fuel_ && !fuel_->complete()) return fail();  // a bug: the interpreter runs the function
  materialize_top();
  Ctrl& body = ctrls_.back();
  if (reachable) {
    emit_return();
  }
  // Branches to the function's outermost label act as returns.
  a_.bind(body.label);
  if (body.targeted) {
    reset_stack(0, results_);
    emit_return();
  }
  pop_ctrl();

  emit_trap_paths();
  for (JumpTable& jt : jump_tables_) {
    a_.align(AlignMode::kData, 4);
    a_.bind(jt.table);
    for (Label l : jt.entries) a_.embedLabelDelta(l, jt.table, 4);
  }
  if (!v128_consts_.empty()) a_.align(AlignMode::kData, 16);
  for (auto& [bytes, label] : v128_consts_) {
    a_.bind(label);
    a_.embed(bytes.data(), 16);
  }
  if (!float_consts_.empty()) a_.align(AlignMode::kData, 8);
  for (auto& [bits, label] : float_consts_) {
    a_.bind(label);
    a_.embed(&bits, 8);
  }

  uint32_t slots = ndecl_ + max_stack_ + max_out_;
  if (slots > (1u << 26)) return fail();
  // rsp stays 16-aligned below the saved registers and the frame.
  uint32_t bytes = (ndecl_ + max_stack_) * slot_ + max_out_ * 8;
  int32_t frame = static_cast<int32_t>((bytes + save_bytes_ + 15) & ~15u) - save_bytes_;
  uint8_t* buf = mc_.code.textSection()->buffer().data();
  int32_t neg = -frame;
  std::memcpy(buf + patch_lea_, &neg, 4);
  std::memcpy(buf + patch_sub_, &frame, 4);
}

// ---- control ----

void FuncCompiler::block(BlockSig sig) {
  if (!ok_) return;  // after a failure the code is discarded
  materialize_top();
  flush();
  uint32_t h = static_cast<uint32_t>(stack_.size() - sig.params.size());
  materialize(h);
  push_ctrl(CtrlKind::kBlock, h, sig, a_.new_jump_label());
}

void FuncCompiler::loop(BlockSig sig) {
  if (!ok_) return;  // after a failure the code is discarded
  materialize_top();
  flush();
  uint32_t h = static_cast<uint32_t>(stack_.size() - sig.params.size());
  materialize(h);
  Label start = a_.new_jump_label();
  a_.bind(start);
  push_ctrl(CtrlKind::kLoop, h, sig, start);
  emit_epoch_check();
  emit_fuel_charge();
}

void FuncCompiler::if_(BlockSig sig) {
  if (!ok_) return;  // after a failure the code is discarded
  if (stack_.empty() || !is_and(stack_.back())) materialize_op();
  materialize_mem();
  Val cond = pop();
  if (cond.loc != Loc::kCond && cond.loc != Loc::kPinned && !is_and(cond)) gp_of(cond);
  flush();  // stores only: a condition in the flags survives
  uint32_t h = static_cast<uint32_t>(stack_.size() - sig.params.size());
  materialize(h);
  Label end = a_.new_jump_label(), else_label = a_.new_jump_label();
  branch_on(cond, false, else_label);
  push_ctrl(CtrlKind::kIf, h, sig, end, else_label);
  emit_fuel_charge();
}

// The end of a block's (or an if arm's) code: its values go to their home
// slots, where the code after the label expects them.
FuncCompiler::Ctrl& FuncCompiler::close_arm(bool reachable) {
  materialize_top();
  Ctrl& c = ctrls_.back();
  if (reachable) {
    flush();
    materialize(c.height);
  }
  return c;
}

void FuncCompiler::else_(bool reachable) {
  if (!ok_) return;  // after a failure the code is discarded
  Ctrl& c = close_arm(reachable);
  if (reachable) a_.jmp(c.label);
  a_.bind(c.else_label);
  c.else_bound = true;
  reset_stack(c.height, params_of(c));
  emit_fuel_charge();
}

void FuncCompiler::end(bool reachable) {
  if (!ok_) return;  // after a failure the code is discarded
  Ctrl& c = close_arm(reachable);
  if (c.kind == CtrlKind::kIf && !c.else_bound) a_.bind(c.else_label);
  if (c.kind != CtrlKind::kLoop) a_.bind(c.label);
  reset_stack(c.height, results_of(c));  // (pushes no block, so the span stays valid)
  pop_ctrl();
  emit_fuel_charge();
}

void FuncCompiler::br(uint32_t depth) {
  if (!ok_) return;  // after a failure the code is discarded
  materialize_top();
  Ctrl& t = ctrl_at(depth);
  transfer(t);
  a_.jmp(t.label);
}

void FuncCompiler::br_if(uint32_t depth) {
  if (!ok_) return;  // after a failure the code is discarded
  if (stack_.empty() || !is_and(stack_.back())) materialize_op();
  materialize_mem();
  Val cond = pop();
  Ctrl& t = ctrl_at(depth);
  if (transfer_is_noop(t)) {
    branch_on(cond, true, t.label);
  } else {
    Label skip = a_.new_jump_label();
    branch_on(cond, false, skip);
    transfer(t);
    a_.jmp(t.label);
    a_.bind(skip);
  }
  emit_fuel_charge();
}

void FuncCompiler::br_table(std::span<const uint32_t> depths, uint32_t default_depth) {
  if (!ok_) return;  // after a failure the code is discarded
  materialize_top();
  Val index = pop();
  Gp r = gp_of(index);
  uint32_t n = static_cast<uint32_t>(depths.size());
  a_.mov(eax, n);
  a_.cmp(r.r32(), n);
  a_.cmovae(r.r32(), eax);
  JumpTable jt{a_.newLabel(), {}};
  // Entries are offsets from the table (the code holds no address).
  a_.lea(rax, ptr(jt.table));
  a_.movsxd(rcx, dword_ptr(rax, r.r64(), 2));
  a_.add(rax, rcx);
  a_.jmp(rax);
  free_reg(index);
  std::map<uint32_t, Label> stubs;
  auto entry = [&](uint32_t depth) {
    auto it = stubs.find(depth);
    if (it != stubs.end()) return it->second;
    Ctrl& t = ctrl_at(depth);
    Label l = transfer_is_noop(t) ? t.label : a_.new_jump_label();
    stubs.emplace(depth, l);
    return l;
  };
  for (uint32_t d : depths) jt.entries.push_back(entry(d));
  jt.entries.push_back(entry(default_depth));
  for (auto& [depth, l] : stubs) {
    Ctrl& t = ctrl_at(depth);
    if (l == t.label) continue;
    a_.bind(l);
    transfer(t);
    a_.jmp(t.label);
  }
  jump_tables_.push_back(std::move(jt));
}

void FuncCompiler::return_() {
  if (!ok_) return;
  materialize_top();
  emit_return();
}

void FuncCompiler::unreachable() {
  if (!ok_) return;
  materialize_mem();  // a pending load still happens (and may trap) first
  a_.jmp(trap_label(TrapKind::kUnreachable));
}

// ---- calls ----

void FuncCompiler::begin_call(const FuncType& t) {
  uint32_t n = static_cast<uint32_t>(t.params.size());
  max_out_ = std::max<uint32_t>(max_out_, call_slots(t));
  size_t first = stack_.size() - n;
  for (uint32_t k = 0, slot = 0; k < n; slot += slot_width(t.params[k]), ++k) store_val(out_mem(slot), stack_[first + k]);
  for (uint32_t k = 0; k < n; ++k) free_reg(pop());
  flush();
  save_pins();
}

void FuncCompiler::end_call(const FuncType& t) {
  // r14 is as it was: a callee of this instance loads the same memory 0,
  // whose base never moves (linear_memory.cpp); call_slow's C++ and the
  // entry trampoline preserve it; only a call into another instance
  // reloads it (call_through_funcimpl).
  restore_pins();
  for (uint32_t k = 0, slot = 0; k < t.results.size(); slot += slot_width(t.results[k]), ++k) {
    ValType rt = t.results[k];
    if (in_xmm(rt)) {
      uint8_t r = alloc_xmm();
      load_xmm(xmm(r), rt, out_mem(slot));
      push_reg(rt, r);
    } else {
      uint8_t r = alloc_gp();
      if (rt == ValType::kI32) a_.mov(gpd(r), out_mem(slot).cloneResized(4)); else a_.mov(gpq(r), out_mem(slot));
      push_reg(rt, r);
    }
  }
}

// A function of another instance runs with its own context: the caller's is
// kept in the outgoing slot past the call's arguments and results meanwhile.
void FuncCompiler::call_through_funcimpl(const FuncType& t) {
  static const FuncImpl probe;
  uint32_t keep = call_slots(t);
  max_out_ = std::max(max_out_, keep + 1);
  Label slow = a_.new_jump_label(), same = a_.new_jump_label(), done = a_.new_jump_label();
  a_.mov(rcx, qword_ptr(rax, static_cast<int32_t>(field_offset(&probe, &probe.native))));
  a_.test(rcx, rcx);
  a_.jz(slow);
  a_.mov(rdx, qword_ptr(rax, static_cast<int32_t>(field_offset(&probe, &probe.vm))));
  a_.cmp(rdx, qword_ptr(r15, kCtxVm));
  a_.je(same);
  load_vm(rax);
  a_.mov(out_mem(keep), rax);
  a_.mov(qword_ptr(r15, kCtxVm), rdx);
  a_.call(rcx);
  call_site();
  a_.mov(rcx, out_mem(keep));
  a_.mov(qword_ptr(r15, kCtxVm), rcx);
  reload_memory_base();  // the callee's prologue set its own
  a_.jmp(done);
  a_.bind(same);
  a_.call(rcx);
  call_site();
  a_.jmp(done);
  a_.bind(slow);
  a_.mov(rdi, r15);
  a_.mov(rsi, rax);
  a_.mov(rdx, rsp);
  load_vm_word(rcx, kVmInstance);
  spill_fuel();
  a_.mov(rax, qword_ptr(r15, kCtxHelpers));
  a_.call(qword_ptr(rax, 8 * static_cast<int32_t>(helper_id(reinterpret_cast<const void*>(&helper::call_slow)))));
  reload_fuel();
  a_.test(eax, eax);
  a_.jnz(trap_label_call());
  a_.bind(done);
}

void FuncCompiler::call_direct(uint32_t func_index) {
  const FuncType& t = m_.func_type(func_index);
  begin_call(t);
  uint32_t imported = m_.num_imported_funcs;
  if (func_index >= imported) {
    static const uint8_t kCallRel32[] = {0xe8, 0, 0, 0, 0};
    mc_.calls.push_back({static_cast<uint32_t>(a_.offset() + 1), func_index - imported});
    a_.embed(kCallRel32, sizeof kCallRel32);
    call_site();
  } else {
    load_vm_word(rax, mc_.layout.func(func_index));
    call_through_funcimpl(t);
  }
  end_call(t);
}

void FuncCompiler::call_indirect(const Imm& imm) {
  const FuncType& t = m_.types[imm.index];
  static const FuncImpl probe;
  Val index = pop();
  Gp r = gp_of(index);
  // The index stays in rdx through begin_call (which only uses rax).
  a_.mov(edx, r.r32());
  free_reg(index);
  begin_call(t);
  // elems is a TableStorage: its element count and array read from the object.
  load_vm_word(rcx, mc_.layout.table_elems(imm.index2));
  a_.cmp(rdx, qword_ptr(rcx, TableStorage::kSizeOffset));
  a_.jae(trap_label(TrapKind::kUndefinedElement));
  a_.mov(rcx, qword_ptr(rcx, TableStorage::kDataOffset));
  a_.mov(rax, qword_ptr(rcx, rdx, 3));
  a_.test(rax, rax);
  a_.jz(trap_label(TrapKind::kUninitializedElement));
  load_vm(rcx);
  a_.mov(ecx, dword_ptr(rcx, mc_.layout.type_id(imm.index)));
  a_.cmp(dword_ptr(rax, static_cast<int32_t>(field_offset(&probe, &probe.sig_id))), ecx);
  a_.jne(trap_label(TrapKind::kIndirectCallTypeMismatch));
  call_through_funcimpl(t);
  end_call(t);
}

void FuncCompiler::call_helper(const void* fn, std::span<const HelperArg> before, uint32_t npops,
                               std::span<const HelperArg> after, bool status, std::optional<ValType> result) {
  static const Gp kArgs[] = {rdi, rsi, rdx, rcx, r8, r9};
  flush();
  size_t first = stack_.size() - npops;
  size_t k = 0;
  auto load_arg = [&](const HelperArg& h) {
    Gp dst = kArgs[k++];
    if (h.from_vm) load_vm_word(dst, static_cast<int32_t>(h.value)); else a_.mov(dst, h.value);
  };
  for (const HelperArg& h : before) load_arg(h);
  for (uint32_t i = 0; i < npops; ++i) load_gp_to(kArgs[k++], stack_[first + i]);
  for (const HelperArg& h : after) load_arg(h);
  for (uint32_t i = 0; i < npops; ++i) pop();
  save_pins();
  a_.mov(rax, qword_ptr(r15, kCtxHelpers));
  a_.call(qword_ptr(rax, 8 * static_cast<int32_t>(helper_id(fn))));
  restore_pins();
  if (status && result) {
    a_.test(edx, edx);
    a_.jnz(trap_label_status());
  } else if (status) {
    a_.test(eax, eax);
    a_.mov(edx, eax);
    a_.jnz(trap_label_status());
  }
  if (result) {
    if (is_float(*result)) {
      uint8_t r = alloc_xmm();
      a_.movq(xmm(r), rax);
      push_reg(*result, r);
    } else {
      uint8_t r = alloc_gp();
      a_.mov(gpq(r), rax);
      push_reg(*result, r);
    }
  }
}

// ---- everything else ----

// A condition still in the flags is used directly (the moves that bring the
// operands into registers keep the flags).
void FuncCompiler::select(ValType t) {
  Val c = pop();
  Val b = pop();
  Val a = pop();
  CondCode keep_a = CondCode::kNZ;
  if (c.loc == Loc::kCond) {
    keep_a = static_cast<CondCode>(c.bits);
  } else {
    Gp rc = gp_read(c);
    a_.test(rc.r32(), rc.r32());
    free_reg(c);
  }
  if (in_xmm(t)) {
    Xmm xa = xmm_of(a);
    Xmm xb = xmm_read(b);
    Label keep = a_.new_jump_label();
    a_.emit(Inst::jccFromCond(keep_a), keep);
    a_.movaps(xa, xb);
    a_.bind(keep);
    free_reg(b);
    push_reg(t, a.reg);
    return;
  }
  bool wide = t != ValType::kI32;
  Gp ra = gp_of(a);
  InstId cmov = Inst::cmovccFromCond(negateCond(keep_a));
  if (in_memory(b)) {
    a_.emit(cmov, wide ? ra : ra.r32(), wide ? mem_of(b) : mem_of(b).cloneResized(4));
  } else {
    Gp rb = gp_read(b);
    a_.emit(cmov, wide ? ra : ra.r32(), wide ? rb : rb.r32());
    free_reg(b);
  }
  push_reg(t, a.reg);
}

void FuncCompiler::op(Opcode op, const Imm& imm, std::span<const ValType> pops, std::span<const ValType> pushes) {
  if (!ok_) return;
  if (pending_rmw_.active) {
    if (op == Opcode::Drop) {
      settle_rmw(true);
      free_reg(pop());
      return;
    }
    settle_rmw(false);
  }
  // A pending value on top is computed now unless this instruction takes it.
  if (!stack_.empty()) {
    switch (stack_.back().loc) {
      case Loc::kOp:
        if ((op == Opcode::I32Eqz || op == Opcode::I64Eqz) && is_and(stack_.back())) {
          emit_test(pop());
          return push_cond(CondCode::kE);
        }
        if (op != Opcode::LocalSet && op != Opcode::LocalTee) materialize_op();
        break;
      case Loc::kMem: if (!folds_load(op)) materialize_mem(); break;
      case Loc::kCond:  // select uses the flags; local.set/tee set the local from them (plain moves keep them)
        if (op != Opcode::Select && op != Opcode::SelectT && op != Opcode::LocalSet && op != Opcode::LocalTee)
          materialize_cond();
        break;
      default: break;
    }
  }
  switch (op) {
    case Opcode::Nop: return;
    case Opcode::Drop: free_reg(pop()); return;
    case Opcode::Select:
    case Opcode::SelectT:
      return select(pushes[0]);
    case Opcode::LocalGet: {
      if (pin_[imm.index] >= 0) return push_pinned(imm.index);
      uint32_t pos = static_cast<uint32_t>(stack_.size());
      stack_.push_back(Val{local_types_[imm.index], Loc::kLocal, 0, pos, imm.index});
      max_stack_ = std::max(max_stack_, pos + 1);
      return;
    }
    case Opcode::LocalSet: {
      Val v = pop();
      if (pin_[imm.index] >= 0) {
        if (v.loc == Loc::kPinned && v.bits == imm.index) return;
        if (v.loc == Loc::kOp && !is_address(v) && v.rhs == static_cast<uint8_t>(pin_[imm.index])) gp_of(v);
        detach_local(imm.index);
        set_pinned(imm.index, v);
        free_reg(v);
        return;
      }
      if (v.loc == Loc::kLocal && v.bits == imm.index) return;
      if (v.loc == Loc::kLocal) in_xmm(v.type) ? (void)xmm_of(v) : (void)gp_of(v);
      detach_local(imm.index);
      store_val(local_mem(imm.index), v);
      free_reg(v);
      return;
    }
    case Opcode::LocalTee: {
      if (stack_.back().loc == Loc::kOp) {
        Val v = pop();
        int8_t p = pin_[imm.index];
        if (p < 0 || (!is_address(v) && v.rhs == static_cast<uint8_t>(p))) {
          gp_of(v);
          stack_.push_back(v);
        } else {
          detach_local(imm.index);
          emit_op_into(gpq(p), v);
          return push_pinned(imm.index);
        }
      }
      if (pin_[imm.index] >= 0) {  // straight into the register, which then stands for the value
        Val t = pop();
        if (!(t.loc == Loc::kPinned && t.bits == imm.index)) {
          detach_local(imm.index);
          set_pinned(imm.index, t);
          free_reg(t);
        }
        return push_pinned(imm.index);
      }
      Val& v = stack_.back();
      if (in_memory(v) || v.loc == Loc::kPinned || v.loc == Loc::kMem) {  // keep it in a register for the next user
        Val t = pop();
        if (in_xmm(t.type)) xmm_of(t); else gp_of(t);
        stack_.push_back(t);
      }
      detach_local(imm.index);
      store_val(local_mem(imm.index), stack_.back());
      return;
    }
    case Opcode::GlobalGet: {
      ValType t = m_.global_types[imm.index].type;
      load_vm_word(rcx, mc_.layout.global(imm.index));
      if (in_xmm(t)) {
        uint8_t r = alloc_xmm();
        load_xmm(xmm(r), t, ptr(rcx));
        push_reg(t, r);
      } else {
        uint8_t r = alloc_gp();
        if (t == ValType::kI32) a_.mov(gpd(r), dword_ptr(rcx)); else a_.mov(gpq(r), qword_ptr(rcx));
        push_reg(t, r);
      }
      return;
    }
    case Opcode::GlobalSet: {
      Val v = pop();
      if (in_memory(v)) (in_xmm(v.type) ? (void)xmm_of(v) : (void)gp_of(v));
      load_vm_word(rcx, mc_.layout.global(imm.index));
      if (v.type == ValType::kI32 && v.loc == Loc::kConst) {
        a_.mov(dword_ptr(rcx), static_cast<uint32_t>(v.bits));
        a_.mov(dword_ptr(rcx, 4), 0);
      } else {
        store_val(qword_ptr(rcx), v);
      }
      free_reg(v);
      return;
    }
    case Opcode::Call:  // fuel_ends_segment
      call_direct(imm.index);
      return emit_fuel_charge();
    case Opcode::CallIndirect:
      call_indirect(imm);
      return emit_fuel_charge();
    case Opcode::I32Const: return push_const(ValType::kI32, static_cast<uint32_t>(imm.bits[0]));
    case Opcode::I64Const: return push_const(ValType::kI64, imm.bits[0]);
    case Opcode::F32Const: return push_const(ValType::kF32, static_cast<uint32_t>(imm.bits[0]));
    case Opcode::F64Const: return push_const(ValType::kF64, imm.bits[0]);
    case Opcode::RefNull: return push_const(imm.type, 0);
    case Opcode::RefFunc: {
      uint8_t r = alloc_gp();
      load_vm_word(gpq(r), mc_.layout.func(imm.index));
      push_reg(ValType::kFuncRef, r);
      return;
    }
    case Opcode::RefIsNull: {
      Val v = pop();
      Gp r = gp_of(v);
      a_.test(r, r);
      a_.sete(r.r8());
      a_.movzx(r.r32(), r.r8());
      push_reg(ValType::kI32, v.reg);
      return;
    }
    default: break;
  }
  if (op == Opcode::AtomicFence) {
    a_.mfence();
    return;
  }
  // The families are disjoint; the most frequent are tried first.
  if (numeric_inline(op)) return;
  if (memory_access(op, imm)) return;
  if (atomic_op(op, imm, pushes)) return;
  if (memory_or_table_op(op, imm)) return;
  NumericHelper h = numeric_helper(op);
  if (h.fn && pushes.size() == 1) return numeric_helper_call(op, pushes[0]);
  if (simd_op(op, imm, pops, pushes)) return;
  fail();
}

static_assert(Emitter<FuncCompiler>);

}  // namespace wpvm::jit

// SIMD (v128) instructions. A v128 lives in an XMM register or in a 16-byte
// frame slot (compiler.h). Every instruction is compiled inline here, in
// SSE4.1 (memory accesses through the same address and bounds logic as the
// scalar ones), with AVX encodings for the lane-wise binary operations and
// SSE4.2's pcmpgtq where the CPU has them (fingerprint.h). Without SSE4.2,
// the i64x2 signed comparisons call their semantics, the one definition the
// interpreter runs too (exec/simd.h), on the operands' home slots; so does
// anything simd_inline declines.
#include <cstring>

#include "compiler.h"
#include "exec/simd.h"
#include "fingerprint.h"
#include "helpers.h"

namespace wpvm::jit {

using namespace asmjit;
using namespace asmjit::x86;

namespace {

// Scratch registers of one instruction's code (compiler.cpp keeps them out
// of the pool; store_val copies a v128 between slots through xmm15).
const Xmm kTmp = xmm14, kTmp2 = xmm15;

void splat_bytes(uint8_t (&out)[16], uint8_t b) { std::memset(out, b, 16); }
void splat_words(uint8_t (&out)[16], uint16_t w) {
  for (int i = 0; i < 16; i += 2) std::memcpy(out + i, &w, 2);
}

// A lane-wise binary operation that is one SSE instruction, dst = dst op src.
// swap: the Wasm operands the other way round (dst = b op a).
// vex: the AVX form, dst = src1 op src2 (three operands: no copy of an
// operand that lives on), used where the CPU has AVX (use_avx).
struct Binop {
  InstId id = Inst::kIdNone;
  InstId vex = Inst::kIdNone;
  bool swap = false;
  int imm = -1;  // cmpps/cmppd predicate
};


Binop binop_of(Opcode op) {
  switch (op) {
    case Opcode::I8x16Add: return {Inst::kIdPaddb, Inst::kIdVpaddb};
    case Opcode::I16x8Add: return {Inst::kIdPaddw, Inst::kIdVpaddw};
    case Opcode::I32x4Add: return {Inst::kIdPaddd, Inst::kIdVpaddd};
    case Opcode::I64x2Add: return {Inst::kIdPaddq, Inst::kIdVpaddq};
    case Opcode::I8x16Sub: return {Inst::kIdPsubb, Inst::kIdVpsubb};
    case Opcode::I16x8Sub: return {Inst::kIdPsubw, Inst::kIdVpsubw};
    case Opcode::I32x4Sub: return {Inst::kIdPsubd, Inst::kIdVpsubd};
    case Opcode::I64x2Sub: return {Inst::kIdPsubq, Inst::kIdVpsubq};
    case Opcode::I8x16AddSatS: return {Inst::kIdPaddsb, Inst::kIdVpaddsb};
    case Opcode::I8x16AddSatU: return {Inst::kIdPaddusb, Inst::kIdVpaddusb};
    case Opcode::I16x8AddSatS: return {Inst::kIdPaddsw, Inst::kIdVpaddsw};
    case Opcode::I16x8AddSatU: return {Inst::kIdPaddusw, Inst::kIdVpaddusw};
    case Opcode::I8x16SubSatS: return {Inst::kIdPsubsb, Inst::kIdVpsubsb};
    case Opcode::I8x16SubSatU: return {Inst::kIdPsubusb, Inst::kIdVpsubusb};
    case Opcode::I16x8SubSatS: return {Inst::kIdPsubsw, Inst::kIdVpsubsw};
    case Opcode::I16x8SubSatU: return {Inst::kIdPsubusw, Inst::kIdVpsubusw};
    case Opcode::I16x8Mul: return {Inst::kIdPmullw, Inst::kIdVpmullw};
    case Opcode::I32x4Mul: return {Inst::kIdPmulld, Inst::kIdVpmulld};
    case Opcode::I8x16MinS: return {Inst::kIdPminsb, Inst::kIdVpminsb};
    case Opcode::I8x16MinU: return {Inst::kIdPminub, Inst::kIdVpminub};
    case Opcode::I16x8MinS: return {Inst::kIdPminsw, Inst::kIdVpminsw};
    case Opcode::I16x8MinU: return {Inst::kIdPminuw, Inst::kIdVpminuw};
    case Opcode::I32x4MinS: return {Inst::kIdPminsd, Inst::kIdVpminsd};
    case Opcode::I32x4MinU: return {Inst::kIdPminud, Inst::kIdVpminud};
    case Opcode::I8x16MaxS: return {Inst::kIdPmaxsb, Inst::kIdVpmaxsb};
    case Opcode::I8x16MaxU: return {Inst::kIdPmaxub, Inst::kIdVpmaxub};
    case Opcode::I16x8MaxS: return {Inst::kIdPmaxsw, Inst::kIdVpmaxsw};
    case Opcode::I16x8MaxU: return {Inst::kIdPmaxuw, Inst::kIdVpmaxuw};
    case Opcode::I32x4MaxS: return {Inst::kIdPmaxsd, Inst::kIdVpmaxsd};
    case Opcode::I32x4MaxU: return {Inst::kIdPmaxud, Inst::kIdVpmaxud};
    case Opcode::I8x16AvgrU: return {Inst::kIdPavgb, Inst::kIdVpavgb};
    case Opcode::I16x8AvgrU: return {Inst::kIdPavgw, Inst::kIdVpavgw};
    case Opcode::V128And: return {Inst::kIdPand, Inst::kIdVpand};
    case Opcode::V128Or: return {Inst::kIdPor, Inst::kIdVpor};
    case Opcode::V128Xor: return {Inst::kIdPxor, Inst::kIdVpxor};
    case Opcode::V128Andnot: return {Inst::kIdPandn, Inst::kIdVpandn, true};  // ~b & a
    case Opcode::I8x16Eq: return {Inst::kIdPcmpeqb, Inst::kIdVpcmpeqb};
    case Opcode::I16x8Eq: return {Inst::kIdPcmpeqw, Inst::kIdVpcmpeqw};
    case Opcode::I32x4Eq: return {Inst::kIdPcmpeqd, Inst::kIdVpcmpeqd};
    case Opcode::I64x2Eq: return {Inst::kIdPcmpeqq, Inst::kIdVpcmpeqq};
    case Opcode::I8x16GtS: return {Inst::kIdPcmpgtb, Inst::kIdVpcmpgtb};
    case Opcode::I16x8GtS: return {Inst::kIdPcmpgtw, Inst::kIdVpcmpgtw};
    case Opcode::I32x4GtS: return {Inst::kIdPcmpgtd, Inst::kIdVpcmpgtd};
    case Opcode::I8x16LtS: return {Inst::kIdPcmpgtb, Inst::kIdVpcmpgtb, true};
    case Opcode::I16x8LtS: return {Inst::kIdPcmpgtw, Inst::kIdVpcmpgtw, true};
    case Opcode::I32x4LtS: return {Inst::kIdPcmpgtd, Inst::kIdVpcmpgtd, true};
    case Opcode::I32x4DotI16x8S: return {Inst::kIdPmaddwd, Inst::kIdVpmaddwd};
    case Opcode::I8x16NarrowI16x8S: return {Inst::kIdPacksswb, Inst::kIdVpacksswb};
    case Opcode::I8x16NarrowI16x8U: return {Inst::kIdPackuswb, Inst::kIdVpackuswb};
    case Opcode::I16x8NarrowI32x4S: return {Inst::kIdPackssdw, Inst::kIdVpackssdw};
    case Opcode::I16x8NarrowI32x4U: return {Inst::kIdPackusdw, Inst::kIdVpackusdw};
    case Opcode::F32x4Add: return {Inst::kIdAddps, Inst::kIdVaddps};
    case Opcode::F32x4Sub: return {Inst::kIdSubps, Inst::kIdVsubps};
    case Opcode::F32x4Mul: return {Inst::kIdMulps, Inst::kIdVmulps};
    case Opcode::F32x4Div: return {Inst::kIdDivps, Inst::kIdVdivps};
    case Opcode::F64x2Add: return {Inst::kIdAddpd, Inst::kIdVaddpd};
    case Opcode::F64x2Sub: return {Inst::kIdSubpd, Inst::kIdVsubpd};
    case Opcode::F64x2Mul: return {Inst::kIdMulpd, Inst::kIdVmulpd};
    case Opcode::F64x2Div: return {Inst::kIdDivpd, Inst::kIdVdivpd};
    // Pseudo-min/max are x86's min/max with the operands swapped: minps
    // gives its second operand unless the first is less.
    case Opcode::F32x4Pmin: return {Inst::kIdMinps, Inst::kIdVminps, true};
    case Opcode::F32x4Pmax: return {Inst::kIdMaxps, Inst::kIdVmaxps, true};
    case Opcode::F64x2Pmin: return {Inst::kIdMinpd, Inst::kIdVminpd, true};
    case Opcode::F64x2Pmax: return {Inst::kIdMaxpd, Inst::kIdVmaxpd, true};
    // IEEE predicates: 0 eq, 1 lt, 2 le, 4 neq (true on NaN, like Wasm's ne).
    case Opcode::F32x4Eq: return {Inst::kIdCmpps, Inst::kIdVcmpps, false, 0};
    case Opcode::F32x4Ne: return {Inst::kIdCmpps, Inst::kIdVcmpps, false, 4};
    case Opcode::F32x4Lt: return {Inst::kIdCmpps, Inst::kIdVcmpps, false, 1};
    case Opcode::F32x4Le: return {Inst::kIdCmpps, Inst::kIdVcmpps, false, 2};
    case Opcode::F32x4Gt: return {Inst::kIdCmpps, Inst::kIdVcmpps, true, 1};
    case Opcode::F32x4Ge: return {Inst::kIdCmpps, Inst::kIdVcmpps, true, 2};
    case Opcode::F64x2Eq: return {Inst::kIdCmppd, Inst::kIdVcmppd, false, 0};
    case Opcode::F64x2Ne: return {Inst::kIdCmppd, Inst::kIdVcmppd, false, 4};
    case Opcode::F64x2Lt: return {Inst::kIdCmppd, Inst::kIdVcmppd, false, 1};
    case Opcode::F64x2Le: return {Inst::kIdCmppd, Inst::kIdVcmppd, false, 2};
    case Opcode::F64x2Gt: return {Inst::kIdCmppd, Inst::kIdVcmppd, true, 1};
    case Opcode::F64x2Ge: return {Inst::kIdCmppd, Inst::kIdVcmppd, true, 2};
    default: return {};
  }
}

// A lane-wise unary operation that is one SSE instruction dst = op(src), or
// an SSE4.1 rounding (round_imm >= 0: its mode, with the precision exception
// suppressed).
struct Unop {
  InstId id = Inst::kIdNone;
  int round_imm = -1;
};

Unop unop_of(Opcode op) {
  switch (op) {
    case Opcode::I8x16Abs: return {Inst::kIdPabsb};
    case Opcode::I16x8Abs: return {Inst::kIdPabsw};
    case Opcode::I32x4Abs: return {Inst::kIdPabsd};
    case Opcode::F32x4Sqrt: return {Inst::kIdSqrtps};
    case Opcode::F64x2Sqrt: return {Inst::kIdSqrtpd};
    case Opcode::F32x4Nearest: return {Inst::kIdRoundps, 8 | 0};
    case Opcode::F32x4Floor: return {Inst::kIdRoundps, 8 | 1};
    case Opcode::F32x4Ceil: return {Inst::kIdRoundps, 8 | 2};
    case Opcode::F32x4Trunc: return {Inst::kIdRoundps, 8 | 3};
    case Opcode::F64x2Nearest: return {Inst::kIdRoundpd, 8 | 0};
    case Opcode::F64x2Floor: return {Inst::kIdRoundpd, 8 | 1};
    case Opcode::F64x2Ceil: return {Inst::kIdRoundpd, 8 | 2};
    case Opcode::F64x2Trunc: return {Inst::kIdRoundpd, 8 | 3};
    case Opcode::I16x8ExtendLowI8x16S: return {Inst::kIdPmovsxbw};
    case Opcode::I16x8ExtendLowI8x16U: return {Inst::kIdPmovzxbw};
    case Opcode::I32x4ExtendLowI16x8S: return {Inst::kIdPmovsxwd};
    case Opcode::I32x4ExtendLowI16x8U: return {Inst::kIdPmovzxwd};
    case Opcode::I64x2ExtendLowI32x4S: return {Inst::kIdPmovsxdq};
    case Opcode::I64x2ExtendLowI32x4U: return {Inst::kIdPmovzxdq};
    case Opcode::F32x4ConvertI32x4S: return {Inst::kIdCvtdq2ps};
    case Opcode::F64x2ConvertLowI32x4S: return {Inst::kIdCvtdq2pd};
    case Opcode::F32x4DemoteF64x2Zero: return {Inst::kIdCvtpd2ps};
    case Opcode::F64x2PromoteLowF32x4: return {Inst::kIdCvtps2pd};
    default: return {};
  }
}

// The extension of the high half: the same instruction after moving the
// high 8 bytes down.
InstId extend_high_of(Opcode op) {
  switch (op) {
    case Opcode::I16x8ExtendHighI8x16S: return Inst::kIdPmovsxbw;
    case Opcode::I16x8ExtendHighI8x16U: return Inst::kIdPmovzxbw;
    case Opcode::I32x4ExtendHighI16x8S: return Inst::kIdPmovsxwd;
    case Opcode::I32x4ExtendHighI16x8U: return Inst::kIdPmovzxwd;
    case Opcode::I64x2ExtendHighI32x4S: return Inst::kIdPmovsxdq;
    case Opcode::I64x2ExtendHighI32x4U: return Inst::kIdPmovzxdq;
    default: return Inst::kIdNone;
  }
}

// Shifts by a scalar count (taken modulo the lane width): the instruction,
// the lane width in bits.
struct Shift {
  InstId id = Inst::kIdNone;
  uint32_t bits = 0;
};

Shift shift_of(Opcode op) {
  switch (op) {
    case Opcode::I16x8Shl: return {Inst::kIdPsllw, 16};
    case Opcode::I16x8ShrS: return {Inst::kIdPsraw, 16};
    case Opcode::I16x8ShrU: return {Inst::kIdPsrlw, 16};
    case Opcode::I32x4Shl: return {Inst::kIdPslld, 32};
    case Opcode::I32x4ShrS: return {Inst::kIdPsrad, 32};
    case Opcode::I32x4ShrU: return {Inst::kIdPsrld, 32};
    case Opcode::I64x2Shl: return {Inst::kIdPsllq, 64};
    case Opcode::I64x2ShrU: return {Inst::kIdPsrlq, 64};
    default: return {};
  }
}

// The integer comparisons without an instruction of their own: eq of the
// lane width, after min/max of the operands (minmax, unless kIdNone), then
// negated or not.
struct Compare {
  InstId eq = Inst::kIdNone;
  InstId minmax = Inst::kIdNone;
  bool negate = false;
};

Compare compare_of(Opcode op) {
  switch (op) {
    case Opcode::I8x16Ne: return {Inst::kIdPcmpeqb, Inst::kIdNone, true};
    case Opcode::I16x8Ne: return {Inst::kIdPcmpeqw, Inst::kIdNone, true};
    case Opcode::I32x4Ne: return {Inst::kIdPcmpeqd, Inst::kIdNone, true};
    case Opcode::I64x2Ne: return {Inst::kIdPcmpeqq, Inst::kIdNone, true};
    case Opcode::I8x16LeS: return {Inst::kIdPcmpeqb, Inst::kIdPminsb};
    case Opcode::I16x8LeS: return {Inst::kIdPcmpeqw, Inst::kIdPminsw};
    case Opcode::I32x4LeS: return {Inst::kIdPcmpeqd, Inst::kIdPminsd};
    case Opcode::I8x16LeU: return {Inst::kIdPcmpeqb, Inst::kIdPminub};
    case Opcode::I16x8LeU: return {Inst::kIdPcmpeqw, Inst::kIdPminuw};
    case Opcode::I32x4LeU: return {Inst::kIdPcmpeqd, Inst::kIdPminud};
    case Opcode::I8x16GeS: return {Inst::kIdPcmpeqb, Inst::kIdPmaxsb};
    case Opcode::I16x8GeS: return {Inst::kIdPcmpeqw, Inst::kIdPmaxsw};
    case Opcode::I32x4GeS: return {Inst::kIdPcmpeqd, Inst::kIdPmaxsd};
    case Opcode::I8x16GeU: return {Inst::kIdPcmpeqb, Inst::kIdPmaxub};
    case Opcode::I16x8GeU: return {Inst::kIdPcmpeqw, Inst::kIdPmaxuw};
    case Opcode::I32x4GeU: return {Inst::kIdPcmpeqd, Inst::kIdPmaxud};
    case Opcode::I8x16LtU: return {Inst::kIdPcmpeqb, Inst::kIdPmaxub, true};
    case Opcode::I16x8LtU: return {Inst::kIdPcmpeqw, Inst::kIdPmaxuw, true};
    case Opcode::I32x4LtU: return {Inst::kIdPcmpeqd, Inst::kIdPmaxud, true};
    case Opcode::I8x16GtU: return {Inst::kIdPcmpeqb, Inst::kIdPminub, true};
    case Opcode::I16x8GtU: return {Inst::kIdPcmpeqw, Inst::kIdPminuw, true};
    case Opcode::I32x4GtU: return {Inst::kIdPcmpeqd, Inst::kIdPminud, true};
    default: return {};
  }
}

// The memory instructions: bytes accessed, and whether they store.
struct VecAccess {
  uint32_t size = 0;
  bool store = false;
};

VecAccess vec_access_of(Opcode op) {
  switch (op) {
    case Opcode::V128Load: return {16, false};
    case Opcode::V128Load8x8S: case Opcode::V128Load8x8U: case Opcode::V128Load16x4S:
    case Opcode::V128Load16x4U: case Opcode::V128Load32x2S: case Opcode::V128Load32x2U:
    case Opcode::V128Load64Splat: case Opcode::V128Load64Zero: case Opcode::V128Load64Lane:
      return {8, false};
    case Opcode::V128Load8Splat: case Opcode::V128Load8Lane: return {1, false};
    case Opcode::V128Load16Splat: case Opcode::V128Load16Lane: return {2, false};
    case Opcode::V128Load32Splat: case Opcode::V128Load32Zero: case Opcode::V128Load32Lane: return {4, false};
    case Opcode::V128Store: return {16, true};
    case Opcode::V128Store8Lane: return {1, true};
    case Opcode::V128Store16Lane: return {2, true};
    case Opcode::V128Store32Lane: return {4, true};
    case Opcode::V128Store64Lane: return {8, true};
    default: return {};
  }
}

}  // namespace

Mem FuncCompiler::v128_const(const uint8_t* bytes) {
  std::array<uint8_t, 16> b;
  std::memcpy(b.data(), bytes, 16);
  auto it = std::find_if(v128_consts_.begin(), v128_consts_.end(), [&](const auto& c) { return c.first == b; });
  if (it == v128_consts_.end()) {
    // An asmjit label: any instruction's memory operand may refer to it (a
    // jump label serves only jumps and the scalar SSE forms).
    v128_consts_.emplace_back(b, a_.newLabel());
    it = v128_consts_.end() - 1;
  }
  return ptr(it->second, 0, 16);
}

bool FuncCompiler::simd_op(Opcode op, const Imm& imm, std::span<const ValType> pops, std::span<const ValType> pushes) {
  if (opcode_info(op).feature != Feature::kSimd) return false;
  if (simd_memory(op, imm) || simd_inline(op, imm)) return true;
  simd_value_call(op, imm, pops, pushes);
  return true;
}

// The loads and stores, addressed and checked as the scalar ones are.
bool FuncCompiler::simd_memory(Opcode op, const Imm& imm) {
  VecAccess acc = vec_access_of(op);
  if (acc.size == 0) return false;
  if (imm.mem.memory != 0 || m_.memories.empty()) return fail(), true;
  bool lane_op = opcode_info(op).imm == ImmKind::kMemArgLane;
  if (acc.store || lane_op) {
    // [addr, v]: the vector first into a register (the address computation
    // may use rax and rcx); a lane load writes into its own copy.
    Val v = pop();
    Val addr = pop();
    Xmm x = acc.store ? xmm_read(v) : xmm_of(v);
    Gp ar;
    Mem m = address(addr, imm.mem.offset, acc.size, ar, true);
    m.setSize(acc.size);
    fault_site(at_);
    switch (op) {
      case Opcode::V128Store: a_.movups(m, x); break;
      case Opcode::V128Store8Lane: a_.pextrb(m, x, imm.lane); break;
      case Opcode::V128Store16Lane: a_.pextrw(m, x, imm.lane); break;
      case Opcode::V128Store32Lane: a_.pextrd(m, x, imm.lane); break;
      case Opcode::V128Store64Lane: a_.pextrq(m, x, imm.lane); break;
      case Opcode::V128Load8Lane: a_.pinsrb(x, m, imm.lane); break;
      case Opcode::V128Load16Lane: a_.pinsrw(x, m, imm.lane); break;
      case Opcode::V128Load32Lane: a_.pinsrd(x, m, imm.lane); break;
      case Opcode::V128Load64Lane: a_.pinsrq(x, m, imm.lane); break;
      default: break;
    }
    free_reg(addr);
    if (acc.store) {
      free_reg(v);
    } else {
      push_reg(ValType::kV128, v.reg);
    }
    return true;
  }
  Val addr = pop();
  uint8_t dest = alloc_xmm();
  Xmm x = xmm(dest);
  Gp ar;
  Mem m = address(addr, imm.mem.offset, acc.size, ar, true);
  m.setSize(acc.size);
  fault_site(at_);
  switch (op) {
    case Opcode::V128Load: a_.movups(x, m); break;
    case Opcode::V128Load8x8S: a_.pmovsxbw(x, m); break;
    case Opcode::V128Load8x8U: a_.pmovzxbw(x, m); break;
    case Opcode::V128Load16x4S: a_.pmovsxwd(x, m); break;
    case Opcode::V128Load16x4U: a_.pmovzxwd(x, m); break;
    case Opcode::V128Load32x2S: a_.pmovsxdq(x, m); break;
    case Opcode::V128Load32x2U: a_.pmovzxdq(x, m); break;
    case Opcode::V128Load32Zero: a_.movss(x, m); break;
    case Opcode::V128Load64Zero: a_.movsd(x, m); break;
    case Opcode::V128Load8Splat:
      a_.pinsrb(x, m, 0);
      a_.pxor(kTmp, kTmp);
      a_.pshufb(x, kTmp);
      break;
    case Opcode::V128Load16Splat:
      a_.pinsrw(x, m, 0);
      a_.pshuflw(x, x, 0);
      a_.punpcklqdq(x, x);
      break;
    case Opcode::V128Load32Splat:
      a_.movss(x, m);
      a_.shufps(x, x, 0);
      break;
    case Opcode::V128Load64Splat: a_.movddup(x, m); break;
    default: break;
  }
  free_reg(addr);
  push_reg(ValType::kV128, dest);
  return true;
}

// The instructions compiled inline: all of them, but the i64x2 signed
// comparisons without SSE4.2. False for those (nothing emitted).
bool FuncCompiler::simd_inline(Opcode op, const Imm& imm) {
  // The two common shapes: an operation computed in place in the (only)
  // operand's register d, and one computed into the first operand's
  // register d reading the second from s.
  auto unary = [&](auto&& body) {
    Val v = pop();
    body(xmm_of(v));
    push_reg(ValType::kV128, v.reg);
    return true;
  };
  auto binary = [&](auto&& body) {
    Val b = pop();
    Val a = pop();
    Xmm d = xmm_of(a);
    body(d, xmm_read(b));
    free_reg(b);
    push_reg(ValType::kV128, a.reg);
    return true;
  };
  // dst = a op b (or b op a).
  if (Binop b = binop_of(op); b.id != Inst::kIdNone) {
    Val vb = pop();
    Val va = pop();
    Val& dst = b.swap ? vb : va;
    Val& src = b.swap ? va : vb;
    if (use_avx()) {
      // Into whichever operand's register the code owns, else a new one.
      Xmm x = xmm_read(dst);
      Xmm y = xmm_read(src);
      uint8_t r = dst.loc == Loc::kReg ? dst.reg : src.loc == Loc::kReg ? src.reg : alloc_xmm();
      if (b.imm >= 0) a_.emit(b.vex, xmm(r), x, y, asmjit::Imm(b.imm));
      else a_.emit(b.vex, xmm(r), x, y);
      if (dst.loc == Loc::kReg && dst.reg != r) free_reg(dst);
      if (src.loc == Loc::kReg && src.reg != r) free_reg(src);
      push_reg(ValType::kV128, r);
      return true;
    }
    Xmm d = xmm_of(dst);
    Xmm s = xmm_read(src);
    if (b.imm >= 0) a_.emit(b.id, d, s, asmjit::Imm(b.imm));
    else a_.emit(b.id, d, s);
    free_reg(src);
    push_reg(ValType::kV128, dst.reg);
    return true;
  }
  if (Unop u = unop_of(op); u.id != Inst::kIdNone) {
    Val v = pop();
    Xmm s = xmm_read(v);
    uint8_t r = v.loc == Loc::kReg ? v.reg : alloc_xmm();
    if (u.round_imm >= 0) a_.emit(u.id, xmm(r), s, asmjit::Imm(u.round_imm));
    else a_.emit(u.id, xmm(r), s);
    push_reg(ValType::kV128, r);
    return true;
  }
  if (InstId ext = extend_high_of(op); ext != Inst::kIdNone) {
    Val v = pop();
    Xmm s = xmm_read(v);
    uint8_t r = v.loc == Loc::kReg ? v.reg : alloc_xmm();
    a_.pshufd(kTmp, s, 0xee);  // the high 8 bytes, twice
    a_.emit(ext, xmm(r), kTmp);
    push_reg(ValType::kV128, r);
    return true;
  }
  if (Shift sh = shift_of(op); sh.id != Inst::kIdNone) {
    Val n = pop();
    Val v = pop();
    if (n.loc == Loc::kConst) {
      Xmm d = xmm_of(v);
      a_.emit(sh.id, d, asmjit::Imm(static_cast<uint32_t>(n.bits) & (sh.bits - 1)));
    } else {
      Gp c = gp_read(n);
      a_.mov(eax, c.r32());
      a_.and_(eax, sh.bits - 1);
      a_.movd(kTmp, eax);
      free_reg(n);
      Xmm d = xmm_of(v);
      a_.emit(sh.id, d, kTmp);
    }
    push_reg(ValType::kV128, v.reg);
    return true;
  }
  switch (op) {
    case Opcode::V128Const: {
      uint8_t r = alloc_xmm();
      uint8_t bytes[16];
      std::memcpy(bytes, imm.bits, 16);
      bool zero = imm.bits[0] == 0 && imm.bits[1] == 0;
      bool ones = imm.bits[0] == ~uint64_t{0} && imm.bits[1] == ~uint64_t{0};
      if (zero) a_.pxor(xmm(r), xmm(r));
      else if (ones) a_.pcmpeqd(xmm(r), xmm(r));
      else a_.movaps(xmm(r), v128_const(bytes));
      push_reg(ValType::kV128, r);
      return true;
    }
    case Opcode::V128Not: {
      return unary([&](Xmm d) {
        a_.pcmpeqd(kTmp, kTmp);
        a_.pxor(d, kTmp);
      });
    }
    case Opcode::I8x16Neg: case Opcode::I16x8Neg: case Opcode::I32x4Neg: case Opcode::I64x2Neg: {
      static constexpr InstId kSub[] = {Inst::kIdPsubb, Inst::kIdPsubw, Inst::kIdPsubd, Inst::kIdPsubq};
      InstId sub = kSub[op == Opcode::I8x16Neg ? 0 : op == Opcode::I16x8Neg ? 1 : op == Opcode::I32x4Neg ? 2 : 3];
      Val v = pop();
      Xmm s = xmm_read(v);
      a_.movaps(kTmp, s);
      free_reg(v);
      uint8_t r = alloc_xmm();
      a_.pxor(xmm(r), xmm(r));
      a_.emit(sub, xmm(r), kTmp);
      push_reg(ValType::kV128, r);
      return true;
    }
    case Opcode::F32x4Abs: case Opcode::F32x4Neg: case Opcode::F64x2Abs: case Opcode::F64x2Neg: {
      // Only the sign bits change (NaN payloads kept).
      bool wide = op == Opcode::F64x2Abs || op == Opcode::F64x2Neg;
      bool neg = op == Opcode::F32x4Neg || op == Opcode::F64x2Neg;
      uint8_t mask[16];
      for (int i = 0; i < 16; ++i) mask[i] = neg ? 0 : 0xff;
      for (int i = wide ? 7 : 3; i < 16; i += wide ? 8 : 4) mask[i] = neg ? 0x80 : 0x7f;
      return unary([&](Xmm d) {
        if (neg) a_.xorps(d, v128_const(mask)); else a_.andps(d, v128_const(mask));
      });
    }
    case Opcode::V128Bitselect: {
      // (a & c) | (b & ~c) = ((a ^ b) & c) ^ b
      Val c = pop();
      Val b = pop();
      Val a = pop();
      Xmm d = xmm_of(a);
      Xmm xb = xmm_read(b);
      Xmm xc = xmm_read(c);
      a_.pxor(d, xb);
      a_.pand(d, xc);
      a_.pxor(d, xb);
      free_reg(c);
      free_reg(b);
      push_reg(ValType::kV128, a.reg);
      return true;
    }
    case Opcode::V128AnyTrue: case Opcode::I8x16AllTrue: case Opcode::I16x8AllTrue: case Opcode::I32x4AllTrue:
    case Opcode::I64x2AllTrue: {
      Val v = pop();
      Xmm s = xmm_read(v);
      if (op == Opcode::V128AnyTrue) {
        a_.ptest(s, s);
      } else {
        // All lanes non-zero: no lane equals zero.
        static constexpr InstId kEq[] = {Inst::kIdPcmpeqb, Inst::kIdPcmpeqw, Inst::kIdPcmpeqd, Inst::kIdPcmpeqq};
        InstId eq = kEq[op == Opcode::I8x16AllTrue ? 0 : op == Opcode::I16x8AllTrue ? 1 : op == Opcode::I32x4AllTrue ? 2 : 3];
        a_.pxor(kTmp, kTmp);
        a_.emit(eq, kTmp, s);
        a_.ptest(kTmp, kTmp);
      }
      free_reg(v);
      uint8_t r = alloc_gp();
      a_.emit(op == Opcode::V128AnyTrue ? Inst::kIdSetnz : Inst::kIdSetz, gpb(r));
      a_.movzx(gpd(r), gpb(r));
      push_reg(ValType::kI32, r);
      return true;
    }
    case Opcode::I8x16Bitmask: case Opcode::I16x8Bitmask: case Opcode::I32x4Bitmask: case Opcode::I64x2Bitmask: {
      Val v = pop();
      Xmm s = xmm_read(v);
      free_reg(v);
      uint8_t r = alloc_gp();
      switch (op) {
        case Opcode::I8x16Bitmask: a_.pmovmskb(gpd(r), s); break;
        case Opcode::I16x8Bitmask:
          // Saturating to bytes keeps each lane's sign; the low 8 bytes hold them.
          a_.movaps(kTmp, s);
          a_.packsswb(kTmp, kTmp);
          a_.pmovmskb(gpd(r), kTmp);
          a_.movzx(gpd(r), gpb(r));
          break;
        case Opcode::I32x4Bitmask: a_.movmskps(gpd(r), s); break;
        default: a_.movmskpd(gpd(r), s); break;
      }
      push_reg(ValType::kI32, r);
      return true;
    }
    case Opcode::I8x16Splat: case Opcode::I16x8Splat: case Opcode::I32x4Splat: case Opcode::I64x2Splat: {
      Val v = pop();
      Gp g = gp_read(v);
      free_reg(v);
      uint8_t r = alloc_xmm();
      Xmm x = xmm(r);
      if (op == Opcode::I64x2Splat) {
        a_.movq(x, g.r64());
        a_.punpcklqdq(x, x);
      } else {
        a_.movd(x, g.r32());
        if (op == Opcode::I8x16Splat) {
          a_.pxor(kTmp, kTmp);
          a_.pshufb(x, kTmp);
        } else if (op == Opcode::I16x8Splat) {
          a_.pshuflw(x, x, 0);
          a_.punpcklqdq(x, x);
        } else {
          a_.pshufd(x, x, 0);
        }
      }
      push_reg(ValType::kV128, r);
      return true;
    }
    case Opcode::F32x4Splat: case Opcode::F64x2Splat: {
      return unary([&](Xmm d) {
        if (op == Opcode::F32x4Splat) a_.shufps(d, d, 0); else a_.movddup(d, d);
      });
    }
    case Opcode::I8x16ExtractLaneS: case Opcode::I8x16ExtractLaneU: case Opcode::I16x8ExtractLaneS:
    case Opcode::I16x8ExtractLaneU: case Opcode::I32x4ExtractLane: case Opcode::I64x2ExtractLane: {
      Val v = pop();
      Xmm s = xmm_read(v);
      free_reg(v);
      uint8_t r = alloc_gp();
      Gp d = gpq(r);
      switch (op) {
        case Opcode::I8x16ExtractLaneS: a_.pextrb(d.r32(), s, imm.lane); a_.movsx(d.r32(), d.r8()); break;
        case Opcode::I8x16ExtractLaneU: a_.pextrb(d.r32(), s, imm.lane); break;
        case Opcode::I16x8ExtractLaneS: a_.pextrw(d.r32(), s, imm.lane); a_.movsx(d.r32(), d.r16()); break;
        case Opcode::I16x8ExtractLaneU: a_.pextrw(d.r32(), s, imm.lane); break;
        case Opcode::I32x4ExtractLane: a_.pextrd(d.r32(), s, imm.lane); break;
        default: a_.pextrq(d, s, imm.lane); break;
      }
      push_reg(op == Opcode::I64x2ExtractLane ? ValType::kI64 : ValType::kI32, r);
      return true;
    }
    case Opcode::F32x4ExtractLane: case Opcode::F64x2ExtractLane: {
      Val v = pop();
      Xmm s = xmm_read(v);
      uint8_t r = v.loc == Loc::kReg ? v.reg : alloc_xmm();
      bool wide = op == Opcode::F64x2ExtractLane;
      if (imm.lane == 0) {
        if (r != s.id()) a_.movaps(xmm(r), s);
      } else {
        a_.pshufd(xmm(r), s, wide ? 0xee : imm.lane);
      }
      push_reg(wide ? ValType::kF64 : ValType::kF32, r);
      return true;
    }
    case Opcode::I8x16ReplaceLane: case Opcode::I16x8ReplaceLane: case Opcode::I32x4ReplaceLane:
    case Opcode::I64x2ReplaceLane: {
      Val x = pop();
      Val v = pop();
      Gp g = gp_read(x);
      Xmm d = xmm_of(v);
      switch (op) {
        case Opcode::I8x16ReplaceLane: a_.pinsrb(d, g.r32(), imm.lane); break;
        case Opcode::I16x8ReplaceLane: a_.pinsrw(d, g.r32(), imm.lane); break;
        case Opcode::I32x4ReplaceLane: a_.pinsrd(d, g.r32(), imm.lane); break;
        default: a_.pinsrq(d, g.r64(), imm.lane); break;
      }
      free_reg(x);
      push_reg(ValType::kV128, v.reg);
      return true;
    }
    case Opcode::F32x4ReplaceLane: case Opcode::F64x2ReplaceLane: {
      Val x = pop();
      Val v = pop();
      Xmm s = xmm_read(x);
      Xmm d = xmm_of(v);
      if (op == Opcode::F32x4ReplaceLane) a_.insertps(d, s, imm.lane << 4);
      else if (imm.lane == 0) a_.movsd(d, s);
      else a_.movlhps(d, s);
      free_reg(x);
      push_reg(ValType::kV128, v.reg);
      return true;
    }
    case Opcode::I8x16Swizzle: {
      // Indices >= 16 select 0: saturating them past 0x7f sets the bit that
      // makes pshufb write a zero.
      Val idx = pop();
      Val v = pop();
      uint8_t sat[16];
      std::memset(sat, 0x70, 16);
      Xmm xi = xmm_read(idx);
      a_.movaps(kTmp, xi);
      a_.paddusb(kTmp, v128_const(sat));
      free_reg(idx);
      Xmm d = xmm_of(v);
      a_.pshufb(d, kTmp);
      push_reg(ValType::kV128, v.reg);
      return true;
    }
    case Opcode::I8x16Shuffle: {
      // Each operand's lanes through pshufb with the other's lanes masked
      // off (index bit 7 set), then combined.
      uint8_t lanes[16], from_a[16], from_b[16];
      std::memcpy(lanes, imm.bits, 16);
      for (int i = 0; i < 16; ++i) {
        from_a[i] = lanes[i] < 16 ? lanes[i] : 0x80;
        from_b[i] = lanes[i] >= 16 ? static_cast<uint8_t>(lanes[i] - 16) : 0x80;
      }
      Val b = pop();
      Val a = pop();
      Xmm xb = xmm_read(b);
      a_.movaps(kTmp, xb);
      a_.pshufb(kTmp, v128_const(from_b));
      free_reg(b);
      Xmm d = xmm_of(a);
      a_.pshufb(d, v128_const(from_a));
      a_.por(d, kTmp);
      push_reg(ValType::kV128, a.reg);
      return true;
    }
    case Opcode::I16x8Q15mulrSatS: {
      // pmulhrsw rounds as Wasm does; only -0x8000 * -0x8000 overflows, to
      // 0x8000 where 0x7fff is due: flip exactly those lanes.
      return binary([&](Xmm d, Xmm s) {
        uint8_t min16[16];
        for (int i = 0; i < 16; i += 2) min16[i] = 0, min16[i + 1] = 0x80;
        a_.pmulhrsw(d, s);
        a_.movaps(kTmp, v128_const(min16));
        a_.pcmpeqw(kTmp, d);
        a_.pxor(d, kTmp);
      });
    }
    case Opcode::F32x4Min: case Opcode::F64x2Min: case Opcode::F32x4Max: case Opcode::F64x2Max: {
      // minps/maxps give their second operand when either is NaN or both
      // are zeros: done both ways round and merged, NaNs and -0 propagate;
      // NaN lanes then become canonical NaNs (sign not specified by Wasm).
      bool wide = op == Opcode::F64x2Min || op == Opcode::F64x2Max;
      bool is_min = op == Opcode::F32x4Min || op == Opcode::F64x2Min;
      InstId mm = is_min ? (wide ? Inst::kIdMinpd : Inst::kIdMinps) : (wide ? Inst::kIdMaxpd : Inst::kIdMaxps);
      InstId mov = wide ? Inst::kIdMovapd : Inst::kIdMovaps;
      InstId orp = wide ? Inst::kIdOrpd : Inst::kIdOrps;
      InstId unord = wide ? Inst::kIdCmppd : Inst::kIdCmpps;
      InstId andn = wide ? Inst::kIdAndnpd : Inst::kIdAndnps;
      Val b = pop();
      Val a = pop();
      Xmm d = xmm_of(a);
      Xmm s = xmm_read(b);
      a_.emit(mov, kTmp, s);
      a_.emit(mm, kTmp, d);  // kTmp = op(b, a)
      a_.emit(mm, d, s);     // d = op(a, b)
      if (is_min) {
        a_.emit(orp, kTmp, d);
        a_.emit(unord, d, kTmp, asmjit::Imm(3));
        a_.emit(orp, kTmp, d);
      } else {
        a_.emit(wide ? Inst::kIdXorpd : Inst::kIdXorps, d, kTmp);  // where they differ
        a_.emit(orp, kTmp, d);
        a_.emit(wide ? Inst::kIdSubpd : Inst::kIdSubps, kTmp, d);  // sign mismatches and NaNs
        a_.emit(unord, d, kTmp, asmjit::Imm(3));
      }
      a_.emit(wide ? Inst::kIdPsrlq : Inst::kIdPsrld, d, asmjit::Imm(wide ? 13 : 10));
      a_.emit(andn, d, kTmp);
      free_reg(b);
      push_reg(ValType::kV128, a.reg);
      return true;
    }
    case Opcode::I8x16Popcnt: {
      // Each nibble's count from a 16-entry table (pshufb), the two added.
      static constexpr uint8_t kCounts[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};
      uint8_t low[16];
      splat_bytes(low, 0x0f);
      return unary([&](Xmm d) {
        a_.movaps(kTmp, d);
        a_.psrlw(kTmp, 4);
        a_.pand(kTmp, v128_const(low));
        a_.pand(d, v128_const(low));
        a_.movaps(kTmp2, v128_const(kCounts));
        a_.pshufb(kTmp2, d);
        a_.movaps(d, v128_const(kCounts));
        a_.pshufb(d, kTmp);
        a_.paddb(d, kTmp2);
      });
    }
    case Opcode::I16x8ExtaddPairwiseI8x16S: case Opcode::I16x8ExtaddPairwiseI8x16U: {
      // pmaddubsw multiplies unsigned bytes of its first operand by signed
      // ones of its second and adds pairs: with ones on the other side.
      uint8_t ones[16];
      splat_bytes(ones, 1);
      Val v = pop();
      if (op == Opcode::I16x8ExtaddPairwiseI8x16U) {
        Xmm d = xmm_of(v);
        a_.pmaddubsw(d, v128_const(ones));
        push_reg(ValType::kV128, v.reg);
      } else {
        Xmm s = xmm_read(v);
        a_.movaps(kTmp, s);
        free_reg(v);
        uint8_t r = alloc_xmm();
        a_.movaps(xmm(r), v128_const(ones));
        a_.pmaddubsw(xmm(r), kTmp);
        push_reg(ValType::kV128, r);
      }
      return true;
    }
    case Opcode::I32x4ExtaddPairwiseI16x8S: case Opcode::I32x4ExtaddPairwiseI16x8U: {
      // pmaddwd adds signed pairs; unsigned lanes are biased by -0x8000
      // first and the pair's 2 * 0x8000 added back.
      uint8_t ones[16], bias[16], back[16];
      splat_words(ones, 1);
      splat_words(bias, 0x8000);
      for (int i = 0; i < 16; i += 4) {
        uint32_t k = 0x10000;
        std::memcpy(back + i, &k, 4);
      }
      return unary([&](Xmm d) {
        bool u = op == Opcode::I32x4ExtaddPairwiseI16x8U;
        if (u) a_.pxor(d, v128_const(bias));
        a_.pmaddwd(d, v128_const(ones));
        if (u) a_.paddd(d, v128_const(back));
      });
    }
    case Opcode::I16x8ExtmulLowI8x16S: case Opcode::I16x8ExtmulHighI8x16S: case Opcode::I16x8ExtmulLowI8x16U:
    case Opcode::I16x8ExtmulHighI8x16U: {
      bool high = op == Opcode::I16x8ExtmulHighI8x16S || op == Opcode::I16x8ExtmulHighI8x16U;
      InstId ext = op == Opcode::I16x8ExtmulLowI8x16S || op == Opcode::I16x8ExtmulHighI8x16S ? Inst::kIdPmovsxbw
                                                                                             : Inst::kIdPmovzxbw;
      return binary([&](Xmm d, Xmm s) {
        if (high) {
          a_.pshufd(kTmp, s, 0xee);
          a_.pshufd(d, d, 0xee);
          a_.emit(ext, kTmp, kTmp);
        } else {
          a_.emit(ext, kTmp, s);
        }
        a_.emit(ext, d, d);
        a_.pmullw(d, kTmp);
      });
    }
    case Opcode::I32x4ExtmulLowI16x8S: case Opcode::I32x4ExtmulHighI16x8S: case Opcode::I32x4ExtmulLowI16x8U:
    case Opcode::I32x4ExtmulHighI16x8U: {
      // The low and high halves of the 16-bit products, interleaved.
      bool high = op == Opcode::I32x4ExtmulHighI16x8S || op == Opcode::I32x4ExtmulHighI16x8U;
      bool sign = op == Opcode::I32x4ExtmulLowI16x8S || op == Opcode::I32x4ExtmulHighI16x8S;
      return binary([&](Xmm d, Xmm s) {
        a_.movaps(kTmp, d);
        a_.pmullw(d, s);
        if (sign) a_.pmulhw(kTmp, s); else a_.pmulhuw(kTmp, s);
        if (high) a_.punpckhwd(d, kTmp); else a_.punpcklwd(d, kTmp);
      });
    }
    case Opcode::I64x2ExtmulLowI32x4S: case Opcode::I64x2ExtmulHighI32x4S: case Opcode::I64x2ExtmulLowI32x4U:
    case Opcode::I64x2ExtmulHighI32x4U: {
      // pmuldq/pmuludq multiply lanes 0 and 2: the wanted lanes moved there.
      bool high = op == Opcode::I64x2ExtmulHighI32x4S || op == Opcode::I64x2ExtmulHighI32x4U;
      bool sign = op == Opcode::I64x2ExtmulLowI32x4S || op == Opcode::I64x2ExtmulHighI32x4S;
      uint32_t order = high ? 0xfa : 0x50;
      return binary([&](Xmm d, Xmm s) {
        a_.pshufd(kTmp, s, order);
        a_.pshufd(d, d, order);
        if (sign) a_.pmuldq(d, kTmp); else a_.pmuludq(d, kTmp);
      });
    }
    case Opcode::I64x2Mul: {
      // From 32-bit halves: lo*lo + ((hi_a*lo_b + lo_a*hi_b) << 32).
      return binary([&](Xmm d, Xmm s) {
        a_.movaps(kTmp, d);
        a_.psrlq(kTmp, 32);
        a_.pmuludq(kTmp, s);
        a_.movaps(kTmp2, s);
        a_.psrlq(kTmp2, 32);
        a_.pmuludq(kTmp2, d);
        a_.paddq(kTmp, kTmp2);
        a_.psllq(kTmp, 32);
        a_.pmuludq(d, s);
        a_.paddq(d, kTmp);
      });
    }
    case Opcode::I32x4TruncSatF32x4S: {
      // NaN lanes to 0; cvttps2dq gives 0x80000000 out of range, which for
      // lanes that were positive becomes 0x7fffffff.
      return unary([&](Xmm d) {
        a_.movaps(kTmp, d);
        a_.cmpps(kTmp, kTmp, 0);
        a_.pand(d, kTmp);
        a_.pxor(kTmp, d);
        a_.cvttps2dq(d, d);
        a_.pand(kTmp, d);
        a_.psrad(kTmp, 31);
        a_.pxor(d, kTmp);
      });
    }
    case Opcode::F32x4ConvertI32x4U: {
      // The low 16 bits and the rest converted apart (each exactly), the
      // rest halved to fit the signed range and doubled after.
      return unary([&](Xmm d) {
        a_.pxor(kTmp, kTmp);
        a_.pblendw(kTmp, d, 0x55);
        a_.psubd(d, kTmp);
        a_.cvtdq2ps(kTmp, kTmp);
        a_.psrld(d, 1);
        a_.cvtdq2ps(d, d);
        a_.addps(d, d);
        a_.addps(d, kTmp);
      });
    }
    case Opcode::I64x2ShrS: {
      // No 64-bit arithmetic shift: logical, then the sign bits restored,
      // (x >>> n ^ m) - m for m = 2^63 >>> n.
      uint8_t sign[16] = {};
      sign[7] = sign[15] = 0x80;
      Val n = pop();
      Val v = pop();
      if (n.loc == Loc::kConst) {
        a_.mov(eax, static_cast<uint32_t>(n.bits) & 63);
      } else {
        Gp c = gp_read(n);
        a_.mov(eax, c.r32());
        a_.and_(eax, 63);
        free_reg(n);
      }
      a_.movd(kTmp2, eax);
      Xmm d = xmm_of(v);
      a_.movaps(kTmp, v128_const(sign));
      a_.psrlq(kTmp, kTmp2);
      a_.psrlq(d, kTmp2);
      a_.pxor(d, kTmp);
      a_.psubq(d, kTmp);
      push_reg(ValType::kV128, v.reg);
      return true;
    }
    case Opcode::I64x2Abs: {
      // m = each lane's sign, all bits: (x ^ m) - m.
      return unary([&](Xmm d) {
        a_.movaps(kTmp, d);
        a_.psrad(kTmp, 31);
        a_.pshufd(kTmp, kTmp, 0xf5);
        a_.pxor(d, kTmp);
        a_.psubq(d, kTmp);
      });
    }
    case Opcode::I32x4TruncSatF32x4U: {
      // Negatives and NaN to 0 first. Lanes below 2^31 convert directly;
      // the others as x - 2^31, added back; beyond 2^32, 0xffffffff.
      return unary([&](Xmm d) {
        a_.xorps(kTmp, kTmp);
        a_.maxps(d, kTmp);
        a_.pcmpeqd(kTmp, kTmp);
        a_.psrld(kTmp, 1);
        a_.cvtdq2ps(kTmp, kTmp);  // 2^31
        a_.movaps(kTmp2, d);
        a_.subps(kTmp2, kTmp);
        a_.cmpps(kTmp, kTmp2, 2);  // 2^31 <= x - 2^31: beyond the range
        a_.cvttps2dq(kTmp2, kTmp2);
        a_.pxor(kTmp2, kTmp);
        a_.pxor(kTmp, kTmp);
        a_.pmaxsd(kTmp2, kTmp);
        a_.cvttps2dq(d, d);
        a_.paddd(d, kTmp2);
      });
    }
    case Opcode::F64x2ConvertLowI32x4U: {
      // Each lane as the low word of a double whose high word is 0x43300000
      // (2^52 + lane, exactly), minus 2^52.
      uint8_t high[16], two52[16];
      for (int i = 0; i < 16; i += 4) {
        uint32_t w = 0x43300000u;
        std::memcpy(high + i, &w, 4);
      }
      for (int i = 0; i < 16; i += 8) {
        uint64_t q = 0x4330000000000000ull;
        std::memcpy(two52 + i, &q, 8);
      }
      return unary([&](Xmm d) {
        a_.unpcklps(d, v128_const(high));
        a_.subpd(d, v128_const(two52));
      });
    }
    case Opcode::I32x4TruncSatF64x2SZero: {
      // NaN lanes to 0 and the rest clamped to INT32_MAX above (cvttpd2dq
      // gives INT32_MIN below the range, as due).
      uint8_t max[16];
      for (int i = 0; i < 16; i += 8) {
        double m = 2147483647.0;
        std::memcpy(max + i, &m, 8);
      }
      return unary([&](Xmm d) {
        a_.movapd(kTmp, d);
        a_.cmppd(kTmp, d, 0);
        a_.andpd(kTmp, v128_const(max));
        a_.minpd(d, kTmp);
        a_.cvttpd2dq(d, d);
      });
    }
    case Opcode::I32x4TruncSatF64x2UZero: {
      // Clamped to [0, UINT32_MAX] (NaN to 0), truncated, and the low word
      // of 2^52 + x taken.
      uint8_t max[16], two52[16];
      for (int i = 0; i < 16; i += 8) {
        double m = 4294967295.0;
        uint64_t q = 0x4330000000000000ull;
        std::memcpy(max + i, &m, 8);
        std::memcpy(two52 + i, &q, 8);
      }
      return unary([&](Xmm d) {
        a_.xorpd(kTmp, kTmp);
        a_.maxpd(d, kTmp);
        a_.minpd(d, v128_const(max));
        a_.roundpd(d, d, 3);
        a_.addpd(d, v128_const(two52));
        a_.shufps(d, kTmp, 0x88);
      });
    }
    case Opcode::I64x2GtS: case Opcode::I64x2LtS: case Opcode::I64x2LeS: case Opcode::I64x2GeS: {
      // pcmpgtq (SSE4.2; without it the semantics are called): le and ge
      // are the negations of gt and lt.
      if (!use_sse42()) return false;
      bool swap = op == Opcode::I64x2LtS || op == Opcode::I64x2GeS;
      bool negate = op == Opcode::I64x2LeS || op == Opcode::I64x2GeS;
      Val vb = pop();
      Val va = pop();
      Val& dst = swap ? vb : va;
      Val& src = swap ? va : vb;
      Xmm d = xmm_of(dst);
      Xmm s = xmm_read(src);
      a_.pcmpgtq(d, s);
      if (negate) {
        a_.pcmpeqd(kTmp, kTmp);
        a_.pxor(d, kTmp);
      }
      free_reg(src);
      push_reg(ValType::kV128, dst.reg);
      return true;
    }
    case Opcode::I8x16Shl: case Opcode::I8x16ShrU: case Opcode::I8x16ShrS: {
      // x86 has no byte shifts: words are shifted and what crossed between
      // bytes masked off (shr_s: bytes widened to words and back).
      uint8_t mask[16];
      if (stack_.back().loc != Loc::kConst) {
        // The count in a register: the mask is all ones shifted the same
        // way, one byte of it repeated (pshufb).
        Val n = pop();
        Gp c = gp_read(n);
        a_.mov(eax, c.r32());
        a_.and_(eax, 7);
        free_reg(n);
        return unary([&](Xmm d) {
          if (op == Opcode::I8x16ShrS) {
            a_.add(eax, 8);
            a_.movd(kTmp2, eax);
            a_.movaps(kTmp, d);
            a_.punpckhbw(kTmp, kTmp);
            a_.punpcklbw(d, d);
            a_.psraw(kTmp, kTmp2);
            a_.psraw(d, kTmp2);
            a_.packsswb(d, kTmp);
          } else {
            bool left = op == Opcode::I8x16Shl;
            splat_bytes(mask, left ? 0 : 1);  // the byte of each word that has the byte mask
            a_.movd(kTmp2, eax);
            a_.pcmpeqd(kTmp, kTmp);
            a_.emit(left ? Inst::kIdPsllw : Inst::kIdPsrlw, kTmp, kTmp2);
            a_.pshufb(kTmp, v128_const(mask));
            a_.emit(left ? Inst::kIdPsllw : Inst::kIdPsrlw, d, kTmp2);
            a_.pand(d, kTmp);
          }
        });
      }
      uint32_t n = static_cast<uint32_t>(pop().bits) & 7;
      return unary([&](Xmm d) {
        if (op == Opcode::I8x16ShrS) {
          a_.movaps(kTmp, d);
          a_.punpckhbw(kTmp, kTmp);
          a_.punpcklbw(d, d);
          a_.psraw(kTmp, 8 + n);
          a_.psraw(d, 8 + n);
          a_.packsswb(d, kTmp);
        } else if (op == Opcode::I8x16Shl) {
          splat_bytes(mask, static_cast<uint8_t>(0xff << n));
          a_.psllw(d, n);
          a_.pand(d, v128_const(mask));
        } else {
          splat_bytes(mask, static_cast<uint8_t>(0xff >> n));
          a_.psrlw(d, n);
          a_.pand(d, v128_const(mask));
        }
      });
    }
    case Opcode::I8x16Ne: case Opcode::I16x8Ne: case Opcode::I32x4Ne: case Opcode::I64x2Ne:
    case Opcode::I8x16LeS: case Opcode::I16x8LeS: case Opcode::I32x4LeS: case Opcode::I8x16LeU:
    case Opcode::I16x8LeU: case Opcode::I32x4LeU: case Opcode::I8x16GeS: case Opcode::I16x8GeS:
    case Opcode::I32x4GeS: case Opcode::I8x16GeU: case Opcode::I16x8GeU: case Opcode::I32x4GeU:
    case Opcode::I8x16LtU: case Opcode::I16x8LtU: case Opcode::I32x4LtU: case Opcode::I8x16GtU:
    case Opcode::I16x8GtU: case Opcode::I32x4GtU: {
      // a <= b is min(a, b) == a, a >= b is max(a, b) == a; ne, lt_u and
      // gt_u are the negations of eq, ge_u and le_u.
      Compare c = compare_of(op);
      return binary([&](Xmm d, Xmm s) {
        if (c.minmax != Inst::kIdNone) {
          a_.movaps(kTmp, d);
          a_.emit(c.minmax, d, s);
          a_.emit(c.eq, d, kTmp);
        } else {
          a_.emit(c.eq, d, s);
        }
        if (c.negate) {
          a_.pcmpeqd(kTmp, kTmp);
          a_.pxor(d, kTmp);
        }
      });
    }
    default: return false;
  }
}

// Any other SIMD instruction: its semantics (exec/simd.h) called on the
// operands in their home slots; the result is left in the first operand's
// slot, which is the result's own.
void FuncCompiler::simd_value_call(Opcode op, const Imm& imm, std::span<const ValType> pops,
                                   std::span<const ValType> pushes) {
  exec::simd::ValueFn fn = exec::simd::value_fn(op);
  if (!fn || pushes.size() != 1 || pops.empty() || pops.size() > 3) return fail();
  uint32_t first = static_cast<uint32_t>(stack_.size() - pops.size());
  flush();
  materialize(first);
  static const Gp kOperands[] = {rsi, rdx, rcx};
  a_.lea(rdi, home(first));
  for (size_t k = 0; k < pops.size(); ++k) a_.lea(kOperands[k], home(first + static_cast<uint32_t>(k)));
  if (op == Opcode::I8x16Shuffle) a_.lea(rcx, v128_const(reinterpret_cast<const uint8_t*>(imm.bits)));
  a_.mov(r8d, static_cast<uint32_t>(imm.lane));
  for (size_t k = 0; k < pops.size(); ++k) pop();
  save_pins();
  a_.mov(rax, qword_ptr(r15, kCtxHelpers));
  a_.call(qword_ptr(rax, 8 * static_cast<int32_t>(helper_id(reinterpret_cast<const void*>(fn)))));
  restore_pins();
  push_slot(pushes[0]);
}

}  // namespace wpvm::jit

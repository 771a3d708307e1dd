// The byte-level pieces of x86-64 encoding that FastAssembler (assembler.h)
// writes its direct forms with: REX, ModRM/SIB and displacements, for
// registers and plain memory operands. Inline, because the most frequent
// forms are encoded inline at their call sites.
#pragma once
#include <asmjit/x86.h>

#include <cstdint>
#include <cstring>

namespace wpvm::jit::enc {

// [base + index << shift + disp32], base and index 64-bit registers: no
// label or rip base, no absolute address, segment or broadcast.
inline bool plain_mem(const asmjit::x86::Mem& m) {
  using asmjit::RegType;
  if (m.baseType() != RegType::kX86_Gpq || m.baseId() >= 16) return false;
  if (m.hasIndex() &&
      (m.indexType() != RegType::kX86_Gpq || m.indexId() >= 16 || m.indexId() == asmjit::x86::Gp::kIdSp))
    return false;
  return !m.hasSegment() && m.addrType() == asmjit::x86::Mem::AddrType::kDefault && !m.isRegHome() &&
         !m.hasBroadcast();
}

// Opcode bytes of the direct forms (after 0F where `escape` says so).
inline constexpr uint32_t kMovStore = 0x89, kMovLoad = 0x8b, kLea = 0x8d, kTest = 0x85, kShiftImm = 0xc1,
                          kRet = 0xc3, kImul = 0xaf /* escaped */, kCvtsi = 0x2a /* escaped */,
                          kCvtt = 0x2c /* escaped */, kMovmsk = 0x50 /* escaped */;
// Jumps and calls: jcc rel8 is kJcc8 + cc, jcc rel32 0F kJcc32 + cc.
inline constexpr uint32_t kJcc8 = 0x70, kJmp8 = 0xeb, kJcc32 = 0x80 /* escaped */, kJmp32 = 0xe9, kCall32 = 0xe8;
// The mandatory prefixes of the scalar double, scalar single and packed
// double SSE forms.
inline constexpr uint32_t kPrefixSd = 0xf2, kPrefixSs = 0xf3, kPrefixPd = 0x66;

// The /digit of the integer ALU instructions (add ... cmp), or -1.
constexpr int alu_digit(asmjit::InstId id) {
  namespace I = asmjit::x86::Inst;
  switch (id) {
    case I::kIdAdd: return 0;
    case I::kIdOr: return 1;
    case I::kIdAnd: return 4;
    case I::kIdSub: return 5;
    case I::kIdXor: return 6;
    case I::kIdCmp: return 7;
    default: return -1;
  }
}
// The opcodes of the ALU instruction with that /digit: `op r/m, reg` (01 /r
// and its kin) and `op reg, r/m` (03 /r and its kin).
constexpr uint32_t alu_rm_reg(uint32_t digit) { return digit * 8 + 1; }
constexpr uint32_t alu_reg_rm(uint32_t digit) { return digit * 8 + 3; }

// The /digit of the shifts and rotates (C1 /digit ib by an immediate, D3
// /digit by cl), or -1.
constexpr int shift_digit(asmjit::InstId id) {
  namespace I = asmjit::x86::Inst;
  switch (id) {
    case I::kIdRol: return 0;
    case I::kIdRor: return 1;
    case I::kIdShl: return 4;
    case I::kIdShr: return 5;
    case I::kIdSar: return 7;
    default: return -1;
  }
}

// Scalar SSE instructions of the form `op xmm, xmm/mem`: mandatory prefix
// and opcode after 0F (op 0: none of them).
struct SseOp {
  uint8_t prefix = 0, op = 0;
};
constexpr SseOp sse_op(asmjit::InstId id) {
  namespace I = asmjit::x86::Inst;
  switch (id) {
    case I::kIdMovsd: return {0xf2, 0x10};
    case I::kIdMovss: return {0xf3, 0x10};
    case I::kIdMovaps: return {0, 0x28};
    case I::kIdXorps: return {0, 0x57};
    case I::kIdAndps: return {0, 0x54};
    case I::kIdAddsd: return {0xf2, 0x58};
    case I::kIdAddss: return {0xf3, 0x58};
    case I::kIdMulsd: return {0xf2, 0x59};
    case I::kIdMulss: return {0xf3, 0x59};
    case I::kIdSubsd: return {0xf2, 0x5c};
    case I::kIdSubss: return {0xf3, 0x5c};
    case I::kIdDivsd: return {0xf2, 0x5e};
    case I::kIdDivss: return {0xf3, 0x5e};
    case I::kIdSqrtsd: return {0xf2, 0x51};
    case I::kIdSqrtss: return {0xf3, 0x51};
    case I::kIdUcomisd: return {0x66, 0x2e};
    case I::kIdUcomiss: return {0, 0x2e};
    case I::kIdComisd: return {0x66, 0x2f};
    case I::kIdComiss: return {0, 0x2f};
    case I::kIdCvtss2sd: return {0xf3, 0x5a};
    case I::kIdCvtsd2ss: return {0xf2, 0x5a};
    default: return {};
  }
}

inline bool fits_i8(int64_t v) { return v == static_cast<int8_t>(v); }
inline bool fits_i32(int64_t v) { return v == static_cast<int32_t>(v); }

// The bytes of one instruction, written in order at p (a local, so that it
// stays in a register: byte stores could alias anything in memory).
[[gnu::always_inline]] inline void put8(uint8_t*& p, uint32_t b) { *p++ = static_cast<uint8_t>(b); }
[[gnu::always_inline]] inline void put32(uint8_t*& p, uint32_t v) {
  std::memcpy(p, &v, 4);
  p += 4;
}
[[gnu::always_inline]] inline void put16(uint8_t*& p, uint32_t v) {
  put8(p, v);
  put8(p, v >> 8);
}
// REX if any of its bits is set, or if `rex` asks for it: a byte register
// operand spl, bpl, sil or dil is told from ah, ch, dh, bh by a REX alone.
[[gnu::always_inline]] inline void put_rex(uint8_t*& p, bool w, uint32_t reg, uint32_t index, uint32_t base,
                                           bool rex = false) {
  uint32_t r = (w ? 8u : 0u) | ((reg >> 3) & 1) << 2 | ((index >> 3) & 1) << 1 | ((base >> 3) & 1);
  if (r || rex) put8(p, 0x40 | r);
}
// Whether a byte register operand with this id needs a REX (spl ... dil).
[[gnu::always_inline]] inline bool byte_rex(uint32_t id) { return id - 4 < 4; }
// [prefix] [REX] [0F] op: what precedes the ModRM byte of every form here.
[[gnu::always_inline]] inline void put_opcode(uint8_t*& p, uint32_t prefix, bool w, uint32_t reg, uint32_t index,
                                              uint32_t base, bool escape, uint32_t op, bool rex = false) {
  if (prefix) put8(p, prefix);
  put_rex(p, w, reg, index, base, rex);
  if (escape) put8(p, 0x0f);
  put8(p, op);
}
// [prefix] [REX] [0F] op ModRM: reg field `reg`, r/m the register `rm`.
[[gnu::always_inline]] inline void rr_form(uint8_t*& p, uint32_t prefix, bool w, bool escape, uint32_t op,
                                           uint32_t reg, uint32_t rm, bool rex = false) {
  put_opcode(p, prefix, w, reg, 0, rm, escape, op, rex);
  put8(p, 0xc0 | (reg & 7) << 3 | (rm & 7));
}
// [prefix] [REX] [0F] op ModRM for [rip + disp32]: reg field `reg`. p is
// left at the disp32 (the target less the end of the instruction), which
// the caller writes.
[[gnu::always_inline]] inline void rip_form(uint8_t*& p, uint32_t prefix, bool w, bool escape, uint32_t op,
                                            uint32_t reg) {
  put_opcode(p, prefix, w, reg, 0, 0, escape, op);
  put8(p, (reg & 7) << 3 | 5);
}
// [prefix] [REX] [0F] op ModRM (SIB, displacement): reg field `reg`, r/m
// the plain memory operand m.
[[gnu::always_inline]] inline void rm_mem_form(uint8_t*& p, uint32_t prefix, bool w, bool escape, uint32_t op,
                                               uint32_t reg, const asmjit::x86::Mem& m, bool rex = false) {
  uint32_t base = m.baseId();
  bool has_index = m.hasIndex();
  uint32_t index = has_index ? m.indexId() : 0;
  put_opcode(p, prefix, w, reg, index, base, escape, op, rex);
  base &= 7;
  int32_t disp = m.offsetLo32();
  uint32_t mod = disp == 0 && base != 5 ? 0 : fits_i8(disp) ? 1 : 2;
  if (has_index) {
    put8(p, mod << 6 | (reg & 7) << 3 | 4);
    put8(p, m.shift() << 6 | (index & 7) << 3 | base);
  } else if (base == 4) {
    put8(p, mod << 6 | (reg & 7) << 3 | 4);
    put8(p, 0x24);
  } else {
    put8(p, mod << 6 | (reg & 7) << 3 | base);
  }
  if (mod == 1) put8(p, static_cast<uint32_t>(disp));
  else if (mod == 2) put32(p, static_cast<uint32_t>(disp));
}
// Either, by what rm is.
[[gnu::always_inline]] inline void rm_form(uint8_t*& p, uint32_t prefix, bool w, bool escape, uint32_t op,
                                           uint32_t reg, const asmjit::Operand_& rm, bool rex = false) {
  if (rm.isMem()) rm_mem_form(p, prefix, w, escape, op, reg, rm.as<asmjit::x86::Mem>(), rex);
  else rr_form(p, prefix, w, escape, op, reg, rm.id(), rex);
}

// An integer ALU instruction (add, or, and, sub, xor, cmp: its /digit) of a
// general register or plain memory operand `rm` and the immediate v, w for
// 64 bits: imm8 where it fits, else imm32 (the short eax/rax form for
// register 0). False, writing nothing, if v does not fit 32 bits
// (sign-extended; a 32-bit operation also takes any uint32).
[[gnu::always_inline]] inline bool alu_imm(uint8_t*& p, uint32_t digit, bool w, const asmjit::Operand_& rm,
                                           int64_t v) {
  if (!w && v == static_cast<uint32_t>(v)) v = static_cast<int32_t>(v);
  if (!fits_i32(v)) return false;
  if (fits_i8(v)) {
    rm_form(p, 0, w, false, 0x83, digit, rm);
    put8(p, static_cast<uint32_t>(v));
  } else if (!rm.isMem() && rm.id() == asmjit::x86::Gp::kIdAx) {
    put_rex(p, w, 0, 0, 0);
    put8(p, digit * 8 + 5);
    put32(p, static_cast<uint32_t>(v));
  } else {
    rm_form(p, 0, w, false, 0x81, digit, rm);
    put32(p, static_cast<uint32_t>(v));
  }
  return true;
}

// imul of general register `reg` by a general register or plain memory
// operand `rm` and the immediate v (6B /r ib where v fits 8 bits, else
// 69 /r id), w for 64 bits. False, writing nothing, if v fits no imm32: a
// 64-bit operation takes v sign-extended, a 32-bit one also any uint32
// (which asmjit encodes as an imm32, not as the imm8 of its signed value).
[[gnu::always_inline]] inline bool imul_imm(uint8_t*& p, bool w, uint32_t reg, const asmjit::Operand_& rm,
                                            int64_t v) {
  if (!fits_i32(v) && (w || v != static_cast<uint32_t>(v))) return false;
  if (fits_i8(v)) {
    rm_form(p, 0, w, false, 0x6b, reg, rm);
    put8(p, static_cast<uint32_t>(v));
  } else {
    rm_form(p, 0, w, false, 0x69, reg, rm);
    put32(p, static_cast<uint32_t>(v));
  }
  return true;
}

// mov of the immediate v to general register `reg` (w: 64-bit), as asmjit
// encodes it: B8+r imm32 for a 32-bit register; for a 64-bit one C7 /0 with
// a sign-extended imm32 where v fits, else B8+r imm64. False, writing
// nothing, for a 32-bit register and a v that is no 32-bit value.
[[gnu::always_inline]] inline bool mov_imm(uint8_t*& p, bool w, uint32_t reg, int64_t v) {
  if (!w) {
    if (v != static_cast<uint32_t>(v) && !fits_i32(v)) return false;
    put_rex(p, false, 0, 0, reg);
    put8(p, 0xb8 + (reg & 7));
    put32(p, static_cast<uint32_t>(v));
  } else if (fits_i32(v)) {
    rr_form(p, 0, true, false, 0xc7, 0, reg);
    put32(p, static_cast<uint32_t>(v));
  } else {
    put_rex(p, true, 0, 0, reg);
    put8(p, 0xb8 + (reg & 7));
    uint64_t u = static_cast<uint64_t>(v);
    put32(p, static_cast<uint32_t>(u));
    put32(p, static_cast<uint32_t>(u >> 32));
  }
  return true;
}

}  // namespace wpvm::jit::enc

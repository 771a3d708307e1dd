// The assembler the compiler emits through: asmjit's x86 Assembler, with the
// instruction forms the baseline compiler emits most encoded directly.
// asmjit's encoder is table-driven and general (every instruction, every
// operand combination, options and validation): about 220 instructions of
// work per instruction the compiler emits. The forms here (mov, also of
// bytes and words to memory, movzx, movsx, movsxd, the integer ALU, lea,
// imul, div, idiv, cdq, cqo, shifts and rotates by a constant or cl, setcc,
// cmovcc, push/pop, ret, scalar SSE and its conversions and compares;
// between registers, immediates and [base + index*scale + disp32] memory,
// for scalar SSE also [rip + jump label]; jumps and calls to jump labels and
// through a register) cost a fraction of that: through
// asmjit's generic path (_emit, which classifies the operands) about 150
// instructions, and, the most frequent of them, called here by their operand
// types and encoded inline, a few dozen. Their bytes are exactly asmjit's
// (test_assembler.cpp checks every form against it); anything else, and
// everything while a logger or an instruction option is set, goes to asmjit.
#pragma once
#include <asmjit/x86.h>

#include <cstring>
#include <vector>

#include "x86_encode.h"

namespace wpvm::jit {

class FastAssembler final : public asmjit::x86::Assembler {
 public:
  explicit FastAssembler(asmjit::CodeHolder* code) : asmjit::x86::Assembler(code) {}
  // The code holder may outlive it: the section's size counts every byte.
  ~FastAssembler() override {
    if (_section) sync_size();
  }

  asmjit::Error _emit(asmjit::InstId id, const asmjit::Operand_& o0, const asmjit::Operand_& o1,
                      const asmjit::Operand_& o2, const asmjit::Operand_* ext) override;

  // Encodes one instruction of the fast forms at the current offset; false
  // (nothing written) for any other. The caller checks there is room and no
  // option is pending (_emit does).
  bool emit_fast(asmjit::InstId id, const asmjit::Operand_& o0, const asmjit::Operand_& o1,
                 const asmjit::Operand_& o2);

  // The most frequent instructions by their operand types, encoded here
  // inline without building a generic instruction first (their bytes are
  // asmjit's; asmjit's own overloads stay for the rest): mov between general
  // registers of one size (89 /r), of an immediate to one (enc::mov_imm),
  // between one and plain memory (8B /r, 89 /r), push and pop of a 64-bit
  // register and ret, then the forms below.
  using asmjit::x86::Assembler::mov;
  using asmjit::x86::Assembler::pop;
  using asmjit::x86::Assembler::push;
  asmjit::Error mov(const asmjit::x86::Gp& dst, const asmjit::x86::Gp& src) {
    const uint32_t sig = dst.signature().bits();
    if (sig == src.signature().bits() && is_gp_sig(sig) && (dst.id() | src.id()) < 16 && fast_ok()) {
      uint8_t* p = _bufferPtr;
      enc::rr_form(p, 0, sig == asmjit::x86::Gpq::kSignature, false, enc::kMovStore, src.id(), dst.id());
      _bufferPtr = p;
      return asmjit::kErrorOk;
    }
    return asmjit::x86::Assembler::mov(dst, src);
  }
  asmjit::Error mov(const asmjit::x86::Gp& dst, const asmjit::Imm& src) {
    const uint32_t sig = dst.signature().bits();
    if (is_gp_sig(sig) && dst.id() < 16 && src.signature().bits() == kImmIntSignature && fast_ok()) {
      uint8_t* p = _bufferPtr;
      if (enc::mov_imm(p, sig == asmjit::x86::Gpq::kSignature, dst.id(), src.value())) {
        _bufferPtr = p;
        return asmjit::kErrorOk;
      }
    }
    return asmjit::x86::Assembler::mov(dst, src);
  }
  asmjit::Error mov(const asmjit::x86::Gp& dst, const asmjit::x86::Mem& src) {
    const uint32_t sig = dst.signature().bits();
    if (is_gp_sig(sig) && dst.id() < 16 && enc::plain_mem(src) && fast_ok()) {
      uint8_t* p = _bufferPtr;
      enc::rm_mem_form(p, 0, sig == asmjit::x86::Gpq::kSignature, false, enc::kMovLoad, dst.id(), src);
      _bufferPtr = p;
      return asmjit::kErrorOk;
    }
    return asmjit::x86::Assembler::mov(dst, src);
  }
  asmjit::Error mov(const asmjit::x86::Mem& dst, const asmjit::x86::Gp& src) {
    const uint32_t sig = src.signature().bits();
    if (is_gp_sig(sig) && src.id() < 16 && enc::plain_mem(dst) && fast_ok()) {
      uint8_t* p = _bufferPtr;
      enc::rm_mem_form(p, 0, sig == asmjit::x86::Gpq::kSignature, false, enc::kMovStore, src.id(), dst);
      _bufferPtr = p;
      return asmjit::kErrorOk;
    }
    return asmjit::x86::Assembler::mov(dst, src);
  }
  // The integer ALU between general registers of one size (01 /r and its
  // kin), from plain memory to a register (03 /r and its kin) and with an
  // immediate (83 /digit ib, 81 /digit id, the eax form).
#define WPVM_FAST_ALU(name, inst)                                                                          \
  using asmjit::x86::Assembler::name;                                                                      \
  asmjit::Error name(const asmjit::x86::Gp& a, const asmjit::x86::Gp& b) {                                 \
    constexpr uint32_t digit = enc::alu_digit(inst);                                                       \
    const uint32_t sig = a.signature().bits();                                                             \
    if (sig == b.signature().bits() && is_gp_sig(sig) && (a.id() | b.id()) < 16 && fast_ok()) {             \
      uint8_t* p = _bufferPtr;                                                                             \
      enc::rr_form(p, 0, sig == asmjit::x86::Gpq::kSignature, false, enc::alu_rm_reg(digit), b.id(), a.id()); \
      _bufferPtr = p;                                                                                      \
      return asmjit::kErrorOk;                                                                             \
    }                                                                                                      \
    return asmjit::x86::Assembler::name(a, b);                                                             \
  }                                                                                                        \
  asmjit::Error name(const asmjit::x86::Gp& a, const asmjit::x86::Mem& b) {                                \
    constexpr uint32_t digit = enc::alu_digit(inst);                                                       \
    const uint32_t sig = a.signature().bits();                                                             \
    if (is_gp_sig(sig) && a.id() < 16 && enc::plain_mem(b) && fast_ok()) {                                 \
      uint8_t* p = _bufferPtr;                                                                             \
      enc::rm_mem_form(p, 0, sig == asmjit::x86::Gpq::kSignature, false, enc::alu_reg_rm(digit), a.id(), b); \
      _bufferPtr = p;                                                                                      \
      return asmjit::kErrorOk;                                                                             \
    }                                                                                                      \
    return asmjit::x86::Assembler::name(a, b);                                                             \
  }                                                                                                        \
  asmjit::Error name(const asmjit::x86::Gp& a, const asmjit::Imm& b) {                                     \
    constexpr uint32_t digit = enc::alu_digit(inst);                                                       \
    const uint32_t sig = a.signature().bits();                                                             \
    if (is_gp_sig(sig) && a.id() < 16 && b.signature().bits() == kImmIntSignature && fast_ok()) {           \
      uint8_t* p = _bufferPtr;                                                                             \
      if (enc::alu_imm(p, digit, sig == asmjit::x86::Gpq::kSignature, a, b.value())) {                     \
        _bufferPtr = p;                                                                                    \
        return asmjit::kErrorOk;                                                                           \
      }                                                                                                    \
    }                                                                                                      \
    return asmjit::x86::Assembler::name(a, b);                                                             \
  }
  WPVM_FAST_ALU(add, asmjit::x86::Inst::kIdAdd)
  WPVM_FAST_ALU(or_, asmjit::x86::Inst::kIdOr)
  WPVM_FAST_ALU(and_, asmjit::x86::Inst::kIdAnd)
  WPVM_FAST_ALU(sub, asmjit::x86::Inst::kIdSub)
  WPVM_FAST_ALU(xor_, asmjit::x86::Inst::kIdXor)
  WPVM_FAST_ALU(cmp, asmjit::x86::Inst::kIdCmp)
#undef WPVM_FAST_ALU

  // Scalar SSE between two xmm registers (enc::sse_op).
#define WPVM_FAST_SSE(name, inst)                                                              \
  using asmjit::x86::Assembler::name;                                                          \
  asmjit::Error name(const asmjit::x86::Xmm& a, const asmjit::x86::Xmm& b) {                   \
    if ((a.id() | b.id()) < 16 && fast_ok()) {                                                 \
      constexpr enc::SseOp s = enc::sse_op(inst);                                                \
      uint8_t* p = _bufferPtr;                                                                 \
      enc::rr_form(p, s.prefix, false, true, s.op, a.id(), b.id());                            \
      _bufferPtr = p;                                                                          \
      return asmjit::kErrorOk;                                                                 \
    }                                                                                          \
    return asmjit::x86::Assembler::name(a, b);                                                 \
  }
  WPVM_FAST_SSE(movsd, asmjit::x86::Inst::kIdMovsd)
  WPVM_FAST_SSE(movss, asmjit::x86::Inst::kIdMovss)
  WPVM_FAST_SSE(movaps, asmjit::x86::Inst::kIdMovaps)
  WPVM_FAST_SSE(xorps, asmjit::x86::Inst::kIdXorps)
  WPVM_FAST_SSE(addsd, asmjit::x86::Inst::kIdAddsd)
  WPVM_FAST_SSE(addss, asmjit::x86::Inst::kIdAddss)
  WPVM_FAST_SSE(subsd, asmjit::x86::Inst::kIdSubsd)
  WPVM_FAST_SSE(subss, asmjit::x86::Inst::kIdSubss)
  WPVM_FAST_SSE(mulsd, asmjit::x86::Inst::kIdMulsd)
  WPVM_FAST_SSE(mulss, asmjit::x86::Inst::kIdMulss)
  WPVM_FAST_SSE(divsd, asmjit::x86::Inst::kIdDivsd)
  WPVM_FAST_SSE(divss, asmjit::x86::Inst::kIdDivss)
  WPVM_FAST_SSE(ucomisd, asmjit::x86::Inst::kIdUcomisd)
  WPVM_FAST_SSE(ucomiss, asmjit::x86::Inst::kIdUcomiss)
#undef WPVM_FAST_SSE

  // An integer ALU instruction or a shift by an immediate chosen at run time
  // (enc::alu_digit, enc::shift_digit) of a general register and a register
  // of its size or an integer immediate.
  asmjit::Error int_op(asmjit::InstId id, const asmjit::x86::Gp& a, const asmjit::Operand_& b) {
    const uint32_t sig = a.signature().bits();
    if (is_gp_sig(sig) && a.id() < 16 && fast_ok()) {
      const bool w = sig == asmjit::x86::Gpq::kSignature;
      uint8_t* p = _bufferPtr;
      const uint32_t bsig = b.signature().bits();
      if (const int digit = enc::alu_digit(id); digit >= 0) {
        if (bsig == sig && b.id() < 16) {
          enc::rr_form(p, 0, w, false, enc::alu_rm_reg(static_cast<uint32_t>(digit)), b.id(), a.id());
          _bufferPtr = p;
          return asmjit::kErrorOk;
        }
        if (bsig == kImmIntSignature && enc::alu_imm(p, static_cast<uint32_t>(digit), w, a, b.as<asmjit::Imm>().value())) {
          _bufferPtr = p;
          return asmjit::kErrorOk;
        }
      } else if (const int sdigit = enc::shift_digit(id); sdigit >= 0 && bsig == kImmIntSignature) {
        const int64_t v = b.as<asmjit::Imm>().value();
        if (v >= 2 && v <= 63) {
          enc::rr_form(p, 0, w, false, enc::kShiftImm, static_cast<uint32_t>(sdigit), a.id());
          enc::put8(p, static_cast<uint32_t>(v));
          _bufferPtr = p;
          return asmjit::kErrorOk;
        }
      }
    }
    return emit(id, a, b);
  }
  // A scalar SSE instruction chosen at run time (enc::sse_op) of an xmm
  // register and an xmm register, a plain memory operand or [rip + jump
  // label].
  asmjit::Error sse_op(asmjit::InstId id, const asmjit::x86::Xmm& a, const asmjit::Operand_& b) {
    const enc::SseOp s = enc::sse_op(id);
    if (s.op != 0 && a.id() < 16 && fast_ok()) {
      uint8_t* p = _bufferPtr;
      if (b.signature().bits() == asmjit::x86::Xmm::kSignature && b.id() < 16) {
        enc::rr_form(p, s.prefix, false, true, s.op, a.id(), b.id());
        _bufferPtr = p;
        return asmjit::kErrorOk;
      }
      if (b.isMem() && enc::plain_mem(b.as<asmjit::x86::Mem>())) {
        enc::rm_mem_form(p, s.prefix, false, true, s.op, a.id(), b.as<asmjit::x86::Mem>());
        _bufferPtr = p;
        return asmjit::kErrorOk;
      }
    }
    if (is_jump_label_mem(b)) return emit_rip(id, a, b.as<asmjit::x86::Mem>());
    return emit(id, a, b);
  }

  using asmjit::x86::Assembler::test;
  asmjit::Error test(const asmjit::x86::Gp& a, const asmjit::x86::Gp& b) {
    const uint32_t sig = a.signature().bits();
    if (sig == b.signature().bits() && is_gp_sig(sig) && (a.id() | b.id()) < 16 && fast_ok()) {
      uint8_t* p = _bufferPtr;
      enc::rr_form(p, 0, sig == asmjit::x86::Gpq::kSignature, false, enc::kTest, b.id(), a.id());
      _bufferPtr = p;
      return asmjit::kErrorOk;
    }
    return asmjit::x86::Assembler::test(a, b);
  }
  using asmjit::x86::Assembler::lea;
  asmjit::Error lea(const asmjit::x86::Gp& a, const asmjit::x86::Mem& m) {
    const uint32_t sig = a.signature().bits();
    if (is_gp_sig(sig) && a.id() < 16 && enc::plain_mem(m) && fast_ok()) {
      uint8_t* p = _bufferPtr;
      enc::rm_mem_form(p, 0, sig == asmjit::x86::Gpq::kSignature, false, enc::kLea, a.id(), m);
      _bufferPtr = p;
      return asmjit::kErrorOk;
    }
    return asmjit::x86::Assembler::lea(a, m);
  }
  // Shifts by 2-63 (C1 /digit ib; a shift by one is asmjit's D1 form).
#define WPVM_FAST_SHIFT(name, inst)                                                                     \
  using asmjit::x86::Assembler::name;                                                                   \
  asmjit::Error name(const asmjit::x86::Gp& a, const asmjit::Imm& b) {                                  \
    const uint32_t sig = a.signature().bits();                                                          \
    const int64_t v = b.value();                                                                        \
    if (is_gp_sig(sig) && a.id() < 16 && b.signature().bits() == kImmIntSignature && v >= 2 && v <= 63 && \
        fast_ok()) {                                                                                    \
      uint8_t* p = _bufferPtr;                                                                          \
      enc::rr_form(p, 0, sig == asmjit::x86::Gpq::kSignature, false, enc::kShiftImm,                    \
                   static_cast<uint32_t>(enc::shift_digit(inst)), a.id());                              \
      enc::put8(p, static_cast<uint32_t>(v));                                                           \
      _bufferPtr = p;                                                                                   \
      return asmjit::kErrorOk;                                                                          \
    }                                                                                                   \
    return asmjit::x86::Assembler::name(a, b);                                                          \
  }
  WPVM_FAST_SHIFT(shl, asmjit::x86::Inst::kIdShl)
  WPVM_FAST_SHIFT(shr, asmjit::x86::Inst::kIdShr)
  WPVM_FAST_SHIFT(sar, asmjit::x86::Inst::kIdSar)
#undef WPVM_FAST_SHIFT
  // imul of a general register by one of its size or plain memory (0F AF /r)
  // and of one by another and an immediate (enc::imul_imm).
  using asmjit::x86::Assembler::imul;
  asmjit::Error imul(const asmjit::x86::Gp& a, const asmjit::x86::Gp& b) {
    const uint32_t sig = a.signature().bits();
    if (sig == b.signature().bits() && is_gp_sig(sig) && (a.id() | b.id()) < 16 && fast_ok()) {
      uint8_t* p = _bufferPtr;
      enc::rr_form(p, 0, sig == asmjit::x86::Gpq::kSignature, true, enc::kImul, a.id(), b.id());
      _bufferPtr = p;
      return asmjit::kErrorOk;
    }
    return asmjit::x86::Assembler::imul(a, b);
  }
  asmjit::Error imul(const asmjit::x86::Gp& a, const asmjit::x86::Mem& b) {
    const uint32_t sig = a.signature().bits();
    if (is_gp_sig(sig) && a.id() < 16 && enc::plain_mem(b) && fast_ok()) {
      uint8_t* p = _bufferPtr;
      enc::rm_mem_form(p, 0, sig == asmjit::x86::Gpq::kSignature, true, enc::kImul, a.id(), b);
      _bufferPtr = p;
      return asmjit::kErrorOk;
    }
    return asmjit::x86::Assembler::imul(a, b);
  }
  asmjit::Error imul(const asmjit::x86::Gp& a, const asmjit::x86::Gp& b, const asmjit::Imm& c) {
    const uint32_t sig = a.signature().bits();
    if (sig == b.signature().bits() && is_gp_sig(sig) && (a.id() | b.id()) < 16 &&
        c.signature().bits() == kImmIntSignature && fast_ok()) {
      uint8_t* p = _bufferPtr;
      if (enc::imul_imm(p, sig == asmjit::x86::Gpq::kSignature, a.id(), b, c.value())) {
        _bufferPtr = p;
        return asmjit::kErrorOk;
      }
    }
    return asmjit::x86::Assembler::imul(a, b, c);
  }
  // Conversions from a general register (F2/F3 REX.W 0F 2A /r).
  using asmjit::x86::Assembler::cvtsi2sd;
  using asmjit::x86::Assembler::cvtsi2ss;
  asmjit::Error cvtsi2sd(const asmjit::x86::Xmm& a, const asmjit::x86::Gp& b) { return cvtsi(a, b, enc::kPrefixSd) ? asmjit::kErrorOk : asmjit::x86::Assembler::cvtsi2sd(a, b); }
  asmjit::Error cvtsi2ss(const asmjit::x86::Xmm& a, const asmjit::x86::Gp& b) { return cvtsi(a, b, enc::kPrefixSs) ? asmjit::kErrorOk : asmjit::x86::Assembler::cvtsi2ss(a, b); }
  // Truncating conversions to a general register, and the sign masks.
  using asmjit::x86::Assembler::cvttsd2si;
  using asmjit::x86::Assembler::cvttss2si;
  asmjit::Error cvttsd2si(const asmjit::x86::Gp& a, const asmjit::x86::Xmm& b) { return cvtt(a, b, enc::kPrefixSd) ? asmjit::kErrorOk : asmjit::x86::Assembler::cvttsd2si(a, b); }
  asmjit::Error cvttss2si(const asmjit::x86::Gp& a, const asmjit::x86::Xmm& b) { return cvtt(a, b, enc::kPrefixSs) ? asmjit::kErrorOk : asmjit::x86::Assembler::cvttss2si(a, b); }
  using asmjit::x86::Assembler::movmskpd;
  using asmjit::x86::Assembler::movmskps;
  asmjit::Error movmskpd(const asmjit::x86::Gp& a, const asmjit::x86::Xmm& b) { return movmsk(a, b, enc::kPrefixPd) ? asmjit::kErrorOk : asmjit::x86::Assembler::movmskpd(a, b); }
  asmjit::Error movmskps(const asmjit::x86::Gp& a, const asmjit::x86::Xmm& b) { return movmsk(a, b, 0) ? asmjit::kErrorOk : asmjit::x86::Assembler::movmskps(a, b); }

  using asmjit::x86::Assembler::ret;
  asmjit::Error ret() {
    if (!fast_ok()) return asmjit::x86::Assembler::ret();
    *_bufferPtr++ = enc::kRet;
    return asmjit::kErrorOk;
  }
  asmjit::Error push(const asmjit::x86::Gp& r) { return push_pop(r, 0x50) ? asmjit::kErrorOk : asmjit::x86::Assembler::push(r); }
  asmjit::Error pop(const asmjit::x86::Gp& r) { return push_pop(r, 0x58) ? asmjit::kErrorOk : asmjit::x86::Assembler::pop(r); }

  // A forward jump over a few instructions, without an asmjit label: a jcc
  // (or a jmp) rel8 filled in by bind_forward where it lands,
  // which fails (nothing patched) if that is more than 127 bytes on. While
  // the fast forms are off (a logger, an option) it is a label jump.
  struct Forward {
    size_t rel8_at = 0;
    asmjit::Label label;
  };
  // Jump labels: labels that only jumps (jmp, jcc), calls, jump-table
  // entries (embedLabelDelta, against an asmjit label) and the [rip + label]
  // memory operand of the scalar SSE instructions (enc::sse_op; `op xmm,
  // [label]`, as for constants placed after the code) refer to, bound and
  // patched here without asmjit's label bookkeeping. They are no asmjit
  // labels: never another memory operand (an error), their offsets through
  // label_offset, not asmjit's labelOffset. With a logger (listings)
  // new_jump_label gives an ordinary asmjit label.
  asmjit::Label new_jump_label();
  // Where a bound label, a jump label or asmjit's, lies.
  uint64_t label_offset(const asmjit::Label& l) const {
    return is_jump_label(l) ? static_cast<uint64_t>(jump_labels_[l.id() - kJumpLabelBase].offset)
                            : code()->labelOffset(l);
  }
  asmjit::Error bind(const asmjit::Label& label) override;
  // Data and data alignment (asmjit's 0xCC filler) written here while the
  // fast forms are on and there is room; else, and every other alignment,
  // asmjit's own writers after the section's size is brought up to date.
  asmjit::Error embed(const void* data, size_t size) override;
  asmjit::Error align(asmjit::AlignMode mode, uint32_t alignment) override;
  asmjit::Error embedLabelDelta(const asmjit::Label& label, const asmjit::Label& base, size_t size) override;
  // Whether every jump label something refers to is bound.
  bool jump_labels_bound() const;

  // Jumps and calls to a label: to a jump label straight to its encoder
  // (jump_to), to any other asmjit's. The jcc by their names in asmjit's
  // CondCode, and jz, jnz.
  using asmjit::x86::Assembler::call;
  using asmjit::x86::Assembler::j;
  using asmjit::x86::Assembler::jmp;
  asmjit::Error jmp(const asmjit::Label& l) { return is_jump_label(l) ? jump_to(kJumpJmp, l.id()) : asmjit::x86::Assembler::jmp(l); }
  asmjit::Error call(const asmjit::Label& l) { return is_jump_label(l) ? jump_to(kJumpCall, l.id()) : asmjit::x86::Assembler::call(l); }
  asmjit::Error j(asmjit::x86::CondCode cc, const asmjit::Label& l) {
    return is_jump_label(l) ? jump_to(static_cast<int>(cc), l.id()) : asmjit::x86::Assembler::j(cc, l);
  }
#define WPVM_FAST_JCC(name, cc)                                                                       \
  using asmjit::x86::Assembler::name;                                                                 \
  asmjit::Error name(const asmjit::Label& l) {                                                        \
    return is_jump_label(l) ? jump_to(static_cast<int>(asmjit::x86::CondCode::cc), l.id())            \
                            : asmjit::x86::Assembler::name(l);                                        \
  }
  WPVM_FAST_JCC(jo, kO)
  WPVM_FAST_JCC(jno, kNO)
  WPVM_FAST_JCC(jb, kB)
  WPVM_FAST_JCC(jae, kAE)
  WPVM_FAST_JCC(je, kE)
  WPVM_FAST_JCC(jne, kNE)
  WPVM_FAST_JCC(jbe, kBE)
  WPVM_FAST_JCC(ja, kA)
  WPVM_FAST_JCC(js, kS)
  WPVM_FAST_JCC(jns, kNS)
  WPVM_FAST_JCC(jp, kP)
  WPVM_FAST_JCC(jnp, kNP)
  WPVM_FAST_JCC(jl, kL)
  WPVM_FAST_JCC(jge, kGE)
  WPVM_FAST_JCC(jle, kLE)
  WPVM_FAST_JCC(jg, kG)
  WPVM_FAST_JCC(jz, kZ)
  WPVM_FAST_JCC(jnz, kNZ)
#undef WPVM_FAST_JCC

  Forward jump_forward(asmjit::x86::CondCode cc) {
    return fast_ok() ? forward_rel8(enc::kJcc8 + static_cast<uint32_t>(cc)) : forward_label(cc, false);
  }
  Forward jmp_forward() {
    return fast_ok() ? forward_rel8(enc::kJmp8) : forward_label(asmjit::x86::CondCode::kO, true);
  }
  [[nodiscard]] bool bind_forward(const Forward& f) {
    if (f.label.isValid()) return bind(f.label) == asmjit::kErrorOk;
    size_t distance = offset() - (f.rel8_at + 1);
    if (distance > 127) return false;
    _bufferData[f.rel8_at] = static_cast<uint8_t>(distance);
    return true;
  }

 private:
  // The jcc or jmp rel8 `op` with a zero rel8, which bind_forward fills in.
  Forward forward_rel8(uint32_t op) {
    uint8_t* p = _bufferPtr;
    enc::put8(p, op);
    enc::put8(p, 0);
    _bufferPtr = p;
    return {offset() - 1, {}};
  }
  // While the fast forms are off: the jump to a new asmjit label.
  Forward forward_label(asmjit::x86::CondCode cc, bool always);

  static constexpr uint32_t kJumpLabelBase = 0x40000000;  // above any asmjit label id
  static bool is_jump_label(const asmjit::Operand_& o) { return o.isLabel() && o.id() >= kJumpLabelBase; }
  static bool is_jump_label_mem(const asmjit::Operand_& o) {
    return o.isMem() && o.as<asmjit::x86::Mem>().hasBaseLabel() && o.as<asmjit::x86::Mem>().baseId() >= kJumpLabelBase;
  }
  struct JumpLabel {
    int64_t offset = -1;           // bound here, or -1
    uint32_t fixups = UINT32_MAX;  // first of its pending fixups
  };
  // A 32-bit field at `at` that gets (label - base) when the label is bound.
  struct Fixup {
    uint32_t at, base, next;
  };
  std::vector<JumpLabel> jump_labels_;
  std::vector<Fixup> fixups_;
  // The bytes written here count in the section's size, which asmjit reads
  // when it grows the buffer (asmjit's own writers update it as they go).
  void sync_size() {
    size_t n = offset();
    if (_section->_buffer._size < n) _section->_buffer._size = n;
  }
  // Room for an instruction, the buffer grown if need be.
  bool ensure_space() { return remainingSpace() >= 16 || grow(); }
  bool grow();
  static constexpr uint32_t kImmIntSignature =
      asmjit::OperandSignature::fromOpType(asmjit::OperandType::kImm).bits();  // an integer immediate
  static bool is_gp_sig(uint32_t sig) {
    return sig == asmjit::x86::Gpq::kSignature || sig == asmjit::x86::Gpd::kSignature;
  }
  bool cvtt(const asmjit::x86::Gp& a, const asmjit::x86::Xmm& b, uint32_t prefix) {
    const uint32_t sig = a.signature().bits();
    if (!is_gp_sig(sig) || (a.id() | b.id()) >= 16 || !fast_ok()) return false;
    uint8_t* p = _bufferPtr;
    enc::rr_form(p, prefix, sig == asmjit::x86::Gpq::kSignature, true, enc::kCvtt, a.id(), b.id());
    _bufferPtr = p;
    return true;
  }
  bool cvtsi(const asmjit::x86::Xmm& a, const asmjit::x86::Gp& b, uint32_t prefix) {
    const uint32_t sig = b.signature().bits();
    if (!is_gp_sig(sig) || (a.id() | b.id()) >= 16 || !fast_ok()) return false;
    uint8_t* p = _bufferPtr;
    enc::rr_form(p, prefix, sig == asmjit::x86::Gpq::kSignature, true, enc::kCvtsi, a.id(), b.id());
    _bufferPtr = p;
    return true;
  }
  bool movmsk(const asmjit::x86::Gp& a, const asmjit::x86::Xmm& b, uint32_t prefix) {
    if (a.signature().bits() != asmjit::x86::Gpd::kSignature || (a.id() | b.id()) >= 16 || !fast_ok()) return false;
    uint8_t* p = _bufferPtr;
    enc::rr_form(p, prefix, false, true, enc::kMovmsk, a.id(), b.id());
    _bufferPtr = p;
    return true;
  }
  bool push_pop(const asmjit::x86::Gp& r, uint32_t op) {
    if (r.signature().bits() != asmjit::x86::Gpq::kSignature || r.id() >= 16 || !fast_ok()) return false;
    uint8_t* p = _bufferPtr;
    enc::put_rex(p, false, 0, 0, r.id());
    enc::put8(p, op + (r.id() & 7));
    _bufferPtr = p;
    return true;
  }
  // A jump or call to jump label `label`: kind the condition code of a jcc,
  // or one of these.
  static constexpr int kJumpJmp = -1, kJumpCall = -2;
  asmjit::Error jump_to(int kind, uint32_t label);
  asmjit::Error emit_jump(asmjit::InstId id, uint32_t label);  // by its instruction id
  // `op xmm, [rip + jump label]` for the scalar SSE instruction id.
  asmjit::Error emit_rip(asmjit::InstId id, const asmjit::Operand_& reg, const asmjit::x86::Mem& m);
  void rel32_to(uint32_t label, size_t at, size_t base);
  // The int32 target - base at `at`.
  void write_delta(size_t at, int64_t target, size_t base) {
    int32_t v = static_cast<int32_t>(target - static_cast<int64_t>(base));
    std::memcpy(_bufferData + at, &v, 4);
  }
  // No option pending or forced (asmjit forces one, kReserved, while a
  // logger or validation is on), no extra register, and room for an
  // instruction.
  bool fast_ok() const {
    return (static_cast<uint32_t>(_instOptions) | static_cast<uint32_t>(_forcedInstOptions)) == 0 &&
           !_extraReg.isReg() && remainingSpace() >= 16;
  }
};

}  // namespace wpvm::jit

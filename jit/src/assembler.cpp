// FastAssembler (assembler.h): the common instruction forms encoded directly.
#include "assembler.h"

#include <algorithm>
#include <cstring>

namespace wpvm::jit {

using namespace asmjit;

namespace {

// What an operand is, as far as the fast forms go.
enum class K : uint8_t { kNone, kR32, kR64, kXmm, kMem, kImm, kOther };

// [base + index << shift + disp32], base and index 64-bit registers: no
// label or rip base, no absolute address, segment or broadcast.
bool plain_mem(const x86::Mem& m) {
  if (m.baseType() != RegType::kX86_Gpq || m.baseId() >= 16) return false;
  if (m.hasIndex() && (m.indexType() != RegType::kX86_Gpq || m.indexId() >= 16 || m.indexId() == x86::Gp::kIdSp))
    return false;
  return !m.hasSegment() && m.addrType() == x86::Mem::AddrType::kDefault && !m.isRegHome() && !m.hasBroadcast();
}

// By the operand's signature word: registers and integer immediates have
// exactly their type's.
[[gnu::always_inline]] inline K kind(const Operand_& o) {
  constexpr uint32_t kImmInt = OperandSignature::fromOpType(OperandType::kImm).bits();
  uint32_t sig = o.signature().bits();
  if (sig == x86::Gpq::kSignature) return o.id() < 16 ? K::kR64 : K::kOther;
  if (sig == x86::Gpd::kSignature) return o.id() < 16 ? K::kR32 : K::kOther;
  if (sig == 0) return K::kNone;
  if (sig == x86::Xmm::kSignature) return o.id() < 16 ? K::kXmm : K::kOther;
  if (sig == kImmInt) return K::kImm;
  if (o.isMem()) return plain_mem(o.as<x86::Mem>()) ? K::kMem : K::kOther;
  return K::kOther;
}

bool is_gp(K k) { return k == K::kR32 || k == K::kR64; }
bool fits_i8(int64_t v) { return v == static_cast<int8_t>(v); }
bool fits_i32(int64_t v) { return v == static_cast<int32_t>(v); }

// The bytes of one instruction, written in order at p (a local, so that it
// stays in a register: byte stores could alias anything in memory).
[[gnu::always_inline]] inline void put8(uint8_t*& p, uint32_t b) { *p++ = static_cast<uint8_t>(b); }
[[gnu::always_inline]] inline void put32(uint8_t*& p, uint32_t v) {
  std::memcpy(p, &v, 4);
  p += 4;
}
// REX if any of its bits is set.
[[gnu::always_inline]] inline void put_rex(uint8_t*& p, bool w, uint32_t reg, uint32_t index, uint32_t base) {
  uint32_t r = (w ? 8u : 0u) | ((reg >> 3) & 1) << 2 | ((index >> 3) & 1) << 1 | ((base >> 3) & 1);
  if (r) put8(p, 0x40 | r);
}
// [prefix] [REX] [0F] op ModRM (SIB, displacement): reg field `reg`, r/m
// operand rm (a register or a plain memory operand).
[[gnu::always_inline]] inline void rm_form(uint8_t*& p, uint32_t prefix, bool w, bool escape, uint32_t op,
                                           uint32_t reg, const Operand_& rm) {
  if (prefix) put8(p, prefix);
  if (!rm.isMem()) {
    put_rex(p, w, reg, 0, rm.id());
    if (escape) put8(p, 0x0f);
    put8(p, op);
    put8(p, 0xc0 | (reg & 7) << 3 | (rm.id() & 7));
    return;
  }
  const auto& m = rm.as<x86::Mem>();
  uint32_t base = m.baseId();
  bool has_index = m.hasIndex();
  uint32_t index = has_index ? m.indexId() : 0;
  put_rex(p, w, reg, index, base);
  if (escape) put8(p, 0x0f);
  put8(p, op);
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

// The /digit of the integer ALU instructions (add ... cmp), or -1.
int alu_digit(InstId id) {
  switch (id) {
    case x86::Inst::kIdAdd: return 0;
    case x86::Inst::kIdOr: return 1;
    case x86::Inst::kIdAnd: return 4;
    case x86::Inst::kIdSub: return 5;
    case x86::Inst::kIdXor: return 6;
    case x86::Inst::kIdCmp: return 7;
    default: return -1;
  }
}

int shift_digit(InstId id) {
  switch (id) {
    case x86::Inst::kIdShl: return 4;
    case x86::Inst::kIdShr: return 5;
    case x86::Inst::kIdSar: return 7;
    default: return -1;
  }
}

// Scalar SSE instructions of the form `op xmm, xmm/mem`: mandatory prefix
// and opcode after 0F.
struct SseOp {
  uint8_t prefix, op;
};
bool sse_op(InstId id, SseOp& s) {
  switch (id) {
    case x86::Inst::kIdMovsd: s = {0xf2, 0x10}; return true;
    case x86::Inst::kIdMovss: s = {0xf3, 0x10}; return true;
    case x86::Inst::kIdMovaps: s = {0, 0x28}; return true;
    case x86::Inst::kIdXorps: s = {0, 0x57}; return true;
    case x86::Inst::kIdAndps: s = {0, 0x54}; return true;
    case x86::Inst::kIdAddsd: s = {0xf2, 0x58}; return true;
    case x86::Inst::kIdAddss: s = {0xf3, 0x58}; return true;
    case x86::Inst::kIdMulsd: s = {0xf2, 0x59}; return true;
    case x86::Inst::kIdMulss: s = {0xf3, 0x59}; return true;
    case x86::Inst::kIdSubsd: s = {0xf2, 0x5c}; return true;
    case x86::Inst::kIdSubss: s = {0xf3, 0x5c}; return true;
    case x86::Inst::kIdDivsd: s = {0xf2, 0x5e}; return true;
    case x86::Inst::kIdDivss: s = {0xf3, 0x5e}; return true;
    case x86::Inst::kIdSqrtsd: s = {0xf2, 0x51}; return true;
    case x86::Inst::kIdSqrtss: s = {0xf3, 0x51}; return true;
    case x86::Inst::kIdUcomisd: s = {0x66, 0x2e}; return true;
    case x86::Inst::kIdUcomiss: s = {0, 0x2e}; return true;
    case x86::Inst::kIdComisd: s = {0x66, 0x2f}; return true;
    case x86::Inst::kIdComiss: s = {0, 0x2f}; return true;
    case x86::Inst::kIdCvtss2sd: s = {0xf3, 0x5a}; return true;
    case x86::Inst::kIdCvtsd2ss: s = {0xf2, 0x5a}; return true;
    default: return false;
  }
}

}  // namespace

Error FastAssembler::_emit(InstId id, const Operand_& o0, const Operand_& o1, const Operand_& o2,
                           const Operand_* ext) {
  if (is_jump_label(o0)) return emit_jump(id, o0.id());
  if (fast_ok() && (!ext || ext[0].isNone()) && emit_fast(id, o0, o1, o2)) return kErrorOk;
  sync_size();
  return x86::Assembler::_emit(id, o0, o1, o2, ext);
}

Error FastAssembler::mov(const x86::Gp& dst, const x86::Gp& src) {
  K k = kind(dst);
  if (!fast_ok() || !is_gp(k) || kind(src) != k) return x86::Assembler::mov(dst, src);
  uint8_t* p = _bufferPtr;
  rm_form(p, 0, k == K::kR64, false, 0x89, src.id(), dst);
  _bufferPtr = p;
  return kErrorOk;
}

Error FastAssembler::mov(const x86::Gp& dst, const x86::Mem& src) {
  K k = kind(dst);
  if (!fast_ok() || !is_gp(k) || !plain_mem(src)) return x86::Assembler::mov(dst, src);
  uint8_t* p = _bufferPtr;
  rm_form(p, 0, k == K::kR64, false, 0x8b, dst.id(), src);
  _bufferPtr = p;
  return kErrorOk;
}

Error FastAssembler::mov(const x86::Mem& dst, const x86::Gp& src) {
  K k = kind(src);
  if (!fast_ok() || !is_gp(k) || !plain_mem(dst)) return x86::Assembler::mov(dst, src);
  uint8_t* p = _bufferPtr;
  rm_form(p, 0, k == K::kR64, false, 0x89, src.id(), dst);
  _bufferPtr = p;
  return kErrorOk;
}

Error FastAssembler::push(const x86::Gp& r) {
  if (!fast_ok() || kind(r) != K::kR64) return x86::Assembler::push(r);
  uint8_t* p = _bufferPtr;
  put_rex(p, false, 0, 0, r.id());
  put8(p, 0x50 + (r.id() & 7));
  _bufferPtr = p;
  return kErrorOk;
}

Error FastAssembler::pop(const x86::Gp& r) {
  if (!fast_ok() || kind(r) != K::kR64) return x86::Assembler::pop(r);
  uint8_t* p = _bufferPtr;
  put_rex(p, false, 0, 0, r.id());
  put8(p, 0x58 + (r.id() & 7));
  _bufferPtr = p;
  return kErrorOk;
}

namespace {

// The condition code of a jcc (any of asmjit's names for it), or -1.
int jcc_code(InstId id) {
  namespace I = x86::Inst;
  switch (id) {
    case I::kIdJo: return 0x0;
    case I::kIdJno: return 0x1;
    case I::kIdJb: case I::kIdJc: case I::kIdJnae: return 0x2;
    case I::kIdJae: case I::kIdJnb: case I::kIdJnc: return 0x3;
    case I::kIdJe: case I::kIdJz: return 0x4;
    case I::kIdJne: case I::kIdJnz: return 0x5;
    case I::kIdJbe: case I::kIdJna: return 0x6;
    case I::kIdJa: case I::kIdJnbe: return 0x7;
    case I::kIdJs: return 0x8;
    case I::kIdJns: return 0x9;
    case I::kIdJp: case I::kIdJpe: return 0xa;
    case I::kIdJnp: case I::kIdJpo: return 0xb;
    case I::kIdJl: case I::kIdJnge: return 0xc;
    case I::kIdJge: case I::kIdJnl: return 0xd;
    case I::kIdJle: case I::kIdJng: return 0xe;
    case I::kIdJg: case I::kIdJnle: return 0xf;
    default: return -1;
  }
}

}  // namespace

Label FastAssembler::new_jump_label() {
  if (_logger) return newLabel();
  jump_labels_.emplace_back();
  return Label(kJumpLabelBase + static_cast<uint32_t>(jump_labels_.size() - 1));
}

Error FastAssembler::embed(const void* data, size_t size) {
  sync_size();
  return x86::Assembler::embed(data, size);
}

Error FastAssembler::align(AlignMode mode, uint32_t alignment) {
  sync_size();
  return x86::Assembler::align(mode, alignment);
}

bool FastAssembler::ensure_space() {
  if (remainingSpace() >= 16) return true;
  sync_size();
  return code()->growBuffer(&_section->_buffer, 16) == kErrorOk && remainingSpace() >= 16;
}

void FastAssembler::write_delta(size_t at, int64_t target, size_t base) {
  int32_t v = static_cast<int32_t>(target - static_cast<int64_t>(base));
  std::memcpy(_bufferData + at, &v, 4);
}

// The field at `at` gets label - base: now if the label is bound, else when it is.
void FastAssembler::rel32_to(uint32_t label, size_t at, size_t base) {
  JumpLabel& l = jump_labels_[label - kJumpLabelBase];
  if (l.offset >= 0) return write_delta(at, l.offset, base);
  fixups_.push_back({static_cast<uint32_t>(at), static_cast<uint32_t>(base), l.fixups});
  l.fixups = static_cast<uint32_t>(fixups_.size() - 1);
  write_delta(at, 0, 0);
}

// jmp, jcc or call to a jump label: rel8 where the label is bound and near
// (jmp, jcc), else rel32; the forms asmjit picks.
Error FastAssembler::emit_jump(InstId id, uint32_t label) {
  if (label - kJumpLabelBase >= jump_labels_.size() || !ensure_space()) return reportError(kErrorInvalidLabel);
  int cc = jcc_code(id);
  if (cc < 0 && id != x86::Inst::kIdJmp && id != x86::Inst::kIdCall) return reportError(kErrorInvalidInstruction);
  const JumpLabel& l = jump_labels_[label - kJumpLabelBase];
  size_t at = offset();
  uint8_t* p = _bufferPtr;
  if (id != x86::Inst::kIdCall && l.offset >= 0 && fits_i8(l.offset - static_cast<int64_t>(at + 2))) {
    put8(p, cc < 0 ? 0xeb : 0x70 + static_cast<uint32_t>(cc));
    put8(p, static_cast<uint32_t>(l.offset - static_cast<int64_t>(at + 2)));
    _bufferPtr = p;
    return kErrorOk;
  }
  if (cc >= 0) {
    put8(p, 0x0f);
    put8(p, 0x80 + static_cast<uint32_t>(cc));
  } else {
    put8(p, id == x86::Inst::kIdCall ? 0xe8 : 0xe9);
  }
  size_t field = static_cast<size_t>(p - _bufferData);
  _bufferPtr = p + 4;
  rel32_to(label, field, field + 4);
  return kErrorOk;
}

Error FastAssembler::bind(const Label& label) {
  if (!is_jump_label(label)) return x86::Assembler::bind(label);
  uint32_t k = label.id() - kJumpLabelBase;
  if (k >= jump_labels_.size() || jump_labels_[k].offset >= 0) return reportError(kErrorInvalidLabel);
  JumpLabel& l = jump_labels_[k];
  l.offset = static_cast<int64_t>(offset());
  for (uint32_t f = l.fixups; f != UINT32_MAX; f = fixups_[f].next)
    write_delta(fixups_[f].at, l.offset, fixups_[f].base);
  l.fixups = UINT32_MAX;
  return kErrorOk;
}

Error FastAssembler::embedLabelDelta(const Label& label, const Label& base, size_t size) {
  if (!is_jump_label(label)) {
    sync_size();
    return x86::Assembler::embedLabelDelta(label, base, size);
  }
  if (size != 4 || is_jump_label(base) || !code()->isLabelBound(base) || !ensure_space())
    return reportError(kErrorInvalidArgument);
  size_t at = offset();
  _bufferPtr += 4;
  rel32_to(label.id(), at, static_cast<size_t>(code()->labelOffset(base)));
  return kErrorOk;
}

bool FastAssembler::jump_labels_bound() const {
  return std::all_of(jump_labels_.begin(), jump_labels_.end(),
                     [](const JumpLabel& l) { return l.fixups == UINT32_MAX; });
}

FastAssembler::Forward FastAssembler::forward(x86::CondCode cc, bool always) {
  if (!fast_ok()) {
    Label l = newLabel();
    if (always) jmp(l); else j(cc, l);
    return {0, l};
  }
  uint8_t* p = _bufferPtr;
  put8(p, always ? 0xeb : 0x70 | static_cast<uint32_t>(cc));
  put8(p, 0);
  _bufferPtr = p;
  return {offset() - 1, {}};
}

bool FastAssembler::bind_forward(const Forward& f) {
  if (f.label.isValid()) return bind(f.label) == kErrorOk;
  size_t distance = offset() - (f.rel8_at + 1);
  if (distance > 127) return false;
  _bufferData[f.rel8_at] = static_cast<uint8_t>(distance);
  return true;
}

bool FastAssembler::emit_fast(InstId id, const Operand_& o0, const Operand_& o1, const Operand_& o2) {
  K k0 = kind(o0), k1 = kind(o1), k2 = kind(o2);
  if (k0 == K::kOther || k1 == K::kOther || k2 == K::kOther) return false;
  uint8_t* p = _bufferPtr;
  // The integer forms are 64-bit when their register operand is.
  bool w = k0 == K::kR64 || (k0 == K::kMem && k1 == K::kR64);
  auto imm = [](const Operand_& o) { return o.as<Imm>().value(); };
  if (int digit = alu_digit(id); digit >= 0) {
    if (k2 != K::kNone) return false;
    uint32_t base = static_cast<uint32_t>(digit) * 8;
    if (is_gp(k0) && k1 == k0) {
      rm_form(p, 0, w, false, base + 1, o1.id(), o0);
    } else if (is_gp(k0) && k1 == K::kMem) {
      rm_form(p, 0, w, false, base + 3, o0.id(), o1);
    } else if (k0 == K::kMem && is_gp(k1)) {
      rm_form(p, 0, w, false, base + 1, o1.id(), o0);
    } else if ((is_gp(k0) || k0 == K::kMem) && k1 == K::kImm) {
      uint32_t size = k0 == K::kMem ? o0.as<x86::Mem>().size() : 0;
      if (k0 == K::kMem && size != 4 && size != 8) return false;
      w = k0 == K::kR64 || size == 8;
      int64_t v = imm(o1);
      if (!w && v == static_cast<uint32_t>(v)) v = static_cast<int32_t>(v);
      if (!fits_i32(v)) return false;
      if (fits_i8(v)) {
        rm_form(p, 0, w, false, 0x83, static_cast<uint32_t>(digit), o0);
        put8(p, static_cast<uint32_t>(v));
      } else if (is_gp(k0) && o0.id() == x86::Gp::kIdAx) {  // the short form of eax/rax
        put_rex(p, w, 0, 0, 0);
        put8(p, base + 5);
        put32(p, static_cast<uint32_t>(v));
      } else {
        rm_form(p, 0, w, false, 0x81, static_cast<uint32_t>(digit), o0);
        put32(p, static_cast<uint32_t>(v));
      }
    } else {
      return false;
    }
  } else if (int sdigit = shift_digit(id); sdigit >= 0) {
    if (!is_gp(k0) || k1 != K::kImm || k2 != K::kNone) return false;
    int64_t v = imm(o1);
    if (v < 0 || v > 63) return false;
    if (v == 1) return false;  // (asmjit's choice of encoding for a shift by one: left to it)
    rm_form(p, 0, w, false, 0xc1, static_cast<uint32_t>(sdigit), o0);
    put8(p, static_cast<uint32_t>(v));
  } else if (SseOp s; sse_op(id, s)) {
    if (k2 != K::kNone) return false;
    if (k0 == K::kXmm && (k1 == K::kXmm || k1 == K::kMem)) {
      rm_form(p, s.prefix, false, true, s.op, o0.id(), o1);
    } else if (k0 == K::kMem && k1 == K::kXmm &&
               (id == x86::Inst::kIdMovsd || id == x86::Inst::kIdMovss || id == x86::Inst::kIdMovaps)) {
      rm_form(p, s.prefix, false, true, s.op + 1, o1.id(), o0);
    } else {
      return false;
    }
  } else {
    switch (id) {
      case x86::Inst::kIdMov:
        if (k2 != K::kNone) return false;
        if (is_gp(k0) && k1 == k0) {
          rm_form(p, 0, w, false, 0x89, o1.id(), o0);
        } else if (is_gp(k0) && k1 == K::kMem) {
          rm_form(p, 0, w, false, 0x8b, o0.id(), o1);
        } else if (k0 == K::kMem && is_gp(k1)) {
          rm_form(p, 0, w, false, 0x89, o1.id(), o0);
        } else if (is_gp(k0) && k1 == K::kImm) {
          int64_t v = imm(o1);
          if (k0 == K::kR32) {
            if (v != static_cast<uint32_t>(v) && !fits_i32(v)) return false;
            put_rex(p, false, 0, 0, o0.id());
            put8(p, 0xb8 + (o0.id() & 7));
            put32(p, static_cast<uint32_t>(v));
          } else if (fits_i32(v)) {  // sign-extended imm32 (asmjit never shortens to mov r32)
            rm_form(p, 0, true, false, 0xc7, 0, o0);
            put32(p, static_cast<uint32_t>(v));
          } else {
            put_rex(p, true, 0, 0, o0.id());
            put8(p, 0xb8 + (o0.id() & 7));
            uint64_t u = static_cast<uint64_t>(v);
            put32(p, static_cast<uint32_t>(u));
            put32(p, static_cast<uint32_t>(u >> 32));
          }
        } else if (k0 == K::kMem && k1 == K::kImm) {
          uint32_t size = o0.as<x86::Mem>().size();
          int64_t v = imm(o1);
          if (size == 4 && v == static_cast<uint32_t>(v)) v = static_cast<int32_t>(v);
          if ((size != 4 && size != 8) || !fits_i32(v)) return false;
          rm_form(p, 0, size == 8, false, 0xc7, 0, o0);
          put32(p, static_cast<uint32_t>(v));
        } else {
          return false;
        }
        break;
      case x86::Inst::kIdLea:
        if (!is_gp(k0) || k1 != K::kMem || k2 != K::kNone) return false;
        rm_form(p, 0, w, false, 0x8d, o0.id(), o1);
        break;
      case x86::Inst::kIdTest:
        if (!is_gp(k0) || k1 != k0 || k2 != K::kNone) return false;
        rm_form(p, 0, w, false, 0x85, o1.id(), o0);
        break;
      case x86::Inst::kIdImul:
        if (!is_gp(k0)) return false;
        if (k2 == K::kNone && (k1 == k0 || k1 == K::kMem)) {
          rm_form(p, 0, w, true, 0xaf, o0.id(), o1);
          break;
        }
        if ((k1 == k0 || k1 == K::kMem) && k2 == K::kImm) {
          int64_t v = imm(o2);  // (a 32-bit 0xffffffff is not taken as -1 here)
          if (!fits_i32(v) && (w || v != static_cast<uint32_t>(v))) return false;
          if (fits_i8(v)) {
            rm_form(p, 0, w, false, 0x6b, o0.id(), o1);
            put8(p, static_cast<uint32_t>(v));
          } else {
            rm_form(p, 0, w, false, 0x69, o0.id(), o1);
            put32(p, static_cast<uint32_t>(v));
          }
          break;
        }
        return false;
      case x86::Inst::kIdPush:
      case x86::Inst::kIdPop:
        if (k0 != K::kR64 || k1 != K::kNone) return false;
        put_rex(p, false, 0, 0, o0.id());
        put8(p, (id == x86::Inst::kIdPush ? 0x50 : 0x58) + (o0.id() & 7));
        break;
      case x86::Inst::kIdRet:
        if (k0 != K::kNone) return false;
        put8(p, 0xc3);
        break;
      case x86::Inst::kIdCall:
        if (k0 != K::kMem || k1 != K::kNone) return false;
        rm_form(p, 0, false, false, 0xff, 2, o0);
        break;
      case x86::Inst::kIdCvtsi2sd:
      case x86::Inst::kIdCvtsi2ss:
        if (k0 != K::kXmm || !is_gp(k1) || k2 != K::kNone) return false;
        rm_form(p, id == x86::Inst::kIdCvtsi2sd ? 0xf2 : 0xf3, k1 == K::kR64, true, 0x2a, o0.id(), o1);
        break;
      case x86::Inst::kIdCvttsd2si:
      case x86::Inst::kIdCvttss2si:
        if (!is_gp(k0) || (k1 != K::kXmm && k1 != K::kMem) || k2 != K::kNone) return false;
        rm_form(p, id == x86::Inst::kIdCvttsd2si ? 0xf2 : 0xf3, k0 == K::kR64, true, 0x2c, o0.id(), o1);
        break;
      case x86::Inst::kIdMovmskpd:
      case x86::Inst::kIdMovmskps:
        if (k0 != K::kR32 || k1 != K::kXmm || k2 != K::kNone) return false;
        rm_form(p, id == x86::Inst::kIdMovmskpd ? 0x66 : 0, false, true, 0x50, o0.id(), o1);
        break;
      case x86::Inst::kIdMovq:
      case x86::Inst::kIdMovd:
        if (k2 != K::kNone) return false;
        if ((id == x86::Inst::kIdMovq) != (k0 == K::kR64 || k1 == K::kR64)) return false;
        if (k0 == K::kXmm && is_gp(k1)) {
          rm_form(p, 0x66, k1 == K::kR64, true, 0x6e, o0.id(), o1);
        } else if (is_gp(k0) && k1 == K::kXmm) {
          rm_form(p, 0x66, k0 == K::kR64, true, 0x7e, o1.id(), o0);
        } else {
          return false;
        }
        break;
      default:
        return false;
    }
  }
  _bufferPtr = p;
  return true;
}

}  // namespace wpvm::jit

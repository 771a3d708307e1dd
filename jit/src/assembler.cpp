// FastAssembler (assembler.h): the common instruction forms encoded directly.
#include "assembler.h"

#include <algorithm>
#include <cstring>

#include "x86_encode.h"

namespace wpvm::jit {

using namespace asmjit;
using namespace enc;

namespace {

// What an operand is, as far as the fast forms go.
enum class K : uint8_t { kNone, kR8, kR16, kR32, kR64, kXmm, kMem, kImm, kOther };

// By the operand's signature word: registers and integer immediates have
// exactly their type's.
[[gnu::always_inline]] inline K kind(const Operand_& o) {
  constexpr uint32_t kImmInt = OperandSignature::fromOpType(OperandType::kImm).bits();
  uint32_t sig = o.signature().bits();
  if (sig == x86::Gpq::kSignature) return o.id() < 16 ? K::kR64 : K::kOther;
  if (sig == x86::Gpd::kSignature) return o.id() < 16 ? K::kR32 : K::kOther;
  if (sig == 0) return K::kNone;
  if (sig == x86::Xmm::kSignature) return o.id() < 16 ? K::kXmm : K::kOther;
  if (sig == x86::GpbLo::kSignature) return o.id() < 16 ? K::kR8 : K::kOther;
  if (sig == x86::Gpw::kSignature) return o.id() < 16 ? K::kR16 : K::kOther;
  if (sig == kImmInt) return K::kImm;
  if (o.isMem()) return plain_mem(o.as<x86::Mem>()) ? K::kMem : K::kOther;
  return K::kOther;
}

bool is_gp(K k) { return k == K::kR32 || k == K::kR64; }

// The condition code (as x86 encodes it) of each setcc and cmovcc asmjit
// names after a condition, -1 for every other instruction.
struct CondTable {
  int8_t setcc[x86::Inst::_kIdCount], cmovcc[x86::Inst::_kIdCount];
  constexpr CondTable() : setcc(), cmovcc() {
    for (uint32_t i = 0; i < x86::Inst::_kIdCount; ++i) setcc[i] = cmovcc[i] = -1;
    for (uint8_t cc = 0; cc < 16; ++cc) {
      setcc[x86::Inst::setccFromCond(static_cast<x86::CondCode>(cc))] = static_cast<int8_t>(cc);
      cmovcc[x86::Inst::cmovccFromCond(static_cast<x86::CondCode>(cc))] = static_cast<int8_t>(cc);
    }
  }
};
constexpr CondTable kConds;
}  // namespace

Error FastAssembler::_emit(InstId id, const Operand_& o0, const Operand_& o1, const Operand_& o2,
                           const Operand_* ext) {
  if (is_jump_label(o0)) return emit_jump(id, o0.id());
  if (is_jump_label_mem(o1) && o2.isNone() && (!ext || ext[0].isNone())) return emit_rip(id, o0, o1.as<x86::Mem>());
  if (fast_ok() && (!ext || ext[0].isNone()) && emit_fast(id, o0, o1, o2)) return kErrorOk;
  sync_size();
  return x86::Assembler::_emit(id, o0, o1, o2, ext);
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
  if (!_logger && size <= remainingSpace()) {
    std::memcpy(_bufferPtr, data, size);
    _bufferPtr += size;
    return kErrorOk;
  }
  sync_size();
  return x86::Assembler::embed(data, size);
}

Error FastAssembler::align(AlignMode mode, uint32_t alignment) {
  if (mode == AlignMode::kData && fast_ok() && alignment - 1 < 16 && (alignment & (alignment - 1)) == 0) {
    size_t pad = (alignment - offset() % alignment) % alignment;
    std::memset(_bufferPtr, 0xcc, pad);
    _bufferPtr += pad;
    return kErrorOk;
  }
  sync_size();
  return x86::Assembler::align(mode, alignment);
}

bool FastAssembler::grow() {
  sync_size();
  return code()->growBuffer(&_section->_buffer, 16) == kErrorOk && remainingSpace() >= 16;
}

// The field at `at` gets label - base: now if the label is bound, else when
// it is.
inline void FastAssembler::rel32_to(uint32_t label, size_t at, size_t base) {
  JumpLabel& l = jump_labels_[label - kJumpLabelBase];
  if (l.offset >= 0) return write_delta(at, l.offset, base);
  fixups_.push_back({static_cast<uint32_t>(at), static_cast<uint32_t>(base), l.fixups});
  l.fixups = static_cast<uint32_t>(fixups_.size() - 1);
  write_delta(at, 0, 0);
}

Error FastAssembler::emit_jump(InstId id, uint32_t label) {
  if (id == x86::Inst::kIdJmp) return jump_to(kJumpJmp, label);
  if (id == x86::Inst::kIdCall) return jump_to(kJumpCall, label);
  int cc = jcc_code(id);
  if (cc < 0) return reportError(kErrorInvalidInstruction);
  return jump_to(cc, label);
}

// rel8 where the label is bound and near (jmp, jcc), else rel32; the forms
// asmjit picks.
Error FastAssembler::jump_to(int kind, uint32_t label) {
  if (label - kJumpLabelBase >= jump_labels_.size() || !ensure_space()) return reportError(kErrorInvalidLabel);
  const JumpLabel& l = jump_labels_[label - kJumpLabelBase];
  size_t at = offset();
  uint8_t* p = _bufferPtr;
  if (kind != kJumpCall && l.offset >= 0 && fits_i8(l.offset - static_cast<int64_t>(at + 2))) {
    put8(p, kind == kJumpJmp ? kJmp8 : kJcc8 + static_cast<uint32_t>(kind));
    put8(p, static_cast<uint32_t>(l.offset - static_cast<int64_t>(at + 2)));
    _bufferPtr = p;
    return kErrorOk;
  }
  if (kind >= 0) {
    put8(p, 0x0f);
    put8(p, kJcc32 + static_cast<uint32_t>(kind));
  } else {
    put8(p, kind == kJumpCall ? kCall32 : kJmp32);
  }
  size_t field = static_cast<size_t>(p - _bufferData);
  _bufferPtr = p + 4;
  rel32_to(label, field, field + 4);
  return kErrorOk;
}

// [rip + disp32] with the disp32 last: it counts from its own end.
Error FastAssembler::emit_rip(InstId id, const Operand_& reg, const x86::Mem& m) {
  const SseOp s = enc::sse_op(id);
  if (s.op == 0 || reg.signature().bits() != x86::Xmm::kSignature || reg.id() >= 16 || m.hasIndex() ||
      m.offset() != 0 || m.baseId() - kJumpLabelBase >= jump_labels_.size() || !ensure_space())
    return reportError(kErrorInvalidArgument);
  uint8_t* p = _bufferPtr;
  rip_form(p, s.prefix, false, true, s.op, reg.id());
  size_t field = static_cast<size_t>(p - _bufferData);
  _bufferPtr = p + 4;
  rel32_to(m.baseId(), field, field + 4);
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

FastAssembler::Forward FastAssembler::forward_label(x86::CondCode cc, bool always) {
  Label l = newLabel();
  if (always) jmp(l); else j(cc, l);
  return {0, l};
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
    const uint32_t d = static_cast<uint32_t>(digit);
    if (is_gp(k0) && k1 == k0) {
      rm_form(p, 0, w, false, alu_rm_reg(d), o1.id(), o0);
    } else if (is_gp(k0) && k1 == K::kMem) {
      rm_form(p, 0, w, false, alu_reg_rm(d), o0.id(), o1);
    } else if (k0 == K::kMem && is_gp(k1)) {
      rm_form(p, 0, w, false, alu_rm_reg(d), o1.id(), o0);
    } else if ((is_gp(k0) || k0 == K::kMem) && k1 == K::kImm) {
      uint32_t size = k0 == K::kMem ? o0.as<x86::Mem>().size() : 0;
      if (k0 == K::kMem && size != 4 && size != 8) return false;
      w = k0 == K::kR64 || size == 8;
      if (!alu_imm(p, d, w, o0, imm(o1))) return false;
    } else {
      return false;
    }
  } else if (int sdigit = shift_digit(id); sdigit >= 0) {
    if (!is_gp(k0) || k2 != K::kNone) return false;
    if (k1 == K::kR8 && o1.id() == x86::Gp::kIdCx) {  // by cl: D3 /digit
      rm_form(p, 0, w, false, 0xd3, static_cast<uint32_t>(sdigit), o0);
      _bufferPtr = p;
      return true;
    }
    if (k1 != K::kImm) return false;
    int64_t v = imm(o1);
    if (v < 0 || v > 63) return false;
    if (v == 1) return false;  // (asmjit's choice of encoding for a shift by one: left to it)
    rm_form(p, 0, w, false, kShiftImm, static_cast<uint32_t>(sdigit), o0);
    put8(p, static_cast<uint32_t>(v));
  } else if (SseOp s = enc::sse_op(id); s.op != 0) {
    if (k2 != K::kNone) return false;
    if (k0 == K::kXmm && (k1 == K::kXmm || k1 == K::kMem)) {
      rm_form(p, s.prefix, false, true, s.op, o0.id(), o1);
    } else if (k0 == K::kMem && k1 == K::kXmm &&
               (id == x86::Inst::kIdMovsd || id == x86::Inst::kIdMovss || id == x86::Inst::kIdMovaps)) {
      rm_form(p, s.prefix, false, true, s.op + 1, o1.id(), o0);
    } else {
      return false;
    }
  } else if (int cc = kConds.setcc[id < x86::Inst::_kIdCount ? id : 0]; cc >= 0) {
    if (k0 != K::kR8 || k1 != K::kNone) return false;  // 0F 90+cc /0
    rr_form(p, 0, false, true, 0x90 + static_cast<uint32_t>(cc), 0, o0.id(), byte_rex(o0.id()));
  } else if (int mc = kConds.cmovcc[id < x86::Inst::_kIdCount ? id : 0]; mc >= 0) {
    if (!is_gp(k0) || (k1 != k0 && k1 != K::kMem) || k2 != K::kNone) return false;  // 0F 40+cc /r
    rm_form(p, 0, w, true, 0x40 + static_cast<uint32_t>(mc), o0.id(), o1);
  } else {
    switch (id) {
      case x86::Inst::kIdMov:
        if (k2 != K::kNone) return false;
        if (k0 == K::kMem && (k1 == K::kR8 || k1 == K::kR16)) {  // 88 /r, 66 89 /r
          if (o0.as<x86::Mem>().size() > (k1 == K::kR8 ? 1u : 2u)) return false;
          rm_form(p, k1 == K::kR16 ? 0x66 : 0, false, false, k1 == K::kR8 ? 0x88 : kMovStore, o1.id(), o0,
                  k1 == K::kR8 && byte_rex(o1.id()));
          break;
        }
        if (is_gp(k0) && k1 == k0) {
          rm_form(p, 0, w, false, kMovStore, o1.id(), o0);
        } else if (is_gp(k0) && k1 == K::kMem) {
          rm_form(p, 0, w, false, kMovLoad, o0.id(), o1);
        } else if (k0 == K::kMem && is_gp(k1)) {
          rm_form(p, 0, w, false, kMovStore, o1.id(), o0);
        } else if (is_gp(k0) && k1 == K::kImm) {
          if (!mov_imm(p, k0 == K::kR64, o0.id(), imm(o1))) return false;
        } else if (k0 == K::kMem && k1 == K::kImm && o0.as<x86::Mem>().size() <= 2) {
          uint32_t size = o0.as<x86::Mem>().size();  // C6 /0 ib, 66 C7 /0 iw
          int64_t v = imm(o1);
          if (size == 1 ? v < -128 || v > 255 : size != 2 || v < -32768 || v > 65535) return false;
          rm_form(p, size == 2 ? 0x66 : 0, false, false, size == 1 ? 0xc6 : 0xc7, 0, o0);
          if (size == 1) put8(p, static_cast<uint32_t>(v));
          else put16(p, static_cast<uint32_t>(v));
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
        rm_form(p, 0, w, false, kLea, o0.id(), o1);
        break;
      case x86::Inst::kIdTest:
        if (!is_gp(k0) || k1 != k0 || k2 != K::kNone) return false;
        rm_form(p, 0, w, false, kTest, o1.id(), o0);
        break;
      case x86::Inst::kIdImul:
        if (!is_gp(k0)) return false;
        if (k2 == K::kNone && (k1 == k0 || k1 == K::kMem)) {
          rm_form(p, 0, w, true, kImul, o0.id(), o1);
          break;
        }
        if ((k1 == k0 || k1 == K::kMem) && k2 == K::kImm && imul_imm(p, w, o0.id(), o1, imm(o2))) break;
        return false;
      case x86::Inst::kIdPush:
      case x86::Inst::kIdPop:
        if (k0 != K::kR64 || k1 != K::kNone) return false;
        put_rex(p, false, 0, 0, o0.id());
        put8(p, (id == x86::Inst::kIdPush ? 0x50 : 0x58) + (o0.id() & 7));
        break;
      case x86::Inst::kIdRet:
        if (k0 != K::kNone) return false;
        put8(p, kRet);
        break;
      case x86::Inst::kIdCall:
      case x86::Inst::kIdJmp:  // FF /2, FF /4
        if ((k0 != K::kMem && k0 != K::kR64) || k1 != K::kNone) return false;
        rm_form(p, 0, false, false, 0xff, id == x86::Inst::kIdCall ? 2 : 4, o0);
        break;
      case x86::Inst::kIdMovzx:
      case x86::Inst::kIdMovsx: {  // 0F B6/B7, 0F BE/BF
        if (!is_gp(k0) || k2 != K::kNone) return false;
        uint32_t size = k1 == K::kR8 ? 1 : k1 == K::kR16 ? 2 : k1 == K::kMem ? o1.as<x86::Mem>().size() : 0;
        if (size != 1 && size != 2) return false;
        uint32_t op = (id == x86::Inst::kIdMovzx ? 0xb6 : 0xbe) + (size == 2);
        rm_form(p, 0, w, true, op, o0.id(), o1, k1 == K::kR8 && byte_rex(o1.id()));
        break;
      }
      case x86::Inst::kIdMovsxd:  // REX.W 63 /r
        if (k0 != K::kR64 || (k1 != K::kR32 && !(k1 == K::kMem && o1.as<x86::Mem>().size() == 4)) || k2 != K::kNone)
          return false;
        rm_form(p, 0, true, false, 0x63, o0.id(), o1);
        break;
      case x86::Inst::kIdDiv:
      case x86::Inst::kIdIdiv:  // F7 /6, F7 /7 (the dividend and results in rdx:rax)
        if (!is_gp(k0) || k1 != K::kNone) return false;
        rm_form(p, 0, w, false, 0xf7, id == x86::Inst::kIdDiv ? 6 : 7, o0);
        break;
      case x86::Inst::kIdCdq:
      case x86::Inst::kIdCqo:  // 99, REX.W 99
        if (k0 != K::kNone) return false;
        if (id == x86::Inst::kIdCqo) put8(p, 0x48);
        put8(p, 0x99);
        break;
      case x86::Inst::kIdCvtsi2sd:
      case x86::Inst::kIdCvtsi2ss:
        if (k0 != K::kXmm || !is_gp(k1) || k2 != K::kNone) return false;
        rm_form(p, id == x86::Inst::kIdCvtsi2sd ? kPrefixSd : kPrefixSs, k1 == K::kR64, true, kCvtsi, o0.id(), o1);
        break;
      case x86::Inst::kIdCvttsd2si:
      case x86::Inst::kIdCvttss2si:
        if (!is_gp(k0) || (k1 != K::kXmm && k1 != K::kMem) || k2 != K::kNone) return false;
        rm_form(p, id == x86::Inst::kIdCvttsd2si ? kPrefixSd : kPrefixSs, k0 == K::kR64, true, kCvtt, o0.id(), o1);
        break;
      case x86::Inst::kIdMovmskpd:
      case x86::Inst::kIdMovmskps:
        if (k0 != K::kR32 || k1 != K::kXmm || k2 != K::kNone) return false;
        rm_form(p, id == x86::Inst::kIdMovmskpd ? kPrefixPd : 0, false, true, kMovmsk, o0.id(), o1);
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

// Numeric opcodes: integer and float arithmetic, compares and conversions
// inline; the rarer ones through the shared reference helpers (helpers.h).
#include <bit>

#include "compiler.h"
#include "helpers.h"

namespace wpvm::jit {

using namespace asmjit;
using namespace asmjit::x86;

namespace {
bool fits_i32(uint64_t v) { return static_cast<int64_t>(v) == static_cast<int64_t>(static_cast<int32_t>(v)); }
}  // namespace

void FuncCompiler::numeric_helper_call(Opcode op, ValType out) {
  NumericHelper h = numeric_helper(op);
  call_helper(h.fn, {}, h.arity, {}, h.traps, out);
}

void FuncCompiler::int_binop(Opcode op, bool is64) {
  Val b = pop();
  Val a = pop();
  if (defer_op(op, a, b)) return;
  // Commutative: the operand already in a scratch register is the destination.
  if (op != Opcode::I32Sub && op != Opcode::I64Sub && a.loc != Loc::kReg && b.loc == Loc::kReg) std::swap(a, b);
  Gp ra = gp_of(a);
  if (!is64) ra = ra.r32();
  ValType t = is64 ? ValType::kI64 : ValType::kI32;
  auto emit = [&](auto&& operand) {
    switch (op) {
      case Opcode::I32Add: case Opcode::I64Add: a_.add(ra, operand); break;
      case Opcode::I32Sub: case Opcode::I64Sub: a_.sub(ra, operand); break;
      case Opcode::I32And: case Opcode::I64And: a_.and_(ra, operand); break;
      case Opcode::I32Or: case Opcode::I64Or: a_.or_(ra, operand); break;
      case Opcode::I32Xor: case Opcode::I64Xor: a_.xor_(ra, operand); break;
      case Opcode::I32Mul: case Opcode::I64Mul: a_.imul(ra, operand); break;
      default: break;
    }
  };
  if (b.loc == Loc::kConst && (is64 ? fits_i32(b.bits) : true)) {
    int32_t imm = static_cast<int32_t>(b.bits);
    if (op == Opcode::I32Mul || op == Opcode::I64Mul)
      a_.imul(ra, ra, imm);
    else
      emit(imm);
  } else if (in_memory(b)) {
    emit(is64 ? mem_of(b) : mem_of(b).cloneResized(4));
  } else if (b.loc == Loc::kMem) {
    emit(lin_mem(b));
    free_reg(b);
  } else {
    Gp rb = gp_read(b);
    emit(is64 ? rb : rb.r32());
    free_reg(b);
  }
  push_reg(t, a.reg);
}

void FuncCompiler::int_shift(Opcode op, bool is64) {
  Val b = pop();
  Val a = pop();
  if (defer_op(op, a, b)) return;
  Gp ra = gp_of(a);
  if (!is64) ra = ra.r32();
  auto emit = [&](auto&& count) {
    switch (op) {
      case Opcode::I32Shl: case Opcode::I64Shl: a_.shl(ra, count); break;
      case Opcode::I32ShrS: case Opcode::I64ShrS: a_.sar(ra, count); break;
      case Opcode::I32ShrU: case Opcode::I64ShrU: a_.shr(ra, count); break;
      case Opcode::I32Rotl: case Opcode::I64Rotl: a_.rol(ra, count); break;
      case Opcode::I32Rotr: case Opcode::I64Rotr: a_.ror(ra, count); break;
      default: break;
    }
  };
  if (b.loc == Loc::kConst) {
    emit(asmjit::Imm(static_cast<int>(b.bits & (is64 ? 63 : 31))));
  } else {
    load_gp_to(rcx, b);
    free_reg(b);
    emit(cl);
  }
  push_reg(is64 ? ValType::kI64 : ValType::kI32, a.reg);
}

namespace {
CondCode int_cond(Opcode op) {
  switch (op) {
    case Opcode::I32Eq: case Opcode::I64Eq: return CondCode::kE;
    case Opcode::I32Ne: case Opcode::I64Ne: return CondCode::kNE;
    case Opcode::I32LtS: case Opcode::I64LtS: return CondCode::kL;
    case Opcode::I32LtU: case Opcode::I64LtU: return CondCode::kB;
    case Opcode::I32GtS: case Opcode::I64GtS: return CondCode::kG;
    case Opcode::I32GtU: case Opcode::I64GtU: return CondCode::kA;
    case Opcode::I32LeS: case Opcode::I64LeS: return CondCode::kLE;
    case Opcode::I32LeU: case Opcode::I64LeU: return CondCode::kBE;
    case Opcode::I32GeS: case Opcode::I64GeS: return CondCode::kGE;
    default: return CondCode::kAE;  // GeU
  }
}
}  // namespace

void FuncCompiler::int_compare(Opcode op, bool is64) {
  if (op == Opcode::I32Eqz || op == Opcode::I64Eqz) {
    Val a = pop();
    if (in_memory(a)) {
      a_.cmp(is64 ? mem_of(a) : mem_of(a).cloneResized(4), 0);
      push_cond(CondCode::kE);
      return;
    }
    Gp ra = gp_read(a);
    if (is64) a_.test(ra, ra); else a_.test(ra.r32(), ra.r32());
    free_reg(a);
    push_cond(CondCode::kE);
    return;
  }
  Val b = pop();
  Val a = pop();
  bool b_imm = b.loc == Loc::kConst && (is64 ? fits_i32(b.bits) : true);
  if (in_memory(a) && (b_imm || b.loc == Loc::kReg || b.loc == Loc::kPinned)) {  // cmp [slot], b
    Mem m = is64 ? mem_of(a) : mem_of(a).cloneResized(4);
    if (b_imm) {
      a_.cmp(m, static_cast<int32_t>(b.bits));
    } else {
      a_.cmp(m, is64 ? Gp(gpq(b.reg)) : Gp(gpd(b.reg)));
      free_reg(b);
    }
    push_cond(int_cond(op));
    return;
  }
  Gp ra = gp_read(a);
  Gp ra_sized = is64 ? ra : ra.r32();
  if (b_imm) {
    a_.cmp(ra_sized, static_cast<int32_t>(b.bits));
  } else if (in_memory(b)) {
    a_.cmp(ra_sized, is64 ? mem_of(b) : mem_of(b).cloneResized(4));
  } else if (b.loc == Loc::kMem) {
    a_.cmp(ra_sized, lin_mem(b));
    free_reg(b);
  } else {
    Gp rb = gp_read(b);
    a_.cmp(ra_sized, is64 ? rb : rb.r32());
    free_reg(b);
  }
  free_reg(a);
  push_cond(int_cond(op));
}

void FuncCompiler::int_divrem(Opcode op, bool is64) {
  Val b = pop();
  Val a = pop();
  Gp ra = gp_of(a);
  Gp d = is64 ? Gp(rcx) : Gp(ecx);
  load_gp_to(rcx, b);
  free_reg(b);
  Gp x = is64 ? ra : ra.r32();
  Gp acc = is64 ? Gp(rax) : Gp(eax);
  Gp rem = is64 ? Gp(rdx) : Gp(edx);
  bool is_signed = op == Opcode::I32DivS || op == Opcode::I64DivS || op == Opcode::I32RemS || op == Opcode::I64RemS;
  bool is_rem = op == Opcode::I32RemS || op == Opcode::I64RemS || op == Opcode::I32RemU || op == Opcode::I64RemU;
  a_.test(d, d);
  a_.jz(trap_label(TrapKind::kIntegerDivideByZero));
  Label done = a_.new_jump_label();
  if (is_signed) {
    Label normal = a_.new_jump_label();
    a_.cmp(d, -1);
    a_.jne(normal);
    if (is_rem) {
      a_.xor_(x.r32(), x.r32());
      a_.jmp(done);
    } else {
      if (is64) {
        a_.mov(rax, uint64_t{1} << 63);
        a_.cmp(x, rax);
      } else {
        a_.cmp(x, static_cast<int32_t>(0x80000000u));
      }
      a_.je(trap_label(TrapKind::kIntegerOverflow));
    }
    a_.bind(normal);
    a_.mov(acc, x);
    if (is64) a_.cqo(); else a_.cdq();
    a_.idiv(d);
  } else {
    a_.mov(acc, x);
    a_.xor_(edx, edx);
    a_.div(d);
  }
  a_.mov(x, is_rem ? rem : acc);
  a_.bind(done);
  push_reg(is64 ? ValType::kI64 : ValType::kI32, a.reg);
}

void FuncCompiler::float_binop(Opcode op, bool is64) {
  Val b = pop();
  Val a = pop();
  bool commutative = op == Opcode::F32Add || op == Opcode::F32Mul || op == Opcode::F64Add || op == Opcode::F64Mul;
  if (commutative && a.loc != Loc::kReg && b.loc == Loc::kReg) std::swap(a, b);
  Xmm xa = xmm_of(a);
  auto emit = [&](const Operand& xb) {
    InstId id = Inst::kIdNone;
    switch (op) {
      case Opcode::F32Add: id = Inst::kIdAddss; break;
      case Opcode::F32Sub: id = Inst::kIdSubss; break;
      case Opcode::F32Mul: id = Inst::kIdMulss; break;
      case Opcode::F32Div: id = Inst::kIdDivss; break;
      case Opcode::F64Add: id = Inst::kIdAddsd; break;
      case Opcode::F64Sub: id = Inst::kIdSubsd; break;
      case Opcode::F64Mul: id = Inst::kIdMulsd; break;
      case Opcode::F64Div: id = Inst::kIdDivsd; break;
      default: break;
    }
    a_.sse_op(id, xa, xb);
  };
  if (in_memory(b)) {
    emit(is64 ? mem_of(b) : mem_of(b).cloneResized(4));
  } else if (b.loc == Loc::kConst) {
    emit(const_mem(b));
  } else if (b.loc == Loc::kMem) {
    emit(lin_mem(b));
    free_reg(b);
  } else {
    emit(xmm_read(b));
    free_reg(b);
  }
  push_reg(is64 ? ValType::kF64 : ValType::kF32, a.reg);
}

void FuncCompiler::float_compare(Opcode op, bool is64) {
  Val b = pop();
  Val a = pop();
  Xmm xa = xmm_read(a);
  Xmm xb = xmm_read(b);
  uint8_t r = alloc_gp();
  Gp d = gpq(r);
  auto ucomi = [&](Xmm x, Xmm y) {
    if (is64) a_.ucomisd(x, y); else a_.ucomiss(x, y);
  };
  switch (op) {
    case Opcode::F32Eq: case Opcode::F64Eq:
      ucomi(xa, xb);
      a_.sete(d.r8());
      a_.setnp(cl);
      a_.and_(d.r8(), cl);
      break;
    case Opcode::F32Ne: case Opcode::F64Ne:
      ucomi(xa, xb);
      a_.setne(d.r8());
      a_.setp(cl);
      a_.or_(d.r8(), cl);
      break;
    case Opcode::F32Lt: case Opcode::F64Lt: ucomi(xb, xa); a_.seta(d.r8()); break;
    case Opcode::F32Gt: case Opcode::F64Gt: ucomi(xa, xb); a_.seta(d.r8()); break;
    case Opcode::F32Le: case Opcode::F64Le: ucomi(xb, xa); a_.setae(d.r8()); break;
    default: ucomi(xa, xb); a_.setae(d.r8()); break;  // Ge
  }
  a_.movzx(d.r32(), d.r8());
  free_reg(a);
  free_reg(b);
  push_reg(ValType::kI32, r);
}

void FuncCompiler::float_unop(Opcode op, bool is64) {
  Val a = pop();
  Xmm x = xmm_of(a);
  ValType t = is64 ? ValType::kF64 : ValType::kF32;
  auto mask = [&](uint64_t m, bool is_xor) {
    a_.mov(rax, m);
    a_.movq(xmm15, rax);
    if (is_xor) a_.xorps(x, xmm15); else a_.andps(x, xmm15);
  };
  switch (op) {
    case Opcode::F32Sqrt: a_.sqrtss(x, x); break;
    case Opcode::F64Sqrt: a_.sqrtsd(x, x); break;
    case Opcode::F32Neg: mask(0x80000000u, true); break;
    case Opcode::F64Neg: mask(uint64_t{1} << 63, true); break;
    case Opcode::F32Abs: mask(0x7fffffffu, false); break;
    case Opcode::F64Abs: mask(~(uint64_t{1} << 63), false); break;
    // roundss/sd: 1 floor, 2 ceil, 3 trunc, 0 nearest-even; 8 = no inexact.
    case Opcode::F32Ceil: a_.roundss(x, x, 10); break;
    case Opcode::F32Floor: a_.roundss(x, x, 9); break;
    case Opcode::F32Trunc: a_.roundss(x, x, 11); break;
    case Opcode::F32Nearest: a_.roundss(x, x, 8); break;
    case Opcode::F64Ceil: a_.roundsd(x, x, 10); break;
    case Opcode::F64Floor: a_.roundsd(x, x, 9); break;
    case Opcode::F64Trunc: a_.roundsd(x, x, 11); break;
    case Opcode::F64Nearest: a_.roundsd(x, x, 8); break;
    default: break;
  }
  push_reg(t, a.reg);
}

void FuncCompiler::conversion(Opcode op) {
  Val a = pop();
  switch (op) {
    case Opcode::I32WrapI64:
    case Opcode::I64ExtendI32U: {
      Gp r = gp_of(a);
      a_.mov(r.r32(), r.r32());
      push_reg(op == Opcode::I32WrapI64 ? ValType::kI32 : ValType::kI64, a.reg);
      return;
    }
    case Opcode::I64ExtendI32S: case Opcode::I64Extend32S: {
      Gp r = gp_of(a);
      a_.movsxd(r, r.r32());
      push_reg(ValType::kI64, a.reg);
      return;
    }
    case Opcode::I32Extend8S: { Gp r = gp_of(a); a_.movsx(r.r32(), r.r8()); push_reg(ValType::kI32, a.reg); return; }
    case Opcode::I32Extend16S: { Gp r = gp_of(a); a_.movsx(r.r32(), r.r16()); push_reg(ValType::kI32, a.reg); return; }
    case Opcode::I64Extend8S: { Gp r = gp_of(a); a_.movsx(r, r.r8()); push_reg(ValType::kI64, a.reg); return; }
    case Opcode::I64Extend16S: { Gp r = gp_of(a); a_.movsx(r, r.r16()); push_reg(ValType::kI64, a.reg); return; }
    case Opcode::I32ReinterpretF32: case Opcode::I64ReinterpretF64: {
      ValType t = op == Opcode::I32ReinterpretF32 ? ValType::kI32 : ValType::kI64;
      gp_of(a);
      push_reg(t, a.reg);
      return;
    }
    case Opcode::F32ReinterpretI32: case Opcode::F64ReinterpretI64: {
      bool wide = op == Opcode::F64ReinterpretI64;
      uint8_t r = alloc_xmm();
      if (in_memory(a)) {
        if (wide) a_.movsd(xmm(r), mem_of(a)); else a_.movss(xmm(r), mem_of(a).cloneResized(4));
      } else {
        load_gp_to(rax, a);
        if (wide) a_.movq(xmm(r), rax); else a_.movd(xmm(r), eax);
        free_reg(a);
      }
      push_reg(wide ? ValType::kF64 : ValType::kF32, r);
      return;
    }
    case Opcode::F32DemoteF64: { Xmm x = xmm_of(a); a_.cvtsd2ss(x, x); push_reg(ValType::kF32, a.reg); return; }
    case Opcode::F64PromoteF32: { Xmm x = xmm_of(a); a_.cvtss2sd(x, x); push_reg(ValType::kF64, a.reg); return; }
    case Opcode::F32ConvertI32S: case Opcode::F64ConvertI32S: case Opcode::F32ConvertI32U:
    case Opcode::F64ConvertI32U: case Opcode::F32ConvertI64S: case Opcode::F64ConvertI64S: {
      bool to64 = op == Opcode::F64ConvertI32S || op == Opcode::F64ConvertI32U || op == Opcode::F64ConvertI64S;
      bool src32s = op == Opcode::F32ConvertI32S || op == Opcode::F64ConvertI32S;
      load_gp_to(rax, a);
      free_reg(a);
      uint8_t r = alloc_xmm();
      a_.xorps(xmm(r), xmm(r));
      // u32 values are zero-extended in rax, so the 64-bit signed convert is exact.
      Gp src = src32s ? Gp(eax) : Gp(rax);
      if (to64) a_.cvtsi2sd(xmm(r), src); else a_.cvtsi2ss(xmm(r), src);
      push_reg(to64 ? ValType::kF64 : ValType::kF32, r);
      return;
    }
    default: break;
  }
}

// Float to integer, trapping and saturating (all but to unsigned i64: their
// helpers). cvttss2si/cvttsd2si give the lowest integer ("indefinite") for
// NaN and for values out of range, so only that result goes to the slow
// path, jumped over otherwise, which tells a NaN, an overflow and a value
// that truncates to exactly the lowest integer apart. To unsigned i32 the
// conversion is 64-bit: anything outside [0, 2^32) has upper bits set.
void FuncCompiler::truncation(Opcode op) {
  bool src64 = false, dst64 = false, is_unsigned = false, sat = false;
  switch (op) {
    case Opcode::I32TruncF32S: break;
    case Opcode::I32TruncF32U: is_unsigned = true; break;
    case Opcode::I32TruncF64S: src64 = true; break;
    case Opcode::I32TruncF64U: src64 = is_unsigned = true; break;
    case Opcode::I64TruncF32S: dst64 = true; break;
    case Opcode::I64TruncF64S: src64 = dst64 = true; break;
    case Opcode::I32TruncSatF32S: sat = true; break;
    case Opcode::I32TruncSatF32U: sat = is_unsigned = true; break;
    case Opcode::I32TruncSatF64S: sat = src64 = true; break;
    case Opcode::I32TruncSatF64U: sat = src64 = is_unsigned = true; break;
    case Opcode::I64TruncSatF32S: sat = dst64 = true; break;
    case Opcode::I64TruncSatF64S: sat = src64 = dst64 = true; break;
    default: return fail();
  }
  Val a = pop();
  Xmm x = xmm_read(a);
  uint8_t r = alloc_gp();
  Gp d = dst64 || is_unsigned ? Gp(gpq(r)) : Gp(gpd(r));
  if (src64) a_.cvttsd2si(d, x); else a_.cvttss2si(d, x);
  FastAssembler::Forward in_range;
  if (is_unsigned) {
    a_.mov(rax, d);
    a_.shr(rax, 32);
    in_range = a_.jump_forward(CondCode::kZ);
  } else {
    a_.cmp(d, 1);  // overflows for the lowest integer only
    in_range = a_.jump_forward(CondCode::kNO);
  }
  if (src64) a_.ucomisd(x, x); else a_.ucomiss(x, x);
  bool bound = true;
  if (!sat) {
    a_.jp(trap_label(TrapKind::kInvalidConversionToInteger));
    if (!is_unsigned) {
      // The lowest integer is right from it down to (not including) the next
      // lower integer; only for f64 -> i32 do the two differ as floats.
      ValType ft = src64 ? ValType::kF64 : ValType::kF32;
      auto bits = [&](double v) {
        return src64 ? std::bit_cast<uint64_t>(v) : uint64_t{std::bit_cast<uint32_t>(static_cast<float>(v))};
      };
      auto compare = [&](const Mem& y) {
        if (src64) a_.comisd(x, y); else a_.comiss(x, y);
      };
      if (src64 && !dst64) {
        compare(float_const(ft, bits(-2147483649.0)));
        a_.jbe(trap_label(TrapKind::kIntegerOverflow));
      } else {
        compare(float_const(ft, bits(dst64 ? -9223372036854775808.0 : -2147483648.0)));
        a_.jb(trap_label(TrapKind::kIntegerOverflow));
      }
      // Negative: in range. (Positive values that high are not.)
      if (src64) a_.movmskpd(eax, x); else a_.movmskps(eax, x);
      a_.and_(eax, 1);
      a_.jz(trap_label(TrapKind::kIntegerOverflow));
    } else {
      a_.jmp(trap_label(TrapKind::kIntegerOverflow));
    }
  } else {
    // NaN: 0. Out of range: the nearer end, which below a signed range is
    // already there.
    FastAssembler::Forward nan = a_.jump_forward(CondCode::kP);
    if (src64) a_.movmskpd(eax, x); else a_.movmskps(eax, x);
    a_.and_(eax, 1);
    FastAssembler::Forward negative = a_.jump_forward(CondCode::kNZ);
    if (is_unsigned) a_.mov(d.r32(), -1);
    else if (dst64) a_.mov(d, INT64_MAX);
    else a_.mov(d, INT32_MAX);
    FastAssembler::Forward high = a_.jmp_forward();
    bound = a_.bind_forward(nan);
    if (is_unsigned) {
      bound = a_.bind_forward(negative) && bound;
      a_.xor_(d.r32(), d.r32());
      bound = a_.bind_forward(high) && bound;
    } else {
      a_.xor_(d.r32(), d.r32());
      bound = a_.bind_forward(negative) && a_.bind_forward(high) && bound;
    }
  }
  bound = a_.bind_forward(in_range) && bound;
  if (!bound) return fail();
  free_reg(a);
  push_reg(dst64 ? ValType::kI64 : ValType::kI32, r);
}

NumericFamily numeric_family(Opcode op) {
  using F = NumericFamily;
  switch (op) {
    case Opcode::I32Add: case Opcode::I32Sub: case Opcode::I32Mul: case Opcode::I32And:
    case Opcode::I32Or: case Opcode::I32Xor:
      return F::kIntBinop32;
    case Opcode::I64Add: case Opcode::I64Sub: case Opcode::I64Mul: case Opcode::I64And:
    case Opcode::I64Or: case Opcode::I64Xor:
      return F::kIntBinop64;
    case Opcode::I32Shl: case Opcode::I32ShrS: case Opcode::I32ShrU: case Opcode::I32Rotl: case Opcode::I32Rotr:
      return F::kIntShift32;
    case Opcode::I64Shl: case Opcode::I64ShrS: case Opcode::I64ShrU: case Opcode::I64Rotl: case Opcode::I64Rotr:
      return F::kIntShift64;
    case Opcode::I32Eqz: case Opcode::I32Eq: case Opcode::I32Ne: case Opcode::I32LtS: case Opcode::I32LtU:
    case Opcode::I32GtS: case Opcode::I32GtU: case Opcode::I32LeS: case Opcode::I32LeU: case Opcode::I32GeS:
    case Opcode::I32GeU:
      return F::kIntCompare32;
    case Opcode::I64Eqz: case Opcode::I64Eq: case Opcode::I64Ne: case Opcode::I64LtS: case Opcode::I64LtU:
    case Opcode::I64GtS: case Opcode::I64GtU: case Opcode::I64LeS: case Opcode::I64LeU: case Opcode::I64GeS:
    case Opcode::I64GeU:
      return F::kIntCompare64;
    case Opcode::I32DivS: case Opcode::I32DivU: case Opcode::I32RemS: case Opcode::I32RemU:
      return F::kIntDivrem32;
    case Opcode::I64DivS: case Opcode::I64DivU: case Opcode::I64RemS: case Opcode::I64RemU:
      return F::kIntDivrem64;
    case Opcode::F32Add: case Opcode::F32Sub: case Opcode::F32Mul: case Opcode::F32Div:
      return F::kFloatBinop32;
    case Opcode::F64Add: case Opcode::F64Sub: case Opcode::F64Mul: case Opcode::F64Div:
      return F::kFloatBinop64;
    case Opcode::F32Eq: case Opcode::F32Ne: case Opcode::F32Lt: case Opcode::F32Gt: case Opcode::F32Le:
    case Opcode::F32Ge:
      return F::kFloatCompare32;
    case Opcode::F64Eq: case Opcode::F64Ne: case Opcode::F64Lt: case Opcode::F64Gt: case Opcode::F64Le:
    case Opcode::F64Ge:
      return F::kFloatCompare64;
    case Opcode::F32Sqrt: case Opcode::F32Neg: case Opcode::F32Abs: case Opcode::F32Ceil: case Opcode::F32Floor:
    case Opcode::F32Trunc: case Opcode::F32Nearest:
      return F::kFloatUnop32;
    case Opcode::F64Sqrt: case Opcode::F64Neg: case Opcode::F64Abs: case Opcode::F64Ceil: case Opcode::F64Floor:
    case Opcode::F64Trunc: case Opcode::F64Nearest:
      return F::kFloatUnop64;
    case Opcode::I32WrapI64: case Opcode::I64ExtendI32U: case Opcode::I64ExtendI32S: case Opcode::I64Extend32S:
    case Opcode::I32Extend8S: case Opcode::I32Extend16S: case Opcode::I64Extend8S: case Opcode::I64Extend16S:
    case Opcode::I32ReinterpretF32: case Opcode::I64ReinterpretF64: case Opcode::F32ReinterpretI32:
    case Opcode::F64ReinterpretI64: case Opcode::F32DemoteF64: case Opcode::F64PromoteF32:
    case Opcode::F32ConvertI32S: case Opcode::F64ConvertI32S: case Opcode::F32ConvertI32U:
    case Opcode::F64ConvertI32U: case Opcode::F32ConvertI64S: case Opcode::F64ConvertI64S:
      return F::kConversion;
    case Opcode::I32TruncF32S: case Opcode::I32TruncF32U: case Opcode::I32TruncF64S: case Opcode::I32TruncF64U:
    case Opcode::I64TruncF32S: case Opcode::I64TruncF64S: case Opcode::I32TruncSatF32S:
    case Opcode::I32TruncSatF32U: case Opcode::I32TruncSatF64S: case Opcode::I32TruncSatF64U:
    case Opcode::I64TruncSatF32S: case Opcode::I64TruncSatF64S:
      return F::kTruncation;
    default: return F::kNone;
  }
}

bool FuncCompiler::numeric_inline(Opcode op) {
  using F = NumericFamily;
  switch (numeric_family(op)) {
    case F::kNone: return false;
    case F::kIntBinop32: int_binop(op, false); break;
    case F::kIntBinop64: int_binop(op, true); break;
    case F::kIntShift32: int_shift(op, false); break;
    case F::kIntShift64: int_shift(op, true); break;
    case F::kIntCompare32: int_compare(op, false); break;
    case F::kIntCompare64: int_compare(op, true); break;
    case F::kIntDivrem32: int_divrem(op, false); break;
    case F::kIntDivrem64: int_divrem(op, true); break;
    case F::kFloatBinop32: float_binop(op, false); break;
    case F::kFloatBinop64: float_binop(op, true); break;
    case F::kFloatCompare32: float_compare(op, false); break;
    case F::kFloatCompare64: float_compare(op, true); break;
    case F::kFloatUnop32: float_unop(op, false); break;
    case F::kFloatUnop64: float_unop(op, true); break;
    case F::kConversion: conversion(op); break;
    case F::kTruncation: truncation(op); break;
  }
  return true;
}

}  // namespace wpvm::jit

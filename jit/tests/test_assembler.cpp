// FastAssembler (jit/src/assembler.h) writes exactly asmjit's bytes: every
// fast form, over every register, addressing mode, displacement and
// immediate size class, against asmjit's own encoder.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "assembler.h"

namespace {

using namespace asmjit;
using namespace asmjit::x86;

std::string hex(const uint8_t* p, size_t n) {
  std::string s;
  char buf[4];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%02x ", p[i]);
    s += buf;
  }
  return s;
}

struct Pair {
  CodeHolder ref_code, fast_code;
  Assembler* ref = nullptr;
  wpvm::jit::FastAssembler* fast = nullptr;
  size_t fast_forms = 0;
  Pair() {
    for (CodeHolder* c : {&ref_code, &fast_code}) {
      c->init(Environment::host());
      c->reserveBuffer(&c->textSection()->buffer(), 1 << 16);
    }
    ref = new Assembler(&ref_code);
    fast = new wpvm::jit::FastAssembler(&fast_code);
  }
  ~Pair() {
    delete ref;
    delete fast;
  }
  // The bytes so far both ways, then both emptied.
  void compare(const char* what) {
    size_t n = ref->offset(), m = fast->offset();
    if (n != m || std::memcmp(ref->bufferData(), fast->bufferData(), n) != 0)
      FAIL_CHECK(what << ": asmjit " << hex(ref->bufferData(), n) << "fast " << hex(fast->bufferData(), m));
    ref->setOffset(0);
    fast->setOffset(0);
  }
  // One instruction both ways: where the fast path takes it, the same bytes.
  void check(InstId id, const Operand_& o0, const Operand_& o1 = Operand(), const Operand_& o2 = Operand()) {
    ref->setOffset(0);
    fast->setOffset(0);
    if (ref->emit(id, o0, o1, o2) != kErrorOk) return;  // not an instruction asmjit encodes
    if (!fast->emit_fast(id, o0, o1, o2)) return;
    ++fast_forms;
    size_t n = ref->offset(), m = fast->offset();
    bool same = n == m && std::memcmp(ref->bufferData(), fast->bufferData(), n) == 0;
    if (!same) {
      String name;
      InstAPI::instIdToString(Arch::kX64, id, name);
      FAIL_CHECK(std::string(name.data()) << ": asmjit " << hex(ref->bufferData(), n) << "fast " << hex(fast->bufferData(), m));
    }
  }
};

std::vector<Operand> gp_regs() {
  std::vector<Operand> v;
  for (uint32_t i = 0; i < 16; ++i) v.push_back(gpd(i));
  for (uint32_t i = 0; i < 16; ++i) v.push_back(gpq(i));
  return v;
}

std::vector<Operand> some_regs() {  // the register ids whose encodings differ (low/high, rsp/rbp/r12/r13)
  std::vector<Operand> v;
  for (uint32_t i : {0u, 4u, 5u, 12u, 13u, 15u}) {
    v.push_back(gpd(i));
    v.push_back(gpq(i));
    v.push_back(xmm(i));
  }
  return v;
}

std::vector<Operand> mems(uint32_t size) {
  std::vector<Operand> v;
  const int32_t disps[] = {0, 1, -128, 127, 128, -129, 0x12345678, INT32_MIN};
  for (uint32_t base = 0; base < 16; ++base)
    for (int32_t d : disps) {
      v.push_back(ptr(gpq(base), d, size));
      for (uint32_t index : {0u, 5u, 12u, 13u})
        for (uint32_t shift = 0; shift < 4; ++shift) v.push_back(ptr(gpq(base), gpq(index), shift, d, size));
    }
  return v;
}

std::vector<Operand> imms() {
  std::vector<Operand> v;
  for (int64_t x : {int64_t{0}, int64_t{1}, int64_t{2}, int64_t{-1}, int64_t{5}, int64_t{31}, int64_t{63},
                    int64_t{127}, int64_t{128}, int64_t{-128}, int64_t{-129}, int64_t{0x7fffffff},
                    int64_t{0x80000000}, int64_t{0xffffffff}, int64_t{INT32_MIN}, int64_t{0x100000000},
                    int64_t{-0x80000001}, INT64_MIN, INT64_MAX})
    v.push_back(Imm(x));
  return v;
}

TEST_CASE("fast assembler: the same bytes as asmjit") {
  Pair p;
  std::vector<Operand> regs = gp_regs();
  for (uint32_t i = 0; i < 16; ++i) regs.push_back(xmm(i));
  std::vector<Operand> few = some_regs();
  std::vector<Operand> mem0 = mems(0), mem4 = mems(4), mem8 = mems(8);
  std::vector<Operand> imm = imms();
  const InstId two_operand[] = {
      Inst::kIdMov, Inst::kIdAdd, Inst::kIdOr, Inst::kIdAnd, Inst::kIdSub, Inst::kIdXor, Inst::kIdCmp,
      Inst::kIdTest, Inst::kIdLea, Inst::kIdShl, Inst::kIdShr, Inst::kIdSar, Inst::kIdImul, Inst::kIdMovsd,
      Inst::kIdMovss, Inst::kIdMovaps, Inst::kIdXorps, Inst::kIdAndps, Inst::kIdAddsd, Inst::kIdAddss,
      Inst::kIdMulsd, Inst::kIdMulss, Inst::kIdSubsd, Inst::kIdSubss, Inst::kIdDivsd, Inst::kIdDivss,
      Inst::kIdSqrtsd, Inst::kIdSqrtss, Inst::kIdUcomisd, Inst::kIdUcomiss, Inst::kIdCvtss2sd,
      Inst::kIdCvtsd2ss, Inst::kIdCvtsi2sd, Inst::kIdCvtsi2ss, Inst::kIdMovq, Inst::kIdMovd,
      Inst::kIdComisd, Inst::kIdComiss, Inst::kIdCvttsd2si, Inst::kIdCvttss2si, Inst::kIdMovmskpd,
      Inst::kIdMovmskps};
  for (InstId id : two_operand) {
    size_t before = p.fast_forms;
    for (const Operand& a : regs)
      for (const Operand& b : regs) p.check(id, a, b);
    for (const Operand& a : regs)
      for (const Operand& b : imm) p.check(id, a, b);
    for (const Operand& r : few)
      for (const Operand& m : mem0) {
        p.check(id, r, m);
        p.check(id, m, r);
      }
    for (const auto* ms : {&mem4, &mem8})
      for (size_t k = 0; k < ms->size(); k += 7) {
        for (const Operand& b : imm) p.check(id, (*ms)[k], b);
        for (const Operand& r : few) {
          p.check(id, r, (*ms)[k]);
          p.check(id, (*ms)[k], r);
        }
      }
    CHECK_MESSAGE(p.fast_forms > before, "no fast form of instruction ", id);
  }
  for (const Operand& a : gp_regs()) {
    for (const Operand& b : gp_regs())
      for (const Operand& c : imm) p.check(Inst::kIdImul, a, b, c);
  }
  for (const Operand& r : few)
    for (const Operand& m : mem0) p.check(Inst::kIdImul, r, m, Imm(1000));
  for (const Operand& a : gp_regs()) {
    p.check(Inst::kIdPush, a);
    p.check(Inst::kIdPop, a);
  }
  for (const Operand& m : mem0) p.check(Inst::kIdCall, m);
  p.check(Inst::kIdRet, Operand());
}

// Byte and word registers (spl ... dil need a REX), sizes of memory
// operands, condition codes: the generic forms beyond the full-width ones.
TEST_CASE("fast assembler: byte and word forms, setcc, cmovcc, movzx, movsx, movsxd, call and jmp through a register, shifts by cl, div and cdq write asmjit's bytes") {
  Pair p;
  std::vector<Operand> regs = gp_regs(), bytes, words, imm = imms();
  for (uint32_t i = 0; i < 16; ++i) {
    bytes.push_back(gpb(i));
    words.push_back(gpw(i));
  }
  for (int64_t x : {int64_t{200}, int64_t{255}, int64_t{256}, int64_t{-200}, int64_t{40000}, int64_t{65535},
                    int64_t{65536}, int64_t{-32768}, int64_t{-32769}})
    imm.push_back(Imm(x));
  std::vector<Operand> mem1 = mems(1), mem2 = mems(2), mem4 = mems(4), mem0 = mems(0);
  auto each_mem = [&](const std::vector<Operand>& ms, auto&& f) {
    for (size_t k = 0; k < ms.size(); k += 5) f(ms[k]);
  };
  auto count = [&](const char* what, auto&& body) {
    size_t before = p.fast_forms;
    body();
    CHECK_MESSAGE(p.fast_forms > before, "no fast form of ", what);
  };
  count("mov m8/m16, r8/r16", [&] {
    for (const auto* ms : {&mem0, &mem1, &mem2})
      each_mem(*ms, [&](const Operand& m) {
        for (const Operand& r : bytes) p.check(Inst::kIdMov, m, r);
        for (const Operand& r : words) p.check(Inst::kIdMov, m, r);
      });
  });
  count("mov m8/m16, imm", [&] {
    for (const auto* ms : {&mem1, &mem2})
      each_mem(*ms, [&](const Operand& m) {
        for (const Operand& i : imm) p.check(Inst::kIdMov, m, i);
      });
  });
  for (uint32_t cc = 0; cc < 16; ++cc) {
    count("setcc", [&] {
      for (const Operand& r : bytes) p.check(Inst::setccFromCond(static_cast<CondCode>(cc)), r);
    });
    count("cmovcc", [&] {
      InstId id = Inst::cmovccFromCond(static_cast<CondCode>(cc));
      for (const Operand& a : regs) {
        for (const Operand& b : regs) p.check(id, a, b);
        each_mem(a.size() == 4 ? mem4 : mem0, [&](const Operand& m) { p.check(id, a, m); });
      }
    });
  }
  for (InstId id : {Inst::kIdMovzx, Inst::kIdMovsx}) {
    count("movzx/movsx", [&] {
      for (const Operand& a : regs) {
        for (const Operand& b : bytes) p.check(id, a, b);
        for (const Operand& b : words) p.check(id, a, b);
        for (const auto* ms : {&mem1, &mem2}) each_mem(*ms, [&](const Operand& m) { p.check(id, a, m); });
      }
    });
  }
  count("movsxd", [&] {
    for (const Operand& a : regs) {
      for (const Operand& b : regs) p.check(Inst::kIdMovsxd, a, b);
      each_mem(mem4, [&](const Operand& m) { p.check(Inst::kIdMovsxd, a, m); });
    }
  });
  count("call/jmp r", [&] {
    for (const Operand& a : regs) {
      p.check(Inst::kIdCall, a);
      p.check(Inst::kIdJmp, a);
    }
  });
  for (InstId id : {Inst::kIdShl, Inst::kIdShr, Inst::kIdSar, Inst::kIdRol, Inst::kIdRor}) {
    count("shift", [&] {
      for (const Operand& a : regs) {
        p.check(id, a, cl);
        for (const Operand& i : imm) p.check(id, a, i);
      }
    });
  }
  count("div/idiv", [&] {
    for (const Operand& a : regs) {
      p.check(Inst::kIdDiv, a);
      p.check(Inst::kIdIdiv, a);
    }
  });
  count("cdq/cqo", [&] {
    p.check(Inst::kIdCdq, Operand());
    p.check(Inst::kIdCqo, Operand());
  });
}

TEST_CASE("fast assembler: its typed mov, push and pop write asmjit's bytes") {
  Pair p;
  std::vector<Operand> regs = gp_regs(), mem = mems(0), mem8 = mems(8);
  mem.insert(mem.end(), mem8.begin(), mem8.end());
  for (const Operand& a : regs) {
    for (const Operand& b : regs) {
      if (a.size() != b.size()) continue;
      p.ref->mov(a.as<Gp>(), b.as<Gp>());
      p.fast->mov(a.as<Gp>(), b.as<Gp>());
      p.compare("mov r, r");
    }
    for (const Operand& m : mem) {
      p.ref->mov(a.as<Gp>(), m.as<Mem>());
      p.fast->mov(a.as<Gp>(), m.as<Mem>());
      p.compare("mov r, m");
      p.ref->mov(m.as<Mem>(), a.as<Gp>());
      p.fast->mov(m.as<Mem>(), a.as<Gp>());
      p.compare("mov m, r");
    }
    if (a.size() == 8) {
      p.ref->push(a.as<Gp>());
      p.fast->push(a.as<Gp>());
      p.ref->pop(a.as<Gp>());
      p.fast->pop(a.as<Gp>());
      p.compare("push/pop");
    }
  }
}

bool enc_alu(InstId id) { return wpvm::jit::enc::alu_digit(id) >= 0; }

// The typed forms FastAssembler encodes inline: each against asmjit's own
// (both run through the same typed calls; a form outside the fast ones goes
// to asmjit in both, so every operand combination is compared).
TEST_CASE("fast assembler: its typed mov imm, ALU (with registers, memory and immediates), test, lea, imul, shift, SSE, conversion and ret forms write asmjit's bytes") {
  Pair p;
  std::vector<Operand> regs = gp_regs(), imm = imms(), mem = mems(0);
  std::vector<Xmm> xmms;
  for (uint32_t i = 0; i < 16; ++i) xmms.push_back(xmm(i));
#define BOTH(call) \
  do {             \
    p.ref->call;   \
    p.fast->call;  \
    p.compare(#call); \
  } while (0)
  for (const Operand& ao : regs) {
    const Gp& a = ao.as<Gp>();
    for (const Operand& bo : regs) {
      if (ao.size() != bo.size()) continue;
      const Gp& b = bo.as<Gp>();
      BOTH(add(a, b));
      BOTH(or_(a, b));
      BOTH(and_(a, b));
      BOTH(sub(a, b));
      BOTH(xor_(a, b));
      BOTH(cmp(a, b));
      BOTH(test(a, b));
      BOTH(imul(a, b));
      for (const Operand& io : imm) BOTH(imul(a, b, io.as<Imm>()));
    }
    for (const Operand& io : imm) {
      const Imm& i = io.as<Imm>();
      BOTH(mov(a, i));
      BOTH(add(a, i));
      BOTH(or_(a, i));
      BOTH(and_(a, i));
      BOTH(sub(a, i));
      BOTH(xor_(a, i));
      BOTH(cmp(a, i));
      if (i.value() >= 0 && i.value() < (ao.size() == 8 ? 64 : 32)) {
        BOTH(shl(a, i));
        BOTH(shr(a, i));
        BOTH(sar(a, i));
      }
    }
    for (const Operand& m : mem) {
      const Mem& mm = m.as<Mem>();
      BOTH(lea(a, mm));
      BOTH(add(a, mm));
      BOTH(or_(a, mm));
      BOTH(and_(a, mm));
      BOTH(sub(a, mm));
      BOTH(xor_(a, mm));
      BOTH(cmp(a, mm));
      BOTH(imul(a, mm));
    }
    for (const Xmm& x : xmms) {
      BOTH(cvtsi2sd(x, a));
      BOTH(cvtsi2ss(x, a));
      BOTH(cvttsd2si(a, x));
      BOTH(cvttss2si(a, x));
      if (ao.size() == 4) {
        BOTH(movmskpd(a, x));
        BOTH(movmskps(a, x));
      }
    }
  }
  for (const Xmm& a : xmms)
    for (const Xmm& b : xmms) {
      BOTH(movsd(a, b));
      BOTH(movss(a, b));
      BOTH(movaps(a, b));
      BOTH(xorps(a, b));
      BOTH(addsd(a, b));
      BOTH(addss(a, b));
      BOTH(subsd(a, b));
      BOTH(subss(a, b));
      BOTH(mulsd(a, b));
      BOTH(mulss(a, b));
      BOTH(divsd(a, b));
      BOTH(divss(a, b));
      BOTH(ucomisd(a, b));
      BOTH(ucomiss(a, b));
    }
  BOTH(ret());
  // The forms chosen at run time: int_op and sse_op against asmjit's emit.
  namespace I = asmjit::x86::Inst;
  for (InstId id : {I::kIdAdd, I::kIdOr, I::kIdAnd, I::kIdSub, I::kIdXor, I::kIdCmp, I::kIdShl, I::kIdShr, I::kIdSar})
    for (const Operand& ao : regs) {
      const Gp& a = ao.as<Gp>();
      for (const Operand& b : regs)
        if (b.size() == ao.size() && (enc_alu(id))) {
          p.ref->emit(id, a, b);
          p.fast->int_op(id, a, b);
          p.compare("int_op r, r");
        }
      for (const Operand& b : imm) {
        if (!enc_alu(id) && !(b.as<Imm>().value() >= 0 && b.as<Imm>().value() < (ao.size() == 8 ? 64 : 32))) continue;
        p.ref->emit(id, a, b);
        p.fast->int_op(id, a, b);
        p.compare("int_op r, imm");
      }
    }
  for (InstId id : {I::kIdAddsd, I::kIdSubss, I::kIdMulsd, I::kIdDivss, I::kIdUcomisd, I::kIdMovss})
    for (const Xmm& a : xmms) {
      for (const Xmm& b : xmms) {
        p.ref->emit(id, a, b);
        p.fast->sse_op(id, a, b);
        p.compare("sse_op x, x");
      }
      for (const Operand& m : mem) {
        p.ref->emit(id, a, m);
        p.fast->sse_op(id, a, m);
        p.compare("sse_op x, m");
      }
    }
#undef BOTH
}

}  // namespace

TEST_CASE("fast assembler: forward jumps land where bound, as asmjit's short jumps do") {
  Pair p;
  for (CondCode cc : {CondCode::kO, CondCode::kNO, CondCode::kB, CondCode::kAE, CondCode::kE, CondCode::kNE,
                      CondCode::kP, CondCode::kNP, CondCode::kL, CondCode::kG}) {
    Label l = p.ref->newLabel();
    p.ref->short_().j(cc, l);
    p.ref->add(eax, ecx);
    p.ref->bind(l);
    wpvm::jit::FastAssembler::Forward f = p.fast->jump_forward(cc);
    p.fast->add(eax, ecx);
    CHECK(p.fast->bind_forward(f));
    p.compare("jcc forward");
  }
  Label l = p.ref->newLabel();
  p.ref->short_().jmp(l);
  p.ref->mov(rax, INT64_MAX);
  p.ref->bind(l);
  wpvm::jit::FastAssembler::Forward f = p.fast->jmp_forward();
  p.fast->mov(rax, INT64_MAX);
  CHECK(p.fast->bind_forward(f));
  p.compare("jmp forward");
  // Too far for a rel8: refused.
  f = p.fast->jump_forward(CondCode::kE);
  for (int i = 0; i < 50; ++i) p.fast->add(rax, rcx);
  CHECK_FALSE(p.fast->bind_forward(f));
}

TEST_CASE("fast assembler: jump labels give asmjit's bytes for jumps, calls and jump-table entries") {
  Pair p;
  // Through asmjit's front end (to FastAssembler::_emit), then through
  // FastAssembler's typed jumps and calls.
  auto both = [&](auto&& emit) {
    emit(*p.ref, [&] { return p.ref->newLabel(); });
    emit(*static_cast<Assembler*>(p.fast), [&] { return p.fast->new_jump_label(); });
    CHECK(p.fast->jump_labels_bound());
    p.compare("jumps");
    emit(*p.ref, [&] { return p.ref->newLabel(); });
    emit(*p.fast, [&] { return p.fast->new_jump_label(); });
    CHECK(p.fast->jump_labels_bound());
    p.compare("typed jumps");
  };
  both([](auto& a, auto new_label) {
    Label back = new_label(), ahead = new_label(), far = new_label();
    a.bind(back);
    a.add(eax, ecx);
    a.jmp(back);
    a.jz(back);
    a.j(CondCode::kP, back);
    a.call(back);
    a.jnz(ahead);
    a.jmp(ahead);
    a.call(ahead);
    a.bind(ahead);
    a.jb(far);
    for (int i = 0; i < 40; ++i) a.add(rax, rcx);
    a.bind(far);
    for (int i = 0; i < 40; ++i) a.add(rax, rcx);
    a.jmp(back);
    a.jae(back);
  });
  // Every condition by name and by code, near and far, back and ahead.
  both([](auto& a, auto new_label) {
    Label back = new_label(), ahead = new_label();
    a.bind(back);
    for (int far = 0; far < 2; ++far) {
      for (uint32_t cc = 0; cc < 16; ++cc) {
        a.j(static_cast<CondCode>(cc), back);
        a.j(static_cast<CondCode>(cc), ahead);
      }
      for (const Label& l : {back, ahead}) {
        a.jo(l), a.jno(l), a.jb(l), a.jae(l), a.je(l), a.jne(l), a.jbe(l), a.ja(l);
        a.js(l), a.jns(l), a.jp(l), a.jnp(l), a.jl(l), a.jge(l), a.jle(l), a.jg(l), a.jz(l), a.jnz(l);
      }
      if (!far)
        for (int i = 0; i < 40; ++i) a.add(rax, rcx);
    }
    a.bind(ahead);
  });
  both([](auto& a, auto new_label) {
    Label table = a.newLabel(), one = new_label(), two = new_label();
    a.bind(one);
    a.nop();
    a.bind(two);
    a.nop();
    a.bind(table);
    a.embedLabelDelta(one, table, 4);
    a.embedLabelDelta(two, table, 4);
  });
  // An entry whose label is bound later gets its delta then (asmjit would
  // leave a relocation).
  Label table = p.fast->newLabel(), later = p.fast->new_jump_label();
  p.fast->bind(table);
  p.fast->embedLabelDelta(later, table, 4);
  p.fast->nop();
  p.fast->bind(later);
  int32_t delta = 0;
  std::memcpy(&delta, p.fast->bufferData(), 4);
  CHECK(delta == 5);
  CHECK(p.fast->jump_labels_bound());
  // A jump to a label never bound leaves it unresolved.
  p.fast->jmp(p.fast->new_jump_label());
  CHECK_FALSE(p.fast->jump_labels_bound());
  // Where labels of both kinds lie.
  Label jump = p.fast->new_jump_label(), plain = p.fast->newLabel();
  size_t at = p.fast->offset();
  p.fast->bind(jump);
  p.fast->nop();
  p.fast->bind(plain);
  CHECK(p.fast->label_offset(jump) == at);
  CHECK(p.fast->label_offset(plain) == at + 1);
}

TEST_CASE("fast assembler: [rip + jump label] operands of the scalar SSE forms give asmjit's bytes") {
  Pair p;
  namespace I = asmjit::x86::Inst;
  const InstId ids[] = {I::kIdMovsd, I::kIdMovss, I::kIdMovaps, I::kIdXorps, I::kIdAndps, I::kIdAddsd,
                        I::kIdAddss, I::kIdMulsd, I::kIdMulss, I::kIdSubsd, I::kIdSubss, I::kIdDivsd,
                        I::kIdDivss, I::kIdSqrtsd, I::kIdSqrtss, I::kIdUcomisd, I::kIdUcomiss, I::kIdComisd,
                        I::kIdComiss, I::kIdCvtss2sd, I::kIdCvtsd2ss};
  const uint64_t constant = 0x400921fb54442d18;
  // Through sse_op, then through asmjit's front end (to FastAssembler::_emit):
  // a constant placed before the code (bound) and one after it.
  for (int via = 0; via < 2; ++via) {
    Label ref_before = p.ref->newLabel(), ref_after = p.ref->newLabel();
    Label fast_before = p.fast->new_jump_label(), fast_after = p.fast->new_jump_label();
    p.ref->bind(ref_before);
    p.ref->embed(&constant, 8);
    p.fast->bind(fast_before);
    p.fast->embed(&constant, 8);
    for (InstId id : ids)
      for (uint32_t r = 0; r < 16; ++r)
        for (int k = 0; k < 2; ++k) {
          p.ref->emit(id, xmm(r), ptr(k ? ref_after : ref_before, 0, 8));
          const Mem m = ptr(k ? fast_after : fast_before, 0, 8);
          if (via == 0) CHECK(p.fast->sse_op(id, xmm(r), m) == kErrorOk);
          else CHECK(p.fast->emit(id, xmm(r), m) == kErrorOk);
        }
    p.ref->bind(ref_after);
    p.ref->embed(&constant, 8);
    p.fast->bind(fast_after);
    p.fast->embed(&constant, 8);
    CHECK(p.fast->jump_labels_bound());
    p.compare(via == 0 ? "sse_op x, [rip + label]" : "emit x, [rip + label]");
  }
  // Anything else with such an operand is an error, and writes nothing.
  Label l = p.fast->new_jump_label();
  CHECK(p.fast->mov(rax, ptr(l)) != kErrorOk);
  CHECK(p.fast->movsd(ptr(l), xmm0) != kErrorOk);
  CHECK(p.fast->addsd(xmm0, ptr(l, 8)) != kErrorOk);
  CHECK(p.fast->offset() == 0);
}

TEST_CASE("fast assembler: its data and data alignment are asmjit's bytes") {
  Pair p;
  const uint8_t data[24] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24};
  for (size_t at = 0; at < 24; ++at)
    for (uint32_t alignment : {0u, 1u, 2u, 4u, 8u, 16u, 32u}) {
      for (Assembler* a : {p.ref, static_cast<Assembler*>(p.fast)}) {
        a->embed(data, at);
        a->align(AlignMode::kData, alignment);
        a->embed(data, 8);
      }
      p.compare("embed, align");
    }
}

// Listings: with a logger every instruction goes through asmjit, which logs
// it (asmjit forces an option while a logger is on, which turns the fast
// forms off).
TEST_CASE("fast assembler: with a logger its instructions are asmjit's, listed") {
  CodeHolder code;
  code.init(Environment::host());
  StringLogger logger;
  code.setLogger(&logger);
  wpvm::jit::FastAssembler a(&code);
  a.mov(eax, ecx);
  a.add(rax, 1);
  a.imul(eax, ecx, 3);
  a.sse_op(Inst::kIdAddsd, xmm0, xmm1);
  a.ret();
  Label l = a.new_jump_label();
  a.jz(l);
  a.bind(l);
  std::string text = logger.data();
  for (const char* want : {"mov eax, ecx", "add rax, 1", "imul eax, ecx, 3", "addsd xmm0, xmm1", "ret", "jz L0"})
    CHECK_MESSAGE(text.find(want) != std::string::npos, want, " not in ", text);
}

// The code holder outlives the assembler (a chunk's code is laid out after
// its compile): what the fast forms wrote counts in the section's size.
TEST_CASE("fast assembler: the section's size counts its bytes once it is done") {
  CodeHolder code;
  code.init(Environment::host());
  {
    wpvm::jit::FastAssembler a(&code);
    a.mov(eax, ecx);
    a.add(rax, rcx);
  }
  CHECK(code.textSection()->buffer().size() == 5);
}

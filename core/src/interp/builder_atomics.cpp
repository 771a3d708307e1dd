// The code builder's atomic instructions (threads proposal): maps each atomic
// opcode to its row in exec/atomic_ops.def and lays out its operands as
// exec_atomics.inc reads them. Atomic results are never folded into a
// following local.set or branch: they are rare enough not to matter.
#include "interp/builder.h"

namespace wpvm::interp {

namespace {

enum class AKind : uint8_t { kNone, kLoad, kStore, kRmw, kCmpxchg, kOp };
struct ARow {
  IOp iop;
  AKind kind;
};

ARow atomic_row(Opcode op) {
  switch (op) {
#define WPVM_ALOAD(name, mem_t, out) case Opcode::name: return {IOp::name, AKind::kLoad};
#define WPVM_ASTORE(name, in, mem_t) case Opcode::name: return {IOp::name, AKind::kStore};
#define WPVM_ARMW(name, in, mem_t, op) case Opcode::name: return {IOp::name, AKind::kRmw};
#define WPVM_ACMPXCHG(name, in, mem_t) case Opcode::name: return {IOp::name, AKind::kCmpxchg};
#define WPVM_AOP(name) case Opcode::name: return {IOp::name, AKind::kOp};
#include "exec/atomic_ops.def"
    default: return {IOp::kCount, AKind::kNone};
  }
}

}  // namespace

bool Builder::atomic(Opcode op, const Imm& imm) {
  ARow row = atomic_row(op);
  if (row.kind == AKind::kNone) return false;
  uint32_t offset = static_cast<uint32_t>(imm.mem.offset);
  switch (row.kind) {
    case AKind::kLoad: {
      Entry a = pop();
      emit_op(row.iop);
      emit_pair(S(kStackTag | a.pos), S(enc(a)));
      emit_pair(N(offset), N(0));
      break;
    }
    case AKind::kStore: {
      Entry v = pop(), a = pop();
      emit_op(row.iop);
      emit_pair(S(enc(a)), S(enc(v)));
      emit_pair(N(offset), N(0));
      break;
    }
    case AKind::kRmw: {
      Entry v = pop(), a = pop();
      emit_op(row.iop);
      emit_pair(S(kStackTag | a.pos), S(enc(a)));
      emit_pair(S(enc(v)), N(offset));
      break;
    }
    case AKind::kCmpxchg: {
      Entry r = pop(), e = pop(), a = pop();
      emit_op(row.iop);
      emit_pair(S(kStackTag | a.pos), S(enc(a)));
      emit_pair(S(enc(e)), S(enc(r)));
      emit_pair(N(offset), N(0));
      break;
    }
    case AKind::kOp:
      if (op == Opcode::AtomicFence) {
        emit_op(row.iop);
      } else if (op == Opcode::MemoryAtomicNotify) {
        Entry n = pop(), a = pop();
        emit_op(row.iop);
        emit_pair(S(kStackTag | a.pos), S(enc(a)));
        emit_pair(S(enc(n)), N(offset));
      } else {  // wait32 / wait64
        Entry t = pop(), e = pop(), a = pop();
        emit_op(row.iop);
        emit_pair(S(kStackTag | a.pos), S(enc(a)));
        emit_pair(S(enc(e)), S(enc(t)));
        emit_pair(N(offset), N(0));
      }
      break;
    case AKind::kNone: break;
  }
  last_.word_end = SIZE_MAX;
  return true;
}

}  // namespace wpvm::interp

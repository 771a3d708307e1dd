// The threads proposal's atomics inline: loads are plain moves (x86 is TSO,
// so a sequentially consistent load needs no fence), stores are xchg,
// add/sub are lock xadd, xchg is xchg, and/or/xor are lock cmpxchg loops
// (a single lock and/or/xor when the result is dropped), cmpxchg is lock
// cmpxchg. The opcode list is the row table both tiers share
// (exec/atomic_ops.def), so they cover the same instructions. Wait and
// notify block or wake threads: they stay calls into the runtime.
#include "compiler.h"
#include "helpers.h"

namespace wpvm::jit {

using namespace asmjit;
using namespace asmjit::x86;

namespace {

enum class Kind : uint8_t { kLoad, kStore, kRmw, kCmpxchg };
enum class Rmw : uint8_t { kNone, kAdd, kSub, kAnd, kOr, kXor, kXchg };

struct AtomicRow {
  uint8_t size;  // bytes accessed
  Kind kind;
  Rmw rmw;
};

std::optional<AtomicRow> row_of(Opcode op) {
  switch (op) {
#define WPVM_ALOAD(name, mem_t, out) \
  case Opcode::name: return AtomicRow{sizeof(mem_t), Kind::kLoad, Rmw::kNone};
#define WPVM_ASTORE(name, in, mem_t) \
  case Opcode::name: return AtomicRow{sizeof(mem_t), Kind::kStore, Rmw::kNone};
#define WPVM_ARMW(name, in, mem_t, op) \
  case Opcode::name: return AtomicRow{sizeof(mem_t), Kind::kRmw, Rmw::k##op};
#define WPVM_ACMPXCHG(name, in, mem_t) \
  case Opcode::name: return AtomicRow{sizeof(mem_t), Kind::kCmpxchg, Rmw::kNone};
#include "exec/atomic_ops.def"
    default: return std::nullopt;
  }
}

// r resized to an access of `size` bytes.
Gp sized(Gp r, uint32_t size) {
  switch (size) {
    case 1: return r.r8();
    case 2: return r.r16();
    case 4: return r.r32();
    default: return r.r64();
  }
}

}  // namespace

bool FuncCompiler::atomic_op(Opcode op, const Imm& imm, std::span<const ValType> pushes) {
  std::optional<AtomicRow> row = row_of(op);
  if (!row) {
    AtomicHelper h = atomic_helper(op);  // wait / notify
    if (!h.fn) return false;
    if (m_.memories.empty() || imm.mem.memory != 0) return fail(), true;
    HelperArg before[] = {HelperArg::vm(kVmMem0)}, after[] = {HelperArg::imm(imm.mem.offset)};
    call_helper(h.fn, before, h.pops, after, true, pushes[0]);
    return true;
  }
  if (m_.memories.empty() || imm.mem.memory != 0) return fail(), true;
  const uint32_t size = row->size, mask = size - 1;
  const uint64_t offset = imm.mem.offset;

  // Operands in registers first: the address computation uses rax and rcx.
  uint32_t nvals = row->kind == Kind::kLoad ? 0 : row->kind == Kind::kCmpxchg ? 2 : 1;
  Val vals[2];
  for (uint32_t k = nvals; k-- > 0;) vals[k] = pop();
  Val addr = pop();
  for (uint32_t k = 0; k < nvals; ++k) gp_of(vals[k]);

  // Bounds exactly as plain accesses (guard pages, or the explicit check
  // against the size another thread may be growing), then natural alignment.
  // The spec and the interpreter check bounds first, so a misaligned access
  // that is also out of bounds traps out of bounds.
  Gp ar;
  Mem m = address(addr, offset, size, ar);
  if (mc_.options.guarded_memory) {
    // m = [r14 + ar + offset], or [r14 + rax] with rax = ar + offset.
    bool via_rax = offset > 0x7fffffffu;
    if (mask) {
      if (via_rax) {
        a_.test(al, mask);
      } else if ((offset & mask) == 0) {
        a_.test(ar.r8(), mask);
      } else {
        a_.lea(eax, ptr(ar, static_cast<int32_t>(offset & mask)));
        a_.test(al, mask);
      }
      // Misaligned (rare): no access will fault, so check the bounds here.
      Label aligned = a_.new_jump_label();
      a_.jz(aligned);
      check_bounds(ar, offset, size);
      a_.jmp(trap_label(TrapKind::kUnalignedAtomic));
      a_.bind(aligned);
    }
    if (via_rax) {
      a_.lea(ar, m);
      m = ptr(ar);
    }
  } else {
    // m = [r14 + rax - size], rax = ea + size (a multiple of size iff ea is).
    if (mask) {
      a_.test(al, mask);
      a_.jnz(trap_label(TrapKind::kUnalignedAtomic));
    }
    a_.lea(ar, m);
    m = ptr(ar);
  }
  m.setSize(size);
  // From here on m uses neither rax nor rcx.

  switch (row->kind) {
    case Kind::kLoad: {
      Gp d = ar;  // the result reuses the address register
      fault_site(at_);
      if (size >= 4) a_.mov(sized(d, size), m); else a_.movzx(d.r32(), m);
      push_reg(pushes[0], addr.reg);
      return true;
    }
    case Kind::kStore: {
      fault_site(at_);
      a_.xchg(m, sized(gpq(vals[0].reg), size));  // xchg with memory is locked
      free_reg(vals[0]);
      free_reg(addr);
      return true;
    }
    case Kind::kRmw: {
      Gp v = gpq(vals[0].reg);
      switch (row->rmw) {
        case Rmw::kSub:
          a_.neg(v);
          [[fallthrough]];
        case Rmw::kAdd:
          fault_site(at_);
          a_.lock().xadd(m, sized(v, size));
          break;
        case Rmw::kXchg:
          fault_site(at_);
          a_.xchg(m, sized(v, size));
          break;
        default:  // and/or/xor: the next instruction decides (settle_rmw)
          pending_rmw_ = PendingRmw{true, op, m, addr, vals[0].reg, at_};
          push_reg(pushes[0], vals[0].reg);
          return true;
      }
      // The old value, zero-extended (32-bit writes clear the upper half).
      if (size == 1) a_.movzx(v.r32(), v.r8());
      else if (size == 2) a_.movzx(v.r32(), v.r16());
      free_reg(addr);
      push_reg(pushes[0], vals[0].reg);
      return true;
    }
    case Kind::kCmpxchg: {
      // Only the low `size` bytes of expected take part (wasm wraps it to the width).
      Gp e = gpq(vals[0].reg);
      a_.mov(rax, e);
      fault_site(at_);
      a_.lock().cmpxchg(m, sized(gpq(vals[1].reg), size), sized(rax, size));
      // The loaded value, zero-extended: on success rax still holds all of expected.
      if (size == 1) a_.movzx(e.r32(), al);
      else if (size == 2) a_.movzx(e.r32(), ax);
      else if (size == 4) a_.mov(e.r32(), eax);
      else a_.mov(e, rax);
      free_reg(vals[1]);
      free_reg(addr);
      push_reg(pushes[0], vals[0].reg);
      return true;
    }
  }
  return true;
}

void FuncCompiler::settle_rmw(bool dropped) {
  if (!pending_rmw_.active) return;
  PendingRmw p = pending_rmw_;
  pending_rmw_.active = false;
  const AtomicRow row = *row_of(p.op);
  const uint32_t size = row.size;
  Gp v = gpq(p.value_reg);
  fault_site(p.at);  // the first access to p.m comes next
  if (dropped) {
    if (row.rmw == Rmw::kAnd) a_.lock().and_(p.m, sized(v, size));
    else if (row.rmw == Rmw::kOr) a_.lock().or_(p.m, sized(v, size));
    else a_.lock().xor_(p.m, sized(v, size));
  } else {
    // old in rax; new = old op v in rcx; retry until no other write came between.
    if (size >= 4) a_.mov(sized(rax, size), p.m); else a_.movzx(eax, p.m);
    Label retry = a_.new_jump_label();
    a_.bind(retry);
    a_.mov(rcx, rax);
    if (row.rmw == Rmw::kAnd) a_.and_(rcx, v);
    else if (row.rmw == Rmw::kOr) a_.or_(rcx, v);
    else a_.xor_(rcx, v);
    a_.lock().cmpxchg(p.m, sized(rcx, size), sized(rax, size));
    a_.jnz(retry);
    // The old value, zero-extended: rax was, and cmpxchg writes only its low bytes.
    a_.mov(v, rax);
  }
  free_reg(p.addr);
}

}  // namespace wpvm::jit

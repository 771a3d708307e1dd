// Linear-memory loads and stores (guard pages, or explicit bounds checks when
// the memory has no guard region), bulk memory and table operations.
#include "compiler.h"
#include "helpers.h"

namespace wpvm::jit {

using namespace asmjit;
using namespace asmjit::x86;

namespace {

struct Access {
  uint8_t size;
  bool store;
  ValType type;  // value type loaded / stored
};

bool fits_i32(uint64_t v) { return static_cast<int64_t>(v) == static_cast<int64_t>(static_cast<int32_t>(v)); }

std::optional<Access> access_of(Opcode op) {
  switch (op) {
    case Opcode::I32Load: return Access{4, false, ValType::kI32};
    case Opcode::I64Load: return Access{8, false, ValType::kI64};
    case Opcode::F32Load: return Access{4, false, ValType::kF32};
    case Opcode::F64Load: return Access{8, false, ValType::kF64};
    case Opcode::I32Load8S: case Opcode::I32Load8U: return Access{1, false, ValType::kI32};
    case Opcode::I32Load16S: case Opcode::I32Load16U: return Access{2, false, ValType::kI32};
    case Opcode::I64Load8S: case Opcode::I64Load8U: return Access{1, false, ValType::kI64};
    case Opcode::I64Load16S: case Opcode::I64Load16U: return Access{2, false, ValType::kI64};
    case Opcode::I64Load32S: case Opcode::I64Load32U: return Access{4, false, ValType::kI64};
    case Opcode::I32Store: return Access{4, true, ValType::kI32};
    case Opcode::I64Store: return Access{8, true, ValType::kI64};
    case Opcode::F32Store: return Access{4, true, ValType::kF32};
    case Opcode::F64Store: return Access{8, true, ValType::kF64};
    case Opcode::I32Store8: return Access{1, true, ValType::kI32};
    case Opcode::I32Store16: return Access{2, true, ValType::kI32};
    case Opcode::I64Store8: return Access{1, true, ValType::kI64};
    case Opcode::I64Store16: return Access{2, true, ValType::kI64};
    case Opcode::I64Store32: return Access{4, true, ValType::kI64};
    default: return std::nullopt;
  }
}

}  // namespace

// The operand for [memory0 + addr + offset]. With guard pages the access may
// fault (the signal handler turns that into the trap); otherwise it is checked.
// addr_reg is a register the caller owns, or with `in_place` a pinned local's
// register, read only (i32 values in registers are zero-extended).
Mem FuncCompiler::address(Val& addr, uint64_t offset, uint32_t size, Gp& addr_reg, bool in_place) {
  addr_reg = in_place ? gp_read(addr) : gp_of(addr);
  if (mc_.options.guarded_memory) {
    if (offset <= 0x7fffffffu) return ptr(r14, addr_reg, 0, static_cast<int32_t>(offset));
    a_.mov(rax, offset);
    a_.add(rax, addr_reg);
    return ptr(r14, rax);
  }
  check_bounds(addr_reg, offset, size);
  return ptr(r14, rax, 0, -static_cast<int32_t>(size));
}

// rax = addr + offset + size, which must not exceed the current size (read
// live: another thread may grow a shared memory); traps out of bounds.
void FuncCompiler::check_bounds(Gp addr_reg, uint64_t offset, uint32_t size) {
  a_.mov(rax, offset + size);
  a_.add(rax, addr_reg);
  load_vm_word(rcx, kVmMem0Size);
  a_.cmp(rax, qword_ptr(rcx));
  a_.ja(trap_label(TrapKind::kMemoryOutOfBounds));
}

bool FuncCompiler::memory_access(Opcode op, const Imm& imm) {
  std::optional<Access> acc = access_of(op);
  if (!acc) return false;
  if (imm.mem.memory != 0 || m_.memories.empty()) {
    fail();
    return true;
  }
  if (acc->store) {
    Val v = pop();
    Val addr = pop();
    // The value in a register first (the address computation may use rax/rcx).
    if (acc->type == ValType::kF32 || acc->type == ValType::kF64) {
      xmm_read(v);
    } else if (v.loc != Loc::kConst || (acc->size == 8 && !fits_i32(v.bits))) {
      gp_read(v);
    }
    Gp ar;
    Mem m = address(addr, imm.mem.offset, acc->size, ar, true);
    m.setSize(acc->size);
    fault_site(at_);
    if (acc->type == ValType::kF32) a_.movss(m, xmm(v.reg));
    else if (acc->type == ValType::kF64) a_.movsd(m, xmm(v.reg));
    else if (v.loc == Loc::kConst) {
      uint64_t b = v.bits;
      if (acc->size == 1) a_.mov(m, static_cast<uint8_t>(b));
      else if (acc->size == 2) a_.mov(m, static_cast<uint16_t>(b));
      else if (acc->size == 4) a_.mov(m, static_cast<uint32_t>(b));
      else a_.mov(m, static_cast<int32_t>(b));  // sign-extended to 64 bits
    } else {
      Gp r = gpq(v.reg);
      if (acc->size == 1) a_.mov(m, r.r8());
      else if (acc->size == 2) a_.mov(m, r.r16());
      else if (acc->size == 4) a_.mov(m, r.r32());
      else a_.mov(m, r);
    }
    free_reg(v);
    free_reg(addr);
    return true;
  }
  Val addr = pop();
  bool is_float = acc->type == ValType::kF32 || acc->type == ValType::kF64;
  // A plain load stays pending for the next instruction to fold (kMem).
  bool plain = op == Opcode::I32Load || op == Opcode::I64Load || op == Opcode::F32Load || op == Opcode::F64Load;
  if (plain && mc_.options.guarded_memory && imm.mem.offset <= 0x7fffffffu) {
    Gp ar = gp_read(addr);
    uint8_t owner = addr.loc == Loc::kReg ? ar.id() : kNoReg;
    uint32_t pos = static_cast<uint32_t>(stack_.size());
    stack_.push_back(Val{acc->type, Loc::kMem, static_cast<uint8_t>(ar.id()), pos, imm.mem.offset, Opcode::Nop, owner, 0, at_});
    max_stack_ = std::max(max_stack_, pos + 1);
    return true;
  }
  // The result goes to a fresh register if the address stays in its pinned
  // one, else it reuses the address register.
  int dest = is_float ? alloc_xmm() : addr.loc == Loc::kPinned ? alloc_gp() : -1;
  Gp ar;
  Mem m = address(addr, imm.mem.offset, acc->size, ar, true);
  m.setSize(acc->size);
  fault_site(at_);
  if (is_float) {
    if (acc->type == ValType::kF32) a_.movss(xmm(dest), m); else a_.movsd(xmm(dest), m);
    free_reg(addr);
    push_reg(acc->type, static_cast<uint8_t>(dest));
    return true;
  }
  Gp d = dest >= 0 ? gpq(dest) : ar;
  switch (op) {
    case Opcode::I32Load: case Opcode::I64Load32U: a_.mov(d.r32(), m); break;
    case Opcode::I64Load: a_.mov(d, m); break;
    case Opcode::I32Load8S: a_.movsx(d.r32(), m); break;
    case Opcode::I32Load8U: case Opcode::I64Load8U: a_.movzx(d.r32(), m); break;
    case Opcode::I32Load16S: a_.movsx(d.r32(), m); break;
    case Opcode::I32Load16U: case Opcode::I64Load16U: a_.movzx(d.r32(), m); break;
    case Opcode::I64Load8S: case Opcode::I64Load16S: a_.movsx(d, m); break;
    case Opcode::I64Load32S: a_.movsxd(d, m); break;
    default: break;
  }
  push_reg(acc->type, d.id());
  return true;
}

bool FuncCompiler::memory_or_table_op(Opcode op, const Imm& imm) {
  auto fn = [](auto f) { return reinterpret_cast<const void*>(f); };
  bool mem0 = !m_.memories.empty();
  const HelperArg mem0_arg = HelperArg::vm(kVmMem0), inst_arg = HelperArg::vm(kVmInstance);
  auto table = [this](uint32_t i) { return HelperArg::vm(mc_.layout.table(i)); };
  switch (op) {
    case Opcode::MemorySize: {
      if (!mem0) return fail(), true;
      uint8_t r = alloc_gp();
      load_vm_word(rax, kVmMem0Size);
      a_.mov(gpq(r), qword_ptr(rax));
      a_.shr(gpq(r), 16);
      push_reg(ValType::kI32, r);
      return true;
    }
    case Opcode::MemoryGrow: {
      if (!mem0) return fail(), true;
      HelperArg a[] = {mem0_arg};
      call_helper(fn(&helper::memory_grow), a, 1, {}, false, ValType::kI32);
      return true;
    }
    case Opcode::MemoryFill: {
      if (!mem0) return fail(), true;
      HelperArg a[] = {mem0_arg};
      call_helper(fn(&helper::memory_fill), a, 3, {}, true, std::nullopt);
      return true;
    }
    case Opcode::MemoryCopy: {
      if (!mem0 || imm.index != 0 || imm.index2 != 0) return fail(), true;
      HelperArg a[] = {mem0_arg};
      call_helper(fn(&helper::memory_copy), a, 3, {}, true, std::nullopt);
      return true;
    }
    case Opcode::MemoryInit: {
      if (!mem0) return fail(), true;
      HelperArg a[] = {inst_arg}, b[] = {HelperArg::imm(imm.index)};
      call_helper(fn(&helper::memory_init), a, 3, b, true, std::nullopt);
      return true;
    }
    case Opcode::DataDrop: {
      HelperArg a[] = {inst_arg, HelperArg::imm(imm.index)};
      call_helper(fn(&exec::data_drop), a, 0, {}, false, std::nullopt);
      return true;
    }
    case Opcode::TableGet: {
      HelperArg a[] = {table(imm.index)};
      call_helper(fn(&helper::table_get), a, 1, {}, true, m_.tables[imm.index].elem);
      return true;
    }
    case Opcode::TableSet: {
      HelperArg a[] = {table(imm.index)};
      call_helper(fn(&exec::table_set), a, 2, {}, true, std::nullopt);
      return true;
    }
    case Opcode::TableSize: {
      HelperArg a[] = {table(imm.index)};
      call_helper(fn(&helper::table_size), a, 0, {}, false, ValType::kI32);
      return true;
    }
    case Opcode::TableGrow: {
      HelperArg a[] = {table(imm.index)};
      call_helper(fn(&helper::table_grow), a, 2, {}, false, ValType::kI32);
      return true;
    }
    case Opcode::TableFill: {
      HelperArg a[] = {table(imm.index)};
      call_helper(fn(&exec::table_fill), a, 3, {}, true, std::nullopt);
      return true;
    }
    case Opcode::TableCopy: {
      HelperArg a[] = {table(imm.index), table(imm.index2)};
      call_helper(fn(&exec::table_copy), a, 3, {}, true, std::nullopt);
      return true;
    }
    case Opcode::TableInit: {
      HelperArg a[] = {inst_arg, table(imm.index2)}, b[] = {HelperArg::imm(imm.index)};
      call_helper(fn(&exec::table_init), a, 3, b, true, std::nullopt);
      return true;
    }
    case Opcode::ElemDrop: {
      HelperArg a[] = {inst_arg, HelperArg::imm(imm.index)};
      call_helper(fn(&exec::elem_drop), a, 0, {}, false, std::nullopt);
      return true;
    }
    default: return false;
  }
}

}  // namespace wpvm::jit

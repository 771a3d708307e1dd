// The interpreter's SIMD instructions: one function per row of
// exec/simd_ops.def, of the shape simd_exec.h's table holds. A row that is
// not a memory access is its shared value function (exec/simd.h), inlined
// with the frame's slots as its cells; loads and stores check bounds like
// the scalar accesses and take their lane work from exec/simd.h too.
#include "interp/simd_exec.h"

#include <cstring>

#include "exec/simd.h"

namespace wpvm::interp::simd {

namespace {

using namespace exec::simd;

// A slot as a cell of exec::simd::ValueFn: a v128 in slots s, s + 1 fills 16
// bytes, a scalar slot holds its value in the first bytes, zero-extended.
uint8_t* cell(Slot* fp, uint32_t slot) { return reinterpret_cast<uint8_t*>(fp + slot); }

// ---- memory ----

// The host address of an access of n bytes, or nullptr when out of bounds.
uint8_t* address(const Slot* fp, const Word* pc, uint8_t* mem, uint64_t mem_size, size_t n) {
  uint64_t ea = uint64_t{static_cast<uint32_t>(fp[pc[2].u.a])} + pc[3].u.b;
  return ea + n > mem_size ? nullptr : mem + ea;
}
constexpr uint32_t kOutOfBounds = exec::trap_code(TrapKind::kMemoryOutOfBounds);
uint32_t lane_index(const Word* pc) { return pc[3].u.a; }

// Loads 8 bytes of In lanes widened to Out lanes; <u8, u8> is the plain 16-byte load.
template <class In, class Out>
uint32_t load_extend(Slot* fp, const Word* pc, uint8_t* mem, uint64_t mem_size) {
  const uint8_t* p = address(fp, pc, mem, mem_size, kLanes<Out> * sizeof(In));
  if (!p) return kOutOfBounds;
  put(cell(fp, pc[1].u.b), widened<In, Out>(p));
  return 0;
}
// The splat of the T at the address (memory as the scalar's cell).
template <class T>
uint32_t load_splat(Slot* fp, const Word* pc, uint8_t* mem, uint64_t mem_size) {
  const uint8_t* p = address(fp, pc, mem, mem_size, sizeof(T));
  if (!p) return kOutOfBounds;
  splat<T>(cell(fp, pc[1].u.b), p, nullptr, nullptr, 0);
  return 0;
}
template <class T>
uint32_t load_zero(Slot* fp, const Word* pc, uint8_t* mem, uint64_t mem_size) {
  const uint8_t* p = address(fp, pc, mem, mem_size, sizeof(T));
  if (!p) return kOutOfBounds;
  V r{};
  set_lane<T>(r, 0, get_scalar<T>(p));
  put(cell(fp, pc[1].u.b), r);
  return 0;
}
// Pops (address, vector): the vector with one lane replaced from memory.
template <class T>
uint32_t load_lane(Slot* fp, const Word* pc, uint8_t* mem, uint64_t mem_size) {
  const uint8_t* p = address(fp, pc, mem, mem_size, sizeof(T));
  if (!p) return kOutOfBounds;
  replace_lane<T>(cell(fp, pc[1].u.b), cell(fp, pc[2].u.b), p, nullptr, lane_index(pc));
  return 0;
}
uint32_t store(Slot* fp, const Word* pc, uint8_t* mem, uint64_t mem_size) {
  uint8_t* p = address(fp, pc, mem, mem_size, 16);
  if (!p) return kOutOfBounds;
  std::memcpy(p, fp + pc[2].u.b, 16);
  return 0;
}
template <class T>
uint32_t store_lane(Slot* fp, const Word* pc, uint8_t* mem, uint64_t mem_size) {
  uint8_t* p = address(fp, pc, mem, mem_size, sizeof(T));
  if (!p) return kOutOfBounds;
  T x = lane<T>(get(cell(fp, pc[2].u.b)), static_cast<int>(lane_index(pc)));
  std::memcpy(p, &x, sizeof(T));
  return 0;
}

// ---- the rows ----

// Every other row is its value function over the frame: r = dst, a and b
// the operand slots; the word [c] is both the c cell's slot (the shuffle's
// lane indices, bitselect's mask) and imm (the lane index of extract_lane and
// replace_lane), as each row reads only the one it has.
#define WPVM_SIMD_ROW(name)                                                                          \
  uint32_t op_##name(Slot* fp, const Word* pc, uint8_t*, uint64_t) {                                \
    row::name(cell(fp, pc[1].u.b), cell(fp, pc[2].u.a), cell(fp, pc[2].u.b), cell(fp, pc[3].u.a), \
              pc[3].u.a);                                                                            \
    return 0;                                                                                        \
  }
#define WPVM_SIMD_UN(name, lane, expr) WPVM_SIMD_ROW(name)
#define WPVM_SIMD_BIN(name, lane, expr) WPVM_SIMD_ROW(name)
#define WPVM_SIMD_CMP(name, lane, expr) WPVM_SIMD_ROW(name)
#define WPVM_SIMD_SHIFT(name, lane, expr) WPVM_SIMD_ROW(name)
#define WPVM_SIMD_CONV(name, in, out, high, expr) WPVM_SIMD_ROW(name)
#define WPVM_SIMD_FN(name, fn) WPVM_SIMD_ROW(name)
#include "exec/simd_ops.def"
#undef WPVM_SIMD_ROW

}  // namespace

const Fn kFns[] = {
#define WPVM_SIMD_UN(name, lane, expr) op_##name,
#define WPVM_SIMD_BIN(name, lane, expr) op_##name,
#define WPVM_SIMD_CMP(name, lane, expr) op_##name,
#define WPVM_SIMD_SHIFT(name, lane, expr) op_##name,
#define WPVM_SIMD_CONV(name, in, out, high, expr) op_##name,
#define WPVM_SIMD_FN(name, fn) op_##name,
#define WPVM_SIMD_MEM(name, fn) fn,
#include "exec/simd_ops.def"
};
static_assert(std::size(kFns) == static_cast<size_t>(Op::kCount));

Op op_of(Opcode op) {
  switch (op) {
#define WPVM_SIMD_UN(name, lane, expr) case Opcode::name: return Op::name;
#define WPVM_SIMD_BIN(name, lane, expr) case Opcode::name: return Op::name;
#define WPVM_SIMD_CMP(name, lane, expr) case Opcode::name: return Op::name;
#define WPVM_SIMD_SHIFT(name, lane, expr) case Opcode::name: return Op::name;
#define WPVM_SIMD_CONV(name, in, out, high, expr) case Opcode::name: return Op::name;
#define WPVM_SIMD_FN(name, fn) case Opcode::name: return Op::name;
#define WPVM_SIMD_MEM(name, fn) case Opcode::name: return Op::name;
#include "exec/simd_ops.def"
    default: return Op::kCount;
  }
}

Opcode opcode_of(Op op) {
  static const Opcode kOpcodes[] = {
#define WPVM_SIMD_UN(name, lane, expr) Opcode::name,
#define WPVM_SIMD_BIN(name, lane, expr) Opcode::name,
#define WPVM_SIMD_CMP(name, lane, expr) Opcode::name,
#define WPVM_SIMD_SHIFT(name, lane, expr) Opcode::name,
#define WPVM_SIMD_CONV(name, in, out, high, expr) Opcode::name,
#define WPVM_SIMD_FN(name, fn) Opcode::name,
#define WPVM_SIMD_MEM(name, fn) Opcode::name,
#include "exec/simd_ops.def"
  };
  return static_cast<size_t>(op) < std::size(kOpcodes) ? kOpcodes[static_cast<size_t>(op)] : Opcode::kCount;
}

}  // namespace wpvm::interp::simd

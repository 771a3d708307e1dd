// The interpreter's SIMD (128-bit) instructions, kept out of the main
// threaded loop: every SIMD opcode is one row of exec/simd_ops.def, compiled
// into one small function (simd_exec.cpp), and the executor's single handler
// IOp::Simd calls it through a table. Speed matters less here than keeping
// the loop untouched.
//
// Instruction layout (4 words):  [h][op, dst][a, b][c, aux]
//   op   index of the row in exec/simd_ops.def (simd::Op)
//   dst  result slot (a v128 takes dst and dst + 1)
//   a, b, c  operand slots, in the order the Wasm instruction pops them
//   c    for lane instructions (extract/replace, lane loads/stores): the lane
//        index, not a slot; for i8x16.shuffle: a v128 slot holding the 16
//        lane indices (the builder writes them as a constant)
//   aux  the static offset of memory instructions
// A v128 in slots s, s + 1 holds lanes bytes 0-7 in s and 8-15 in s + 1
// (little-endian, as value_to_slots lays out V128{lo, hi}).
#pragma once
#include <cstdint>

#include "exec/trap_code.h"
#include "interp/code.h"
#include "opcode.h"

namespace wpvm::interp::simd {

enum class Op : uint16_t {
#define WPVM_SIMD_UN(name, lane, expr) name,
#define WPVM_SIMD_BIN(name, lane, expr) name,
#define WPVM_SIMD_CMP(name, lane, expr) name,
#define WPVM_SIMD_SHIFT(name, lane, expr) name,
#define WPVM_SIMD_CONV(name, in, out, high, expr) name,
#define WPVM_SIMD_FN(name, fn) name,
#define WPVM_SIMD_MEM(name, fn) name,
#include "exec/simd_ops.def"
  kCount
};

// Runs one SIMD instruction at pc (its handler word) on the frame fp, with
// memory 0 at [mem, mem + mem_size). Returns a TrapCode (exec/trap_code.h).
using Fn = exec::TrapCode (*)(Slot* fp, const Word* pc, uint8_t* mem, uint64_t mem_size);
extern const Fn kFns[static_cast<size_t>(Op::kCount)];

inline constexpr size_t kWords = 4;  // words per SIMD instruction

// The row of a Wasm opcode; Op::kCount if it is not a SIMD instruction run here.
Op op_of(Opcode op);
// The Wasm opcode of a row (for listings and tests).
Opcode opcode_of(Op op);

}  // namespace wpvm::interp::simd

// The code builder's SIMD instructions: every opcode of exec/simd_ops.def
// becomes one IOp::Simd instruction whose operands are laid out as
// simd_exec.h reads them. The operands are named in the order the Wasm
// instruction pops them, so one routine serves every shape (v128 or scalar
// operands, memory, lanes).
// SIMD results are never folded into a following local.set or branch.
#include "interp/builder.h"
#include "interp/simd_exec.h"

namespace wpvm::interp {

bool Builder::simd(Opcode op, const Imm& imm, std::span<const ValType> pops, std::span<const ValType> pushes) {
  simd::Op row = simd::op_of(op);
  if (row == simd::Op::kCount) return false;
  ImmKind kind = opcode_info(op).imm;
  // The shuffle's 16 lane indices travel as a third, constant v128 operand,
  // so every SIMD instruction keeps the same 4-word shape.
  if (kind == ImmKind::kShuffle) push_const(ValType::kV128, imm.bits[0], imm.bits[1]);
  size_t n = pops.size() + (kind == ImmKind::kShuffle ? 1 : 0);
  Entry in[3];
  for (size_t i = n; i-- > 0;) in[i] = pop();
  uint32_t dst = n > 0 ? in[0].pos : top_pos();  // where op() pushes the result
  auto operand = [&](size_t i) { return i < n ? S(enc(in[i])) : N(0); };
  bool lane = kind == ImmKind::kLane || kind == ImmKind::kMemArgLane;
  emit_op(IOp::Simd);
  emit_pair(N(static_cast<uint32_t>(row)), pushes.empty() ? N(0) : S(kStackTag | dst));
  emit_pair(operand(0), operand(1));
  emit_pair(lane ? N(imm.lane) : operand(2), N(static_cast<uint32_t>(imm.mem.offset)));
  last_.word_end = SIZE_MAX;
  return true;
}

}  // namespace wpvm::interp

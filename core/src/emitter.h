// The contract between the one body decoder (body_decoder.h, which reads every
// opcode and checks every type) and its consumers: the validator (NullEmitter),
// the interpreter's code builder, later the JIT. An emitter never re-checks
// types; it is called only for reachable code, in instruction order.
#pragma once
#include <concepts>
#include <cstdint>
#include <span>

#include "opcode.h"
#include "wpvm/module_def.h"
#include "wpvm/types.h"

namespace wpvm {

struct MemArg {
  uint32_t align_log2 = 0;
  uint64_t offset = 0;
  uint32_t memory = 0;
};

// Decoded immediates of one instruction; which fields matter depends on the
// opcode's immediate kind in opcodes.def.
struct Imm {
  uint32_t index = 0;   // local / global / func / table / type / elem / data index; label depth
  uint32_t index2 = 0;  // second index: call_indirect table, table.init table,
                        // table.copy source table, memory.copy source memory
  MemArg mem;           // loads, stores, atomics, SIMD lane loads/stores
  uint8_t lane = 0;     // SIMD extract/replace/lane load-store lane
  ValType type = ValType::kI32;  // ref.null type; local/global type; select's operand type
  uint64_t bits[2] = {0, 0};     // constants: i32/i64 (zero-extended), f32/f64 bit patterns,
                                 // v128 (lo, hi); i8x16.shuffle lane bytes
};

// A block's signature, resolved from its block type.
struct BlockSig {
  std::span<const ValType> params;
  std::span<const ValType> results;
};

struct FuncContext {
  const Module* module = nullptr;
  uint32_t func_index = 0;              // in the module's function index space
  const FuncType* type = nullptr;
  std::span<const ValType> locals;      // params followed by declared locals, expanded
};

// Hooks, called for reachable code only. Code that follows br / br_table /
// return / unreachable up to the matching else/end is not reported, nor are
// blocks opened inside it (so every block/loop/if an emitter sees gets its
// else/end). The function's own final `end` is reported as end_function.
//
// `op` receives every instruction that is not a control instruction, with the
// operand types it pops (in push order) and the result types it pushes:
// numeric, memory, local/global/table/ref, call/call_indirect (pops = params,
// pushes = results), drop and select (pops carry the actual operand types).
//
// `at` gives the byte offset in the module of the instruction whose `op` or
// `unreachable` comes next (called just before either, so an emitter can
// note where code that traps or calls came from).
template <class E>
concept Emitter = requires(E e, const FuncContext& fc, BlockSig sig, uint32_t depth,
                           std::span<const uint32_t> depths, bool reachable, Opcode op,
                           const Imm& imm, std::span<const ValType> types) {
  { e.begin_function(fc) };
  { e.end_function(reachable) };  // reachable: whether the final end is reached by fallthrough
  { e.block(sig) };
  { e.loop(sig) };
  { e.if_(sig) };
  { e.else_(reachable) };  // reachable: whether the then-arm falls through to else
  { e.end(reachable) };    // end of block/loop/if; reachable as for else_
  { e.br(depth) };
  { e.br_if(depth) };
  { e.br_table(depths, depth) };  // targets, default
  { e.return_() };
  { e.unreachable() };
  { e.op(op, imm, types, types) };  // (op, imm, pops, pushes)
  { e.at(depth) };                  // the next op/unreachable's module offset
};

// Validation only.
struct NullEmitter {
  void begin_function(const FuncContext&) {}
  void end_function(bool) {}
  void block(BlockSig) {}
  void loop(BlockSig) {}
  void if_(BlockSig) {}
  void else_(bool) {}
  void end(bool) {}
  void br(uint32_t) {}
  void br_if(uint32_t) {}
  void br_table(std::span<const uint32_t>, uint32_t) {}
  void return_() {}
  void unreachable() {}
  void op(Opcode, const Imm&, std::span<const ValType>, std::span<const ValType>) {}
  void at(uint32_t) {}
};
static_assert(Emitter<NullEmitter>);

}  // namespace wpvm

// Fuel metering both tiers share (EngineConfig::consume_fuel documents the
// rate): what each instruction costs, where a function's straight-line runs
// ("segments") start, and what each run costs, computed once per function by
// one analysis that both the interpreter's builder and the JIT use. A tier
// charges at each segment's start what the plan says, so the same program
// leaves the same fuel on both tiers, at a trap too.
//
// A segment starts at exactly these emitter hooks (emitter.h), after what the
// hook itself emits, and builders call FuelPlan::next() there, in hook order:
//   begin_function (after the prologue), loop (at the header, inside the
//   loop), if_ (the then arm), else_ (the else arm), end (after the label),
//   br_if (the fall-through), and op for a call or call_indirect (after the
//   call returns: fuel_ends_segment).
// Code the body decoder does not report (unreachable) costs nothing.
//
// A segment that control enters only by falling through from, or by a `br`
// at the end of, other segments (never by the function's entry, a br_if, a
// br_table, an if's condition or a call returning) is paid ahead: its cost
// is added to each of those segments and its own charge is 0. So a
// function's charges sit where control can go more than one way, and every
// cycle of control still pays at least one branch (a chain of such segments
// closing on itself keeps one charge).
#pragma once
#include <cstdint>
#include <vector>

#include "opcode.h"
#include "wpvm/module_def.h"
#include "wpvm/result.h"

namespace wpvm::exec {

// The cost of an instruction reported through Emitter::op: 0 for nop and
// drop, 1 for every other. The control hooks cost 1 each (if, br, br_if,
// br_table, return, unreachable) or nothing (block, loop, else, end).
constexpr uint32_t fuel_cost(Opcode op) { return op == Opcode::Nop || op == Opcode::Drop ? 0 : 1; }
inline constexpr uint32_t kFuelBranchCost = 1;

// Whether a new segment starts after this instruction (a call: a host
// function or the callee sees the segment up to the call paid, and what
// follows is paid after it returns).
constexpr bool fuel_ends_segment(Opcode op) { return op == Opcode::Call || op == Opcode::CallIndirect; }

// The costs of one function's segments in the order their starts are met.
class FuelPlan {
 public:
  // Decodes defined function `defined` of m (already validated) and sums
  // each segment's instructions.
  static Result<FuelPlan> of(const Module& m, uint32_t defined);

  // The cost to charge where the next segment starts (builders call it at
  // each start; 0: nothing to charge).
  uint32_t next() {
    if (next_ < costs_.size()) return costs_[next_++];
    ++next_;
    return 0;
  }
  // Whether the builder met exactly the segment starts the plan found (a
  // builder checks it when done: a mismatch is a bug, and the code is not used).
  bool complete() const { return next_ == costs_.size(); }
  const std::vector<uint32_t>& costs() const { return costs_; }

 private:
  std::vector<uint32_t> costs_;
  size_t next_ = 0;
};

}  // namespace wpvm::exec

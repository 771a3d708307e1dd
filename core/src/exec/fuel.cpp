// The fuel plan of a function (fuel.h): the body decoder drives a counting
// emitter that opens a segment at each start fuel.h lists.
#include "exec/fuel.h"

#include <span>

#include "body_decoder.h"

namespace wpvm::exec {

namespace {

struct Counter {
  std::vector<uint32_t>& costs;
  void start() { costs.push_back(0); }
  void add(uint32_t n) { costs.back() += n; }

  void begin_function(const FuncContext&) { start(); }
  void end_function(bool) {}
  void block(BlockSig) {}
  void loop(BlockSig) { start(); }
  void if_(BlockSig) {
    add(kFuelBranchCost);
    start();
  }
  void else_(bool) { start(); }
  void end(bool) { start(); }
  void br(uint32_t) { add(kFuelBranchCost); }
  void br_if(uint32_t) {
    add(kFuelBranchCost);
    start();
  }
  void br_table(std::span<const uint32_t>, uint32_t) { add(kFuelBranchCost); }
  void return_() { add(kFuelBranchCost); }
  void unreachable() { add(kFuelBranchCost); }
  void op(Opcode op, const Imm&, std::span<const ValType>, std::span<const ValType>) {
    add(fuel_cost(op));
    if (fuel_ends_segment(op)) start();
  }
  void at(uint32_t) {}
};
static_assert(Emitter<Counter>);

}  // namespace

Result<FuelPlan> FuelPlan::of(const Module& m, uint32_t defined) {
  FuelPlan plan;
  Counter c{plan.costs_};
  WPVM_TRY(decode_function(m, defined, c));
  return plan;
}

}  // namespace wpvm::exec

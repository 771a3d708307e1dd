// The fuel plan of a function (fuel.h): the body decoder drives a counting
// emitter that opens a segment at each start fuel.h lists and records how
// control enters it; then segments entered only unconditionally are paid by
// the segments that reach them.
#include "exec/fuel.h"

#include <span>

#include "body_decoder.h"

namespace wpvm::exec {

namespace {

constexpr uint32_t kNone = UINT32_MAX;

struct Segment {
  uint32_t cost = 0;
  // The segment control always goes to when this one ends (by falling
  // through or by br), kNone if it may go elsewhere or nowhere.
  uint32_t next = kNone;
  // Whether some path enters it other than by a predecessor's `next` (the
  // function's entry, a conditional branch, a call returning), and whether
  // any path enters it at all.
  bool entered_otherwise = false;
  bool entered = false;
};

struct Frame {
  enum Kind : uint8_t { kFunction, kBlock, kLoop, kIf } kind = kBlock;
  uint32_t header = kNone;          // a loop's header segment (its label)
  std::vector<uint32_t> branches;   // segments ending in `br` to a block's label
  bool branched_conditionally = false;  // a br_if / br_table to a block's label
  bool has_else = false;
};

struct Counter {
  static constexpr bool kDecodesValidated = true;  // plans are made for validated modules
  std::vector<Segment>& segs;
  std::vector<Frame> frames;
  uint32_t cur = kNone;

  // Opens a segment; `from`: the segment that falls through into it, if any.
  void start(bool entered_otherwise, uint32_t from = kNone) {
    uint32_t s = static_cast<uint32_t>(segs.size());
    segs.push_back({});
    segs[s].entered_otherwise = entered_otherwise;
    segs[s].entered = entered_otherwise;
    if (from != kNone) link(from, s);
    cur = s;
  }
  void link(uint32_t from, uint32_t to) {
    segs[from].next = to;
    segs[to].entered = true;
  }
  void add(uint32_t n) { segs[cur].cost += n; }
  void push(Frame::Kind kind, uint32_t header = kNone) {
    frames.emplace_back();
    frames.back().kind = kind;
    frames.back().header = header;
  }
  Frame& target(uint32_t depth) { return frames[frames.size() - 1 - depth]; }
  // A conditional branch (br_if, br_table) to the label at `depth`.
  void branch_conditionally(uint32_t depth) {
    Frame& f = target(depth);
    if (f.kind == Frame::kLoop) {
      segs[f.header].entered_otherwise = true;
      segs[f.header].entered = true;
    } else {
      f.branched_conditionally = true;
    }
  }

  void begin_function(const FuncContext&) {
    push(Frame::kFunction);
    start(true);
  }
  void end_function(bool) {}
  void block(BlockSig) { push(Frame::kBlock); }
  void loop(BlockSig) {
    start(false, cur);
    push(Frame::kLoop, cur);
  }
  void if_(BlockSig) {
    add(kFuelBranchCost);
    push(Frame::kIf);
    start(true);
  }
  void else_(bool reachable) {
    Frame& f = frames.back();
    if (reachable) f.branches.push_back(cur);
    f.has_else = true;
    start(true);
  }
  void end(bool reachable) {
    Frame f = std::move(frames.back());
    frames.pop_back();
    uint32_t from = reachable ? cur : kNone;
    if (f.kind == Frame::kLoop) return start(false, from);
    // An if without else enters the code after it when the condition is false.
    start(f.branched_conditionally || (f.kind == Frame::kIf && !f.has_else), from);
    for (uint32_t b : f.branches) link(b, cur);
  }
  void br(uint32_t depth) {
    add(kFuelBranchCost);
    Frame& f = target(depth);
    if (f.kind == Frame::kLoop) link(cur, f.header);
    else if (f.kind != Frame::kFunction) f.branches.push_back(cur);
  }
  void br_if(uint32_t depth) {
    add(kFuelBranchCost);
    branch_conditionally(depth);
    start(true);
  }
  void br_table(std::span<const uint32_t> depths, uint32_t depth) {
    add(kFuelBranchCost);
    for (uint32_t d : depths) branch_conditionally(d);
    branch_conditionally(depth);
  }
  void return_() { add(kFuelBranchCost); }
  void unreachable() { add(kFuelBranchCost); }
  void op(Opcode op, const Imm&, std::span<const ValType>, std::span<const ValType>) {
    add(fuel_cost(op));
    if (fuel_ends_segment(op)) start(true);
  }
  void at(uint32_t) {}
};
static_assert(Emitter<Counter>);

// Moves the cost of every segment that is entered only as some segments'
// `next` to those segments (transitively), so it is paid where they start.
// A chain of such segments that closes on itself keeps one charge (cut where
// the walk meets itself), so every cycle of control still pays at least one
// branch.
std::vector<uint32_t> pay_ahead(std::vector<Segment>& segs) {
  size_t n = segs.size();
  auto absorbed = [&](uint32_t s) { return segs[s].entered && !segs[s].entered_otherwise; };
  // 0: not visited, 1: on the current walk, 2: total known.
  std::vector<uint8_t> state(n, 0);
  std::vector<uint64_t> total(n, 0);
  std::vector<uint32_t> walk;
  for (uint32_t s = 0; s < n; ++s) {
    // Walk forward along `next` into absorbed segments until a known total.
    walk.clear();
    uint32_t t = s;
    while (state[t] == 0) {
      state[t] = 1;
      walk.push_back(t);
      uint32_t nx = segs[t].next;
      if (nx == kNone || !absorbed(nx)) break;
      if (state[nx] == 1) {  // a closed chain: nx pays for itself
        segs[nx].entered_otherwise = true;
        break;
      }
      t = nx;
    }
    for (size_t i = walk.size(); i-- > 0;) {
      uint32_t w = walk[i];
      uint32_t nx = segs[w].next;
      total[w] = segs[w].cost + (nx != kNone && absorbed(nx) ? total[nx] : 0);
      state[w] = 2;
    }
  }
  std::vector<uint32_t> costs(n);
  for (uint32_t s = 0; s < n; ++s)
    costs[s] = absorbed(s) ? 0 : static_cast<uint32_t>(std::min<uint64_t>(total[s], UINT32_MAX));
  return costs;
}

}  // namespace

Result<FuelPlan> FuelPlan::of(const Module& m, uint32_t defined) {
  std::vector<Segment> segs;
  Counter c{segs, {}};
  WPVM_TRY(decode_function(m, defined, c));
  FuelPlan plan;
  plan.costs_ = pay_ahead(segs);
  return plan;
}

}  // namespace wpvm::exec

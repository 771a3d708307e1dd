// The interpreter's code builder (see builder.h), compile(), which runs the
// body decoder with it, and free_code (exec/tier.h). Instruction operand layouts are listed beside each
// handler in executor.cpp.
#include "interp/builder.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>

#include "body_decoder.h"
#include "exec/tier.h"
#include "runtime/compiled_code.h"

namespace wpvm::interp {

namespace {

enum class RowKind : uint8_t { kNone, kUn, kBin, kLoad, kStore };
struct Row {
  IOp iop;
  RowKind kind;
};

// Wasm opcode -> interpreter row of the same name (interp_ops.def).
Row row_of(Opcode op) {
  switch (op) {
#define WPVM_UN(name, in, out, expr) case Opcode::name: return {IOp::name, RowKind::kUn};
#define WPVM_BIN(name, in, out, expr) case Opcode::name: return {IOp::name, RowKind::kBin};
#define WPVM_UN_TRAP(name, in, out, fn) case Opcode::name: return {IOp::name, RowKind::kUn};
#define WPVM_BIN_TRAP(name, in, out, fn) case Opcode::name: return {IOp::name, RowKind::kBin};
#define WPVM_LOAD(name, mem_t, out) case Opcode::name: return {IOp::name, RowKind::kLoad};
#define WPVM_STORE(name, in, mem_t) case Opcode::name: return {IOp::name, RowKind::kStore};
#include "interp/interp_ops.def"
    default: return {IOp::kCount, RowKind::kNone};
  }
}

// i32 compares that can fuse with a following br_if / if: the fused
// branch-if-true op, and the one for the negated condition.
struct CmpFusion {
  IOp op, taken, negated;
};
constexpr CmpFusion kCmpFusions[] = {
    {IOp::I32Eqz, IOp::BrIfI32Eqz, IOp::BrIfI32Nez}, {IOp::I32Eq, IOp::BrIfI32Eq, IOp::BrIfI32Ne},
    {IOp::I32Ne, IOp::BrIfI32Ne, IOp::BrIfI32Eq},     {IOp::I32LtS, IOp::BrIfI32LtS, IOp::BrIfI32GeS},
    {IOp::I32LtU, IOp::BrIfI32LtU, IOp::BrIfI32GeU},  {IOp::I32GtS, IOp::BrIfI32GtS, IOp::BrIfI32LeS},
    {IOp::I32GtU, IOp::BrIfI32GtU, IOp::BrIfI32LeU},  {IOp::I32LeS, IOp::BrIfI32LeS, IOp::BrIfI32GtS},
    {IOp::I32LeU, IOp::BrIfI32LeU, IOp::BrIfI32GtU},  {IOp::I32GeS, IOp::BrIfI32GeS, IOp::BrIfI32LtS},
    {IOp::I32GeU, IOp::BrIfI32GeU, IOp::BrIfI32LtU},
};
const CmpFusion* cmp_fusion(IOp op) {
  for (const CmpFusion& f : kCmpFusions)
    if (f.op == op) return &f;
  return nullptr;
}

// A branch form's fuel-paying variant (WPVM_BRANCH in interp_ops.def).
IOp with_fuel(IOp op) {
  switch (op) {
#define WPVM_BRANCH(name) case IOp::name: return IOp::name##Fuel;
#include "interp/interp_ops.def"
    default: return op;
  }
}

// The loop-latch form of a fused compare-and-branch (I32AddBrIf*), and the
// one whose compared operands are swapped (a < b is b > a).
// latch2 and swapped2: the same after an I32Add2.
struct Latch {
  IOp branch, latch, swapped, latch2, swapped2;
};
constexpr Latch kLatches[] = {
    {IOp::BrIfI32Eq, IOp::I32AddBrIfEq, IOp::I32AddBrIfEq, IOp::I32Add2BrIfEq, IOp::I32Add2BrIfEq},
    {IOp::BrIfI32Ne, IOp::I32AddBrIfNe, IOp::I32AddBrIfNe, IOp::I32Add2BrIfNe, IOp::I32Add2BrIfNe},
    {IOp::BrIfI32LtS, IOp::I32AddBrIfLtS, IOp::I32AddBrIfGtS, IOp::I32Add2BrIfLtS, IOp::I32Add2BrIfGtS},
    {IOp::BrIfI32LtU, IOp::I32AddBrIfLtU, IOp::I32AddBrIfGtU, IOp::I32Add2BrIfLtU, IOp::I32Add2BrIfGtU},
    {IOp::BrIfI32GtS, IOp::I32AddBrIfGtS, IOp::I32AddBrIfLtS, IOp::I32Add2BrIfGtS, IOp::I32Add2BrIfLtS},
    {IOp::BrIfI32GtU, IOp::I32AddBrIfGtU, IOp::I32AddBrIfLtU, IOp::I32Add2BrIfGtU, IOp::I32Add2BrIfLtU},
    {IOp::BrIfI32LeS, IOp::I32AddBrIfLeS, IOp::I32AddBrIfGeS, IOp::I32Add2BrIfLeS, IOp::I32Add2BrIfGeS},
    {IOp::BrIfI32LeU, IOp::I32AddBrIfLeU, IOp::I32AddBrIfGeU, IOp::I32Add2BrIfLeU, IOp::I32Add2BrIfGeU},
    {IOp::BrIfI32GeS, IOp::I32AddBrIfGeS, IOp::I32AddBrIfLeS, IOp::I32Add2BrIfGeS, IOp::I32Add2BrIfLeS},
    {IOp::BrIfI32GeU, IOp::I32AddBrIfGeU, IOp::I32AddBrIfLeU, IOp::I32Add2BrIfGeU, IOp::I32Add2BrIfLeU},
    {IOp::BrIfI32Eqz, IOp::I32AddBrIfEqz, IOp::kCount, IOp::I32Add2BrIfEqz, IOp::kCount},
    {IOp::BrIfI32Nez, IOp::I32AddBrIfNez, IOp::kCount, IOp::I32Add2BrIfNez, IOp::kCount},
};
const Latch* latch_of(IOp branch) {
  for (const Latch& l : kLatches)
    if (l.branch == branch) return &l;
  return nullptr;
}

// The fused form of numeric row `bin` whose second operand is load row
// `load` (WPVM_LOAD_OP; the LoadAdd form follows it), or kCount.
IOp load_op(IOp bin, IOp load) {
#define WPVM_LOAD_OP(b, l) \
  if (bin == IOp::b && load == IOp::l) return IOp::b##_##l;
#include "interp/interp_ops.def"
  return IOp::kCount;
}

// The fused form of numeric row `bin` whose result store row `store`
// writes (WPVM_OP_STORE), or kCount.
IOp op_store(IOp bin, IOp store) {
#define WPVM_OP_STORE(b, s) \
  if (bin == IOp::b && store == IOp::s) return IOp::b##_##s;
#include "interp/interp_ops.def"
  return IOp::kCount;
}

// The read-modify-write form of Bin_Load `fused` (plain address form) whose
// result store row `store` writes back (WPVM_LOAD_OP_STORE), or kCount.
IOp load_op_store(IOp fused, IOp store) {
#define WPVM_LOAD_OP_STORE(b, l, s) \
  if (fused == IOp::b##_##l && store == IOp::s) return IOp::b##_##l##_##s;
#include "interp/interp_ops.def"
  return IOp::kCount;
}

// Integer rows whose operands may be swapped (float ones are left as they
// are: which NaN an operation returns may depend on the order).
bool commutes(IOp op) {
  switch (op) {
    case IOp::I32Add: case IOp::I32Mul: case IOp::I32And: case IOp::I32Or: case IOp::I32Xor:
    case IOp::I64Add: case IOp::I64Mul:
      return true;
    default: return false;
  }
}

// The words of a Fuel instruction, which a fuel-paying branch lands past.
constexpr size_t kFuelWords = 2;
constexpr size_t kNone = SIZE_MAX;

// Beyond this many distinct constants per function, constants are written by
// Const instructions instead of being copied into every frame on entry.
constexpr size_t kMaxFrameConsts = 64;

}  // namespace

bool may_trap(IOp op) {
  static constexpr auto kTraps = [] {
    std::array<bool, static_cast<size_t>(IOp::kCount)> t{};
    auto set = [&t](IOp o) { t[static_cast<size_t>(o)] = true; };
#define WPVM_UN_TRAP(name, in, out, fn) set(IOp::name);
#define WPVM_BIN_TRAP(name, in, out, fn) set(IOp::name);
#define WPVM_LOAD(name, mem_t, out) set(IOp::name), set(IOp::name##Add), set(IOp::name##Scaled);
#define WPVM_STORE(name, in, mem_t) set(IOp::name), set(IOp::name##Add);
#define WPVM_BRANCH(name) set(IOp::name##Fuel);
#define WPVM_LOAD_OP(bin, load) set(IOp::bin##_##load), set(IOp::bin##_##load##Add);
#define WPVM_OP_STORE(bin, store) set(IOp::bin##_##store);
#define WPVM_LOAD_OP_STORE(bin, load, store) set(IOp::bin##_##load##_##store);
#include "interp/interp_ops.def"
#define WPVM_ALOAD(name, mem_t, out) set(IOp::name);
#define WPVM_ASTORE(name, in, mem_t) set(IOp::name);
#define WPVM_ARMW(name, in, mem_t, op) set(IOp::name);
#define WPVM_ACMPXCHG(name, in, mem_t) set(IOp::name);
#define WPVM_AOP(name) set(IOp::name);
#include "exec/atomic_ops.def"
    for (IOp o : {IOp::Unreachable, IOp::Call, IOp::CallIndirect, IOp::MemoryFill, IOp::MemoryCopy, IOp::MemoryInit,
                  IOp::TableGet, IOp::TableSet, IOp::TableFill, IOp::TableCopy, IOp::TableInit, IOp::Simd,
                  IOp::Fuel, IOp::Epoch})
      set(o);
    return t;
  }();
  return kTraps[static_cast<size_t>(op)];
}

size_t Code::wasm_offset(const Word* pc) const {
  if (pc < words.data() || pc >= words.data() + words.size()) return kNoOffset;
  auto w = static_cast<uint32_t>(pc - words.data());
  // The last site starting at or before pc.
  auto it = std::upper_bound(sites.begin(), sites.end(), w, [](uint32_t x, const Site& s) { return x < s.word; });
  return it == sites.begin() ? kNoOffset : std::prev(it)->offset;
}

Builder::Builder(Code& code, exec::FuelPlan* fuel, bool epoch)
    : code_(code), handlers_(handler_table()), fuel_(fuel), epoch_(epoch) {}

// ---- emission ----

size_t Builder::emit_op(IOp op) {
  Word w;
  w.h = handlers_[static_cast<size_t>(op)];
  if (may_trap(op)) sites_.push_back({static_cast<uint32_t>(words_.size()), at_});
  words_.push_back(w);
  return words_.size() - 1;
}

void Builder::drop_last(const Last& l) {
  words_.resize(l.word_begin);
  slot_fields_.resize(l.fix_begin);
  while (!sites_.empty() && sites_.back().word >= l.word_begin) sites_.pop_back();
}

void Builder::emit_pair(Opnd a, Opnd b) {
  Word w;
  w.u.a = a.v;
  w.u.b = b.v;
  uint32_t i = static_cast<uint32_t>(words_.size());
  if (a.slot) slot_fields_.push_back(i * 2);
  if (b.slot) slot_fields_.push_back(i * 2 + 1);
  words_.push_back(w);
}

void Builder::emit_imm(uint64_t v) {
  Word w;
  w.imm = v;
  words_.push_back(w);
}

bool Builder::emit_branch_op(IOp op, bool pays) {
  pays = pays && fuel_;
  emit_op(pays ? with_fuel(op) : op);
  return pays;
}

size_t Builder::emit_target(Ctrl& c, bool pays) {
  size_t i = words_.size();
  emit_imm(c.is_loop ? c.start : 0);
  target_fields_.push_back(i);
  size_t cost = kNone;
  if (pays) {
    cost = words_.size();
    emit_pair(N(c.is_loop ? c.start_cost : 0), N(0));
    if (c.is_loop && c.start_cost) words_[i].imm = c.start + kFuelWords;
  }
  if (!c.is_loop) c.fixes.push_back({i, cost});
  return cost;
}

// Binds a block's forward branches here; no instruction may be folded across.
void Builder::bind(Ctrl& c) {
  for (const Fix& f : c.fixes) words_[f.target].imm = words_.size();
  c.fixes.clear();
  last_.word_end = SIZE_MAX;
}

// Binds forward branches here, where a segment starts: the branches that pay
// fuel pay its charge themselves and land past it.
void Builder::land(std::vector<Fix>& fixes) {
  size_t at = words_.size();
  for (const Fix& f : fixes) words_[f.target].imm = at;
  last_.word_end = SIZE_MAX;
  if (uint32_t cost = segment_start())
    for (const Fix& f : fixes)
      if (f.cost != kNone) {
        words_[f.target].imm = at + kFuelWords;
        words_[f.cost].u.a = cost;
      }
  fixes.clear();
}

void Builder::note_result(size_t dst_word) {
  prev_ = last_;
  last_ = Last{};
  last_.word_end = words_.size();
  last_.dst_word = dst_word;
}

uint32_t Builder::segment_start(size_t fall_word) {
  if (!fuel_) return 0;
  uint32_t cost = fuel_->next();
  if (cost == 0) return 0;
  if (fall_word != kNone) {
    words_[fall_word].u.b = cost;
    return 0;
  }
  emit_op(IOp::Fuel);
  emit_pair(N(cost), N(0));
  last_.word_end = SIZE_MAX;
  return cost;
}

void Builder::epoch_check() {
  if (!epoch_) return;
  emit_op(IOp::Epoch);
  last_.word_end = SIZE_MAX;
}

// ---- virtual stack ----

uint32_t Builder::top_pos() const { return stack_.empty() ? 0 : stack_.back().pos + slot_width(stack_.back().type); }

uint32_t Builder::width(std::span<const ValType> types) {
  uint32_t n = 0;
  for (ValType t : types) n += slot_width(t);
  return n;
}

uint32_t Builder::enc(const Entry& e) const {
  switch (e.kind) {
    case Kind::kStack: return kStackTag | e.pos;
    case Kind::kLocal: return e.ref;
    case Kind::kConst: return kConstTag | e.ref;
  }
  return 0;
}

Builder::Entry Builder::pop() {
  Entry e = stack_.back();
  stack_.pop_back();
  return e;
}

Builder::Entry& Builder::push_stack(ValType t) {
  uint32_t pos = top_pos();
  stack_.push_back(Entry{t, Kind::kStack, 0, pos});
  max_pos_ = std::max(max_pos_, pos + slot_width(t));
  return stack_.back();
}

void Builder::push_const(ValType t, uint64_t lo, uint64_t hi) {
  if (slot_width(t) == 1) {
    auto it = const_index_.find({lo, 0});
    if (it == const_index_.end() && const_index_.size() < kMaxFrameConsts) {
      it = const_index_.emplace(std::make_pair(lo, uint64_t{0}), static_cast<uint32_t>(code_.consts.size())).first;
      code_.consts.push_back(lo);
    }
    if (it != const_index_.end()) {
      Entry& e = push_stack(t);
      e.kind = Kind::kConst;
      e.ref = it->second;
      return;
    }
  }
  Entry& e = push_stack(t);
  for (uint32_t i = 0; i < slot_width(t); ++i) {
    emit_op(IOp::Const);
    emit_pair(S(kStackTag | (e.pos + i)), N(0));
    emit_imm(i == 0 ? lo : hi);
  }
  last_.word_end = SIZE_MAX;
}

void Builder::materialize(Entry& e) {
  if (e.kind == Kind::kStack) return;
  emit_op(slot_width(e.type) == 2 ? IOp::Copy2 : IOp::Copy);
  emit_pair(S(kStackTag | e.pos), S(enc(e)));
  e.kind = Kind::kStack;
  last_.word_end = SIZE_MAX;
}

void Builder::materialize_all() {
  for (Entry& e : stack_) materialize(e);
}

// After a label: the block's values (params at else, results at end) sit in
// their home slots; everything the block pushed above them is gone.
void Builder::reset_stack(const Ctrl& c, std::span<const ValType> types) {
  stack_.resize(c.height);
  for (ValType t : types) push_stack(t);
}

// ---- control ----

void Builder::begin_function(const FuncContext& fc) {
  uint32_t slot = 0;
  for (size_t i = 0; i < fc.locals.size(); ++i) {
    if (i == fc.type->params.size()) code_.param_slots = slot;
    local_slot_.push_back(slot);
    slot += slot_width(fc.locals[i]);
  }
  if (fc.locals.size() == fc.type->params.size()) code_.param_slots = slot;
  code_.local_slots = slot;
  result_slots_ = width(fc.type->results);
  Ctrl c;
  c.results = fc.type->results;
  ctrls_.push_back(std::move(c));
  // Checks at entry belong to the first instruction (as the JIT's prologue).
  at_ = fc.module->bodies[fc.func_index - fc.module->num_imported_funcs].code_offset;
  epoch_check();
  segment_start();
}

void Builder::end_function(bool reachable) {
  Ctrl& c = ctrls_.front();
  if (reachable && c.fixes.empty()) {
    return_();
    ctrls_.clear();
    return;
  }
  if (reachable) materialize_all();
  if (reachable || !c.fixes.empty()) {
    bind(c);
    emit_op(IOp::Return);
    emit_pair(S(kStackTag | 0), N(result_slots_));
  }
  ctrls_.clear();
}

void Builder::block(BlockSig sig) {
  materialize_all();
  Ctrl c;
  c.height = static_cast<uint32_t>(stack_.size() - sig.params.size());
  c.base_pos = c.height < stack_.size() ? stack_[c.height].pos : top_pos();
  c.params.assign(sig.params.begin(), sig.params.end());
  c.results.assign(sig.results.begin(), sig.results.end());
  ctrls_.push_back(std::move(c));
  last_.word_end = SIZE_MAX;
}

void Builder::loop(BlockSig sig) {
  block(sig);
  Ctrl& c = ctrls_.back();
  c.is_loop = true;
  c.start = words_.size();
  epoch_check();
  // A charge first at the header is paid by fuel-paying back-edges, which
  // land past it (with an epoch check first, they land on the check).
  bool first = words_.size() == c.start;
  uint32_t cost = segment_start();
  if (first) c.start_cost = cost;
}

void Builder::if_(BlockSig sig) {
  Entry cond = pop();
  materialize_all();
  Last saved = last_;  // block() forgets it; the condition's compare may fuse
  block(sig);
  last_ = saved;
  Ctrl& c = ctrls_.back();
  Ctrl tmp;  // collects the else branch field
  size_t cost = kNone;
  if (!try_fused_branch(cond, true, tmp, cost) && !try_latch(IOp::BrIfI32Eqz, enc(cond), enc(cond), tmp)) {
    bool pays = emit_branch_op(IOp::BrUnless);
    emit_pair(S(enc(cond)), N(0));
    cost = emit_target(tmp, pays);
  }
  c.else_fix = tmp.fixes.front();
  last_.word_end = SIZE_MAX;
  segment_start(cost);  // the then arm, paid by the branch not taken
}

void Builder::else_(bool reachable) {
  Ctrl& c = ctrls_.back();
  if (reachable) {
    materialize_all();
    emit_target(c, emit_branch_op(IOp::Br));
  }
  std::vector<Fix> else_arm{*c.else_fix};
  c.else_fix.reset();
  reset_stack(c, c.params);
  land(else_arm);
}

void Builder::end(bool reachable) {
  if (reachable) materialize_all();
  Ctrl done = std::move(ctrls_.back());
  ctrls_.pop_back();
  if (done.else_fix) done.fixes.push_back(*done.else_fix);  // an if without else
  reset_stack(done, done.results);
  land(done.fixes);  // a loop has none
}

// Moves the branch's values to the target's home slots, then jumps.
void Builder::emit_branch(Ctrl& t) {
  uint32_t n = width(t.is_loop ? t.params : t.results);
  uint32_t src = top_pos() - n;
  if (n == 0 || src == t.base_pos) {
    // (a loop's header may have nothing to pay)
    emit_target(t, emit_branch_op(IOp::Br, !(t.is_loop && t.start_cost == 0)));
  } else {
    emit_op(IOp::BrCopy);
    emit_target(t);
    emit_pair(S(kStackTag | t.base_pos), S(kStackTag | src));
    emit_pair(N(n), N(0));
  }
}

// Replaces the compare that produced `cond` by a fused compare-and-branch;
// `cost` gets its fuel cost word (kNone: none).
bool Builder::try_fused_branch(const Entry& cond, bool invert, Ctrl& target, size_t& cost) {
  if (!last_.is_cmp || last_.word_end != words_.size() || cond.kind != Kind::kStack || cond.pos != last_.pos)
    return false;
  const CmpFusion* f = cmp_fusion(last_.op);
  if (!f) return false;
  Last l = last_;
  drop_last(l);
  IOp branch = invert ? f->negated : f->taken;
  last_ = prev_;  // the instruction before the compare, which may be a latch's add
  if (try_latch(branch, l.a, l.op == IOp::I32Eqz ? l.a : l.b, target)) return true;
  bool pays = emit_branch_op(branch);
  emit_pair(S(l.a), l.op == IOp::I32Eqz ? N(0) : S(l.b));
  cost = emit_target(target, pays);
  last_.word_end = SIZE_MAX;
  return true;
}

// A branch on `a branch b` (encoded operands; a == b for Eqz and Nez) that
// follows an i32.add of one of them becomes a loop latch: the add and the
// branch are one instruction; after an I32Add2 whose second add it is, the
// three are. Not in code built for fuel, whose branches pay.
bool Builder::try_latch(IOp branch, uint32_t a, uint32_t b, Ctrl& target) {
  const Latch* f = latch_of(branch);
  bool pair = last_.op == IOp::I32Add2;
  if (fuel_ || !f || (last_.op != IOp::I32Add && !pair) || last_.word_end != words_.size()) return false;
  // The add's operand words: [dst, a][b, -], or the pair's [d1, a1][b1, dst][a, b].
  Word w1 = words_[last_.word_begin + 1], w2 = words_[last_.word_begin + 2];
  Word w3 = pair ? words_[last_.word_begin + 3] : Word{};
  uint32_t dst = pair ? w2.u.b : w1.u.a;
  bool unary = f->swapped == IOp::kCount;
  IOp op = pair ? f->latch2 : f->latch;
  uint32_t other = b;
  if (a != dst) {
    if (b != dst || unary) return false;
    op = pair ? f->swapped2 : f->swapped;
    other = a;
  }
  drop_last(last_);
  emit_op(op);
  emit_pair(S(w1.u.a), S(w1.u.b));
  if (pair) {
    emit_pair(S(w2.u.a), S(w2.u.b));
    emit_pair(S(w3.u.a), S(w3.u.b));
    emit_pair(unary ? N(0) : S(other), N(0));
  } else {
    emit_pair(S(w2.u.a), unary ? N(0) : S(other));
  }
  emit_target(target);
  last_.word_end = SIZE_MAX;
  return true;
}

// A binary row whose second operand (either, for integer rows that commute)
// is the value the last instruction loaded, and nobody else reads, takes the
// load in: one instruction (WPVM_LOAD_OP), which traps where the load would.
bool Builder::try_load_op(IOp bin, const Entry& a, const Entry& b) {
  if (!last_.is_load || last_.word_end != words_.size()) return false;
  bool second = b.kind == Kind::kStack && b.pos == last_.pos;
  bool first = !second && a.kind == Kind::kStack && a.pos == last_.pos && commutes(bin);
  IOp fused = load_op(bin, last_.op);
  if ((!first && !second) || fused == IOp::kCount) return false;
  Last load = last_;
  drop_last(load);
  uint32_t at = at_;
  at_ = load.at;  // a trap is the load's
  size_t w = emit_op(load.add_form ? static_cast<IOp>(static_cast<size_t>(fused) + 1) : fused);
  at_ = at;
  emit_pair(S(kStackTag | a.pos), S(enc(second ? a : b)));
  if (load.add_form) {
    emit_pair(S(load.a), S(load.b));
    emit_pair(N(load.offset), N(0));
  } else {
    emit_pair(S(load.a), N(load.offset));
  }
  note_result(w + 1);
  last_.word_begin = w;
  last_.fix_begin = load.fix_begin;
  last_.pos = a.pos;
  last_.op = load.add_form ? static_cast<IOp>(static_cast<size_t>(fused) + 1) : fused;
  last_.a = enc(second ? a : b);
  last_.addr = load.a;
  last_.offset = load.offset;
  last_.at = load.at;
  return true;
}

// A store of the value the last instruction computed, which nobody else
// reads: an arithmetic row is fused with it (Bin_Store); a Bin_Load whose
// address is the store's, a local, becomes one read-modify-write
// (Bin_Load_Store), whose trap is the load's.
bool Builder::try_op_store(IOp store, const Entry& addr, const Entry& v, uint32_t offset) {
  if (v.kind != Kind::kStack || last_.word_end != words_.size() || last_.pos != v.pos) return false;
  Last l = last_;
  if (IOp fused = op_store(l.op, store); fused != IOp::kCount) {
    drop_last(l);
    emit_op(fused);
    emit_pair(S(l.a), S(l.b));
    emit_pair(S(enc(addr)), N(offset));
    return true;
  }
  IOp fused = load_op_store(l.op, store);
  if (fused == IOp::kCount || addr.kind != Kind::kLocal || l.addr != enc(addr) || l.offset != offset) return false;
  drop_last(l);
  uint32_t at = at_;
  at_ = l.at;
  emit_op(fused);
  at_ = at;
  emit_pair(S(l.a), S(l.addr));
  emit_pair(N(offset), N(0));
  return true;
}

void Builder::br(uint32_t depth) {
  materialize_all();
  if (depth == ctrls_.size() - 1) return return_();
  emit_branch(ctrls_[ctrls_.size() - 1 - depth]);
  last_.word_end = SIZE_MAX;
}

void Builder::br_if(uint32_t depth) {
  Entry cond = pop();
  materialize_all();
  Ctrl& t = ctrls_[ctrls_.size() - 1 - depth];
  uint32_t n = width(t.is_loop ? t.params : t.results);
  uint32_t src = top_pos() - n;
  size_t cost = kNone;
  if (n == 0 || src == t.base_pos) {
    if (!try_fused_branch(cond, false, t, cost) && !try_latch(IOp::BrIfI32Nez, enc(cond), enc(cond), t)) {
      bool pays = emit_branch_op(IOp::BrIf);
      emit_pair(S(enc(cond)), N(0));
      cost = emit_target(t, pays);
    }
  } else {
    emit_op(IOp::BrIfCopy);
    emit_pair(S(enc(cond)), N(0));
    emit_target(t);
    emit_pair(S(kStackTag | t.base_pos), S(kStackTag | src));
    emit_pair(N(n), N(0));
  }
  last_.word_end = SIZE_MAX;
  segment_start(cost);  // the fall-through, paid by the branch not taken
}

void Builder::br_table(std::span<const uint32_t> depths, uint32_t default_depth) {
  Entry index = pop();
  materialize_all();
  Ctrl& d = ctrls_[ctrls_.size() - 1 - default_depth];
  uint32_t n = width(d.is_loop ? d.params : d.results);
  bool pays = emit_branch_op(IOp::BrTable);
  emit_pair(S(enc(index)), N(static_cast<uint32_t>(depths.size())));
  emit_pair(S(kStackTag | (top_pos() - n)), N(0));
  auto entry = [&](uint32_t depth) {
    Ctrl& t = ctrls_[ctrls_.size() - 1 - depth];
    emit_target(t, pays);  // and, if it pays, the entry's cost
    emit_pair(S(kStackTag | t.base_pos), N(n));
  };
  for (uint32_t depth : depths) entry(depth);
  entry(default_depth);
  last_.word_end = SIZE_MAX;
}

void Builder::return_() {
  // One result may be returned straight from a local or constant slot, or
  // be written to slot 0 by the instruction that computes it.
  const Entry* top = result_slots_ == 1 ? &stack_.back() : nullptr;
  if (top && top->kind == Kind::kStack && last_.word_end == words_.size() && last_.pos == top->pos) {
    words_[last_.dst_word].u.a = 0;
    emit_op(IOp::Return);
    emit_pair(S(0), N(1));
  } else if (top && top->kind != Kind::kStack) {
    emit_op(IOp::Return);
    emit_pair(S(enc(*top)), N(1));
  } else {
    materialize_all();
    emit_op(IOp::Return);
    emit_pair(S(kStackTag | (top_pos() - result_slots_)), N(result_slots_));
  }
  last_.word_end = SIZE_MAX;
}

void Builder::unreachable() {
  emit_op(IOp::Unreachable);
  last_.word_end = SIZE_MAX;
}

// ---- instructions ----

void Builder::local_set(uint32_t index, bool tee) {
  uint32_t slot = local_slot_[index];
  Entry v = stack_.back();
  bool aliased = false;  // a deferred read of this local below the value
  for (size_t i = 0; i + 1 < stack_.size(); ++i)
    if (stack_[i].kind == Kind::kLocal && stack_[i].ref == slot) aliased = true;
  if (!aliased && v.kind == Kind::kStack && last_.word_end == words_.size() && last_.pos == v.pos &&
      slot_width(v.type) == 1) {
    // Retarget the producing instruction's result to the local.
    words_[last_.dst_word].u.a = slot;
    stack_.pop_back();
    last_.pos = kNoPos;
    // Two i32.adds in a row, this one's result now a local's (induction
    // variables): one instruction. (An add whose result stays on the stack
    // may still be folded into a load, or end a loop latch.)
    if (last_.op == IOp::I32Add && prev_.op == IOp::I32Add && prev_.word_end == last_.word_begin) {
      Last first = prev_, second = last_;
      uint32_t d1 = words_[first.dst_word].u.a;
      drop_last(first);
      size_t w = emit_op(IOp::I32Add2);
      emit_pair(S(d1), S(first.a));
      emit_pair(S(first.b), S(slot));
      emit_pair(S(second.a), S(second.b));
      note_result(w + 1);
      last_.word_begin = w;
      last_.fix_begin = first.fix_begin;
      last_.op = IOp::I32Add2;
      last_.pos = kNoPos;
    }
    if (tee) stack_.push_back(Entry{v.type, Kind::kLocal, slot, v.pos});
    return;
  }
  for (size_t i = 0; i + 1 < stack_.size(); ++i)
    if (stack_[i].kind == Kind::kLocal && stack_[i].ref == slot) materialize(stack_[i]);
  stack_.pop_back();
  if (!(v.kind == Kind::kLocal && v.ref == slot)) {
    emit_op(slot_width(v.type) == 2 ? IOp::Copy2 : IOp::Copy);
    emit_pair(S(slot), S(enc(v)));
  }
  last_.word_end = SIZE_MAX;
  if (tee) stack_.push_back(v);
}

void Builder::emit_call(std::optional<uint32_t> func, std::span<const ValType> params,
                        std::span<const ValType> results, std::optional<Entry> index, const Imm& imm) {
  size_t first = stack_.size() - params.size();
  for (size_t i = first; i < stack_.size(); ++i) materialize(stack_[i]);
  uint32_t base = first < stack_.size() ? stack_[first].pos : top_pos();
  stack_.resize(first);
  if (func) {
    emit_op(IOp::Call);
    emit_pair(N(*func), N(0));
    emit_pair(S(kStackTag | base), N(0));
  } else {
    emit_op(IOp::CallIndirect);
    emit_pair(N(imm.index2), N(0));
    emit_pair(N(imm.index), S(kStackTag | base));
    emit_pair(S(enc(*index)), N(0));
  }
  for (ValType t : results) push_stack(t);
  // A callee frame starts at `base`; host results are written there too.
  max_pos_ = std::max(max_pos_, base + std::max(width(params), width(results)));
  last_.word_end = SIZE_MAX;
}

bool Builder::numeric(Opcode op, const Imm& imm) {
  Row row = row_of(op);
  if (row.kind == RowKind::kNone) return false;
  size_t fix_begin = slot_fields_.size();
  switch (row.kind) {
    case RowKind::kUn: {
      Entry a = pop();
      size_t at = emit_op(row.iop);
      emit_pair(S(kStackTag | a.pos), S(enc(a)));
      note_result(at + 1);
      last_.word_begin = at;
      last_.fix_begin = fix_begin;
      last_.a = enc(a);
      last_.pos = a.pos;
      break;
    }
    case RowKind::kBin: {
      Entry b = pop(), a = pop();
      if (try_load_op(row.iop, a, b)) return true;
      size_t at = emit_op(row.iop);
      emit_pair(S(kStackTag | a.pos), S(enc(a)));
      emit_pair(S(enc(b)), N(0));
      note_result(at + 1);
      last_.word_begin = at;
      last_.fix_begin = fix_begin;
      last_.a = enc(a);
      last_.b = enc(b);
      last_.pos = a.pos;
      break;
    }
    case RowKind::kLoad: {
      Entry a = pop();
      uint32_t offset = static_cast<uint32_t>(imm.mem.offset);
      size_t at;
      bool add_form = a.kind == Kind::kStack && last_.word_end == words_.size() && last_.pos == a.pos &&
                      last_.op == IOp::I32Add;
      bool scaled = false;
      uint32_t x = enc(a), y = 0;
      if (add_form) {
        // The address is an i32.add nobody else reads: fold it into the load,
        // and the i32.shl by a constant just before it that computes one of
        // its operands (an array index): x + (y << shift).
        Last l = last_, s = prev_;
        x = l.a;
        y = l.b;
        uint32_t shifted = kStackTag | s.pos;
        uint32_t shift = 0;
        if (s.op == IOp::I32Shl && s.word_end == l.word_begin && s.pos != kNoPos && (s.b & kConstTag) &&
            !(s.b & kStackTag) && (l.a == shifted || l.b == shifted)) {
          scaled = true;
          shift = static_cast<uint32_t>(code_.consts[s.b & kTagMask]) & 31;
          if (l.a == shifted) x = l.b;
          y = s.a;
          l = s;
        }
        drop_last(l);
        fix_begin = l.fix_begin;
        at = emit_op(static_cast<IOp>(static_cast<size_t>(row.iop) + (scaled ? 2 : 1)));
        emit_pair(S(kStackTag | a.pos), S(x));
        emit_pair(S(y), N(offset));
        if (scaled) emit_pair(N(shift), N(0));
      } else {
        at = emit_op(row.iop);
        emit_pair(S(kStackTag | a.pos), S(x));
        emit_pair(N(offset), N(0));
      }
      note_result(at + 1);
      last_.word_begin = at;
      last_.fix_begin = fix_begin;
      last_.pos = a.pos;
      // The operator that reads it may take it in (try_load_op), unless scaled.
      last_.is_load = !scaled;
      last_.add_form = add_form;
      last_.a = x;
      last_.b = y;
      last_.offset = offset;
      last_.at = at_;
      break;
    }
    case RowKind::kStore: {
      Entry v = pop(), a = pop();
      uint32_t offset = static_cast<uint32_t>(imm.mem.offset);
      if (try_op_store(row.iop, a, v, offset)) {
        last_.word_end = SIZE_MAX;
        return true;
      }
      if (a.kind == Kind::kStack && last_.word_end == words_.size() && last_.pos == a.pos &&
          last_.op == IOp::I32Add) {
        // As for loads; the value was not computed after the add (it is deferred).
        Last l = last_;
        drop_last(l);
        emit_op(static_cast<IOp>(static_cast<size_t>(row.iop) + 1));
        emit_pair(S(l.a), S(l.b));
        emit_pair(S(enc(v)), N(offset));
      } else {
        emit_op(row.iop);
        emit_pair(S(enc(a)), S(enc(v)));
        emit_pair(N(offset), N(0));
      }
      last_.word_end = SIZE_MAX;
      return true;
    }
    case RowKind::kNone: break;
  }
  last_.is_cmp = cmp_fusion(row.iop) != nullptr;
  last_.op = row.iop;
  return true;
}

bool Builder::memory_or_table(Opcode op, const Imm& imm) {
  // Table operands: one word per table index.
  auto table = [&](uint32_t t) { emit_pair(N(t), N(0)); };
  auto three = [&](IOp iop, Opnd extra, std::optional<uint32_t> t1, std::optional<uint32_t> t2) {
    Entry n = pop(), b = pop(), a = pop();
    emit_op(iop);
    emit_pair(S(enc(a)), S(enc(b)));
    emit_pair(S(enc(n)), extra);
    if (t1) table(*t1);
    if (t2) table(*t2);
  };
  switch (op) {
    case Opcode::MemorySize: {
      uint32_t pos = top_pos();
      size_t at = emit_op(IOp::MemorySize);
      emit_pair(S(kStackTag | pos), N(0));
      note_result(at + 1);
      last_.pos = pos;
      return true;
    }
    case Opcode::MemoryGrow: {
      Entry d = pop();
      size_t at = emit_op(IOp::MemoryGrow);
      emit_pair(S(kStackTag | d.pos), S(enc(d)));
      note_result(at + 1);
      last_.pos = d.pos;
      return true;
    }
    case Opcode::MemoryFill: three(IOp::MemoryFill, N(0), std::nullopt, std::nullopt); return true;
    case Opcode::MemoryCopy: three(IOp::MemoryCopy, N(0), std::nullopt, std::nullopt); return true;
    case Opcode::MemoryInit: three(IOp::MemoryInit, N(imm.index), std::nullopt, std::nullopt); return true;
    case Opcode::DataDrop:
      emit_op(IOp::DataDrop);
      emit_pair(N(imm.index), N(0));
      return true;
    case Opcode::TableGet: {
      Entry i = pop();
      size_t at = emit_op(IOp::TableGet);
      emit_pair(S(kStackTag | i.pos), S(enc(i)));
      table(imm.index);
      note_result(at + 1);
      last_.pos = i.pos;
      return true;
    }
    case Opcode::TableSet: {
      Entry v = pop(), i = pop();
      emit_op(IOp::TableSet);
      emit_pair(S(enc(i)), S(enc(v)));
      table(imm.index);
      return true;
    }
    case Opcode::TableSize: {
      uint32_t pos = top_pos();
      size_t at = emit_op(IOp::TableSize);
      emit_pair(S(kStackTag | pos), N(0));
      table(imm.index);
      note_result(at + 1);
      last_.pos = pos;
      return true;
    }
    case Opcode::TableGrow: {
      Entry delta = pop(), init = pop();
      size_t at = emit_op(IOp::TableGrow);
      emit_pair(S(kStackTag | init.pos), S(enc(init)));
      emit_pair(S(enc(delta)), N(0));
      table(imm.index);
      note_result(at + 1);
      last_.pos = init.pos;
      return true;
    }
    case Opcode::TableFill: three(IOp::TableFill, N(0), imm.index, std::nullopt); return true;
    case Opcode::TableCopy:
      three(IOp::TableCopy, N(0), imm.index, imm.index2);
      return true;
    case Opcode::TableInit: three(IOp::TableInit, N(imm.index), imm.index2, std::nullopt); return true;
    case Opcode::ElemDrop:
      emit_op(IOp::ElemDrop);
      emit_pair(N(imm.index), N(0));
      return true;
    default: return false;
  }
}

void Builder::op(Opcode op, const Imm& imm, std::span<const ValType> pops, std::span<const ValType> pushes) {
  switch (op) {
    case Opcode::Nop: return;
    case Opcode::Drop: pop(); return;
    case Opcode::LocalGet: {
      Entry& e = push_stack(pushes[0]);
      e.kind = Kind::kLocal;
      e.ref = local_slot_[imm.index];
      return;
    }
    case Opcode::LocalSet: return local_set(imm.index, false);
    case Opcode::LocalTee: return local_set(imm.index, true);
    case Opcode::I32Const: return push_const(ValType::kI32, static_cast<uint32_t>(imm.bits[0]), 0);
    case Opcode::I64Const: return push_const(ValType::kI64, imm.bits[0], 0);
    case Opcode::F32Const: return push_const(ValType::kF32, static_cast<uint32_t>(imm.bits[0]), 0);
    case Opcode::F64Const: return push_const(ValType::kF64, imm.bits[0], 0);
    case Opcode::RefNull: return push_const(imm.type, 0, 0);
    case Opcode::V128Const: return push_const(ValType::kV128, imm.bits[0], imm.bits[1]);
    case Opcode::GlobalGet: {
      uint32_t pos = top_pos();
      bool wide = slot_width(pushes[0]) == 2;
      size_t at = emit_op(wide ? IOp::GlobalGet2 : IOp::GlobalGet);
      emit_pair(S(kStackTag | pos), N(0));
      emit_pair(N(imm.index), N(0));
      push_stack(pushes[0]);
      if (!wide) {
        note_result(at + 1);
        last_.pos = pos;
      }
      return;
    }
    case Opcode::GlobalSet: {
      Entry v = pop();
      emit_op(slot_width(v.type) == 2 ? IOp::GlobalSet2 : IOp::GlobalSet);
      emit_pair(S(enc(v)), N(0));
      emit_pair(N(imm.index), N(0));
      last_.word_end = SIZE_MAX;
      return;
    }
    case Opcode::RefFunc: {
      uint32_t pos = top_pos();
      size_t at = emit_op(IOp::RefFunc);
      emit_pair(S(kStackTag | pos), N(0));
      emit_pair(N(imm.index), N(0));
      push_stack(pushes[0]);
      note_result(at + 1);
      last_.pos = pos;
      return;
    }
    case Opcode::Select:
    case Opcode::SelectT: {
      Entry c = pop(), b = pop(), a = pop();
      size_t at = emit_op(slot_width(a.type) == 2 ? IOp::Select2 : IOp::Select);
      emit_pair(S(kStackTag | a.pos), S(enc(c)));
      emit_pair(S(enc(a)), S(enc(b)));
      push_stack(pushes[0]);
      if (slot_width(a.type) == 1) {
        note_result(at + 1);
        last_.pos = a.pos;
      }
      return;
    }
    case Opcode::Call:
      emit_call(imm.index, pops, pushes, std::nullopt, imm);
      segment_start();  // fuel_ends_segment
      return;
    case Opcode::CallIndirect: {
      Entry index = pop();
      emit_call(std::nullopt, pops.first(pops.size() - 1), pushes, index, imm);
      segment_start();
      return;
    }
    default: break;
  }
  Last saved = last_;
  if (numeric(op, imm) || memory_or_table(op, imm) || atomic(op, imm) || simd(op, imm, pops, pushes)) {
    for (ValType t : pushes) push_stack(t);
    return;
  }
  last_ = saved;
  if (error_.empty()) error_ = "unsupported opcode " + std::string(opcode_text(op));
  // Keep the operand model in step with the decoder so later hooks stay
  // well-defined; the function is rejected by finish() anyway.
  for (size_t i = 0; i < pops.size(); i++) pop();
  for (ValType t : pushes) push_stack(t);
  emit_op(IOp::Unreachable);
}

Result<void> Builder::finish() {
  if (!error_.empty()) return make_error(ErrorKind::kUsage, kNoOffset, error_);
  if (fuel_ && !fuel_->complete())
    return make_error(ErrorKind::kUsage, kNoOffset, "the fuel plan does not match the code built");
  uint32_t nconsts = static_cast<uint32_t>(code_.consts.size());
  uint32_t stack_base = code_.local_slots + nconsts;
  for (uint32_t f : slot_fields_) {
    Word& w = words_[f / 2];
    uint32_t& v = (f & 1) ? w.u.b : w.u.a;
    if (v & kStackTag) v = stack_base + (v & kTagMask);
    else if (v & kConstTag) v = code_.local_slots + (v & kTagMask);
  }
  code_.frame_slots = stack_base + std::max(max_pos_, result_slots_) + 2;
  code_.words = std::move(words_);
  code_.sites = std::move(sites_);
  for (size_t f : target_fields_) code_.words[f].target = code_.words.data() + code_.words[f].imm;
  return {};
}

Result<void> compile(FuncImpl& f) {
  const Module& m = *f.instance->mod;
  uint32_t defined = f.func_index - m.num_imported_funcs;
  const EngineConfig& config = f.store->engine.config();
  std::atomic<const Code*>& slot = compiled_code(m).interp_slots(detail::interp_variant(config))[defined];
  if (const Code* c = slot.load(std::memory_order_acquire)) {
    f.code = c;
    return {};
  }
  auto code = std::make_unique<Code>();
  std::optional<exec::FuelPlan> plan;
  if (config.consume_fuel) {
    auto p = exec::FuelPlan::of(m, defined);
    if (!p) return p.error();
    plan = std::move(*p);
  }
  Builder b(*code, plan ? &*plan : nullptr, config.epoch_interruption);
  WPVM_TRY(decode_function(m, defined, b));
  WPVM_TRY(b.finish());
  // Publish; a thread that built the same function first wins, and our copy goes.
  const Code* expected = nullptr;
  if (slot.compare_exchange_strong(expected, code.get(), std::memory_order_acq_rel, std::memory_order_acquire)) {
    compiled_code(m).interp_built.fetch_add(1, std::memory_order_relaxed);
    f.code = code.release();
  } else {
    f.code = expected;
  }
  return {};
}

uint32_t functions_built(const Module& m) {
  const detail::CompiledCode* c = detail::CompiledCodeAccess::peek(m);
  return c ? c->interp_built.load(std::memory_order_relaxed) : 0;
}

static_assert(Emitter<Builder>);

}  // namespace wpvm::interp

namespace wpvm::tier {

void free_code(const interp::Code* code) { delete code; }

}  // namespace wpvm::tier

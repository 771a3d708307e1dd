// The interpreter's code builder: an Emitter (emitter.h) that the body decoder
// drives once per function, producing Code (code.h). It keeps a virtual
// operand stack whose entries are either values already in their stack slot,
// or deferred reads of a local or a constant; instructions then name those
// slots directly, so `local.get; local.get; i32.add; local.set` is one
// instruction. Control boundaries materialise deferred entries so that every
// label sees values at fixed, depth-determined slots. It sees no instance:
// functions, tables, globals and types are emitted as module indices, so the
// code serves every instance of the module.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "emitter.h"
#include "exec/fuel.h"
#include "interp/code.h"

namespace wpvm::interp {

class Builder {
 public:
  static constexpr bool kDecodesValidated = true;  // builds code for validated modules only
  // With `fuel`, the code charges each segment of the plan where it starts
  // (exec/fuel.h); with `epoch`, it checks the epoch on entry and at loop
  // headers (EngineConfig::epoch_interruption). Without either it has
  // neither instruction.
  Builder(Code& code, exec::FuelPlan* fuel = nullptr, bool epoch = false);

  void begin_function(const FuncContext& fc);
  void end_function(bool reachable);
  void block(BlockSig sig);
  void loop(BlockSig sig);
  void if_(BlockSig sig);
  void else_(bool reachable);
  void end(bool reachable);
  void br(uint32_t depth);
  void br_if(uint32_t depth);
  void br_table(std::span<const uint32_t> depths, uint32_t default_depth);
  void return_();
  void unreachable();
  void op(Opcode op, const Imm& imm, std::span<const ValType> pops, std::span<const ValType> pushes);
  void at(uint32_t offset) { at_ = offset; }

  // Call after the decoder succeeded: resolves slots and branch targets.
  Result<void> finish();

 private:
  enum class Kind : uint8_t { kStack, kLocal, kConst };
  struct Entry {
    ValType type;
    Kind kind;
    uint32_t ref;  // local slot or constant index
    uint32_t pos;  // home slot in the operand stack area
  };
  // A branch's target word, and its fuel cost word (SIZE_MAX: none).
  struct Fix {
    size_t target;
    size_t cost;
  };
  struct Ctrl {
    bool is_loop = false;
    uint32_t height = 0;    // entries below the block's params
    uint32_t base_pos = 0;  // stack slot of the first param/result
    std::vector<ValType> params, results;
    size_t start = 0;                 // loop: first word
    uint32_t start_cost = 0;          // loop: the fuel charged first at `start` (0: none)
    std::vector<Fix> fixes;           // forward branches to bind at end
    std::optional<Fix> else_fix;      // if: the branch to the else arm
  };
  // Operands are encoded before the frame layout is final: see finish().
  struct Opnd {
    uint32_t v;
    bool slot;
  };
  static constexpr uint32_t kConstTag = 0x40000000u, kStackTag = 0x80000000u, kTagMask = 0x3fffffffu;

  // Emission.
  size_t emit_op(IOp op);
  void emit_pair(Opnd a, Opnd b);
  void emit_imm(uint64_t v);
  // A branch form (interp_ops.def), fuel-paying in code built for fuel
  // unless it has nothing to pay (`pays`: false); returns whether it pays.
  bool emit_branch_op(IOp op, bool pays = true);
  // The branch's target word; for a branch that pays (emit_branch_op's
  // answer), then its cost word, whose index it returns (else SIZE_MAX).
  size_t emit_target(Ctrl& c, bool pays = false);
  void bind(Ctrl& c);
  void land(std::vector<Fix>& fixes);
  static Opnd S(uint32_t enc) { return {enc, true}; }
  static Opnd N(uint32_t n) { return {n, false}; }

  // Virtual stack.
  uint32_t top_pos() const;
  uint32_t enc(const Entry& e) const;
  Entry pop();
  Entry& push_stack(ValType t);
  void push_const(ValType t, uint64_t lo, uint64_t hi);
  void materialize(Entry& e);
  void materialize_all();
  void reset_stack(const Ctrl& c, std::span<const ValType> types);
  static uint32_t width(std::span<const ValType> types);

  // Instruction families.
  void emit_branch(Ctrl& target);
  bool try_fused_branch(const Entry& cond, bool invert, Ctrl& target, size_t& cost);
  bool try_latch(IOp branch, uint32_t a, uint32_t b, Ctrl& target);
  bool try_load_op(IOp bin, const Entry& a, const Entry& b);
  bool try_op_store(IOp store, const Entry& addr, const Entry& v, uint32_t offset);
  void local_set(uint32_t index, bool tee);
  void emit_call(std::optional<uint32_t> func, std::span<const ValType> params,
                 std::span<const ValType> results, std::optional<Entry> index, const Imm& imm);
  bool numeric(Opcode op, const Imm& imm);
  bool memory_or_table(Opcode op, const Imm& imm);
  bool atomic(Opcode op, const Imm& imm);  // builder_atomics.cpp
  bool simd(Opcode op, const Imm& imm, std::span<const ValType> pops,
            std::span<const ValType> pushes);  // simd_builder.cpp
  void note_result(size_t dst_word);
  // A segment of the fuel plan starts here: its charge, unless free, which
  // it returns; a segment entered only by a branch not taken is paid by that
  // branch (`fall_word`, its cost word) instead. And the epoch check of a
  // function entry or loop header.
  uint32_t segment_start(size_t fall_word = SIZE_MAX);
  void epoch_check();

  Code& code_;
  const void* const* handlers_;
  std::vector<Word> words_;
  std::vector<uint32_t> slot_fields_;  // word * 2 + half, for every slot operand
  std::vector<size_t> target_fields_;  // words holding a word index to turn into a pointer
  std::vector<Site> sites_;            // Code::sites
  uint32_t at_ = 0;                    // module offset of the Wasm instruction being built
  std::vector<uint32_t> local_slot_;   // local index -> slot
  std::vector<Entry> stack_;
  std::vector<Ctrl> ctrls_;
  std::map<std::pair<uint64_t, uint64_t>, uint32_t> const_index_;
  uint32_t max_pos_ = 0;
  uint32_t result_slots_ = 0;
  std::string error_;
  exec::FuelPlan* fuel_ = nullptr;
  bool epoch_ = false;

  // Peephole state: the last instruction, if its result may be retargeted to
  // a local (local.set folding) or fused with what follows. word_end is
  // SIZE_MAX once anything may stand between it and the next instruction
  // (a label, an instruction that does not note itself); pos is kNoPos once
  // its result is no longer the stack entry it pushed (retargeted to a local).
  static constexpr uint32_t kNoPos = UINT32_MAX;
  struct Last {
    size_t word_begin = 0, word_end = SIZE_MAX, fix_begin = 0;
    size_t dst_word = 0;        // word whose .u.a is the result slot
    bool is_cmp = false;
    bool is_load = false;       // a load row (op), plain or with a folded add
    bool add_form = false;      // the load's address is the sum a + b
    IOp op = IOp::kCount;
    uint32_t a = 0, b = 0;      // encoded operands (a load's address operands)
    uint32_t addr = 0;          // a fused Bin_Load's address (plain form)
    uint32_t offset = 0;        // a load's offset
    uint32_t at = 0;            // a load's module offset
    uint32_t pos = 0;           // stack pos of the result
  } last_;
  // The instruction before last_, as last_ was when last_ was emitted.
  Last prev_;
  // Takes back the last instruction (a peephole replaces it).
  void drop_last(const Last& l);
};

}  // namespace wpvm::interp

// The one function-body decoder: reads every opcode once, validates it with
// the spec's algorithm (operand and control stacks, polymorphic stack after
// unreachable code), and drives an Emitter (emitter.h) for reachable code.
// Validation alone is decode_function<NullEmitter>; the interpreter's code
// builder and the JIT are other emitters and never re-check types.
//
// Two notions of reachability are kept apart on purpose:
//  * Ctrl::unreachable is the spec's: the frame's stack became polymorphic.
//    Nested blocks still get fresh, fully checked frames.
//  * Ctrl::live says whether the frame was opened in reachable code; the
//    emitter is called only while the top frame is live and not unreachable,
//    so it never sees a block whose end it would not also see.
//
// An emitter that declares `static constexpr bool kDecodesValidated = true`
// (the tiers' code generators) is given only modules the validator passed
// (Module::validated): for it the decoder still tracks the stacks the hooks
// need but skips the checks validation made (operand types, indices,
// alignment, labels), and refuses a module that was not validated.
#pragma once
#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "body_decoder_imm.h"
#include "emitter.h"
#include "opcode.h"
#include "reader.h"
#include "wpvm/module_def.h"

namespace wpvm {

namespace body_detail {

template <class E>
concept DecodesValidated = requires { requires E::kDecodesValidated; };

// The unknown operand type of a polymorphic stack (not a Wasm type).
inline constexpr ValType kBot = static_cast<ValType>(0);

template <class E>
class BodyDecoder {
  // Checks made again only for input that was not validated before.
  static constexpr bool kCheck = !DecodesValidated<E>;

 public:
  BodyDecoder(const Module& m, E& emitter) : m_(m), e_(emitter), r_(m.bytes.data(), 0, 0) {}

  Result<void> decode(uint32_t defined_index);

 private:
  struct Ctrl {
    Opcode kind;  // Block (also the function frame), Loop, If, Else
    BlockSig sig;
    uint32_t height;
    bool unreachable;
    bool live;
  };

  bool emitting() const { return ctrls_.back().live && !ctrls_.back().unreachable; }

  // ---- errors -----------------------------------------------------------
  void invalid(std::string msg) { r_.fail(ErrorKind::kInvalid, op_at_, std::move(msg)); }
  void invalid_index(const char* what, uint32_t index) { invalid(std::string(what) + " " + std::to_string(index)); }
  void mismatch() { invalid("type mismatch"); }

  // ---- operand stack ----------------------------------------------------
  void push(ValType t) { vals_.push_back(t); }
  void push_all(std::span<const ValType> ts) { vals_.insert(vals_.end(), ts.begin(), ts.end()); }
  [[gnu::always_inline]] ValType pop() {
    const Ctrl& c = ctrls_.back();
    if (vals_.size() == c.height) {
      if (!c.unreachable) mismatch();
      return kBot;
    }
    ValType t = vals_.back();
    vals_.pop_back();
    return t;
  }
  [[gnu::always_inline]] ValType pop(ValType expect) {
    ValType t = pop();
    if (kCheck && t != expect && t != kBot && expect != kBot) mismatch();
    return t;
  }
  void pop_all(std::span<const ValType> ts) {
    for (size_t i = ts.size(); i-- > 0;) pop(ts[i]);
  }

  // ---- control stack ----------------------------------------------------
  void push_ctrl(Opcode kind, BlockSig sig, bool live) {
    ctrls_.push_back(Ctrl{kind, sig, static_cast<uint32_t>(vals_.size()), false, live});
    push_all(sig.params);
  }
  Ctrl pop_ctrl() {
    Ctrl c = ctrls_.back();
    if constexpr (kCheck) {
      pop_all(c.sig.results);
      if (vals_.size() != c.height) mismatch();
    } else {
      vals_.resize(c.height);
    }
    ctrls_.pop_back();
    return c;
  }
  void set_unreachable() {
    vals_.resize(ctrls_.back().height);
    ctrls_.back().unreachable = true;
  }
  std::span<const ValType> label_types(const Ctrl& c) const {
    return c.kind == Opcode::Loop ? c.sig.params : c.sig.results;
  }
  const Ctrl* label(uint32_t depth) {
    if (kCheck && depth >= ctrls_.size()) return invalid_index("unknown label", depth), nullptr;
    return &ctrls_[ctrls_.size() - 1 - depth];
  }

  // ---- pieces -----------------------------------------------------------
  bool block_sig(const Imm& imm, BlockSig& sig);
  void control(Opcode op, const Imm& imm, bool emit);
  void branch(Opcode op, const Imm& imm, bool emit);
  [[gnu::always_inline]] inline void variable(Opcode op, Imm& imm, bool emit);
  void reference(Opcode op, Imm& imm, bool emit);
  void call(Opcode op, const Imm& imm, bool emit);
  void parametric(Opcode op, Imm& imm, bool emit);
  bool check_immediates(Opcode op, ImmKind kind, const Imm& imm);
  bool check_memory(uint32_t index) {
    if (!kCheck || index < m_.memories.size()) return true;
    return invalid_index("unknown memory", index), false;
  }
  bool check_table(uint32_t index) {
    if (!kCheck || index < m_.tables.size()) return true;
    return invalid_index("unknown table", index), false;
  }
  // Whether no check failed on this instruction (always, for validated input).
  bool checks_passed() const { return !kCheck || r_.ok(); }
  void emit_op(bool emit, Opcode op, const Imm& imm, std::span<const ValType> pops,
               std::span<const ValType> pushes) {
    if (emit && checks_passed()) {
      e_.at(static_cast<uint32_t>(op_at_));
      e_.op(op, imm, pops, pushes);
    }
  }
  void missing_end();

  const Module& m_;
  E& e_;
  Reader r_;
  size_t op_at_ = 0;  // offset of the current instruction, for errors
  const FuncType* type_ = nullptr;
  std::vector<ValType> locals_;
  std::vector<ValType> vals_;
  std::vector<Ctrl> ctrls_;
  std::vector<uint32_t> targets_;  // br_table depths
  std::vector<ValType> scratch_;   // operand lists built for the emitter
};

template <class E>
bool BodyDecoder<E>::block_sig(const Imm& imm, BlockSig& sig) {
  sig = {};
  if (imm.bits[0] == kBlockValue) {
    sig.results = {&kTypeByByte[static_cast<uint8_t>(imm.type)], 1};
  } else if (imm.bits[0] == kBlockIndex) {
    if (kCheck && imm.index >= m_.types.size()) {
      if (imm.index == UINT32_MAX) return invalid("unknown type"), false;
      return invalid_index("unknown type", imm.index), false;
    }
    sig.params = m_.types[imm.index].params;
    sig.results = m_.types[imm.index].results;
  }
  return true;
}

template <class E>
void BodyDecoder<E>::control(Opcode op, const Imm& imm, bool emit) {
  switch (op) {
    case Opcode::Block:
    case Opcode::Loop:
    case Opcode::If: {
      BlockSig sig;
      if (!block_sig(imm, sig)) return;
      if (op == Opcode::If) pop(ValType::kI32);
      pop_all(sig.params);
      push_ctrl(op, sig, emit);
      if (emit && r_.ok()) {
        if (op == Opcode::Block) e_.block(sig);
        else if (op == Opcode::Loop) e_.loop(sig);
        else e_.if_(sig);
      }
      return;
    }
    case Opcode::Else: {
      if (ctrls_.back().kind != Opcode::If) return r_.fail_malformed(op_at_, "END opcode expected");
      bool fallthrough = !ctrls_.back().unreachable;
      Ctrl c = pop_ctrl();
      if (c.live && r_.ok()) e_.else_(fallthrough);
      push_ctrl(Opcode::Else, c.sig, c.live);
      return;
    }
    case Opcode::End: {
      bool fallthrough = !ctrls_.back().unreachable;
      Ctrl c = pop_ctrl();
      // An if without else passes its parameters through as results.
      if (kCheck && c.kind == Opcode::If && !std::ranges::equal(c.sig.params, c.sig.results)) mismatch();
      push_all(c.sig.results);
      if (!r_.ok()) return;
      if (ctrls_.empty()) {
        e_.end_function(fallthrough);
      } else if (c.live) {
        e_.end(fallthrough);
      }
      return;
    }
    case Opcode::Unreachable:
      if (emit) {
        e_.at(static_cast<uint32_t>(op_at_));
        e_.unreachable();
      }
      set_unreachable();
      return;
    case Opcode::Nop: return;
    case Opcode::Return:
      pop_all(type_->results);
      if (emit && r_.ok()) e_.return_();
      set_unreachable();
      return;
    default: branch(op, imm, emit);
  }
}

template <class E>
void BodyDecoder<E>::branch(Opcode op, const Imm& imm, bool emit) {
  if (op == Opcode::Br) {
    const Ctrl* c = label(imm.index);
    if (!c) return;
    pop_all(label_types(*c));
    if (emit && r_.ok()) e_.br(imm.index);
    set_unreachable();
  } else if (op == Opcode::BrIf) {
    pop(ValType::kI32);
    const Ctrl* c = label(imm.index);
    if (!c) return;
    std::span<const ValType> types = label_types(*c);
    pop_all(types);
    push_all(types);
    if (emit && r_.ok()) e_.br_if(imm.index);
  } else {  // BrTable
    pop(ValType::kI32);
    const Ctrl* def = label(imm.index);
    if (!def) return;
    size_t arity = label_types(*def).size();
    if constexpr (kCheck) {
      for (uint32_t depth : targets_) {
        const Ctrl* c = label(depth);
        if (!c) return;
        std::span<const ValType> types = label_types(*c);
        if (types.size() != arity) return mismatch();
        // Check without consuming: pop, then restore the actual operand types.
        scratch_.resize(arity);
        for (size_t i = arity; i-- > 0;) scratch_[i] = pop(types[i]);
        push_all(scratch_);
      }
    }
    pop_all(label_types(*def));
    if (emit && r_.ok()) e_.br_table(targets_, imm.index);
    set_unreachable();
  }
}

template <class E>
void BodyDecoder<E>::variable(Opcode op, Imm& imm, bool emit) {
  ValType t;
  bool is_local = op == Opcode::LocalGet || op == Opcode::LocalSet || op == Opcode::LocalTee;
  if (is_local) {
    if (kCheck && imm.index >= locals_.size()) return invalid_index("unknown local", imm.index);
    t = locals_[imm.index];
  } else {
    if (kCheck && imm.index >= m_.global_types.size()) return invalid_index("unknown global", imm.index);
    const GlobalType& g = m_.global_types[imm.index];
    if (kCheck && op == Opcode::GlobalSet && !g.mut) return invalid("global is immutable");
    t = g.type;
  }
  imm.type = t;
  std::span<const ValType> one{&kTypeByByte[static_cast<uint8_t>(t)], 1};
  if (op == Opcode::LocalGet || op == Opcode::GlobalGet) {
    push(t);
    emit_op(emit, op, imm, {}, one);
  } else if (op == Opcode::LocalTee) {
    pop(t);
    push(t);
    emit_op(emit, op, imm, one, one);
  } else {
    pop(t);
    emit_op(emit, op, imm, one, {});
  }
}

template <class E>
void BodyDecoder<E>::reference(Opcode op, Imm& imm, bool emit) {
  static constexpr ValType kI32[] = {ValType::kI32};
  switch (op) {
    case Opcode::RefNull: {
      push(imm.type);
      emit_op(emit, op, imm, {}, {&kTypeByByte[static_cast<uint8_t>(imm.type)], 1});
      return;
    }
    case Opcode::RefIsNull: {
      ValType t = pop();
      if (kCheck && t != kBot && !is_ref(t)) return mismatch();
      push(ValType::kI32);
      emit_op(emit, op, imm, {&kTypeByByte[static_cast<uint8_t>(t)], 1}, kI32);
      return;
    }
    case Opcode::RefFunc: {
      if constexpr (kCheck) {
        if (imm.index >= m_.func_types.size()) return invalid_index("unknown function", imm.index);
        if (!std::ranges::binary_search(m_.declared_funcs, imm.index)) return invalid("undeclared function reference");
      }
      static constexpr ValType kFuncRef[] = {ValType::kFuncRef};
      push(ValType::kFuncRef);
      emit_op(emit, op, imm, {}, kFuncRef);
      return;
    }
    default: break;
  }
  // table.get / table.set / table.grow / table.fill
  if (!check_table(imm.index)) return;
  ValType elem = m_.tables[imm.index].elem;
  imm.type = elem;
  scratch_.clear();
  std::span<const ValType> pushes;
  if (op == Opcode::TableGet) {
    scratch_ = {ValType::kI32};
    pushes = {&kTypeByByte[static_cast<uint8_t>(elem)], 1};
  } else if (op == Opcode::TableSet) {
    scratch_ = {ValType::kI32, elem};
  } else if (op == Opcode::TableGrow) {
    scratch_ = {elem, ValType::kI32};
    pushes = kI32;
  } else {  // TableFill
    scratch_ = {ValType::kI32, elem, ValType::kI32};
  }
  pop_all(scratch_);
  push_all(pushes);
  emit_op(emit, op, imm, scratch_, pushes);
}

template <class E>
void BodyDecoder<E>::call(Opcode op, const Imm& imm, bool emit) {
  const FuncType* ft;
  if (op == Opcode::Call) {
    if (kCheck && imm.index >= m_.func_types.size()) return invalid_index("unknown function", imm.index);
    ft = &m_.func_type(imm.index);
    pop_all(ft->params);
    push_all(ft->results);
    emit_op(emit, op, imm, ft->params, ft->results);
    return;
  }
  if constexpr (kCheck) {
    if (!check_table(imm.index2)) return;
    if (m_.tables[imm.index2].elem != ValType::kFuncRef) return mismatch();
    if (imm.index >= m_.types.size()) return invalid_index("unknown type", imm.index);
  }
  ft = &m_.types[imm.index];
  pop(ValType::kI32);
  pop_all(ft->params);
  push_all(ft->results);
  if (emit && r_.ok()) {
    scratch_.assign(ft->params.begin(), ft->params.end());
    scratch_.push_back(ValType::kI32);
    e_.at(static_cast<uint32_t>(op_at_));
    e_.op(op, imm, scratch_, ft->results);
  }
}

template <class E>
void BodyDecoder<E>::parametric(Opcode op, Imm& imm, bool emit) {
  if (op == Opcode::Drop) {
    ValType t = pop();
    imm.type = t;
    emit_op(emit, op, imm, {&kTypeByByte[static_cast<uint8_t>(t)], 1}, {});
    return;
  }
  if (kCheck && op == Opcode::SelectT && imm.index != 1) return invalid("invalid result arity");
  ValType t;
  pop(ValType::kI32);
  if (op == Opcode::SelectT) {
    t = imm.type;
    pop(t);
    pop(t);
  } else {
    ValType t1 = pop();
    ValType t2 = pop();
    // Untyped select only takes numeric or vector operands of one type.
    if (kCheck && (is_ref(t1) || is_ref(t2))) return mismatch();
    if (kCheck && t1 != t2 && t1 != kBot && t2 != kBot) return mismatch();
    t = t1 == kBot ? t2 : t1;
  }
  push(t);
  imm.type = t;
  if (emit && r_.ok()) {
    scratch_ = {t, t, ValType::kI32};
    e_.op(op, imm, scratch_, {&kTypeByByte[static_cast<uint8_t>(t)], 1});
  }
}

// Index, alignment and lane checks of table-typed instructions.
template <class E>
bool BodyDecoder<E>::check_immediates(Opcode op, ImmKind kind, const Imm& imm) {
  if constexpr (!kCheck) return true;
  const MemFacts& f = kMemFacts[static_cast<size_t>(op)];
  switch (kind) {
    case ImmKind::kMemArg:
    case ImmKind::kMemArgLane:
      if (!check_memory(imm.mem.memory)) return false;
      if (f.atomic && imm.mem.align_log2 != f.natural_align) return invalid("atomic alignment must be natural"), false;
      if (imm.mem.align_log2 > f.natural_align) return invalid("alignment must not be larger than natural"), false;
      if (kind == ImmKind::kMemArgLane && imm.lane >= f.lanes) return invalid("invalid lane index"), false;
      return true;
    case ImmKind::kLane:
      if (imm.lane >= f.lanes) return invalid("invalid lane index"), false;
      return true;
    case ImmKind::kShuffle:
      for (int i = 0; i < 16; ++i) {
        if (((imm.bits[i / 8] >> (8 * (i % 8))) & 0xff) >= 32) return invalid("invalid lane index"), false;
      }
      return true;
    case ImmKind::kMemory:
    case ImmKind::kMemoryCopy: return check_memory(0);
    case ImmKind::kMemoryInit:
    case ImmKind::kDataIndex: {
      if (kind == ImmKind::kMemoryInit && !check_memory(0)) return false;
      // Data indices in code need the data count section, unless the module
      // has no data segments to refer to at all.
      if (!m_.data_count && !m_.datas.empty()) return r_.fail_malformed(op_at_, "data count section required"), false;
      size_t num_datas = m_.data_count ? *m_.data_count : 0;
      if (imm.index >= num_datas) return invalid_index("unknown data segment", imm.index), false;
      return true;
    }
    case ImmKind::kElemIndex:
    case ImmKind::kTableInit:
      if (kind == ImmKind::kTableInit && !check_table(imm.index2)) return false;
      if (imm.index >= m_.elems.size()) return invalid_index("unknown elem segment", imm.index), false;
      if (kind == ImmKind::kTableInit && m_.elems[imm.index].type != m_.tables[imm.index2].elem) {
        return mismatch(), false;
      }
      return true;
    case ImmKind::kTableCopy:
      if (!check_table(imm.index) || !check_table(imm.index2)) return false;
      if (m_.tables[imm.index].elem != m_.tables[imm.index2].elem) return mismatch(), false;
      return true;
    case ImmKind::kTable: return check_table(imm.index);
    default: return true;
  }
}

template <class E>
void BodyDecoder<E>::missing_end() {
  fail_missing_end(r_, m_);
}

template <class E>
Result<void> BodyDecoder<E>::decode(uint32_t defined_index) {
  if (!kCheck && !m_.validated)
    return make_error(ErrorKind::kInvalid, kNoOffset, "a code generator was given a module that was not validated");
  const FunctionBody& body = m_.bodies[defined_index];
  uint32_t func_index = m_.num_imported_funcs + defined_index;
  type_ = &m_.types[body.type_index];
  locals_.assign(type_->params.begin(), type_->params.end());
  for (const LocalRun& run : m_.locals(body)) locals_.insert(locals_.end(), run.count, run.type);
  r_ = Reader(m_.bytes.data(), body.code_offset, body.code_end);
  vals_.clear();
  ctrls_.clear();
  e_.begin_function(FuncContext{&m_, func_index, type_, locals_});
  push_ctrl(Opcode::Block, BlockSig{{}, type_->results}, true);

  while (!ctrls_.empty()) {
    if (r_.at_end()) {
      if (r_.ok()) missing_end();
      break;
    }
    op_at_ = r_.offset();
    Opcode op = read_opcode(r_);
    if (!r_.ok()) break;
    const OpcodeInfo& info = opcode_info(op);
    Imm imm;
    if (info.imm != ImmKind::kNone) {
      read_immediates(r_, info.imm, imm, targets_);
      if (!r_.ok()) break;
    }
    bool emit = emitting();
    const OpSig& sig = kOpSigs[static_cast<size_t>(op)];
    if (sig.typed) {
      // The generic path: every table-typed opcode.
      if (!check_immediates(op, info.imm, imm)) break;
      if constexpr (kCheck) {
        for (size_t i = sig.num_pops; i-- > 0;) pop(sig.pops[i]);
        for (size_t i = 0; i < sig.num_pushes; ++i) push(sig.pushes[i]);
      } else {
        // Validated: the pops are there, but for those a polymorphic stack
        // makes up; a table-typed opcode pushes at most one value.
        static_assert(std::size(OpSig{}.pushes) == 1);
        size_t n = vals_.size(), floor = ctrls_.back().height;
        vals_.resize(n - floor >= sig.num_pops ? n - sig.num_pops : floor);
        if (sig.num_pushes) vals_.push_back(sig.pushes[0]);
      }
      emit_op(emit, op, imm, {sig.pops, sig.num_pops}, {sig.pushes, sig.num_pushes});
    } else {
      switch (op) {
        case Opcode::LocalGet: case Opcode::LocalSet: case Opcode::LocalTee:
        case Opcode::GlobalGet: case Opcode::GlobalSet: variable(op, imm, emit); break;
        case Opcode::Call: case Opcode::CallIndirect: call(op, imm, emit); break;
        case Opcode::Drop: case Opcode::Select: case Opcode::SelectT: parametric(op, imm, emit); break;
        case Opcode::RefNull: case Opcode::RefIsNull: case Opcode::RefFunc:
        case Opcode::TableGet: case Opcode::TableSet: case Opcode::TableGrow:
        case Opcode::TableFill: reference(op, imm, emit); break;
        default: control(op, imm, emit); break;
      }
    }
    if (!checks_passed()) break;
  }
  if (r_.ok() && !r_.at_end()) r_.fail_malformed(r_.offset(), "section size mismatch");
  if (!r_.ok()) return r_.take_error();
  return {};
}

}  // namespace body_detail

// Decodes and validates the body of defined function `defined_func_index`
// (0 = first function of the code section), calling `emitter` for reachable
// code. The module's module-level structure must already be validated (type
// indices of functions in range). Malformed bodies give kMalformed, type and
// index errors kInvalid, with the offset of the offending instruction.
// The FuncContext given to begin_function (its locals span included) and the
// spans given to the other hooks are valid only during that call or, for the
// FuncContext, until end_function; emitters copy what they keep.
template <Emitter E>
Result<void> decode_function(const Module& module, uint32_t defined_func_index, E& emitter) {
  body_detail::BodyDecoder<E> decoder(module, emitter);
  return decoder.decode(defined_func_index);
}

// decode_function for many functions of one module into the same emitter:
// the decoder's stacks keep their storage from one function to the next.
template <Emitter E>
class FunctionDecoder {
 public:
  FunctionDecoder(const Module& module, E& emitter) : decoder_(module, emitter) {}
  Result<void> decode(uint32_t defined_func_index) { return decoder_.decode(defined_func_index); }

 private:
  body_detail::BodyDecoder<E> decoder_;
};

}  // namespace wpvm

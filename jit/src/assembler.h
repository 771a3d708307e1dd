// The assembler the compiler emits through: asmjit's x86 Assembler, with the
// instruction forms the baseline compiler emits most encoded directly.
// asmjit's encoder is table-driven and general (every instruction, every
// operand combination, options and validation): about 220 instructions of
// work per instruction the compiler emits. The forms here (mov, the integer
// ALU, lea, shifts by a constant, push/pop, scalar SSE and its conversions
// and compares; between registers,
// 32-bit immediates and [base + index*scale + disp32] memory) cost a
// fraction of that, mov/push/pop least, called by their operand types. Their
// bytes are exactly asmjit's (test_assembler.cpp checks every form against
// it); anything else, and everything while a logger or an instruction option
// is set, goes to asmjit.
#pragma once
#include <asmjit/x86.h>

#include <vector>

namespace wpvm::jit {

class FastAssembler final : public asmjit::x86::Assembler {
 public:
  explicit FastAssembler(asmjit::CodeHolder* code) : asmjit::x86::Assembler(code) {}

  asmjit::Error _emit(asmjit::InstId id, const asmjit::Operand_& o0, const asmjit::Operand_& o1,
                      const asmjit::Operand_& o2, const asmjit::Operand_* ext) override;

  // Encodes one instruction of the fast forms at the current offset; false
  // (nothing written) for any other. The caller checks there is room and no
  // option is pending (_emit does).
  bool emit_fast(asmjit::InstId id, const asmjit::Operand_& o0, const asmjit::Operand_& o1,
                 const asmjit::Operand_& o2);

  // The most frequent instructions by their operand types, without building
  // a generic instruction first (asmjit's own overloads stay for the rest).
  using asmjit::x86::Assembler::mov;
  using asmjit::x86::Assembler::pop;
  using asmjit::x86::Assembler::push;
  asmjit::Error mov(const asmjit::x86::Gp& dst, const asmjit::x86::Gp& src);
  asmjit::Error mov(const asmjit::x86::Gp& dst, const asmjit::x86::Mem& src);
  asmjit::Error mov(const asmjit::x86::Mem& dst, const asmjit::x86::Gp& src);
  asmjit::Error push(const asmjit::x86::Gp& r);
  asmjit::Error pop(const asmjit::x86::Gp& r);

  // A forward jump over a few instructions, without an asmjit label: a jcc
  // (or a jmp) rel8 filled in by bind_forward where it lands,
  // which fails (nothing patched) if that is more than 127 bytes on. While
  // the fast forms are off (a logger, an option) it is a label jump.
  struct Forward {
    size_t rel8_at = 0;
    asmjit::Label label;
  };
  // Jump labels: labels that only jumps (jmp, jcc), calls and jump-table
  // entries (embedLabelDelta, against an asmjit label) refer to, bound and
  // patched here without asmjit's label bookkeeping. They are no asmjit
  // labels: never a memory operand, never asked for labelOffset. With a
  // logger (listings) new_jump_label gives an ordinary asmjit label.
  asmjit::Label new_jump_label();
  asmjit::Error bind(const asmjit::Label& label) override;
  // asmjit's own writers, after the section's size is brought up to date.
  asmjit::Error embed(const void* data, size_t size) override;
  asmjit::Error align(asmjit::AlignMode mode, uint32_t alignment) override;
  asmjit::Error embedLabelDelta(const asmjit::Label& label, const asmjit::Label& base, size_t size) override;
  // Whether every jump label something refers to is bound.
  bool jump_labels_bound() const;

  Forward jump_forward(asmjit::x86::CondCode cc) { return forward(cc, false); }
  Forward jmp_forward() { return forward(asmjit::x86::CondCode::kO, true); }
  [[nodiscard]] bool bind_forward(const Forward& f);

 private:
  Forward forward(asmjit::x86::CondCode cc, bool always);

  static constexpr uint32_t kJumpLabelBase = 0x40000000;  // above any asmjit label id
  static bool is_jump_label(const asmjit::Operand_& o) { return o.isLabel() && o.id() >= kJumpLabelBase; }
  struct JumpLabel {
    int64_t offset = -1;           // bound here, or -1
    uint32_t fixups = UINT32_MAX;  // first of its pending fixups
  };
  // A 32-bit field at `at` that gets (label - base) when the label is bound.
  struct Fixup {
    uint32_t at, base, next;
  };
  std::vector<JumpLabel> jump_labels_;
  std::vector<Fixup> fixups_;
  // The bytes written here count in the section's size, which asmjit reads
  // when it grows the buffer (asmjit's own writers update it as they go).
  void sync_size() {
    size_t n = offset();
    if (_section->_buffer._size < n) _section->_buffer._size = n;
  }
  bool ensure_space();
  asmjit::Error emit_jump(asmjit::InstId id, uint32_t label);
  void rel32_to(uint32_t label, size_t at, size_t base);
  void write_delta(size_t at, int64_t target, size_t base);  // the int32 target - base at `at`
  // No option, logger or extra register pending, and room for an instruction.
  bool fast_ok() const {
    return _instOptions == asmjit::InstOptions::kNone && _forcedInstOptions == asmjit::InstOptions::kNone &&
           !_logger && !_extraReg.isReg() && remainingSpace() >= 16;
  }
};

}  // namespace wpvm::jit

// Expansions of opcodes.def: the metadata table and the decoder's
// (prefix, code) -> Opcode lookup tables, all built at compile time.
#include "opcode.h"

#include <array>

namespace wpvm {

const OpcodeInfo kOpcodeInfo[static_cast<size_t>(Opcode::kCount)] = {
#define WPVM_OP(name, prefix, code, text, imm, sig, feature) \
  {prefix, code, text, ImmKind::imm, sig, Feature::k##feature},
#include "opcodes.def"
#undef WPVM_OP
};

namespace {

template <size_t N>
constexpr std::array<Opcode, N> make_lookup(uint32_t want_prefix) {
  std::array<Opcode, N> table{};
  table.fill(Opcode::kCount);
#define WPVM_OP(name, prefix, code, text, imm, sig, feature) \
  if ((prefix) == want_prefix && (code) < N) table[code] = Opcode::name;
#include "opcodes.def"
#undef WPVM_OP
  return table;
}

}  // namespace

// Constant-initialised (the initialisers are constant expressions), so there
// is no static-initialisation-order hazard for users in other files.
const std::array<Opcode, 256> kOpcodesSingle = make_lookup<256>(0x00);
const std::array<Opcode, kMaxCodeFc> kOpcodesFc = make_lookup<kMaxCodeFc>(0xfc);
const std::array<Opcode, kMaxCodeFd> kOpcodesFd = make_lookup<kMaxCodeFd>(0xfd);
const std::array<Opcode, kMaxCodeFe> kOpcodesFe = make_lookup<kMaxCodeFe>(0xfe);

Opcode opcode_from_text(std::string_view text) {
  for (size_t i = 0; i < static_cast<size_t>(Opcode::kCount); ++i) {
    if (kOpcodeInfo[i].text == text) return static_cast<Opcode>(i);
  }
  return Opcode::kCount;
}

}  // namespace wpvm

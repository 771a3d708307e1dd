// Build-time generator: writes a text module that uses every opcode of
// opcodes.def once, in table order, so that wat2wasm (an independent
// assembler) can check every text and encoding in the table. test_opcodes
// decodes the result and expects the table's order back.
#include <cstdio>
#include <string>

#include "opcode.h"

using namespace wpvm;

namespace {

// Operands that make each immediate kind parse (the module is not validated).
const char* operands(ImmKind k) {
  switch (k) {
    case ImmKind::kLabel: case ImmKind::kFunc: case ImmKind::kLocal: case ImmKind::kGlobal:
    case ImmKind::kTable: case ImmKind::kI32: case ImmKind::kI64: case ImmKind::kF32: case ImmKind::kF64:
    case ImmKind::kMemoryInit: case ImmKind::kDataIndex: case ImmKind::kElemIndex: case ImmKind::kLane:
    case ImmKind::kMemArgLane: case ImmKind::kBrTable: return " 0";
    case ImmKind::kTableInit: case ImmKind::kTableCopy: return " 0 0";
    case ImmKind::kCallIndirect: return " (type 0)";
    case ImmKind::kV128: return " i32x4 0 0 0 0";
    case ImmKind::kShuffle: return " 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15";
    case ImmKind::kRefType: return " func";
    case ImmKind::kSelectT: return " (result i32)";
    default: return "";
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  FILE* out = std::fopen(argv[1], "w");
  if (!out) return 1;
  std::fputs("(module (type (func)) (memory 1 1 shared) (table 1 funcref) (elem func 0) (data \"\")\n"
             "  (global (mut i32) (i32.const 0))\n  (func\n", out);
  for (size_t i = 0; i < static_cast<size_t>(Opcode::kCount); ++i) {
    const OpcodeInfo& info = kOpcodeInfo[i];
    std::string text(info.text);
    if (text == "select_t") text = "select";  // the typed select's text form
    if (info.imm == ImmKind::kBlockType) text += " (result i32)";
    std::fprintf(out, "    %s%s\n", text.c_str(), operands(info.imm));
    // wat2wasm leaves out an empty else arm; keep this one.
    if (text == "else") std::fputs("    nop\n", out);
  }
  // Close the block and the loop opened by the rows above (the if is closed
  // by the table's own `end` row).
  std::fputs("    end end\n  ))\n", out);
  return std::fclose(out) == 0 ? 0 : 1;
}

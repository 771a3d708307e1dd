// Opcode enumeration and metadata, all expanded from opcodes.def.
//
// opcodes.def rows: WPVM_OP(Name, prefix, code, "text", ImmKind, "sig", Feature)
//   Name    CamelCase of the text: i32.add -> I32Add, i32.trunc_sat_f32_s ->
//           I32TruncSatF32S, i64.atomic.rmw8.add_u -> I64AtomicRmw8AddU,
//           v128.load8x8_s -> V128Load8x8S, memory.atomic.wait32 ->
//           MemoryAtomicWait32, br_table -> BrTable, call_indirect -> CallIndirect.
//   prefix  0x00 for single-byte opcodes, else 0xfc / 0xfd / 0xfe.
//   code    the opcode byte, or the LEB-encoded u32 after the prefix.
//   ImmKind one of the enum ImmKind below.
//   sig     "pops>pushes" with i=i32 I=i64 f=f32 F=f64 v=v128 r=funcref e=externref,
//           e.g. "ii>i", "I>f", ">i", "i>"; "*" for ops typed by hand in the
//           body decoder (control, locals, globals, calls, select, drop, refs,
//           tables, ...).
//   Feature Mvp, SignExt, SatTrunc, MultiValue, BulkMemory, RefTypes, Simd, Threads.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>

namespace wpvm {

enum class ImmKind : uint8_t {
  kNone,
  kBlockType,    // block, loop, if
  kLabel,        // br, br_if
  kBrTable,
  kFunc,         // call, ref.func
  kCallIndirect, // type index, table index
  kLocal,
  kGlobal,
  kTable,        // table.get/set/size/grow/fill
  kMemArg,       // loads, stores, atomics
  kMemory,       // memory.size / memory.grow (reserved byte / memory index)
  kI32,
  kI64,
  kF32,
  kF64,
  kV128,
  kSelectT,      // typed select: vec(valtype)
  kRefType,      // ref.null
  kMemoryInit,   // data index, memory index
  kDataIndex,    // data.drop
  kMemoryCopy,   // two memory indices
  kTableInit,    // elem index, table index
  kElemIndex,    // elem.drop
  kTableCopy,    // two table indices
  kLane,         // SIMD extract/replace lane
  kMemArgLane,   // SIMD load/store lane
  kShuffle,      // i8x16.shuffle: 16 lane bytes
  kAtomicFence,  // one reserved zero byte
};

enum class Feature : uint8_t { kMvp, kSignExt, kSatTrunc, kMultiValue, kBulkMemory, kRefTypes, kSimd, kThreads };

enum class Opcode : uint16_t {
#define WPVM_OP(name, prefix, code, text, imm, sig, feature) name,
#include "opcodes.def"
#undef WPVM_OP
  kCount
};

struct OpcodeInfo {
  uint8_t prefix;
  uint32_t code;
  std::string_view text;
  ImmKind imm;
  std::string_view sig;
  Feature feature;
};

// Metadata for every opcode, indexed by Opcode.
extern const OpcodeInfo kOpcodeInfo[static_cast<size_t>(Opcode::kCount)];
inline const OpcodeInfo& opcode_info(Opcode op) { return kOpcodeInfo[static_cast<size_t>(op)]; }
inline std::string_view opcode_text(Opcode op) { return opcode_info(op).text; }

// Decoder lookup, (prefix, code) -> Opcode; Opcode::kCount where no opcode
// exists. Prefixed codes beyond a table's size are never valid opcodes.
inline constexpr uint32_t kMaxCodeFc = 32, kMaxCodeFd = 256, kMaxCodeFe = 128;
extern const std::array<Opcode, 256> kOpcodesSingle;
extern const std::array<Opcode, kMaxCodeFc> kOpcodesFc;
extern const std::array<Opcode, kMaxCodeFd> kOpcodesFd;
extern const std::array<Opcode, kMaxCodeFe> kOpcodesFe;
inline Opcode lookup_opcode(uint8_t prefix, uint32_t code) {
  switch (prefix) {
    case 0x00: return code < 256 ? kOpcodesSingle[code] : Opcode::kCount;
    case 0xfc: return code < kMaxCodeFc ? kOpcodesFc[code] : Opcode::kCount;
    case 0xfd: return code < kMaxCodeFd ? kOpcodesFd[code] : Opcode::kCount;
    case 0xfe: return code < kMaxCodeFe ? kOpcodesFe[code] : Opcode::kCount;
    default: return Opcode::kCount;
  }
}
inline bool is_prefix_byte(uint8_t b) { return b == 0xfc || b == 0xfd || b == 0xfe; }

// The opcode with this text, or Opcode::kCount (for tools and tests).
Opcode opcode_from_text(std::string_view text);

}  // namespace wpvm

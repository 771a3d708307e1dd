// Per-opcode facts derived from opcodes.def at compile time (operand types of
// table-typed opcodes, natural alignment, lane counts) and the reading of
// immediates. Shared by the body decoder and the module decoder's constant
// expressions, so no second instruction reader exists.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "emitter.h"
#include "opcode.h"
#include "reader.h"
#include "wpvm/module_def.h"

namespace wpvm::body_detail {

inline constexpr size_t kNumOpcodes = static_cast<size_t>(Opcode::kCount);

// A function declaring more locals is rejected as "too many locals" (by the
// module decoder), which keeps frames and the expanded locals array bounded.
inline constexpr uint64_t kMaxLocals = 50000;


// Operand types of an opcode whose sig is not "*".
struct OpSig {
  bool typed = false;  // false for "*" (typed by hand in the body decoder)
  uint8_t num_pops = 0;
  uint8_t num_pushes = 0;
  ValType pops[3] = {};
  ValType pushes[1] = {};
};

// Not constexpr on purpose: reaching it while building the tables below is a
// compile-time error, which is how a malformed row in opcodes.def shows up.
inline void bad_opcode_table_row() {}

constexpr ValType sig_char_type(char c) {
  switch (c) {
    case 'i': return ValType::kI32;
    case 'I': return ValType::kI64;
    case 'f': return ValType::kF32;
    case 'F': return ValType::kF64;
    case 'v': return ValType::kV128;
    case 'r': return ValType::kFuncRef;
    case 'e': return ValType::kExternRef;
    default: bad_opcode_table_row(); return ValType::kI32;
  }
}

constexpr OpSig parse_sig(std::string_view s) {
  OpSig sig;
  if (s == "*") return sig;
  sig.typed = true;
  size_t arrow = s.find('>');
  if (arrow == std::string_view::npos || arrow > 3 || s.size() - arrow - 1 > 1) bad_opcode_table_row();
  for (size_t i = 0; i < arrow; ++i) sig.pops[sig.num_pops++] = sig_char_type(s[i]);
  for (size_t i = arrow + 1; i < s.size(); ++i) sig.pushes[sig.num_pushes++] = sig_char_type(s[i]);
  return sig;
}

inline constexpr std::array<OpSig, kNumOpcodes> kOpSigs = [] {
  std::array<OpSig, kNumOpcodes> a{};
  size_t i = 0;
#define WPVM_OP(name, prefix, code, text, imm, sig, feature) a[i++] = parse_sig(sig);
#include "opcodes.def"
#undef WPVM_OP
  return a;
}();

constexpr unsigned log2_bytes(unsigned bits) { return bits == 8 ? 0 : bits == 16 ? 1 : bits == 32 ? 2 : bits == 64 ? 3 : 4; }

// Natural alignment (log2 of the access size in bytes) of a memory access,
// from its text: the width after load/store/rmw/wait if there is one, else
// the value type's width; the SIMD extending loads access 64 bits.
constexpr uint8_t natural_align_log2(std::string_view t) {
  if (t == "v128.load" || t == "v128.store") return 4;
  if (t == "memory.atomic.notify") return 2;
  for (std::string_view word : {"load", "store", "rmw", "wait"}) {
    size_t at = t.find(word);
    if (at == std::string_view::npos) continue;
    size_t p = at + word.size();
    unsigned bits = 0;
    while (p < t.size() && t[p] >= '0' && t[p] <= '9') bits = bits * 10 + unsigned(t[p++] - '0');
    if (p < t.size() && t[p] == 'x') return 3;  // v128.load8x8_s and friends
    if (bits) return static_cast<uint8_t>(log2_bytes(bits));
    break;
  }
  return t.substr(1, 2) == "64" ? 3 : 2;  // i32/f32 -> 4 bytes, i64/f64 -> 8
}

// Lanes addressed by a lane immediate: from the shape prefix (i8x16 ...) of
// extract/replace_lane, from the access width of load/store_lane.
constexpr uint8_t lane_count(std::string_view t, ImmKind imm) {
  if (imm == ImmKind::kMemArgLane) return static_cast<uint8_t>(16 >> natural_align_log2(t));
  if (t.starts_with("i8x16")) return 16;
  if (t.starts_with("i16x8")) return 8;
  if (t.starts_with("i32x4") || t.starts_with("f32x4")) return 4;
  return 2;
}

struct MemFacts {
  uint8_t natural_align = 0;
  uint8_t lanes = 0;
  bool atomic = false;
};

inline constexpr std::array<MemFacts, kNumOpcodes> kMemFacts = [] {
  std::array<MemFacts, kNumOpcodes> a{};
  size_t i = 0;
#define WPVM_OP(name, prefix, code, text, imm, sig, feature)                                  \
  a[i].natural_align = natural_align_log2(text);                                             \
  a[i].lanes = lane_count(text, ImmKind::imm);                                               \
  a[i].atomic = Feature::k##feature == Feature::kThreads && ImmKind::imm == ImmKind::kMemArg; \
  ++i;
#include "opcodes.def"
#undef WPVM_OP
  return a;
}();

// One-element spans of every value type, for single-result block types.
inline constexpr std::array<ValType, 256> kTypeByByte = [] {
  std::array<ValType, 256> a{};
  for (size_t i = 0; i < 256; ++i) a[i] = static_cast<ValType>(i);
  return a;
}();

inline bool is_val_type_byte(uint8_t b) {
  return (b >= 0x7b && b <= 0x7f) || b == 0x70 || b == 0x6f;
}

// Type bytes are one-byte signed LEB128s in the reference interpreter, so a
// continuation bit is "integer representation too long".
inline bool type_byte_too_long(Reader& r, uint8_t b) {
  if (b & 0x80) r.fail_malformed(r.offset(), "integer representation too long");
  return !r.ok();
}

inline ValType read_val_type(Reader& r) {
  size_t at = r.offset();
  uint8_t b = r.u8();
  if (!r.ok() || type_byte_too_long(r, b)) return ValType::kI32;
  if (!is_val_type_byte(b)) r.fail_malformed(at, "malformed value type");
  return static_cast<ValType>(b);
}

inline ValType read_ref_type(Reader& r) {
  size_t at = r.offset();
  uint8_t b = r.u8();
  if (!r.ok() || type_byte_too_long(r, b)) return ValType::kFuncRef;
  if (b != 0x70 && b != 0x6f) r.fail_malformed(at, "malformed reference type");
  return static_cast<ValType>(b);
}

// "%02x" without pulling in <cstdio>: opcode bytes and prefixed codes.
inline std::string hex_byte(uint32_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  do {
    s.insert(s.begin(), kDigits[v & 0xf]);
    v >>= 4;
  } while (v);
  if (s.size() < 2) s.insert(s.begin(), '0');
  return s;
}

// Reads an opcode (prefix and LEB code). Unknown: "illegal opcode" (malformed).
// A known single-byte opcode inline, the rest out of line.
[[gnu::noinline]] inline Opcode read_opcode_long(Reader& r) {
  size_t at = r.offset();
  uint8_t b = r.u8();
  if (!is_prefix_byte(b)) {
    Opcode op = kOpcodesSingle[b];
    if (op == Opcode::kCount && r.ok()) r.fail_malformed(at, "illegal opcode " + hex_byte(b));
    return op;
  }
  uint32_t code = r.u32();
  Opcode op = lookup_opcode(b, code);
  if (op == Opcode::kCount && r.ok()) r.fail_malformed(at, "illegal opcode " + hex_byte(b) + " " + hex_byte(code));
  return op;
}

inline Opcode read_opcode(Reader& r) {
  if (!r.at_end() && !is_prefix_byte(*r.ptr())) {
    Opcode op = kOpcodesSingle[*r.ptr()];
    if (op != Opcode::kCount) {
      r.u8();
      return op;
    }
  }
  return read_opcode_long(r);
}

// Block type encodings, kept in Imm::bits[0] for block/loop/if.
enum BlockTypeKind : uint64_t { kBlockEmpty = 0, kBlockValue = 1, kBlockIndex = 2 };

inline void zero_byte(Reader& r) {
  size_t at = r.offset();
  if (r.u8() != 0 && r.ok()) r.fail_malformed(at, "zero byte expected");
}

inline void read_memarg(Reader& r, Imm& imm) {
  imm.mem.align_log2 = r.u32();
  imm.mem.offset = r.u32();
}

// Reads the immediates of an instruction of kind `kind` into `imm`; br_table
// targets go to `targets` (reused storage). Only encodings are checked here;
// indices, types and alignment are checked by the body decoder.
//   kBlockType: bits[0] = BlockTypeKind, type / index as given.
//   kSelectT:   index = number of types, type = the first one.
//   kBrTable:   targets = label depths, index = default depth.
[[gnu::noinline]] inline void read_immediates_long(Reader& r, ImmKind kind, Imm& imm, std::vector<uint32_t>& targets) {
  switch (kind) {
    case ImmKind::kNone: return;
    case ImmKind::kBlockType: {
      uint8_t b = r.peek();
      if (b == 0x40) {
        r.u8();
        imm.bits[0] = kBlockEmpty;
      } else if ((b & 0xc0) == 0x40) {
        imm.type = read_val_type(r);
        imm.bits[0] = kBlockValue;
      } else {
        int64_t x = r.s33();
        imm.bits[0] = kBlockIndex;
        // A negative index names no type; UINT32_MAX is never a valid index.
        imm.index = x < 0 ? UINT32_MAX : static_cast<uint32_t>(x);
      }
      return;
    }
    case ImmKind::kBrTable: {
      uint32_t n = r.count();
      targets.clear();
      for (uint32_t i = 0; i < n && r.ok(); ++i) targets.push_back(r.u32());
      imm.index = r.u32();
      return;
    }
    case ImmKind::kLabel:
    case ImmKind::kFunc:
    case ImmKind::kLocal:
    case ImmKind::kGlobal:
    case ImmKind::kTable:
    case ImmKind::kDataIndex:
    case ImmKind::kElemIndex: imm.index = r.u32(); return;
    case ImmKind::kCallIndirect:
    case ImmKind::kTableInit:
    case ImmKind::kTableCopy:
      imm.index = r.u32();
      imm.index2 = r.u32();
      return;
    case ImmKind::kMemArg: read_memarg(r, imm); return;
    case ImmKind::kMemory:
    case ImmKind::kAtomicFence: zero_byte(r); return;
    case ImmKind::kI32: imm.bits[0] = static_cast<uint32_t>(r.s32()); return;
    case ImmKind::kI64: imm.bits[0] = static_cast<uint64_t>(r.s64()); return;
    case ImmKind::kF32: imm.bits[0] = r.fixed(4); return;
    case ImmKind::kF64: imm.bits[0] = r.fixed(8); return;
    case ImmKind::kV128:
    case ImmKind::kShuffle:
      imm.bits[0] = r.fixed(8);
      imm.bits[1] = r.fixed(8);
      return;
    case ImmKind::kSelectT: {
      uint32_t n = r.count();
      imm.index = n;
      for (uint32_t i = 0; i < n && r.ok(); ++i) {
        ValType t = read_val_type(r);
        if (i == 0) imm.type = t;
      }
      return;
    }
    case ImmKind::kRefType: imm.type = read_ref_type(r); return;
    case ImmKind::kMemoryInit:
      imm.index = r.u32();
      zero_byte(r);
      return;
    case ImmKind::kMemoryCopy:
      zero_byte(r);
      zero_byte(r);
      return;
    case ImmKind::kLane: imm.lane = r.u8(); return;
    case ImmKind::kMemArgLane:
      read_memarg(r, imm);
      imm.lane = r.u8();
      return;
  }
}

// read_immediates: the most frequent kinds (one LEB128) inline, the rest in
// read_immediates_long (above).
inline void read_immediates(Reader& r, ImmKind kind, Imm& imm, std::vector<uint32_t>& targets) {
  switch (kind) {
    case ImmKind::kNone: return;
    case ImmKind::kLocal:
    case ImmKind::kLabel:
    case ImmKind::kGlobal:
    case ImmKind::kFunc: imm.index = r.u32(); return;
    case ImmKind::kI32: imm.bits[0] = static_cast<uint32_t>(r.s32()); return;
    case ImmKind::kMemArg: read_memarg(r, imm); return;
    default: read_immediates_long(r, kind, imm, targets); return;
  }
}

// A body ran out before the function's final `end`. The reference
// interpreter reads on into the following bytes, so its message depends on
// them; mirror that for the spec's expected texts.
inline void fail_missing_end(Reader& r, const Module& m) {
  size_t end = r.end_offset();
  if (end >= m.bytes.size()) return r.fail_malformed(end, kUnexpectedEndSection);
  if (m.bytes[end] == 0x0b) return r.fail_malformed(end, "section size mismatch");
  r.fail_malformed(end, "END opcode expected");
}

}  // namespace wpvm::body_detail

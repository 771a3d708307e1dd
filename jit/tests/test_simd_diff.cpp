// Differential test of the SIMD instructions: every SIMD opcode of
// opcodes.def runs on the interpreter (the oracle) and on the JIT tier over
// edge and pseudo-random inputs, and the two must agree lane for lane.
//
// The module is encoded here, from the opcode table: one exported function
// per SIMD opcode and immediate (lane index, shuffle pattern, v128.const
// value, memarg offset and alignment), whose parameters and results are the
// instruction's operands and results (the table's "sig" column) and whose
// body is just the instruction. What a function's inputs are follows from
// the opcode's text and immediate kind (Traits below): the lane shape of its
// vector operands, whether its i32 operand is an address or a shift count.
// An opcode the generator cannot place (an immediate kind, a text or, for a
// float instruction, a NaN rule it does not know) gets no function, and the
// coverage test fails.
//
// Comparison: results bit for bit, traps by kind, memory after every store.
// The one exception is a float lane of an arithmetic instruction (add, sub,
// mul, div, sqrt, min, max, ceil, floor, trunc, nearest, demote, promote)
// where the interpreter gives a NaN: there the spec leaves the NaN's bits
// open, so the JIT's lane must only be a NaN too, canonical (either sign)
// where the spec requires one (every NaN among that lane's inputs canonical,
// or none) and arithmetic (quiet bit set) otherwise; the interpreter's lane
// must obey the same rule. Bitwise float instructions (abs, neg, pmin, pmax,
// splat, lanes, loads) are compared bit for bit, as the spec defines them.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "body_decoder_imm.h"
#include "opcode.h"
#include "runtime/runtime_impl.h"
#include "wpvm/jit.h"
#include "wpvm/module.h"
#include "wpvm/module_def.h"
#include "wpvm/runtime.h"

namespace {

using namespace wpvm;
using Bytes = std::vector<uint8_t>;

// --- What the generator knows of an opcode -----------------------------------

// A lane shape: i8x16 ... f64x2.
struct Shape {
  unsigned bits = 0;  // 0: none (v128.* instructions)
  bool is_float = false;
  unsigned lanes() const { return bits ? 128 / bits : 0; }
  bool operator==(const Shape&) const = default;
};

// "i8x16", "f64x2" ... at the start of s.
std::optional<Shape> parse_shape(std::string_view s) {
  static constexpr std::pair<std::string_view, Shape> kShapes[] = {
      {"i8x16", {8, false}}, {"i16x8", {16, false}}, {"i32x4", {32, false}},
      {"i64x2", {64, false}}, {"f32x4", {32, true}}, {"f64x2", {64, true}}};
  for (const auto& [name, shape] : kShapes) {
    if (s.starts_with(name)) return shape;
  }
  return std::nullopt;
}

enum class IntRole : uint8_t { kValue, kAddress, kShiftCount };

struct Traits {
  Opcode op = Opcode::kCount;
  std::string_view text;
  std::vector<ValType> params, results;
  Shape result;       // the shape the text starts with ({} for v128.*)
  Shape input;        // the shape of the vector operands
  IntRole int_role = IntRole::kValue;
  unsigned access = 0;  // memory instructions: bytes accessed
  bool store = false;
  bool nan_arith = false;  // float result lanes whose NaN bits the spec leaves open
  std::string error;       // why the generator cannot place the opcode
};

// A signature letter of opcodes.def as the decoder reads it; nullopt for
// the reference types, which no SIMD instruction takes.
std::optional<ValType> val_type_of(char c) {
  ValType t = body_detail::sig_char_type(c);
  if (t == ValType::kFuncRef || t == ValType::kExternRef) return std::nullopt;
  return t;
}

// The bytes a v128.load* / v128.store* accesses, from its text: "" 16,
// "8x8_s" 8, "32_splat" 4, "64_zero" 8, "16_lane" 2.
unsigned access_size(std::string_view rest) {
  if (rest.empty()) return 16;
  unsigned n = 0;
  size_t i = 0;
  while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') n = n * 10 + (rest[i++] - '0');
  if (i < rest.size() && rest[i] == 'x') {
    unsigned m = 0;
    for (++i; i < rest.size() && rest[i] >= '0' && rest[i] <= '9'; ++i) m = m * 10 + (rest[i] - '0');
    return n * m / 8;
  }
  return n / 8;
}

Traits traits_of(Opcode op) {
  const OpcodeInfo& info = opcode_info(op);
  Traits t;
  t.op = op;
  t.text = info.text;
  size_t gt = info.sig.find('>');
  if (gt == std::string_view::npos) {
    t.error = "no signature in opcodes.def";
    return t;
  }
  for (size_t i = 0; i < info.sig.size(); ++i) {
    if (i == gt) continue;
    std::optional<ValType> v = val_type_of(info.sig[i]);
    if (!v) {
      t.error = "unknown signature letter";
      return t;
    }
    (i < gt ? t.params : t.results).push_back(*v);
  }
  size_t dot = t.text.find('.');
  std::string_view head = t.text.substr(0, dot), name = t.text.substr(dot + 1);
  if (head == "v128") {
    for (std::string_view kind : {"load", "store"}) {
      if (name.starts_with(kind)) {
        t.access = access_size(name.substr(kind.size()));
        t.store = kind == "store";
      }
    }
    t.input = Shape{};
  } else if (std::optional<Shape> s = parse_shape(head)) {
    t.result = *s;
    t.input = *s;
    // A conversion names its source shape: "i16x8.extmul_low_i8x16_s".
    for (size_t i = 0; i < name.size(); ++i) {
      if (std::optional<Shape> src = parse_shape(name.substr(i)); src && (i == 0 || name[i - 1] == '_')) {
        t.input = *src;
      }
    }
  } else {
    t.error = "text names no lane shape";
    return t;
  }
  if (info.imm == ImmKind::kMemArg || info.imm == ImmKind::kMemArgLane) {
    if (t.access == 0 || t.params.empty() || t.params[0] != ValType::kI32) t.error = "memory access not understood";
    t.int_role = IntRole::kAddress;
  } else if (name.starts_with("shl") || name.starts_with("shr")) {
    t.int_role = IntRole::kShiftCount;
  }
  // A float-shaped instruction's NaN rule, by name: arithmetic (the spec
  // leaves a result NaN's bits open) or exact (its result lanes are bits of
  // its operands, no NaN, or an integer mask). A name in neither list is an
  // error: its rule must be decided here first.
  if (t.result.is_float) {
    for (std::string_view a : {"add", "sub", "mul", "div", "sqrt", "min", "max", "ceil", "floor", "trunc",
                               "nearest", "demote", "promote"}) {
      if (name.starts_with(a)) t.nan_arith = true;
    }
    bool exact = false;
    for (std::string_view e : {"abs", "neg", "pmin", "pmax", "splat", "extract_lane", "replace_lane", "convert",
                               "eq", "ne", "lt", "gt", "le", "ge"}) {
      if (name == e || (name.starts_with(e) && name[e.size()] == '_')) exact = true;
    }
    if (t.nan_arith == exact) t.error = "float instruction with no NaN rule (or two)";
  }
  return t;
}

// --- The functions: one per opcode and immediate ------------------------------

struct Fn {
  const Traits* traits = nullptr;
  std::optional<uint8_t> lane;            // kLane, kMemArgLane
  uint32_t align = 0, offset = 0;         // kMemArg, kMemArgLane (align: log2)
  std::array<uint8_t, 16> imm16{};        // kShuffle lane indices, kV128 value
  bool variant = false;                   // one of several immediates of the opcode: fewer inputs
  std::string name() const;               // "i8x16.shuffle [0 16 1 17 ...]"
};

constexpr uint32_t kMemBytes = 65536;  // one page, no growth

std::string hex(uint64_t v, unsigned bits) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%0*llx", static_cast<int>(bits / 4), static_cast<unsigned long long>(v));
  return buf;
}

std::string Fn::name() const {
  std::string s(traits->text);
  if (traits->access) s += " offset=" + std::to_string(offset) + " align=" + std::to_string(1u << align);
  if (lane) s += " lane=" + std::to_string(*lane);
  ImmKind imm = opcode_info(traits->op).imm;
  if (imm == ImmKind::kShuffle || imm == ImmKind::kV128) {
    s += " [";
    for (size_t i = 0; i < 16; ++i) s.append(i ? " " : "").append(std::to_string(imm16[i]));
    s += "]";
  }
  return s;
}

using Rng = std::mt19937_64;  // fixed seeds: the same inputs every run

std::array<uint8_t, 16> bytes_of(V128 v) { return std::bit_cast<std::array<uint8_t, 16>>(v); }

uint64_t lane_of(V128 v, unsigned bits, unsigned i) {
  uint64_t word = i * bits < 64 ? v.lo : v.hi;
  unsigned shift = (i * bits) % 64;
  return bits == 64 ? word : (word >> shift) & ((uint64_t{1} << bits) - 1);
}
void set_lane(V128& v, unsigned bits, unsigned i, uint64_t x) {
  uint64_t& word = i * bits < 64 ? v.lo : v.hi;
  unsigned shift = (i * bits) % 64;
  uint64_t mask = bits == 64 ? ~uint64_t{0} : ((uint64_t{1} << bits) - 1) << shift;
  word = (word & ~mask) | ((x << shift) & mask);
}

// --- Edge values --------------------------------------------------------------

uint32_t f32b(float f) { return std::bit_cast<uint32_t>(f); }
uint64_t f64b(double d) { return std::bit_cast<uint64_t>(d); }

// A lane type's edge values, as lane bits: zero, one, all ones, the signed
// and unsigned extremes and their neighbours, saturation boundaries of the
// narrower type; for floats signed zeros, infinities, NaNs of both kinds and
// signs with payloads, denormals, rounding ties, and the integer (and f32)
// range boundaries of the conversions.
const std::vector<uint64_t>& edges(Shape s) {
  static const std::vector<uint64_t> i8 = {
      0, 1, 2, 3, 5, 7, 8, 11, 14, 15, 16, 17, 31, 32,  // swizzle and shuffle indices, in range and not
      0x3f, 0x40, 0x55, 0x7e, 0x7f, 0x80, 0x81, 0xaa, 0xc0, 0xfe, 0xff};
  static const std::vector<uint64_t> i16 = {0,      1,      2,      0xffff, 0xfffe, 0x7fff, 0x8000, 0x8001,
                                            0x7ffe, 0x7f,   0x80,   0xff,   0x100,  0xff80, 0xff7f, 0xff00,
                                            0x4000, 0xc000, 0x3fff, 0x1234, 0x5555, 0xaaaa};
  static const std::vector<uint64_t> i32 = {
      0,          1,          2,          0xffffffff, 0xfffffffe, 0x7fffffff, 0x80000000, 0x80000001,
      0x7ffffffe, 0x7fff,     0x8000,     0xffff,     0x10000,    0xffff8000, 0xffff7fff, 0x7f,
      0x80,       0xff,       0xffffff80, 0x40000000, 0xc0000000, 0x12345678, 0x55555555, 0xaaaaaaaa,
      0x01000001, 0x7fffffc0, 0xffffff7f, 0x3f800000};
  static const std::vector<uint64_t> i64 = {
      0, 1, 2, ~uint64_t{0}, ~uint64_t{1},
      0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000001, 0x7ffffffffffffffe,
      0xffffffff, 0x100000000, 0x7fffffff, 0x80000000, 0xffffffff80000000, 0xffffffff7fffffff,
      0x0123456789abcdef, 0x5555555555555555, 0xaaaaaaaaaaaaaaaa, 0x8000000080000000, 0x7ff8000000000000};
  static const std::vector<uint64_t> f32 = {
      0x00000000, 0x80000000,              // +-0
      0x7f800000, 0xff800000,              // +-inf
      0x7fc00000, 0xffc00000,              // canonical NaNs
      0x7fc00001, 0xffe12345, 0x7fffffff,  // quiet NaNs with payloads
      0x7f800001, 0xff800001, 0x7fa00000, 0x7fbfffff,  // signalling NaNs
      0x00000001, 0x80000001, 0x007fffff, 0x807fffff,  // denormals
      0x00800000, 0x80800000, 0x7f7fffff, 0xff7fffff,  // smallest normal, largest
      f32b(1.0f), f32b(-1.0f), f32b(0.5f), f32b(-0.5f), f32b(1.5f), f32b(-1.5f), f32b(2.5f), f32b(-2.5f),
      f32b(3.5f), f32b(0.49999997f), f32b(-0.49999997f), f32b(-0.99999994f), f32b(8388607.5f),
      f32b(8388608.0f), f32b(16777216.0f),
      f32b(2147483648.0f), f32b(-2147483648.0f),       // 2^31, -2^31
      f32b(2147483520.0f), f32b(-2147483904.0f),       // the floats next to them, inside and outside int32
      f32b(4294967296.0f), f32b(4294967040.0f),        // 2^32 and the float below
      f32b(1e10f), f32b(-1e10f), f32b(0.1f), f32b(-3.14159f), f32b(1e-20f)};
  static const std::vector<uint64_t> f64 = {
      0, 0x8000000000000000,                                                 // +-0
      0x7ff0000000000000, 0xfff0000000000000,                                // +-inf
      0x7ff8000000000000, 0xfff8000000000000,                                // canonical NaNs
      0x7ff8000000000001, 0xfffc000000012345, 0x7fffffffffffffff,            // quiet NaNs with payloads
      0x7ff0000000000001, 0xfff0000000000001, 0x7ff4000000000000,            // signalling NaNs
      1, 0x8000000000000001, 0x000fffffffffffff,                             // denormals
      0x0010000000000000, 0x7fefffffffffffff, 0xffefffffffffffff,            // smallest normal, largest
      f64b(1.0), f64b(-1.0), f64b(0.5), f64b(-0.5), f64b(1.5), f64b(-1.5), f64b(2.5), f64b(-2.5),
      f64b(0.49999999999999994), f64b(-0.9999999999999999), f64b(4503599627370495.5), f64b(4503599627370496.0),
      f64b(2147483647.0), f64b(2147483647.5), f64b(2147483648.0),            // int32 max, 2^31
      f64b(-2147483648.0), f64b(-2147483648.5), f64b(-2147483649.0),        // int32 min and beyond
      f64b(4294967295.0), f64b(4294967295.5), f64b(4294967296.0),           // uint32 max, 2^32
      f64b(3.4028234663852886e38),                                          // f32 max
      f64b(3.4028235677973366e38), f64b(3.4028235677973362e38),             // halfway from it to inf, just below
      f64b(1.401298464324817e-45), f64b(7.006492321624085e-46),             // f32 smallest denormal, half of it
      f64b(1.1754943508222875e-38),                                         // f32 smallest normal
      f64b(16777217.0), f64b(1e300), f64b(-1e300), f64b(1e-300), f64b(0.1)};
  if (s.is_float) return s.bits == 32 ? f32 : f64;
  switch (s.bits) {
    case 16: return i16;
    case 32: return i32;
    case 64: return i64;
    default: return i8;
  }
}

// The shape whose edges fill a vector operand: v128.* instructions take bytes.
Shape fill_shape(const Traits& t) { return t.input.bits ? t.input : Shape{8, false}; }

// Vector k of a shape's rotations: lane i holds edge (k + i) mod n. Over all
// pairs (j, k) every pair of edges meets in every lane, with mixed lanes.
V128 rotation(Shape s, size_t k) {
  const std::vector<uint64_t>& e = edges(s);
  V128 v;
  for (unsigned i = 0; i < s.lanes(); ++i) set_lane(v, s.bits, i, e[(k + i) % e.size()]);
  return v;
}
V128 splat(Shape s, uint64_t x) {
  V128 v;
  for (unsigned i = 0; i < s.lanes(); ++i) set_lane(v, s.bits, i, x);
  return v;
}
// Pseudo-random: all bits random, or each lane a random edge of the shape.
V128 random_vector(Shape s, Rng& rng) {
  V128 v{rng(), rng()};
  if (rng() % 2) {
    const std::vector<uint64_t>& e = edges(s);
    for (unsigned i = 0; i < s.lanes(); ++i) set_lane(v, s.bits, i, e[rng() % e.size()]);
  }
  return v;
}

std::vector<Value> vectors(Shape s, bool with_splats) {
  std::vector<Value> out;
  for (size_t k = 0; k < edges(s).size(); ++k) out.push_back(Value::from_v128(rotation(s, k)));
  if (with_splats) {  // all lanes alike: all_true, any_true, bitmask at their extremes
    for (uint64_t x : edges(s)) out.push_back(Value::from_v128(splat(s, x)));
  }
  return out;
}

std::vector<Value> scalars(ValType t) {
  static const std::vector<uint64_t> i32 = {0, 1, 0xffffffff, 0x7f, 0x80, 0xff, 0x100, 0x17f, 0x7fff, 0x8000,
                                            0xffff, 0x10000, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe,
                                            0x12345678, 0x7fc00000};
  std::vector<Value> out;
  switch (t) {
    case ValType::kI32:
      for (uint64_t x : i32) out.push_back(Value::from_i32(static_cast<uint32_t>(x)));
      break;
    case ValType::kI64:
      for (uint64_t x : edges({64, false})) out.push_back(Value::from_i64(x));
      break;
    case ValType::kF32:
      for (uint64_t x : edges({32, true})) out.push_back(Value::from_f32_bits(static_cast<uint32_t>(x)));
      break;
    case ValType::kF64:
      for (uint64_t x : edges({64, true})) out.push_back(Value::from_f64_bits(x));
      break;
    default: break;
  }
  return out;
}

std::vector<Value> shift_counts(Shape s) {
  std::vector<Value> out;
  for (uint32_t n : {0u, 1u, s.bits - 1, s.bits, s.bits + 1, 31u, 32u, 63u, 64u, 255u, 256u, 0x7fffffffu,
                     0x80000000u, 0xffffffffu}) {
    out.push_back(Value::from_i32(n));
  }
  return out;
}

// Addresses around both ends of memory for an access of `size` bytes after
// a static offset: the effective address (address + offset) is 0, small,
// the last valid one, one past it and beyond; plus addresses that trap
// whatever the offset (no 32-bit wrap-around).
std::vector<Value> addresses(uint32_t size, uint32_t offset) {
  std::vector<Value> out;
  for (uint64_t ea : {uint64_t{0}, uint64_t{1}, uint64_t{7}, uint64_t{8}, uint64_t{15}, uint64_t{16}, uint64_t{33},
                      uint64_t{kMemBytes / 2 + 3}, uint64_t{kMemBytes - size - 1}, uint64_t{kMemBytes - size},
                      uint64_t{kMemBytes - size + 1}, uint64_t{kMemBytes - 1}, uint64_t{kMemBytes},
                      uint64_t{kMemBytes + 1}}) {
    if (ea >= offset && ea - offset <= 0xffffffff) out.push_back(Value::from_i32(static_cast<uint32_t>(ea - offset)));
  }
  for (uint32_t a : {0u, 1u, 0x7fffffffu, 0x80000000u, 0xfffffff0u, 0xffffffffu}) {
    if (std::ranges::none_of(out, [&](const Value& v) { return v.i32 == a; })) out.push_back(Value::from_i32(a));
  }
  return out;
}

// i8x16.shuffle lane indices: fixed patterns that pick from one operand,
// both, interleave, broadcast, rotate, and pseudo-random ones.
std::vector<std::array<uint8_t, 16>> shuffle_patterns() {
  std::vector<std::array<uint8_t, 16>> out;
  auto make = [&](auto f) {
    std::array<uint8_t, 16> p{};
    for (uint8_t i = 0; i < 16; ++i) p[i] = static_cast<uint8_t>(f(i));
    out.push_back(p);
  };
  make([](int i) { return i; });                             // a
  make([](int i) { return 16 + i; });                        // b
  make([](int i) { return 15 - i; });                        // a reversed
  make([](int i) { return 31 - i; });                        // b reversed
  make([](int i) { return i / 2 + (i % 2) * 16; });          // interleave low bytes
  make([](int i) { return 8 + i / 2 + (i % 2) * 16; });      // interleave high bytes
  make([](int i) { return (i / 4) * 2 + (i % 2) + ((i / 2) % 2) * 16; });  // interleave low 16-bit lanes
  make([](int i) { return i < 8 ? i : i + 8; });             // low half of a, high half of b
  make([](int i) { return (i + 8) % 16; });                  // swap the 64-bit halves of a
  make([](int i) { return i + 1; });                         // bytes 1..16 of a:b (a rotate)
  make([](int) { return 0; });                               // broadcast a[0]
  make([](int) { return 31; });                              // broadcast b[15]
  make([](int i) { return (i % 4) + 4 * (3 - i / 4) + (i / 4 % 2) * 16; });  // 32-bit lanes mixed
  Rng rng(0x5ff1e);
  for (int k = 0; k < 5; ++k) make([&](int) { return rng() % 32; });
  return out;
}

std::vector<std::array<uint8_t, 16>> const_values() {
  std::vector<std::array<uint8_t, 16>> out;
  for (Shape s : {Shape{8, false}, Shape{16, false}, Shape{32, false}, Shape{64, false}, Shape{32, true},
                  Shape{64, true}}) {
    for (size_t k : {size_t{0}, size_t{4}, size_t{9}}) out.push_back(bytes_of(rotation(s, k)));
  }
  out.push_back(bytes_of(V128{}));
  out.push_back(bytes_of(V128{~uint64_t{0}, ~uint64_t{0}}));
  return out;
}

// Every function of the module, in export order ("f0", "f1", ...).
std::vector<Fn> make_functions(const std::vector<Traits>& all) {
  std::vector<Fn> fns;
  for (const Traits& t : all) {
    if (!t.error.empty()) continue;
    Fn base;
    base.traits = &t;
    switch (opcode_info(t.op).imm) {
      case ImmKind::kNone: fns.push_back(base); break;
      case ImmKind::kLane:
        for (unsigned lane = 0; lane < t.result.lanes(); ++lane) {
          Fn f = base;
          f.lane = static_cast<uint8_t>(lane);
          f.variant = true;
          fns.push_back(f);
        }
        break;
      case ImmKind::kShuffle:
        for (const auto& p : shuffle_patterns()) {
          Fn f = base;
          f.imm16 = p;
          f.variant = true;
          fns.push_back(f);
        }
        break;
      case ImmKind::kV128:
        for (const auto& c : const_values()) {
          Fn f = base;
          f.imm16 = c;
          f.variant = true;
          fns.push_back(f);
        }
        break;
      case ImmKind::kMemArg:
      case ImmKind::kMemArgLane: {
        bool lanes = opcode_info(t.op).imm == ImmKind::kMemArgLane;
        uint32_t natural = std::countr_zero(t.access);
        unsigned last_lane = lanes ? 16 / t.access - 1 : 0;
        for (uint32_t offset : {0u, 1u, 7u, 16u, kMemBytes - 16, kMemBytes, 0xffffffffu}) {
          for (uint32_t align : {natural, 0u}) {
            for (unsigned lane = 0; lane <= last_lane; ++lane) {
              // Every lane at offset 0 with natural alignment; the first and
              // last lane with every offset and alignment.
              bool plain = offset == 0 && align == natural;
              if (!plain && lane != 0 && lane != last_lane) continue;
              Fn f = base;
              f.offset = offset;
              f.align = align;
              if (lanes) f.lane = static_cast<uint8_t>(lane);
              f.variant = true;
              fns.push_back(f);
            }
            if (natural == 0) break;  // align 0 is the natural one
          }
        }
        break;
      }
      default: break;  // unknown to the generator: no function, the coverage test fails
    }
  }
  return fns;
}

// Evenly spaced elements of a pool, at most n.
std::vector<Value> thin(const std::vector<Value>& pool, size_t n) {
  if (pool.size() <= n) return pool;
  std::vector<Value> out;
  for (size_t k = 0; k < n; ++k) out.push_back(pool[k * pool.size() / n]);
  return out;
}

// The argument tuples of a function: the full product of the operands' edge
// pools, then pseudo-random tuples. A vector operand's pool is the
// rotations of its shape's edges (so that two of them meet every pair of
// edges in every lane), with splats where it is the only vector operand;
// fewer where the product would be large (several immediates of an opcode,
// memory accesses, bitselect).
std::vector<std::vector<Value>> inputs(const Fn& fn) {
  const Traits& t = *fn.traits;
  Shape fill = fill_shape(t);
  std::vector<std::vector<Value>> pools;
  size_t vector_params = std::ranges::count(t.params, ValType::kV128);
  for (size_t i = 0; i < t.params.size(); ++i) {
    ValType p = t.params[i];
    if (p == ValType::kV128 && vector_params == 3 && i == 2) {
      // bitselect's mask: all zeros, all ones, alternate bytes, one half, mixed bits
      pools.push_back({Value::from_v128(V128{}), Value::from_v128(V128{~uint64_t{0}, ~uint64_t{0}}),
                       Value::from_v128(V128{0x00ff00ff00ff00ffull, 0xff00ff00ff00ff00ull}),
                       Value::from_v128(V128{~uint64_t{0}, 0}),
                       Value::from_v128(V128{0x8421c3a55a3c1248ull, 0x0123456789abcdefull})});
    } else if (p == ValType::kV128) {
      std::vector<Value> v = vectors(fill, vector_params == 1);
      if (t.access) v = thin(v, 3);
      else if (vector_params == 3) v = thin(v, 8);
      else if (fn.variant && t.params.size() > 1) v = thin(v, 4);
      pools.push_back(std::move(v));
    } else if (i == 0 && t.int_role == IntRole::kAddress) {
      pools.push_back(addresses(t.access, fn.offset));
    } else if (t.int_role == IntRole::kShiftCount) {
      pools.push_back(shift_counts(t.input));
    } else {
      pools.push_back(scalars(p));
    }
  }
  std::vector<std::vector<Value>> out;
  // Full product.
  std::vector<size_t> idx(pools.size(), 0);
  while (true) {
    std::vector<Value> args;
    for (size_t i = 0; i < pools.size(); ++i) args.push_back(pools[i][idx[i]]);
    out.push_back(std::move(args));
    size_t i = 0;
    for (; i < pools.size(); ++i) {
      if (++idx[i] < pools[i].size()) break;
      idx[i] = 0;
    }
    if (i == pools.size()) break;
  }
  // Pseudo-random tuples, seeded by the function's name (FNV-1a): the same every run.
  uint64_t seed = 0xcbf29ce484222325ull;
  for (char c : fn.name()) seed = (seed ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
  Rng rng(seed);
  size_t random = pools.empty() ? 0 : fn.variant ? 32 : 2048;
  for (size_t k = 0; k < random; ++k) {
    std::vector<Value> args;
    for (size_t i = 0; i < pools.size(); ++i) {
      ValType p = t.params[i];
      if (p == ValType::kV128) {
        args.push_back(Value::from_v128(random_vector(fill, rng)));
      } else if (p == ValType::kI32 && t.int_role == IntRole::kShiftCount) {
        args.push_back(Value::from_i32(static_cast<uint32_t>(rng())));
      } else {
        args.push_back(pools[i][rng() % pools[i].size()]);
      }
    }
    out.push_back(std::move(args));
  }
  return out;
}

// --- The module ---------------------------------------------------------------

void put_leb(Bytes& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? b | 0x80 : b);
  } while (v);
}
void put_name(Bytes& out, std::string_view s) {
  put_leb(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}
void put_section(Bytes& out, uint8_t id, const Bytes& payload) {
  out.push_back(id);
  put_leb(out, payload.size());
  out.insert(out.end(), payload.begin(), payload.end());
}

// The instruction of fn, encoded.
Bytes instruction(const Fn& fn) {
  const OpcodeInfo& info = opcode_info(fn.traits->op);
  Bytes out{info.prefix};
  put_leb(out, info.code);
  switch (info.imm) {
    case ImmKind::kMemArg:
    case ImmKind::kMemArgLane:
      put_leb(out, fn.align);
      put_leb(out, fn.offset);
      if (info.imm == ImmKind::kMemArgLane) out.push_back(*fn.lane);
      break;
    case ImmKind::kLane: out.push_back(*fn.lane); break;
    case ImmKind::kShuffle:
    case ImmKind::kV128: out.insert(out.end(), fn.imm16.begin(), fn.imm16.end()); break;
    default: break;
  }
  return out;
}

// Function i is exported as "f<i>"; memory 0 (one page, not growable) as "mem".
Bytes encode_module(const std::vector<Fn>& fns) {
  std::vector<std::pair<std::vector<ValType>, std::vector<ValType>>> types;
  Bytes func_sec, export_sec, code_sec;
  put_leb(func_sec, fns.size());
  put_leb(export_sec, fns.size() + 1);
  put_name(export_sec, "mem");
  export_sec.insert(export_sec.end(), {0x02, 0x00});
  put_leb(code_sec, fns.size());
  for (size_t i = 0; i < fns.size(); ++i) {
    const Traits& t = *fns[i].traits;
    auto sig = std::make_pair(t.params, t.results);
    auto it = std::ranges::find(types, sig);
    if (it == types.end()) it = types.insert(types.end(), sig);
    put_leb(func_sec, it - types.begin());
    put_name(export_sec, "f" + std::to_string(i));
    export_sec.push_back(0x00);
    put_leb(export_sec, i);
    Bytes body{0x00};  // no locals
    for (size_t p = 0; p < t.params.size(); ++p) {
      body.push_back(0x20);  // local.get
      put_leb(body, p);
    }
    Bytes ins = instruction(fns[i]);
    body.insert(body.end(), ins.begin(), ins.end());
    body.push_back(0x0b);
    put_leb(code_sec, body.size());
    code_sec.insert(code_sec.end(), body.begin(), body.end());
  }
  Bytes type_sec;
  put_leb(type_sec, types.size());
  for (const auto& [params, results] : types) {
    type_sec.push_back(0x60);
    put_leb(type_sec, params.size());
    for (ValType v : params) type_sec.push_back(static_cast<uint8_t>(v));
    put_leb(type_sec, results.size());
    for (ValType v : results) type_sec.push_back(static_cast<uint8_t>(v));
  }
  Bytes mem_sec{0x01, 0x01, 0x01, 0x01};  // one memory, min 1 max 1
  Bytes out{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  put_section(out, 1, type_sec);
  put_section(out, 3, func_sec);
  put_section(out, 5, mem_sec);
  put_section(out, 7, export_sec);
  put_section(out, 10, code_sec);
  return out;
}

// Everything the tests share: the traits of every SIMD opcode, the
// functions, the module's binary.
struct Suite {
  std::vector<Traits> traits;
  std::vector<Fn> fns;
  Bytes binary;

  Suite() {
    for (size_t i = 0; i < static_cast<size_t>(Opcode::kCount); ++i) {
      auto op = static_cast<Opcode>(i);
      if (opcode_info(op).feature == Feature::kSimd) traits.push_back(traits_of(op));
    }
    fns = make_functions(traits);
    binary = encode_module(fns);
  }
  // A module of its own for each use: the tiers share no compiled code.
  std::shared_ptr<const Module> load() const {
    auto m = load_module(binary);
    REQUIRE_MESSAGE(m.ok(), (m.ok() ? "" : m.error().to_string()));
    return *m;
  }
};

const Suite& suite() {
  static const Suite s;
  return s;
}

// --- The comparer -------------------------------------------------------------

bool is_nan(uint64_t x, unsigned bits) {
  return bits == 32 ? (x & 0x7f800000) == 0x7f800000 && (x & 0x007fffff) != 0
                    : (x & 0x7ff0000000000000) == 0x7ff0000000000000 && (x & 0x000fffffffffffff) != 0;
}
bool is_canonical_nan(uint64_t x, unsigned bits) {
  return bits == 32 ? (x & 0x7fffffff) == 0x7fc00000 : (x & 0x7fffffffffffffff) == 0x7ff8000000000000;
}
bool is_arithmetic_nan(uint64_t x, unsigned bits) {
  return is_nan(x, bits) && (x & (bits == 32 ? 0x00400000 : 0x0008000000000000)) != 0;
}

std::string value_text(const Value& v, Shape shape) {
  switch (v.type) {
    case ValType::kI32: return "i32:" + hex(v.i32, 32);
    case ValType::kI64: return "i64:" + hex(v.i64, 64);
    case ValType::kF32: return "f32:" + hex(v.f32_bits, 32);
    case ValType::kF64: return "f64:" + hex(v.f64_bits, 64);
    case ValType::kV128: {
      Shape s = shape.bits ? shape : Shape{32, false};
      std::string out = s.is_float ? "f" : "i";
      out += std::to_string(s.bits) + "x" + std::to_string(s.lanes()) + ":[";
      for (unsigned i = 0; i < s.lanes(); ++i) out.append(i ? " " : "").append(hex(lane_of(v.v128, s.bits, i), s.bits));
      return out + "]";
    }
    default: return "?";
  }
}

std::string args_text(const Traits& t, std::span<const Value> args) {
  std::string out;
  for (const Value& a : args) out.append(out.empty() ? "" : ", ").append(value_text(a, fill_shape(t)));
  return out;
}

// How a call ended on both tiers; empty if they agree, else one line per
// disagreement (a lane, the trap, the result count).
std::vector<std::string> compare(const Traits& t, std::span<const Value> args, const CallResult& interp,
                                 const CallResult& jit) {
  std::vector<std::string> out;
  if (interp.ok() != jit.ok() || (!interp.ok() && interp.trap->kind != jit.trap->kind)) {
    auto text = [](const CallResult& r) { return r.ok() ? std::string("no trap") : r.trap->to_string(); };
    out.push_back("trap: interp " + text(interp) + ", jit " + text(jit));
    return out;
  }
  if (!interp.ok()) return out;
  if (interp.values.size() != jit.values.size()) {
    out.push_back("result count: interp " + std::to_string(interp.values.size()) + ", jit " +
                  std::to_string(jit.values.size()));
    return out;
  }
  for (size_t r = 0; r < interp.values.size(); ++r) {
    const Value &x = interp.values[r], &y = jit.values[r];
    if (x.type != y.type) {
      out.push_back("result type differs");
      continue;
    }
    if (x.type != ValType::kV128) {
      uint64_t a = x.type == ValType::kI32 || x.type == ValType::kF32 ? x.i32 : x.i64;
      uint64_t b = y.type == ValType::kI32 || y.type == ValType::kF32 ? y.i32 : y.i64;
      if (a != b) out.push_back("result: interp " + value_text(x, {}) + ", jit " + value_text(y, {}));
      continue;
    }
    Shape s = t.result.bits ? t.result : Shape{32, false};
    for (unsigned i = 0; i < s.lanes(); ++i) {
      uint64_t a = lane_of(x.v128, s.bits, i), b = lane_of(y.v128, s.bits, i);
      auto lane = [&] {
        return "lane " + std::to_string(i) + ": interp " + hex(a, s.bits) + ", jit " + hex(b, s.bits);
      };
      if (!(t.nan_arith && is_nan(a, s.bits))) {
        if (a != b) out.push_back(lane());
        continue;
      }
      // A NaN of an arithmetic instruction: canonical if every NaN among the
      // lane's inputs is (the input lane of the same index), else arithmetic.
      bool canonical = true;
      for (const Value& arg : args) {
        if (arg.type != ValType::kV128 || i >= t.input.lanes()) continue;
        uint64_t in = lane_of(arg.v128, t.input.bits, i);
        if (is_nan(in, t.input.bits) && !is_canonical_nan(in, t.input.bits)) canonical = false;
      }
      auto ok = [&](uint64_t v) { return canonical ? is_canonical_nan(v, s.bits) : is_arithmetic_nan(v, s.bits); };
      const char* want = canonical ? " (a canonical NaN required)" : " (an arithmetic NaN required)";
      if (!ok(a)) out.push_back(lane() + want + ": the interpreter's is not");
      if (!ok(b)) out.push_back(lane() + want + ": the JIT's is not");
    }
  }
  if (!out.empty()) {
    for (size_t r = 0; r < interp.values.size(); ++r) {
      if (interp.values[r].type == ValType::kV128 && jit.values[r].type == ValType::kV128)
        out.push_back("results: interp " + value_text(interp.values[r], t.result) + ", jit " +
                    value_text(jit.values[r], t.result));
    }
  }
  return out;
}

// --- The runner ---------------------------------------------------------------

struct Tierside {
  Engine engine;
  Store store{engine};
  Instance* inst = nullptr;
  Memory* mem = nullptr;

  Tierside(EngineConfig config, std::shared_ptr<const Module> m) : engine(config) {
    auto i = store.instantiate(std::move(m), Linker{});
    REQUIRE_MESSAGE(i.ok(), (i.ok() ? "" : i.error().to_string()));
    inst = *i;
    mem = inst->memory("mem");
    REQUIRE(mem != nullptr);
    REQUIRE(mem->size_bytes() == kMemBytes);
  }
};

// The memory both tiers start with: edge values of every shape (NaNs,
// denormals, extremes for the loads to pick up), then pseudo-random bytes,
// with edges again in the last 256 bytes.
std::vector<uint8_t> initial_memory() {
  std::vector<uint8_t> m(kMemBytes);
  Rng rng(0x3e3);
  for (auto& b : m) b = static_cast<uint8_t>(rng());
  size_t at = 0;
  for (Shape s : {Shape{8, false}, Shape{16, false}, Shape{32, false}, Shape{64, false}, Shape{32, true},
                  Shape{64, true}}) {
    for (uint64_t x : edges(s)) {
      for (size_t base : {size_t{0}, size_t{kMemBytes - 256}}) {
        if (at + s.bits / 8 <= 256) std::memcpy(&m[base + at], &x, s.bits / 8);
      }
      at += s.bits / 8;
    }
  }
  return m;
}

struct Totals {
  size_t functions = 0, calls = 0, traps = 0, mismatches = 0;
  double interp_seconds = 0, jit_seconds = 0;
};

}  // namespace

TEST_CASE("simd diff: every SIMD opcode of opcodes.def has functions and inputs") {
  const Suite& s = suite();
  REQUIRE(!s.traits.empty());
  size_t cases = 0;
  for (const Traits& t : s.traits) {
    CAPTURE(t.text);
    CHECK_MESSAGE(t.error.empty(), t.text << ": " << t.error);
    size_t fns = 0;
    for (const Fn& fn : s.fns) {
      if (fn.traits != &t) continue;
      ++fns;
      size_t n = inputs(fn).size();
      CHECK_MESSAGE(n > 0, fn.name() << " has no inputs");
      cases += n;
    }
    CHECK_MESSAGE(fns > 0, t.text << " has no function");
  }
  MESSAGE(s.traits.size() << " SIMD opcodes, " << s.fns.size() << " functions, " << cases << " calls");
}

TEST_CASE("simd diff: the comparer catches wrong lanes, NaNs and traps") {
  auto trait = [](std::string_view text) {
    Opcode op = opcode_from_text(text);
    REQUIRE(op != Opcode::kCount);
    return traits_of(op);
  };
  auto v = [](V128 x) {
    CallResult r;
    r.values.push_back(Value::from_v128(x));
    return r;
  };
  Traits add = trait("f32x4.add"), pmin = trait("f32x4.pmin"), iadd = trait("i32x4.add");
  Traits demote = trait("f32x4.demote_f64x2_zero");
  CHECK(add.nan_arith);
  CHECK_FALSE(pmin.nan_arith);
  CHECK(demote.nan_arith);
  CHECK(demote.input == Shape{64, true});
  CHECK(trait("i16x8.extmul_high_i8x16_u").input == Shape{8, false});
  CHECK(trait("v128.load32x2_s").access == 8);
  CHECK(trait("v128.store16_lane").access == 2);
  CHECK(trait("i64x2.shr_s").int_role == IntRole::kShiftCount);

  std::vector<Value> args = {Value::from_v128(V128{}), Value::from_v128(V128{})};
  CHECK(compare(iadd, args, v({1, 2}), v({1, 2})).empty());
  CHECK_FALSE(compare(iadd, args, v({1, 2}), v({1, 3})).empty());                      // a flipped bit, lane 2
  CHECK_FALSE(compare(iadd, args, v({1, 2}), v({1, 2ull | (1ull << 63)})).empty());   // the top bit, lane 3
  // NaN lanes of f32x4.add: canonical inputs (none here) want canonical NaNs, either sign.
  CHECK(compare(add, args, v({0x7fc00000, 0}), v({0xffc00000, 0})).empty());
  CHECK_FALSE(compare(add, args, v({0x7fc00000, 0}), v({0x7fc00001, 0})).empty());
  CHECK_FALSE(compare(add, args, v({0x7fc00000, 0}), v({0x3f800000, 0})).empty());
  // The interpreter's NaN must obey the rule too.
  CHECK_FALSE(compare(add, args, v({0x7fc00001, 0}), v({0x7fc00000, 0})).empty());
  // A signalling NaN in the lane's input: any quiet NaN.
  std::vector<Value> snan = {Value::from_v128(V128{0x7f800001, 0}), Value::from_v128(V128{})};
  CHECK(compare(add, snan, v({0x7fc00001, 0}), v({0xffc12345, 0})).empty());
  CHECK_FALSE(compare(add, snan, v({0x7fc00001, 0}), v({0x7f800001, 0})).empty());  // not quiet
  // pmin returns an operand: its NaN bits must match exactly.
  CHECK_FALSE(compare(pmin, snan, v({0x7f800001, 0}), v({0x7fc00000, 0})).empty());
  // Traps: presence and kind.
  CallResult trap;
  trap.trap = Trap{};
  trap.trap->kind = TrapKind::kMemoryOutOfBounds;
  CallResult other = trap;
  other.trap->kind = TrapKind::kUnreachable;
  CHECK(compare(iadd, args, trap, trap).empty());
  CHECK_FALSE(compare(iadd, args, trap, v({})).empty());
  CHECK_FALSE(compare(iadd, args, v({}), trap).empty());
  CHECK_FALSE(compare(iadd, args, trap, other).empty());
}

namespace {

// Every function on every input, on the interpreter and on the JIT tier
// (its memory accesses checked by guard pages, or explicitly).
void run_against_interpreter(bool explicit_bounds) {
  const Suite& s = suite();
  Tierside interp(EngineConfig{.tier = Tier::kInterp}, s.load());
  Tierside jit(EngineConfig{.tier = Tier::kJit, .explicit_bounds_checks = explicit_bounds}, s.load());
  const std::vector<uint8_t> memory = initial_memory();
  std::memcpy(interp.mem->data(), memory.data(), kMemBytes);
  std::memcpy(jit.mem->data(), memory.data(), kMemBytes);

  Totals total;
  size_t native = 0, reported = 0, op_reports = 0;
  constexpr size_t kMaxReports = 40, kMaxReportsPerOpcode = 3;
  using Clock = std::chrono::steady_clock;
  for (size_t i = 0; i < s.fns.size(); ++i) {
    const Fn& fn = s.fns[i];
    const Traits& t = *fn.traits;
    std::string name = "f" + std::to_string(i);
    Func* fi = interp.inst->func(name);
    Func* fj = jit.inst->func(name);
    REQUIRE(fi != nullptr);
    REQUIRE(fj != nullptr);
    ++total.functions;
    if (i == 0 || s.fns[i - 1].traits != fn.traits) op_reports = 0;
    for (const std::vector<Value>& args : inputs(fn)) {
      auto t0 = Clock::now();
      CallResult ri = interp.store.call(fi, args);
      auto t1 = Clock::now();
      CallResult rj = jit.store.call(fj, args);
      auto t2 = Clock::now();
      total.interp_seconds += std::chrono::duration<double>(t1 - t0).count();
      total.jit_seconds += std::chrono::duration<double>(t2 - t1).count();
      ++total.calls;
      total.traps += ri.ok() ? 0 : 1;
      std::vector<std::string> diffs = compare(t, args, ri, rj);
      if (t.store && std::memcmp(interp.mem->data(), jit.mem->data(), kMemBytes) != 0) {
        const uint8_t *a = interp.mem->data(), *b = jit.mem->data();
        size_t at = std::mismatch(a, a + kMemBytes, b).first - a;
        diffs.push_back("memory after the store: first difference at byte " + std::to_string(at) + ": interp " +
                        hex(a[at], 8) + ", jit " + hex(b[at], 8));
        std::memcpy(jit.mem->data(), a, kMemBytes);  // in step again for the next calls
      }
      if (diffs.empty()) continue;
      ++total.mismatches;
      if (op_reports++ >= kMaxReportsPerOpcode || reported++ >= kMaxReports) continue;
      std::string msg = fn.name() + " (" + name + ")\n  inputs: " + args_text(t, args);
      for (const std::string& d : diffs) msg += "\n  " + d;
      FAIL_CHECK(msg);
    }
    if (static_cast<FuncImpl*>(fj)->native != nullptr) ++native;
  }
  CHECK_MESSAGE(total.mismatches == 0, total.mismatches << " calls disagree (at most " << kMaxReports
                                                        << " shown above)");
  MESSAGE(total.functions << " functions, " << total.calls << " calls (" << total.traps << " trap), "
                          << native << " functions native on the JIT tier; seconds in calls: interpreter "
                          << total.interp_seconds << ", JIT tier " << total.jit_seconds
                          << std::string(explicit_bounds ? " (explicit bounds checks)" : ""));
}

}  // namespace

TEST_CASE("simd diff: the JIT agrees with the interpreter on every SIMD opcode") {
  for (bool explicit_bounds : {false, true}) {
    CAPTURE(explicit_bounds);
    run_against_interpreter(explicit_bounds);
  }
}

// Fails until the JIT compiles v128 code: until then the comparison above
// compares the interpreter with itself behind the JIT's stubs.
TEST_CASE("simd diff: the JIT compiles every SIMD function natively") {
  const Suite& s = suite();
  std::shared_ptr<const Module> m = s.load();
  Result<size_t> n = jit::native_functions(*m);
  // An error also when the JIT compiles none of the functions.
  CHECK_MESSAGE(n.ok(), "native_functions: " << (n.ok() ? "" : n.error().to_string()));
  CHECK_MESSAGE((n.ok() ? *n : 0) == m->bodies.size(),
                (n.ok() ? *n : 0) << " of " << m->bodies.size() << " SIMD functions compiled natively");
}

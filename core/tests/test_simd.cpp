// Tests of the SIMD instructions: that every SIMD opcode has a row in the
// interpreter (interp/simd_*) and a shared value function exactly when it is
// not a memory instruction (exec/simd.h, value_fn); lanes that are easy to
// get wrong: NaN propagation in min/max (and its absence in pmin), narrowing
// saturation, swizzle indices >= 16, shuffle picks from both operands, lane
// loads at the end of memory, operands sharing slots with the result; and
// value_fn's results over 16-byte cells (scalars zero-extended, the result
// aliasing an operand) bit for bit those of the interpreter. The module comes
// from wat/simd.wat, built by wat2wasm.
#include <doctest/doctest.h>

#include <array>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "exec/simd.h"
#include "interp/simd_exec.h"
#include "wpvm/runtime.h"
#include "test_calls.h"
#include "test_wasm_file.h"

namespace {

using namespace wpvm;

template <class T>
V128 vec(std::array<T, 16 / sizeof(T)> lanes) {
  return std::bit_cast<V128>(lanes);
}
template <class T>
std::array<T, 16 / sizeof(T)> lanes_of(V128 v) {
  return std::bit_cast<std::array<T, 16 / sizeof(T)>>(v);
}

struct Fixture {
  Engine engine{EngineConfig{.tier = Tier::kInterp}};
  Store store{engine};
  Instance* inst = nullptr;

  Fixture() {
    auto m = test::load_wat("simd");
    Linker linker;
    auto r = store.instantiate(m, linker);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().to_string()));
    inst = *r;
  }
  CallResult call(const char* name, std::vector<Value> args) { return test::call_export(store, inst, name, args); }
  V128 v128(const char* name, V128 a, V128 b) {
    CallResult r = call(name, {Value::from_v128(a), Value::from_v128(b)});
    REQUIRE_MESSAGE(r.ok(), r.trap->to_string());
    REQUIRE(r.values.size() == 1);
    REQUIRE(r.values[0].type == ValType::kV128);
    return r.values[0].v128;
  }
};

// A 16-byte cell of exec::simd::ValueFn holding v: a v128 fills it, a scalar
// its first bytes; the rest is junk, as a caller may leave it.
using Cell = std::array<uint8_t, 16>;
Cell cell_of(const Value& v) {
  Cell c;
  c.fill(0xa5);
  switch (v.type) {
    case ValType::kV128: std::memcpy(c.data(), &v.v128, 16); break;
    case ValType::kI32:
    case ValType::kF32: std::memcpy(c.data(), &v.i32, 4); break;
    default: std::memcpy(c.data(), &v.i64, 8); break;
  }
  return c;
}

// Runs the export `name`, one SIMD instruction over its params, on the
// interpreter and value_fn(op) over the same operands in cells: with the
// result in a cell of its own, then in the cell of each operand in turn (r
// aliasing a, b, c). Checks every run writes what the interpreter returns (a
// scalar zero-extended to 8 bytes) and gives the result's cell.
Cell agree(Fixture& fx, const char* name, Opcode op, std::vector<Value> args, uint32_t imm = 0,
           const uint8_t* shuffle = nullptr) {
  exec::simd::ValueFn fn = exec::simd::value_fn(op);
  REQUIRE(static_cast<bool>(fn));
  CallResult r = fx.call(name, args);
  REQUIRE_MESSAGE(r.ok(), r.trap->to_string());
  REQUIRE(r.values.size() == 1);
  const Value& want = r.values[0];
  size_t n = want.type == ValType::kV128 ? 16 : 8;
  Cell expect{};
  if (want.type == ValType::kV128) std::memcpy(expect.data(), &want.v128, 16);
  else if (want.type == ValType::kI32 || want.type == ValType::kF32) std::memcpy(expect.data(), &want.i32, 4);
  else std::memcpy(expect.data(), &want.i64, 8);

  Cell result{};
  for (size_t alias = 0; alias <= args.size(); ++alias) {
    CAPTURE(name);
    CAPTURE(alias);  // 0: a cell of its own; 1, 2, 3: r is a, b, c
    Cell cells[3];
    for (size_t i = 0; i < args.size(); ++i) cells[i] = cell_of(args[i]);
    Cell own;
    own.fill(0xcd);
    uint8_t* out = own.data();
    if (alias > 0) out = cells[alias - 1].data();
    const uint8_t* c = shuffle ? shuffle : args.size() > 2 ? cells[2].data() : nullptr;
    fn(out, cells[0].data(), args.size() > 1 ? cells[1].data() : nullptr, c, imm);
    CHECK(std::memcmp(out, expect.data(), n) == 0);
    if (alias == 0) std::memcpy(result.data(), out, 16);
  }
  return result;
}

constexpr uint32_t kQuietBit32 = 0x00400000u;
bool is_nan32(uint32_t bits) { return (bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0; }

}  // namespace

TEST_CASE("simd: every SIMD opcode but v128.const has exactly one row") {
  size_t rows = 0;
  for (size_t i = 0; i < static_cast<size_t>(Opcode::kCount); ++i) {
    auto op = static_cast<Opcode>(i);
    if (opcode_info(op).feature != Feature::kSimd || op == Opcode::V128Const) continue;
    interp::simd::Op row = interp::simd::op_of(op);
    CHECK_MESSAGE(row != interp::simd::Op::kCount, opcode_text(op));
    CHECK(interp::simd::opcode_of(row) == op);
    ++rows;
  }
  CHECK(rows == static_cast<size_t>(interp::simd::Op::kCount));
  CHECK(interp::simd::op_of(Opcode::I32Add) == interp::simd::Op::kCount);
}

TEST_CASE("simd: min/max propagate NaN, order zeros; pmin does neither") {
  Fixture fx;
  const uint32_t snan = 0x7fa00001u, qnan = 0x7fc00000u;
  const uint32_t one = std::bit_cast<uint32_t>(1.0f), two = std::bit_cast<uint32_t>(2.0f);
  V128 a = vec<uint32_t>({snan, one, 0x80000000u /* -0 */, two});
  V128 b = vec<uint32_t>({one, qnan, 0 /* +0 */, one});
  auto mn = lanes_of<uint32_t>(fx.v128("f32x4_min", a, b));
  CHECK(is_nan32(mn[0]));
  CHECK((mn[0] & kQuietBit32) != 0);  // a signalling NaN comes out quiet
  CHECK(is_nan32(mn[1]));
  CHECK(mn[2] == 0x80000000u);  // min(-0, +0) = -0
  CHECK(mn[3] == one);
  auto mx = lanes_of<uint32_t>(fx.v128("f32x4_max", a, b));
  CHECK(is_nan32(mx[0]));
  CHECK(is_nan32(mx[1]));
  CHECK(mx[2] == 0);  // max(-0, +0) = +0
  CHECK(mx[3] == two);
  // pmin(a, b) = b < a ? b : a: a NaN in a is returned bit for bit, a NaN in b never.
  auto pm = lanes_of<uint32_t>(fx.v128("f32x4_pmin", a, b));
  CHECK(pm[0] == snan);
  CHECK(pm[1] == one);
  CHECK(pm[2] == 0x80000000u);  // equal zeros: a

  auto dm = lanes_of<uint64_t>(fx.v128("f64x2_min", vec<uint64_t>({0x7ff0000000000001ull, 0}),
                                       vec<uint64_t>({0, 0x8000000000000000ull})));
  CHECK((dm[0] & 0x7ff8000000000000ull) == 0x7ff8000000000000ull);  // quiet NaN
  CHECK(dm[1] == 0x8000000000000000ull);
}

TEST_CASE("simd: narrowing saturates signed input to the target range") {
  Fixture fx;
  V128 a = vec<int16_t>({300, -300, 127, -128, 128, -129, 0, 32767});
  V128 b = vec<int16_t>({-1, 255, 256, -32768, 1, 2, 3, 4});
  auto s = lanes_of<int8_t>(fx.v128("narrow_s", a, b));
  std::array<int8_t, 16> expect_s = {127, -128, 127, -128, 127, -128, 0, 127, -1, 127, 127, -128, 1, 2, 3, 4};
  CHECK(s == expect_s);
  auto u = lanes_of<uint8_t>(fx.v128("narrow_u", a, b));
  std::array<uint8_t, 16> expect_u = {255, 0, 127, 0, 128, 0, 0, 255, 0, 255, 255, 0, 1, 2, 3, 4};
  CHECK(u == expect_u);
  auto u16 = lanes_of<uint16_t>(fx.v128("narrow32_u", vec<int32_t>({-1, 65535, 65536, INT32_MIN}),
                                        vec<int32_t>({INT32_MAX, 0, 1, 40000})));
  std::array<uint16_t, 8> expect_u16 = {0, 65535, 65535, 0, 65535, 0, 1, 40000};
  CHECK(u16 == expect_u16);
}

TEST_CASE("simd: swizzle gives 0 for indices >= 16; shuffle reads both operands") {
  Fixture fx;
  V128 a = vec<uint8_t>({10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25});
  V128 b = vec<uint8_t>({30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45});
  V128 idx = vec<uint8_t>({0, 15, 16, 17, 31, 32, 128, 255, 1, 0x8f, 0x10, 14, 2, 64, 3, 200});
  auto s = lanes_of<uint8_t>(fx.v128("swizzle", a, idx));
  std::array<uint8_t, 16> expect_s = {10, 25, 0, 0, 0, 0, 0, 0, 11, 0, 0, 24, 12, 0, 13, 0};
  CHECK(s == expect_s);
  auto sh = lanes_of<uint8_t>(fx.v128("shuffle", a, b));
  std::array<uint8_t, 16> expect_sh = {45, 10, 44, 11, 30, 25, 31, 24, 10, 10, 10, 10, 45, 45, 45, 45};
  CHECK(sh == expect_sh);
}

TEST_CASE("simd: lane loads and stores check bounds at the end of memory") {
  Fixture fx;
  CallResult r = fx.call("store_at", {Value::from_i32(65536 - 32), Value::from_v128(vec<uint32_t>({5, 6, 7, 8}))});
  REQUIRE(r.ok());
  r = fx.call("load32_lane3", {Value::from_i32(65536 - 4)});
  REQUIRE(r.ok());
  CHECK(lanes_of<uint32_t>(r.values[0].v128) == std::array<uint32_t, 4>{1, 2, 3, 8});
  r = fx.call("load32_lane3", {Value::from_i32(65536 - 3)});
  REQUIRE(!r.ok());
  CHECK(r.trap->kind == TrapKind::kMemoryOutOfBounds);
  r = fx.call("store_at", {Value::from_i32(65536 - 31), Value::from_v128(V128{})});
  REQUIRE(!r.ok());
  CHECK(r.trap->kind == TrapKind::kMemoryOutOfBounds);
  r = fx.call("store_at", {Value::from_i32(0xffffffffu), Value::from_v128(V128{})});  // no 32-bit wrap
  REQUIRE(!r.ok());
  CHECK(r.trap->kind == TrapKind::kMemoryOutOfBounds);
}

TEST_CASE("simd: results may overwrite the slots of their operands") {
  Fixture fx;
  CallResult r = fx.call("chain", {Value::from_i32(7)});
  REQUIRE(r.ok());
  CHECK(r.values[0].i32 == 7 + 7 * 4);
}

TEST_CASE("simd: a value function for every SIMD opcode but the memory ones and v128.const") {
  size_t fns = 0;
  for (size_t i = 0; i < static_cast<size_t>(Opcode::kCount); ++i) {
    auto op = static_cast<Opcode>(i);
    const OpcodeInfo& info = opcode_info(op);
    bool memory = info.imm == ImmKind::kMemArg || info.imm == ImmKind::kMemArgLane;
    bool want = info.feature == Feature::kSimd && !memory && op != Opcode::V128Const;
    CHECK_MESSAGE((exec::simd::value_fn(op) != nullptr) == want, opcode_text(op));
    fns += want;
  }
  // Of the interpreter's rows, the 22 loads and stores have none.
  CHECK(fns + 22 == static_cast<size_t>(interp::simd::Op::kCount));
}

TEST_CASE("simd: value functions agree with the interpreter bit for bit") {
  Fixture fx;
  auto v = [](auto lanes) { return Value::from_v128(vec(lanes)); };
  using I8 = std::array<int8_t, 16>;
  using I16 = std::array<int16_t, 8>;
  using U32 = std::array<uint32_t, 4>;
  using U64 = std::array<uint64_t, 2>;
  const uint32_t snan = 0x7fa00001u, inf = 0x7f800000u;
  V128 a8 = vec<int8_t>(I8{-1, 2, -3, 4, 5, -128, 127, 0, 1, -2, 3, -4, 0, 0, -1, 1});

  SUBCASE("scalar results are zero-extended to 8 bytes") {
    Cell bm = agree(fx, "bitmask8", Opcode::I8x16Bitmask, {Value::from_v128(a8)});
    uint64_t x;
    std::memcpy(&x, bm.data(), 8);
    CHECK(x == 0b0100101000100101u);
    Cell ex = agree(fx, "extract_s8_5", Opcode::I8x16ExtractLaneS, {Value::from_v128(a8)}, 5);
    std::memcpy(&x, ex.data(), 8);
    CHECK(x == 0xffffff80u);  // -128 as an i32, not as an i64
    agree(fx, "extract_u16_7", Opcode::I16x8ExtractLaneU, {v(I16{0, 0, 0, 0, 0, 0, 0, -2})}, 7);
    agree(fx, "extract_i64_1", Opcode::I64x2ExtractLane, {v(U64{1, 0x8000000000000001ull})}, 1);
    Cell ef = agree(fx, "extract_f32_2", Opcode::F32x4ExtractLane, {v(U32{0, 0, snan, 0})}, 2);
    std::memcpy(&x, ef.data(), 8);
    CHECK(x == snan);  // the NaN's bits unchanged
    agree(fx, "all_true16", Opcode::I16x8AllTrue, {v(I16{1, -1, 2, 3, 4, 5, 6, 7})});
    agree(fx, "all_true16", Opcode::I16x8AllTrue, {v(I16{1, -1, 2, 3, 0, 5, 6, 7})});
  }

  SUBCASE("replace_lane reads only the lane's bytes of a scalar") {
    Cell r = agree(fx, "replace_i16_3", Opcode::I16x8ReplaceLane,
                   {v(I16{0, 1, 2, 3, 4, 5, 6, 7}), Value::from_i32(0x1234abcd)}, 3);
    CHECK(lanes_of<int16_t>(std::bit_cast<V128>(r)) == I16{0, 1, 2, static_cast<int16_t>(0xabcd), 4, 5, 6, 7});
    agree(fx, "replace_f64_1", Opcode::F64x2ReplaceLane, {v(U64{1, 2}), Value::from_f64_bits(0x7ff0000000000001ull)}, 1);
    agree(fx, "splat_i8", Opcode::I8x16Splat, {Value::from_i32(0x1ff)});
  }

  SUBCASE("shuffle takes its lane indices through c") {
    const uint8_t idx[16] = {31, 0, 30, 1, 16, 15, 17, 14, 0, 0, 0, 0, 31, 31, 31, 31};  // as in simd.wat
    V128 a = vec<uint8_t>({10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25});
    V128 b = vec<uint8_t>({30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45});
    Cell r = agree(fx, "shuffle", Opcode::I8x16Shuffle, {Value::from_v128(a), Value::from_v128(b)}, 0, idx);
    CHECK(r[0] == 45);
    CHECK(r[1] == 10);
    agree(fx, "swizzle", Opcode::I8x16Swizzle,
          {Value::from_v128(a), v(std::array<uint8_t, 16>{0, 15, 16, 17, 31, 32, 128, 255, 1, 0x8f, 0x10, 14, 2, 64, 3, 200})});
    agree(fx, "bitselect", Opcode::V128Bitselect,
          {v(U64{~0ull, 0x0123456789abcdefull}), v(U64{0, 0xfedcba9876543210ull}), v(U64{0xff00ff00ff00ff00ull, 0x0f0f0f0f0f0f0f0full})});
  }

  SUBCASE("NaNs, saturation, shift counts") {
    agree(fx, "f32x4_min", Opcode::F32x4Min, {v(U32{snan, 0x3f800000u, 0x80000000u, inf}), v(U32{0x3f800000u, 0x7fc00000u, 0, inf | 0x80000000u})});
    agree(fx, "f32x4_pmin", Opcode::F32x4Pmin, {v(U32{snan, 1, 0x80000000u, inf}), v(U32{1, snan, 0, 2})});
    agree(fx, "f64x2_min", Opcode::F64x2Min, {v(U64{0x7ff0000000000001ull, 0}), v(U64{0, 0x8000000000000000ull})});
    agree(fx, "demote", Opcode::F32x4DemoteF64x2Zero, {v(U64{0x7ff0000000000001ull, 0x47efffffefffffffull})});
    agree(fx, "trunc_sat_s", Opcode::I32x4TruncSatF32x4S, {v(U32{snan, inf, inf | 0x80000000u, 0x4f32d05eu /* 3e9 */})});
    agree(fx, "narrow_s", Opcode::I8x16NarrowI16x8S, {v(I16{300, -300, 127, -128, 128, -129, 0, 32767}), v(I16{-1, 255, 256, -32768, 1, 2, 3, 4})});
    agree(fx, "narrow_u", Opcode::I8x16NarrowI16x8U, {v(I16{300, -300, 127, -128, 128, -129, 0, 32767}), v(I16{-1, 255, 256, -32768, 1, 2, 3, 4})});
    agree(fx, "q15mulr", Opcode::I16x8Q15mulrSatS, {v(I16{-32768, -32768, 32767, 1, -1, 16384, 0, 3}), v(I16{-32768, 32767, 32767, 1, -1, 16384, 5, -3})});
    agree(fx, "extmul_hi_s", Opcode::I32x4ExtmulHighI16x8S, {v(I16{0, 0, 0, 0, -32768, 32767, -1, 2}), v(I16{0, 0, 0, 0, -32768, -32768, -1, 3})});
    agree(fx, "shl_i32", Opcode::I32x4Shl, {v(U32{1, 0x80000001u, 3, ~0u}), Value::from_i32(33)});
    agree(fx, "shr_s8", Opcode::I8x16ShrS, {Value::from_v128(a8), Value::from_i32(0xffffff0fu)});
  }
}

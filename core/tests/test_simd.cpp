// Tests of the interpreter's SIMD instructions (interp/simd_*): that every
// SIMD opcode has a row, and lanes that are easy to get wrong: NaN
// propagation in min/max (and its absence in pmin), narrowing saturation,
// swizzle indices >= 16, shuffle picks from both operands, lane loads at the
// end of memory, operands sharing slots with the result. The module comes
// from wat/simd.wat, built by wat2wasm.
#include <doctest/doctest.h>

#include <array>
#include <bit>
#include <cstdlib>
#include <fstream>
#include <iterator>

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

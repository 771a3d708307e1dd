// Unit tests of spec-value parsing, NaN patterns, v128 lanes and host references.
#include <doctest/doctest.h>

#include "values.h"

using namespace wpvm;
using namespace wpvm::spec;
using nlohmann::json;

namespace {

Value arg(const char* text, HostRefs& refs) {
  auto v = parse_arg(json::parse(text), refs);
  REQUIRE(v.ok());
  return *v;
}

ExpectedValue expected(const char* text) {
  auto v = parse_expected(json::parse(text));
  REQUIRE(v.ok());
  return *v;
}

}  // namespace

TEST_CASE("integers are unsigned bit patterns") {
  HostRefs refs;
  Value v = arg(R"({"type":"i32","value":"4294967295"})", refs);
  CHECK(v.type == ValType::kI32);
  CHECK(v.i32 == 0xffffffffu);
  v = arg(R"({"type":"i64","value":"18446744073709551615"})", refs);
  CHECK(v.i64 == ~uint64_t{0});
  CHECK_FALSE(parse_arg(json::parse(R"({"type":"i32","value":"4294967296"})"), refs).ok());
  CHECK_FALSE(parse_arg(json::parse(R"({"type":"i32","value":"-1"})"), refs).ok());
  CHECK_FALSE(parse_arg(json::parse(R"({"type":"i32","value":"12x"})"), refs).ok());
  CHECK_FALSE(parse_arg(json::parse(R"({"type":"i33","value":"1"})"), refs).ok());
}

TEST_CASE("floats compare by bits, so -0.0 differs from +0.0") {
  HostRefs refs;
  ExpectedValue neg_zero = expected(R"({"type":"f32","value":"2147483648"})");
  CHECK(matches(neg_zero, Value::from_f32(-0.0f), refs));
  CHECK_FALSE(matches(neg_zero, Value::from_f32(0.0f), refs));
  ExpectedValue one = expected(R"({"type":"f64","value":"4607182418800017408"})");
  CHECK(matches(one, Value::from_f64(1.0), refs));
  CHECK_FALSE(matches(one, Value::from_f32(1.0f), refs));  // wrong type
  // A NaN literal must match its exact payload.
  ExpectedValue payload = expected(R"({"type":"f32","value":"2141192192"})");  // 0x7fa00000
  CHECK(matches(payload, Value::from_f32_bits(0x7fa00000), refs));
  CHECK_FALSE(matches(payload, Value::from_f32_bits(0x7fc00000), refs));
}

TEST_CASE("NaN patterns") {
  CHECK(matches_nan(0x7fc00000, false, NanPattern::kCanonical));
  CHECK(matches_nan(0xffc00000, false, NanPattern::kCanonical));
  CHECK_FALSE(matches_nan(0x7fc00001, false, NanPattern::kCanonical));
  CHECK_FALSE(matches_nan(0x7f800000, false, NanPattern::kArithmetic));  // infinity
  CHECK(matches_nan(0x7fc00001, false, NanPattern::kArithmetic));
  CHECK(matches_nan(0xffe00000, false, NanPattern::kArithmetic));
  CHECK_FALSE(matches_nan(0x7fa00000, false, NanPattern::kArithmetic));  // signalling
  CHECK(matches_nan(0x7ff8000000000000ull, true, NanPattern::kCanonical));
  CHECK(matches_nan(0xfff8000000000000ull, true, NanPattern::kCanonical));
  CHECK_FALSE(matches_nan(0x7ff8000000000001ull, true, NanPattern::kCanonical));
  CHECK(matches_nan(0x7ffc000000000001ull, true, NanPattern::kArithmetic));
  CHECK_FALSE(matches_nan(0x7ff4000000000000ull, true, NanPattern::kArithmetic));
  CHECK_FALSE(matches_nan(0x7fc00000, false, NanPattern::kNone));

  HostRefs refs;
  ExpectedValue canon = expected(R"({"type":"f32","value":"nan:canonical"})");
  CHECK(matches(canon, Value::from_f32_bits(0xffc00000), refs));
  CHECK_FALSE(matches(canon, Value::from_f32_bits(0x7fc00001), refs));
  ExpectedValue arith = expected(R"({"type":"f64","value":"nan:arithmetic"})");
  CHECK(matches(arith, Value::from_f64_bits(0x7ff8000000000123ull), refs));
  CHECK_FALSE(matches(arith, Value::from_f64(1.0), refs));
  // Arguments may not be patterns, integers never.
  CHECK_FALSE(parse_arg(json::parse(R"({"type":"f32","value":"nan:canonical"})"), refs).ok());
  CHECK_FALSE(parse_expected(json::parse(R"({"type":"i32","value":"nan:canonical"})")).ok());
}

TEST_CASE("v128 lanes are little-endian and compared per lane shape") {
  HostRefs refs;
  Value v = arg(R"({"type":"v128","lane_type":"i32","value":["1","2","3","4294967295"]})", refs);
  CHECK(v.type == ValType::kV128);
  CHECK(v.v128.lo == 0x0000000200000001ull);
  CHECK(v.v128.hi == 0xffffffff00000003ull);
  CHECK(extract_lane(v.v128, LaneShape::kI8, 0) == 1);
  CHECK(extract_lane(v.v128, LaneShape::kI16, 2) == 2);
  CHECK(extract_lane(v.v128, LaneShape::kI64, 1) == 0xffffffff00000003ull);

  ExpectedValue e = expected(R"({"type":"v128","lane_type":"i16","value":["1","0","2","0","3","0","65535","65535"]})");
  CHECK(matches(e, v, refs));
  e.lanes[7].bits = 0;
  CHECK_FALSE(matches(e, v, refs));

  ExpectedValue f = expected(R"({"type":"v128","lane_type":"f32","value":["nan:canonical","1065353216","nan:arithmetic","0"]})");
  V128 bits{0x3f8000007fc00000ull, 0x000000007fc00001ull};
  CHECK(matches(f, Value::from_v128(bits), refs));
  bits.lo = 0x3f8000007fc00001ull;  // lane 0 no longer canonical
  CHECK_FALSE(matches(f, Value::from_v128(bits), refs));

  CHECK_FALSE(parse_arg(json::parse(R"({"type":"v128","lane_type":"i32","value":["1","2","3"]})"), refs).ok());
  CHECK_FALSE(parse_arg(json::parse(R"({"type":"v128","lane_type":"i8","value":["256","0","0","0","0","0","0","0","0","0","0","0","0","0","0","0"]})"), refs).ok());
}

TEST_CASE("externref host references are stable and distinct") {
  HostRefs refs;
  Value a = arg(R"({"type":"externref","value":"1"})", refs);
  Value b = arg(R"({"type":"externref","value":"2"})", refs);
  Value a2 = arg(R"({"type":"externref","value":"1"})", refs);
  Value null = arg(R"({"type":"externref","value":"null"})", refs);
  CHECK(a.ref != nullptr);
  CHECK(a.ref == a2.ref);
  CHECK(a.ref != b.ref);
  CHECK(null.ref == nullptr);
  CHECK(refs.id_of(b.ref) == 2);

  ExpectedValue one = expected(R"({"type":"externref","value":"1"})");
  CHECK(matches(one, a, refs));
  CHECK_FALSE(matches(one, b, refs));
  CHECK_FALSE(matches(one, null, refs));
  ExpectedValue is_null = expected(R"({"type":"externref","value":"null"})");
  CHECK(matches(is_null, null, refs));
  CHECK_FALSE(matches(is_null, a, refs));
  ExpectedValue func_null = expected(R"({"type":"funcref","value":"null"})");
  CHECK_FALSE(matches(func_null, null, refs));  // externref null is not a funcref
  CHECK(matches(func_null, Value::from_ref(ValType::kFuncRef, nullptr), refs));
}

TEST_CASE("values print readably") {
  HostRefs refs;
  CHECK(format_value(Value::from_i32(42), refs) == "i32:42");
  CHECK(format_value(Value::from_f32(1.5f), refs) == "f32:1.5 (0x3fc00000)");
  CHECK(format_expected(expected(R"({"type":"f64","value":"nan:canonical"})")) == "f64:nan:canonical");
  CHECK(format_expected(expected(R"({"type":"v128","lane_type":"i64","value":["1","2"]})")) == "v128:i64[1 2]");
  Value r = arg(R"({"type":"externref","value":"7"})", refs);
  CHECK(format_value(r, refs) == "externref:host 7");
}

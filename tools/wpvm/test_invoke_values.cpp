// Unit tests: `wpvm run --invoke` argument parsing and result formatting.
#include <doctest/doctest.h>

#include <cmath>

#include "invoke_values.h"

using wpvm::ValType;
using wpvm::Value;
using wpvm::cli::format_value;
using wpvm::cli::parse_value;

TEST_CASE("integers parse signed, unsigned and hex, within their width") {
  CHECK(parse_value(ValType::kI32, "42")->i32 == 42u);
  CHECK(parse_value(ValType::kI32, "-1")->i32 == 0xFFFFFFFFu);
  CHECK(parse_value(ValType::kI32, "4294967295")->i32 == 0xFFFFFFFFu);
  CHECK(parse_value(ValType::kI32, "0x10")->i32 == 16u);
  CHECK_FALSE(parse_value(ValType::kI32, "4294967296"));
  CHECK_FALSE(parse_value(ValType::kI32, "-2147483649"));
  CHECK_FALSE(parse_value(ValType::kI32, "12abc"));
  CHECK_FALSE(parse_value(ValType::kI32, ""));
  CHECK(parse_value(ValType::kI64, "-9223372036854775808")->i64 == 0x8000000000000000ull);
  CHECK(parse_value(ValType::kI64, "18446744073709551615")->i64 == ~0ull);
  CHECK_FALSE(parse_value(ValType::kI64, "18446744073709551616"));
}

TEST_CASE("floats parse like strtod") {
  CHECK(parse_value(ValType::kF64, "1.5")->f64() == 1.5);
  CHECK(parse_value(ValType::kF32, "-0.25")->f32() == -0.25f);
  CHECK(std::isinf(parse_value(ValType::kF64, "inf")->f64()));
  CHECK(std::isnan(parse_value(ValType::kF32, "nan")->f32()));
  CHECK_FALSE(parse_value(ValType::kF64, "1.5x"));
}

TEST_CASE("results print like wasmtime: signed integers, shortest floats") {
  CHECK(format_value(Value::from_i32(0xFFFFFFFFu)) == "-1");
  CHECK(format_value(Value::from_i64(42)) == "42");
  CHECK(format_value(Value::from_f64(3.25)) == "3.25");
  CHECK(format_value(Value::from_f32(0.1f)) == "0.1");
  CHECK(format_value(Value::from_f64(-INFINITY)) == "-inf");
  CHECK(format_value(Value::from_ref(ValType::kFuncRef, nullptr)) == "ref.null");
  CHECK(format_value(Value::from_v128({1, 2})) == "0x00000000000000020000000000000001");
}

// Argument parsing and result printing for `wpvm run --invoke`.
#include "invoke_values.h"

#include <cerrno>
#include <charconv>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace wpvm::cli {
namespace {

// Accepts -2^(bits-1) .. 2^bits - 1, so both signed and unsigned spellings work.
std::optional<uint64_t> parse_int(const std::string& s, int bits) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  if (s[0] == '-') {
    long long v = std::strtoll(s.c_str(), &end, 0);
    if (errno || *end || (bits == 32 && v < INT32_MIN)) return std::nullopt;
    return bits == 32 ? static_cast<uint32_t>(v) : static_cast<uint64_t>(v);
  }
  unsigned long long v = std::strtoull(s.c_str(), &end, 0);
  if (errno || *end || (bits == 32 && v > UINT32_MAX)) return std::nullopt;
  return v;
}

template <class F>
std::string shortest(F f) {
  if (std::isnan(f)) return std::signbit(f) ? "-nan" : "nan";
  if (std::isinf(f)) return f < 0 ? "-inf" : "inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), f);
  return std::string(buf, r.ptr);
}

}  // namespace

std::optional<Value> parse_value(ValType t, const std::string& text) {
  char* end = nullptr;
  switch (t) {
    case ValType::kI32:
      if (auto v = parse_int(text, 32)) return Value::from_i32(static_cast<uint32_t>(*v));
      return std::nullopt;
    case ValType::kI64:
      if (auto v = parse_int(text, 64)) return Value::from_i64(*v);
      return std::nullopt;
    case ValType::kF32: {
      float f = std::strtof(text.c_str(), &end);
      if (text.empty() || *end) return std::nullopt;
      return Value::from_f32(f);
    }
    case ValType::kF64: {
      double d = std::strtod(text.c_str(), &end);
      if (text.empty() || *end) return std::nullopt;
      return Value::from_f64(d);
    }
    case ValType::kFuncRef:
    case ValType::kExternRef:
      if (text == "null" || text == "ref.null") return Value::from_ref(t, nullptr);
      return std::nullopt;
    case ValType::kV128:
      return std::nullopt;
  }
  return std::nullopt;
}

std::string format_value(const Value& v) {
  char buf[64];
  switch (v.type) {
    case ValType::kI32: return std::to_string(static_cast<int32_t>(v.i32));
    case ValType::kI64: return std::to_string(static_cast<int64_t>(v.i64));
    case ValType::kF32: return shortest(v.f32());
    case ValType::kF64: return shortest(v.f64());
    case ValType::kV128:
      std::snprintf(buf, sizeof(buf), "0x%016" PRIx64 "%016" PRIx64, v.v128.hi, v.v128.lo);
      return buf;
    case ValType::kFuncRef: return v.ref ? "ref.func" : "ref.null";
    case ValType::kExternRef: return v.ref ? "ref.extern" : "ref.null";
  }
  return "?";
}

}  // namespace wpvm::cli

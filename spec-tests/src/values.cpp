// Spec-script values: JSON -> engine values and expectations, matching, printing.
#include "values.h"

#include <bit>
#include <charconv>
#include <cinttypes>
#include <cstdio>

namespace wpvm::spec {
namespace {

Error parse_error(std::string message) { return make_error(ErrorKind::kUsage, kNoOffset, std::move(message)); }

uint64_t max_for_bits(uint32_t bits) { return bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }

// wast2json writes every number as the decimal string of its unsigned bit pattern.
Result<uint64_t> parse_bits(const nlohmann::json& j, uint32_t width) {
  if (!j.is_string()) return parse_error("value is not a string: " + j.dump());
  const std::string& s = j.get_ref<const std::string&>();
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty())
    return parse_error("bad number '" + s + "'");
  if (v > max_for_bits(width)) return parse_error("number '" + s + "' too wide for " + std::to_string(width) + " bits");
  return v;
}

Result<ExpectedLane> parse_lane(const nlohmann::json& j, uint32_t width, bool is_float) {
  if (is_float && j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (s == "nan:canonical") return ExpectedLane{0, NanPattern::kCanonical};
    if (s == "nan:arithmetic") return ExpectedLane{0, NanPattern::kArithmetic};
  }
  auto bits = parse_bits(j, width);
  if (!bits) return bits.error();
  return ExpectedLane{*bits, NanPattern::kNone};
}

Result<LaneShape> parse_lane_shape(const nlohmann::json& j) {
  if (!j.is_string()) return parse_error("v128 value without lane_type");
  const std::string& s = j.get_ref<const std::string&>();
  if (s == "i8") return LaneShape::kI8;
  if (s == "i16") return LaneShape::kI16;
  if (s == "i32") return LaneShape::kI32;
  if (s == "i64") return LaneShape::kI64;
  if (s == "f32") return LaneShape::kF32;
  if (s == "f64") return LaneShape::kF64;
  return parse_error("unknown lane_type '" + s + "'");
}

void set_lane(V128& v, LaneShape shape, uint32_t index, uint64_t bits) {
  const uint32_t width = lane_bits(shape);
  for (uint32_t b = 0; b < width / 8; ++b) {
    const uint32_t byte = index * width / 8 + b;
    uint64_t& word = byte < 8 ? v.lo : v.hi;
    const uint32_t shift = (byte % 8) * 8;
    word = (word & ~(uint64_t{0xff} << shift)) | (((bits >> (b * 8)) & 0xff) << shift);
  }
}

// v128 values: a list of per-lane strings, each parsed by `lane`.
template <class LaneFn>
Result<LaneShape> for_each_lane(const nlohmann::json& j, LaneFn&& lane) {
  auto shape = parse_lane_shape(j.contains("lane_type") ? j["lane_type"] : nlohmann::json());
  if (!shape) return shape.error();
  const auto& lanes = j.at("value");
  if (!lanes.is_array() || lanes.size() != lane_count(*shape))
    return parse_error("v128 value needs " + std::to_string(lane_count(*shape)) + " lanes: " + j.dump());
  for (uint32_t i = 0; i < lane_count(*shape); ++i) {
    auto r = lane(*shape, i, lanes[i]);
    if (!r) return r.error();
  }
  return *shape;
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

std::string format_float(uint64_t bits, bool is_f64) {
  char buf[64];
  const double d = is_f64 ? std::bit_cast<double>(bits) : std::bit_cast<float>(static_cast<uint32_t>(bits));
  std::snprintf(buf, sizeof buf, is_f64 ? "%.17g" : "%.9g", d);
  return std::string(buf) + " (" + hex(bits) + ")";
}

std::string format_lane(const ExpectedLane& lane, bool is_float, bool is_f64) {
  if (lane.nan == NanPattern::kCanonical) return "nan:canonical";
  if (lane.nan == NanPattern::kArithmetic) return "nan:arithmetic";
  return is_float ? format_float(lane.bits, is_f64) : std::to_string(lane.bits);
}

const char* shape_name(LaneShape s) {
  static constexpr const char* kNames[] = {"i8", "i16", "i32", "i64", "f32", "f64"};
  return kNames[static_cast<int>(s)];
}

bool lane_matches(const ExpectedLane& e, uint64_t got, bool is_float, bool is_f64) {
  if (is_float && e.nan != NanPattern::kNone) return matches_nan(got, is_f64, e.nan);
  return e.bits == got;
}

}  // namespace

uint32_t lane_bits(LaneShape shape) {
  switch (shape) {
    case LaneShape::kI8: return 8;
    case LaneShape::kI16: return 16;
    case LaneShape::kI32:
    case LaneShape::kF32: return 32;
    case LaneShape::kI64:
    case LaneShape::kF64: return 64;
  }
  return 32;
}

uint32_t lane_count(LaneShape shape) { return 128 / lane_bits(shape); }
bool lane_is_float(LaneShape shape) { return shape == LaneShape::kF32 || shape == LaneShape::kF64; }

uint64_t extract_lane(const V128& v, LaneShape shape, uint32_t index) {
  const uint32_t width = lane_bits(shape);
  uint64_t bits = 0;
  for (uint32_t b = 0; b < width / 8; ++b) {
    const uint32_t byte = index * width / 8 + b;
    const uint64_t word = byte < 8 ? v.lo : v.hi;
    bits |= ((word >> ((byte % 8) * 8)) & 0xff) << (b * 8);
  }
  return bits;
}

bool matches_nan(uint64_t bits, bool is_f64, NanPattern pattern) {
  const uint64_t sign_free = is_f64 ? 0x7fffffffffffffffull : 0x7fffffffull;
  const uint64_t quiet_nan = is_f64 ? 0x7ff8000000000000ull : 0x7fc00000ull;
  switch (pattern) {
    case NanPattern::kCanonical: return (bits & sign_free) == quiet_nan;
    case NanPattern::kArithmetic: return (bits & quiet_nan) == quiet_nan;
    case NanPattern::kNone: return false;
  }
  return false;
}

void* HostRefs::get(uint64_t id) {
  auto& slot = refs_[id];
  if (!slot) slot = std::make_unique<uint64_t>(id);
  return slot.get();
}

int64_t HostRefs::id_of(const void* ref) const {
  for (const auto& [id, p] : refs_)
    if (p.get() == ref) return static_cast<int64_t>(id);
  return -1;
}

Result<ValType> parse_val_type(std::string_view name) {
  if (name == "i32") return ValType::kI32;
  if (name == "i64") return ValType::kI64;
  if (name == "f32") return ValType::kF32;
  if (name == "f64") return ValType::kF64;
  if (name == "v128") return ValType::kV128;
  if (name == "funcref") return ValType::kFuncRef;
  if (name == "externref") return ValType::kExternRef;
  return parse_error("unknown value type '" + std::string(name) + "'");
}

Result<Value> parse_arg(const nlohmann::json& j, HostRefs& refs) {
  if (!j.is_object() || !j.contains("type") || !j.contains("value") || !j["type"].is_string())
    return parse_error("malformed value: " + j.dump());
  auto type = parse_val_type(j["type"].get_ref<const std::string&>());
  if (!type) return type.error();
  const auto& v = j["value"];
  if (is_ref(*type)) {
    if (v == "null") return Value::from_ref(*type, nullptr);
    if (*type == ValType::kFuncRef) return parse_error("funcref arguments other than null are not supported");
    auto id = parse_bits(v, 64);
    if (!id) return id.error();
    return Value::from_ref(*type, refs.get(*id));
  }
  if (*type == ValType::kV128) {
    V128 out;
    auto shape = for_each_lane(j, [&](LaneShape s, uint32_t i, const nlohmann::json& lane) -> Result<void> {
      auto bits = parse_bits(lane, lane_bits(s));
      if (!bits) return bits.error();
      set_lane(out, s, i, *bits);
      return {};
    });
    if (!shape) return shape.error();
    return Value::from_v128(out);
  }
  const bool wide = *type == ValType::kI64 || *type == ValType::kF64;
  auto bits = parse_bits(v, wide ? 64 : 32);
  if (!bits) return bits.error();
  switch (*type) {
    case ValType::kI32: return Value::from_i32(static_cast<uint32_t>(*bits));
    case ValType::kI64: return Value::from_i64(*bits);
    case ValType::kF32: return Value::from_f32_bits(static_cast<uint32_t>(*bits));
    default: return Value::from_f64_bits(*bits);
  }
}

Result<ExpectedValue> parse_expected(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("type") || !j.contains("value") || !j["type"].is_string())
    return parse_error("malformed value: " + j.dump());
  auto type = parse_val_type(j["type"].get_ref<const std::string&>());
  if (!type) return type.error();
  ExpectedValue e;
  e.type = *type;
  const auto& v = j["value"];
  if (is_ref(*type)) {
    if (v == "null") {
      e.is_null = true;
      return e;
    }
    if (*type == ValType::kFuncRef) return parse_error("expected funcref other than null is not supported");
    auto id = parse_bits(v, 64);
    if (!id) return id.error();
    e.host_id = *id;
    return e;
  }
  if (*type == ValType::kV128) {
    auto shape = for_each_lane(j, [&](LaneShape s, uint32_t i, const nlohmann::json& lane) -> Result<void> {
      auto l = parse_lane(lane, lane_bits(s), lane_is_float(s));
      if (!l) return l.error();
      e.lanes[i] = *l;
      return {};
    });
    if (!shape) return shape.error();
    e.shape = *shape;
    return e;
  }
  const bool wide = *type == ValType::kI64 || *type == ValType::kF64;
  const bool is_float = *type == ValType::kF32 || *type == ValType::kF64;
  auto lane = parse_lane(v, wide ? 64 : 32, is_float);
  if (!lane) return lane.error();
  e.lanes[0] = *lane;
  return e;
}

bool matches(const ExpectedValue& e, const Value& got, const HostRefs& refs) {
  if (got.type != e.type) return false;
  switch (e.type) {
    case ValType::kI32: return got.i32 == e.lanes[0].bits;
    case ValType::kI64: return got.i64 == e.lanes[0].bits;
    case ValType::kF32: return lane_matches(e.lanes[0], got.f32_bits, true, false);
    case ValType::kF64: return lane_matches(e.lanes[0], got.f64_bits, true, true);
    case ValType::kV128:
      for (uint32_t i = 0; i < lane_count(e.shape); ++i)
        if (!lane_matches(e.lanes[i], extract_lane(got.v128, e.shape, i), lane_is_float(e.shape),
                          e.shape == LaneShape::kF64))
          return false;
      return true;
    case ValType::kFuncRef:
    case ValType::kExternRef:
      if (e.is_null) return got.ref == nullptr;
      return got.ref != nullptr && refs.id_of(got.ref) == static_cast<int64_t>(e.host_id);
  }
  return false;
}

std::string format_value(const Value& v, const HostRefs& refs, LaneShape shape) {
  switch (v.type) {
    case ValType::kI32: return "i32:" + std::to_string(v.i32);
    case ValType::kI64: return "i64:" + std::to_string(v.i64);
    case ValType::kF32: return "f32:" + format_float(v.f32_bits, false);
    case ValType::kF64: return "f64:" + format_float(v.f64_bits, true);
    case ValType::kV128: {
      std::string s = std::string("v128:") + shape_name(shape) + "[";
      for (uint32_t i = 0; i < lane_count(shape); ++i) {
        const uint64_t bits = extract_lane(v.v128, shape, i);
        if (i) s += ' ';
        s += lane_is_float(shape) ? format_float(bits, shape == LaneShape::kF64) : std::to_string(bits);
      }
      return s + "]";
    }
    case ValType::kFuncRef: return v.ref ? "funcref:" + hex(reinterpret_cast<uintptr_t>(v.ref)) : "funcref:null";
    case ValType::kExternRef: {
      if (!v.ref) return "externref:null";
      const int64_t id = refs.id_of(v.ref);
      return id < 0 ? "externref:foreign " + hex(reinterpret_cast<uintptr_t>(v.ref))
                    : "externref:host " + std::to_string(id);
    }
  }
  return "?";
}

std::string format_expected(const ExpectedValue& e) {
  switch (e.type) {
    case ValType::kI32: return "i32:" + std::to_string(e.lanes[0].bits);
    case ValType::kI64: return "i64:" + std::to_string(e.lanes[0].bits);
    case ValType::kF32: return "f32:" + format_lane(e.lanes[0], true, false);
    case ValType::kF64: return "f64:" + format_lane(e.lanes[0], true, true);
    case ValType::kV128: {
      std::string s = std::string("v128:") + shape_name(e.shape) + "[";
      for (uint32_t i = 0; i < lane_count(e.shape); ++i) {
        if (i) s += ' ';
        s += format_lane(e.lanes[i], lane_is_float(e.shape), e.shape == LaneShape::kF64);
      }
      return s + "]";
    }
    case ValType::kFuncRef: return e.is_null ? "funcref:null" : "funcref:?";
    case ValType::kExternRef: return e.is_null ? "externref:null" : "externref:host " + std::to_string(e.host_id);
  }
  return "?";
}

}  // namespace wpvm::spec

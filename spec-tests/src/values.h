// Spec-script values: parsing wast2json's JSON values into engine arguments
// and expected results, matching results against expectations (bit-exact,
// NaN patterns, v128 lanes, host references) and printing both for reports.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "wpvm/result.h"
#include "wpvm/runtime.h"
#include "wpvm/types.h"

namespace wpvm::spec {

// How an expected float (or float lane) is compared.
enum class NanPattern : uint8_t { kNone, kCanonical, kArithmetic };

// The lane interpretation wast2json gives a v128 value.
enum class LaneShape : uint8_t { kI8, kI16, kI32, kI64, kF32, kF64 };

uint32_t lane_count(LaneShape shape);
uint32_t lane_bits(LaneShape shape);
bool lane_is_float(LaneShape shape);

// Lane `index` of a v128, as an unsigned bit pattern (lane 0 = lowest bytes).
uint64_t extract_lane(const V128& v, LaneShape shape, uint32_t index);

// True if `bits` (an f32 when !is_f64) matches the pattern; kNone never matches.
bool matches_nan(uint64_t bits, bool is_f64, NanPattern pattern);

struct ExpectedLane {
  uint64_t bits = 0;
  NanPattern nan = NanPattern::kNone;
};

// One expected result. Scalars use lanes[0]; references use is_null/host_id.
struct ExpectedValue {
  ValType type = ValType::kI32;
  LaneShape shape = LaneShape::kI32;  // v128 only
  std::array<ExpectedLane, 16> lanes{};
  bool is_null = false;
  uint64_t host_id = 0;  // externref N (when !is_null)
};

// The host references a script names with `ref.extern N`. The runner hands
// out one distinct, stable pointer per N, so a returned reference can be
// checked to be the very one that was passed in.
class HostRefs {
 public:
  void* get(uint64_t id);
  // The N whose pointer this is, or -1 if it is not one of ours.
  int64_t id_of(const void* ref) const;

 private:
  std::map<uint64_t, std::unique_ptr<uint64_t>> refs_;
};

Result<ValType> parse_val_type(std::string_view name);

// An argument value (no NaN patterns allowed).
Result<Value> parse_arg(const nlohmann::json& j, HostRefs& refs);

// An expected result value (NaN patterns allowed for floats and float lanes).
Result<ExpectedValue> parse_expected(const nlohmann::json& j);

bool matches(const ExpectedValue& expected, const Value& got, const HostRefs& refs);

// "i32:42", "f32:1.5 (0x3fc00000)", "v128:i32[1 2 3 4]", "externref:host 3".
// A v128 is shown in `shape` (use the expected value's, so lanes line up).
std::string format_value(const Value& v, const HostRefs& refs, LaneShape shape = LaneShape::kI32);
std::string format_expected(const ExpectedValue& e);

}  // namespace wpvm::spec

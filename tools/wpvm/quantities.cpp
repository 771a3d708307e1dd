// Parsing of command-line sizes and durations (quantities.h).
#include "quantities.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace wpvm::cli {
namespace {

struct Unit {
  std::string_view name;
  double factor;
};

// The number before the unit and the unit; false if there is no number.
bool split(std::string_view s, bool decimals, std::string_view& number, std::string_view& unit) {
  size_t i = 0;
  bool dot = false;
  while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || (decimals && s[i] == '.' && !dot))) {
    dot |= s[i] == '.';
    ++i;
  }
  number = s.substr(0, i);
  unit = s.substr(i);
  return !number.empty() && number != ".";
}

}  // namespace

std::optional<uint64_t> parse_count(std::string_view s) {
  std::string_view number, unit;
  if (!split(s, false, number, unit) || !unit.empty()) return std::nullopt;
  uint64_t n = 0;
  if (std::from_chars(number.data(), number.data() + number.size(), n).ec != std::errc()) return std::nullopt;
  return n;
}

std::optional<uint64_t> parse_size(std::string_view s) {
  static constexpr Unit kUnits[] = {{"", 1},          {"B", 1},           {"KiB", 1024.0},
                                    {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0},
                                    {"KB", 1e3},        {"MB", 1e6},        {"GB", 1e9},
                                    {"TB", 1e12}};
  std::string_view number, unit;
  if (!split(s, false, number, unit)) return std::nullopt;
  for (const Unit& u : kUnits) {
    if (unit != u.name) continue;
    uint64_t n = 0;
    if (std::from_chars(number.data(), number.data() + number.size(), n).ec != std::errc()) return std::nullopt;
    auto factor = static_cast<uint64_t>(u.factor);
    if (n > UINT64_MAX / factor) return std::nullopt;
    return n * factor;
  }
  return std::nullopt;
}

std::optional<std::chrono::nanoseconds> parse_duration(std::string_view s) {
  static constexpr Unit kUnits[] = {{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
  std::string_view number, unit;
  if (!split(s, true, number, unit) || number.size() > 40) return std::nullopt;
  for (const Unit& u : kUnits) {
    if (unit != u.name) continue;
    double ns = std::strtod(std::string(number).c_str(), nullptr) * u.factor;
    if (!std::isfinite(ns) || ns >= 9.2e18) return std::nullopt;
    return std::chrono::nanoseconds(static_cast<int64_t>(std::llround(ns)));
  }
  return std::nullopt;
}

}  // namespace wpvm::cli

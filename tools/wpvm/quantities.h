// Command-line quantities: sizes ("64MiB") and durations ("500ms").
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace wpvm::cli {

// A count: a whole decimal number, no sign, no unit. nullopt if malformed or
// past 2^64-1.
std::optional<uint64_t> parse_count(std::string_view s);

// Bytes: a whole number with an optional unit: B, KiB, MiB, GiB, TiB (powers
// of 1024), KB, MB, GB, TB (powers of 1000). nullopt if malformed or past
// 2^64-1.
std::optional<uint64_t> parse_size(std::string_view s);

// A duration: a number (decimals allowed) with a unit: ns, us, ms, s, m
// (minutes), h. nullopt if malformed, negative, or past ~292 years.
std::optional<std::chrono::nanoseconds> parse_duration(std::string_view s);

}  // namespace wpvm::cli

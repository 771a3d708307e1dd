// Text <-> Wasm values for `wpvm run --invoke`: arguments parsed by the
// export's parameter types, results printed one per line.
#pragma once
#include <optional>
#include <string>

#include "wpvm/runtime.h"

namespace wpvm::cli {

// Parses `text` as a value of type `t`. Integers may be signed or unsigned
// decimal (or 0x hex); floats accept what strtod does (inf, nan, hex floats).
std::optional<Value> parse_value(ValType t, const std::string& text);

// i32/i64 as signed decimal, floats in shortest round-trip form, v128 as hex,
// references as "ref.null" or "ref.func"/"ref.extern".
std::string format_value(const Value& v);

}  // namespace wpvm::cli

// The row tables (numeric_ops.def, atomic_ops.def, the interpreter's
// interp_ops.def) name operand types by tag (u32, s32, u64, s64, f32, f64):
// these macros read a 64-bit slot as, write a value into a slot from, and name
// the C++ type of each tag.
#pragma once
#include <bit>
#include <cstdint>

#define RD_u32(x) static_cast<uint32_t>(x)
#define RD_s32(x) static_cast<int32_t>(static_cast<uint32_t>(x))
#define RD_u64(x) static_cast<uint64_t>(x)
#define RD_s64(x) static_cast<int64_t>(x)
#define RD_f32(x) std::bit_cast<float>(static_cast<uint32_t>(x))
#define RD_f64(x) std::bit_cast<double>(static_cast<uint64_t>(x))
#define WR_u32(v) static_cast<uint64_t>(static_cast<uint32_t>(v))
#define WR_s32(v) static_cast<uint64_t>(static_cast<uint32_t>(v))
#define WR_u64(v) static_cast<uint64_t>(v)
#define WR_s64(v) static_cast<uint64_t>(v)
#define WR_f32(v) static_cast<uint64_t>(std::bit_cast<uint32_t>(static_cast<float>(v)))
#define WR_f64(v) std::bit_cast<uint64_t>(static_cast<double>(v))
#define T_u32 uint32_t
#define T_s32 int32_t
#define T_u64 uint64_t
#define T_s64 int64_t
#define T_f32 float
#define T_f64 double

// The SIMD instructions' value semantics, written once for every tier: plain
// lane loops over 16-byte values (portable C++, no intrinsics; the compiler
// vectorises what it can), the shapes the rows of simd_ops.def instantiate,
// and one value function per row that is not a memory access (row::Name),
// all inline. The interpreter inlines them into the functions its IOp::Simd
// instruction runs (interp/simd_exec.cpp), its loads and stores taking their
// lane work from here too; value_fn (simd.cpp) gives them by opcode to the
// JIT, as the helpers for the instructions it does not inline.
//
// Lanes are read and written with memcpy, so float lanes keep their NaN bits
// and no access is misaligned.
#pragma once
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "exec/numeric.h"
#include "opcode.h"

namespace wpvm::exec::simd {

// The value semantics of a SIMD instruction that is neither a memory access
// nor v128.const, over 16-byte cells: a v128 operand fills its cell; a scalar
// (i32, i64, f32, f64) sits in the first bytes of its cell, little-endian.
// Writes the result to r: a v128 fills it, a scalar result is written
// zero-extended to 8 bytes. r may alias any operand (all operands are read
// before r is written). Operands are a, b, c in the order the Wasm
// instruction pops them (unused ones may be null). imm: the lane index of
// extract_lane/replace_lane (0 otherwise); for i8x16.shuffle, c points at the
// 16 lane-index bytes of the immediate.
using ValueFn = void (*)(uint8_t* r, const uint8_t* a, const uint8_t* b, const uint8_t* c, uint32_t imm);
// nullptr for memory instructions, v128.const, and non-SIMD opcodes.
ValueFn value_fn(Opcode op);

// Lane types, as the rows name them.
using s8 = int8_t;
using u8 = uint8_t;
using s16 = int16_t;
using u16 = uint16_t;
using s32 = int32_t;
using u32 = uint32_t;
using s64 = int64_t;
using u64 = uint64_t;
using f32 = float;
using f64 = double;

// A v128 value: lane i of type T is bytes [i * sizeof(T), (i + 1) * sizeof(T)),
// little-endian.
struct V {
  uint8_t b[16];
};

template <class T>
inline constexpr int kLanes = 16 / sizeof(T);

template <class T>
T lane(const V& v, int i) {
  T x;
  std::memcpy(&x, v.b + i * sizeof(T), sizeof(T));
  return x;
}
template <class T>
void set_lane(V& v, int i, T x) {
  std::memcpy(v.b + i * sizeof(T), &x, sizeof(T));
}

// Cells (ValueFn): a v128 operand or result, a scalar operand read as type T
// (T no wider than the operand: only its first sizeof(T) bytes are read), a
// scalar result zero-extended to 8 bytes.
inline V get(const uint8_t* cell) {
  V v;
  std::memcpy(v.b, cell, 16);
  return v;
}
inline void put(uint8_t* cell, const V& v) { std::memcpy(cell, v.b, 16); }
template <class T>
T get_scalar(const uint8_t* cell) {
  T x;
  std::memcpy(&x, cell, sizeof(T));
  return x;
}
inline void put_scalar(uint8_t* cell, uint64_t x) { std::memcpy(cell, &x, 8); }

// Saturates an int result to the range of lane type T.
template <class T>
T sat(int64_t x) {
  return static_cast<T>(std::clamp<int64_t>(x, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}

// ---- lane-wise shapes (the generic rows) ----

template <class T, class F>
V map1(const V& a, F f) {
  V r;
  for (int i = 0; i < kLanes<T>; ++i) set_lane<T>(r, i, static_cast<T>(f(lane<T>(a, i))));
  return r;
}
template <class T, class F>
V map2(const V& a, const V& b, F f) {
  V r;
  for (int i = 0; i < kLanes<T>; ++i) set_lane<T>(r, i, static_cast<T>(f(lane<T>(a, i), lane<T>(b, i))));
  return r;
}
template <class T, class F>
V compare(const V& a, const V& b, F f) {
  V r;
  for (int i = 0; i < kLanes<T>; ++i) std::memset(r.b + i * sizeof(T), f(lane<T>(a, i), lane<T>(b, i)) ? 0xff : 0, sizeof(T));
  return r;
}
template <class In, class Out, int kHigh, class F>
V convert(const V& a, F f) {
  constexpr int n = std::min(kLanes<In>, kLanes<Out>);
  constexpr int first = kHigh ? kLanes<In> - n : 0;
  V r{};
  for (int i = 0; i < n; ++i) set_lane<Out>(r, i, static_cast<Out>(f(lane<In>(a, first + i))));
  return r;
}

// The kLanes<Out> In lanes at p (8 bytes, or 16 for <u8, u8>), each widened
// to Out: the extending loads (<u8, u8> is the plain load).
template <class In, class Out>
V widened(const uint8_t* p) {
  V src{};
  std::memcpy(src.b, p, kLanes<Out> * sizeof(In));
  return convert<In, Out, 0>(src, [](In x) { return x; });
}

// ---- lanes ----

// Splat, extract and replace move bit patterns: float lanes use the integer
// type of their size, so NaN payloads pass unchanged. A scalar operand is
// read as the lane type, so a load may pass memory as its cell.
template <class T>
void splat(uint8_t* r, const uint8_t* a, const uint8_t*, const uint8_t*, uint32_t) {
  T x = get_scalar<T>(a);
  V v;
  for (int i = 0; i < kLanes<T>; ++i) set_lane<T>(v, i, x);
  put(r, v);
}
// Signed lanes sign-extend to i32; an i32 result is written zero-extended.
template <class T>
void extract_lane(uint8_t* r, const uint8_t* a, const uint8_t*, const uint8_t*, uint32_t imm) {
  T x = lane<T>(get(a), static_cast<int>(imm));
  if constexpr (sizeof(T) == 8) put_scalar(r, static_cast<uint64_t>(x));
  else put_scalar(r, static_cast<uint32_t>(static_cast<int32_t>(x)));
}
template <class T>
void replace_lane(uint8_t* r, const uint8_t* a, const uint8_t* b, const uint8_t*, uint32_t imm) {
  V v = get(a);
  set_lane<T>(v, static_cast<int>(imm), get_scalar<T>(b));
  put(r, v);
}
// Lane indices 0-15 pick from a, 16-31 from b (validated < 32).
inline void shuffle(uint8_t* r, const uint8_t* a, const uint8_t* b, const uint8_t* c, uint32_t) {
  V x = get(a), y = get(b), s = get(c), v;
  for (int i = 0; i < 16; ++i) v.b[i] = s.b[i] < 16 ? x.b[s.b[i]] : y.b[s.b[i] & 15];
  put(r, v);
}
// Indices out of range (>= 16) give 0.
inline void swizzle(uint8_t* r, const uint8_t* a, const uint8_t* b, const uint8_t*, uint32_t) {
  V x = get(a), s = get(b), v;
  for (int i = 0; i < 16; ++i) v.b[i] = s.b[i] < 16 ? x.b[s.b[i]] : 0;
  put(r, v);
}

// ---- reductions and other whole-vector shapes ----

inline void bitselect(uint8_t* r, const uint8_t* a, const uint8_t* b, const uint8_t* c, uint32_t) {
  V x = get(a), y = get(b), m = get(c), v;
  for (int i = 0; i < 16; ++i) v.b[i] = static_cast<uint8_t>((x.b[i] & m.b[i]) | (y.b[i] & ~m.b[i]));
  put(r, v);
}
inline void any_true(uint8_t* r, const uint8_t* a, const uint8_t*, const uint8_t*, uint32_t) {
  V x = get(a);
  put_scalar(r, (lane<u64>(x, 0) | lane<u64>(x, 1)) != 0);
}
template <class T>
void all_true(uint8_t* r, const uint8_t* a, const uint8_t*, const uint8_t*, uint32_t) {
  V x = get(a);
  uint32_t t = 1;
  for (int i = 0; i < kLanes<T>; ++i) t &= lane<T>(x, i) != 0;
  put_scalar(r, t);
}
template <class T>
void bitmask(uint8_t* r, const uint8_t* a, const uint8_t*, const uint8_t*, uint32_t) {
  V x = get(a);
  uint32_t m = 0;
  for (int i = 0; i < kLanes<T>; ++i) m |= uint32_t{lane<T>(x, i) < 0} << i;
  put_scalar(r, m);
}
// Signed In lanes of a then b, each saturated to Out (signed or unsigned).
template <class In, class Out>
void narrow(uint8_t* r, const uint8_t* a, const uint8_t* b, const uint8_t*, uint32_t) {
  V x = get(a), y = get(b), v;
  constexpr int n = kLanes<In>;
  for (int i = 0; i < n; ++i) {
    set_lane<Out>(v, i, sat<Out>(lane<In>(x, i)));
    set_lane<Out>(v, n + i, sat<Out>(lane<In>(y, i)));
  }
  put(r, v);
}
template <class In, class Out>
void extadd_pairwise(uint8_t* r, const uint8_t* a, const uint8_t*, const uint8_t*, uint32_t) {
  V x = get(a), v;
  for (int i = 0; i < kLanes<Out>; ++i)
    set_lane<Out>(v, i, static_cast<Out>(Out{lane<In>(x, 2 * i)} + Out{lane<In>(x, 2 * i + 1)}));
  put(r, v);
}
// Widened products of the low or high halves; they always fit in Out.
template <class In, class Out, int kHigh>
void extmul(uint8_t* r, const uint8_t* a, const uint8_t* b, const uint8_t*, uint32_t) {
  V x = get(a), y = get(b), v;
  constexpr int n = kLanes<Out>, first = kHigh ? n : 0;
  using Wide = std::conditional_t<std::is_signed_v<Out>, int64_t, uint64_t>;
  for (int i = 0; i < n; ++i)
    set_lane<Out>(v, i, static_cast<Out>(Wide{lane<In>(x, first + i)} * Wide{lane<In>(y, first + i)}));
  put(r, v);
}
// The sum of two products wraps only for all four inputs -2^15 (to -2^31).
inline void dot_i16x8(uint8_t* r, const uint8_t* a, const uint8_t* b, const uint8_t*, uint32_t) {
  V x = get(a), y = get(b), v;
  for (int i = 0; i < 4; ++i) {
    int64_t s = int64_t{lane<s16>(x, 2 * i)} * lane<s16>(y, 2 * i) + int64_t{lane<s16>(x, 2 * i + 1)} * lane<s16>(y, 2 * i + 1);
    set_lane<u32>(v, i, static_cast<u32>(s));
  }
  put(r, v);
}

// ---- the rows: one ValueFn each, named like the Wasm opcode ----

namespace row {
#define WPVM_SIMD_UN(name, L, expr)                                                              \
  inline void name(uint8_t* r, const uint8_t* va, const uint8_t*, const uint8_t*, uint32_t) {   \
    put(r, map1<L>(get(va), [](L a) { return expr; }));                                          \
  }
#define WPVM_SIMD_BIN(name, L, expr)                                                             \
  inline void name(uint8_t* r, const uint8_t* va, const uint8_t* vb, const uint8_t*, uint32_t) { \
    put(r, map2<L>(get(va), get(vb), [](L a, L b) { return expr; }));                            \
  }
#define WPVM_SIMD_CMP(name, L, expr)                                                             \
  inline void name(uint8_t* r, const uint8_t* va, const uint8_t* vb, const uint8_t*, uint32_t) { \
    put(r, compare<L>(get(va), get(vb), [](L a, L b) { return expr; }));                         \
  }
#define WPVM_SIMD_SHIFT(name, L, expr)                                                           \
  inline void name(uint8_t* r, const uint8_t* va, const uint8_t* vb, const uint8_t*, uint32_t) { \
    uint32_t n = get_scalar<uint32_t>(vb) & (sizeof(L) * 8 - 1);                                 \
    put(r, map1<L>(get(va), [n](L a) { return expr; }));                                         \
  }
#define WPVM_SIMD_CONV(name, In, Out, high, expr)                                                \
  inline void name(uint8_t* r, const uint8_t* va, const uint8_t*, const uint8_t*, uint32_t) {   \
    put(r, convert<In, Out, high>(get(va), [](In a) { return expr; }));                          \
  }
#define WPVM_SIMD_FN(name, fn)                                                                   \
  inline void name(uint8_t* r, const uint8_t* a, const uint8_t* b, const uint8_t* c, uint32_t imm) { \
    fn(r, a, b, c, imm);                                                                         \
  }
#include "exec/simd_ops.def"
}  // namespace row

}  // namespace wpvm::exec::simd

// The interpreter's SIMD semantics: one function per row of simd_ops.def,
// written as plain lane loops over a 16-byte value (portable C++, no
// intrinsics; the compiler vectorises what it can). Lanes are read and
// written with memcpy, so float lanes keep their NaN bits and no access is
// misaligned. Memory accesses are bounds-checked like the scalar ones.
#include "interp/simd_exec.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "exec/numeric.h"

namespace wpvm::interp::simd {

namespace {

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

struct V {
  uint8_t b[16];
};

template <class T>
constexpr int kLanes = 16 / sizeof(T);

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

// Operand access (layout in simd_exec.h).
V get(const Slot* fp, uint32_t slot) {
  V v;
  std::memcpy(v.b, fp + slot, 16);
  return v;
}
void put(Slot* fp, const Word* pc, const V& v) { std::memcpy(fp + pc[1].u.b, v.b, 16); }
V arg_a(const Slot* fp, const Word* pc) { return get(fp, pc[2].u.a); }
V arg_b(const Slot* fp, const Word* pc) { return get(fp, pc[2].u.b); }
uint32_t lane_index(const Word* pc) { return pc[3].u.a; }

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

// ---- memory ----

// The host address of an access of n bytes, or nullptr when out of bounds.
uint8_t* address(const Slot* fp, const Word* pc, uint8_t* mem, uint64_t mem_size, size_t n) {
  uint64_t ea = uint64_t{static_cast<uint32_t>(fp[pc[2].u.a])} + pc[3].u.b;
  return ea + n > mem_size ? nullptr : mem + ea;
}
constexpr uint32_t kOutOfBounds = exec::trap_code(TrapKind::kMemoryOutOfBounds);

// Loads 8 bytes of In lanes widened to Out lanes; <u8, u8> is the plain 16-byte load.
template <class In, class Out>
uint32_t load_extend(Slot* fp, const Word* pc, uint8_t* mem, uint64_t mem_size) {
  constexpr int n = kLanes<Out>;
  const uint8_t* p = address(fp, pc, mem, mem_size, n * sizeof(In));
  if (!p) return kOutOfBounds;
  V src{}, r;
  std::memcpy(src.b, p, n * sizeof(In));
  for (int i = 0; i < n; ++i) set_lane<Out>(r, i, static_cast<Out>(lane<In>(src, i)));
  put(fp, pc, r);
  return 0;
}
template <class T>
uint32_t load_splat(Slot* fp, const Word* pc, uint8_t* mem, uint64_t mem_size) {
  const uint8_t* p = address(fp, pc, mem, mem_size, sizeof(T));
  if (!p) return kOutOfBounds;
  T x;
  std::memcpy(&x, p, sizeof(T));
  V r;
  for (int i = 0; i < kLanes<T>; ++i) set_lane<T>(r, i, x);
  put(fp, pc, r);
  return 0;
}
template <class T>
uint32_t load_zero(Slot* fp, const Word* pc, uint8_t* mem, uint64_t mem_size) {
  const uint8_t* p = address(fp, pc, mem, mem_size, sizeof(T));
  if (!p) return kOutOfBounds;
  V r{};
  std::memcpy(r.b, p, sizeof(T));
  put(fp, pc, r);
  return 0;
}
// Pops (address, vector): the vector with one lane replaced from memory.
template <class T>
uint32_t load_lane(Slot* fp, const Word* pc, uint8_t* mem, uint64_t mem_size) {
  const uint8_t* p = address(fp, pc, mem, mem_size, sizeof(T));
  if (!p) return kOutOfBounds;
  V r = arg_b(fp, pc);
  std::memcpy(r.b + lane_index(pc) * sizeof(T), p, sizeof(T));
  put(fp, pc, r);
  return 0;
}
uint32_t store(Slot* fp, const Word* pc, uint8_t* mem, uint64_t mem_size) {
  uint8_t* p = address(fp, pc, mem, mem_size, 16);
  if (!p) return kOutOfBounds;
  std::memcpy(p, fp + pc[2].u.b, 16);
  return 0;
}
template <class T>
uint32_t store_lane(Slot* fp, const Word* pc, uint8_t* mem, uint64_t mem_size) {
  uint8_t* p = address(fp, pc, mem, mem_size, sizeof(T));
  if (!p) return kOutOfBounds;
  V v = arg_b(fp, pc);
  std::memcpy(p, v.b + lane_index(pc) * sizeof(T), sizeof(T));
  return 0;
}

// ---- lanes ----

// Splat, extract and replace move bit patterns: float lanes use the integer
// type of their size, so NaN payloads pass unchanged.
template <class T>
uint32_t splat(Slot* fp, const Word* pc, uint8_t*, uint64_t) {
  T x = static_cast<T>(fp[pc[2].u.a]);
  V r;
  for (int i = 0; i < kLanes<T>; ++i) set_lane<T>(r, i, x);
  put(fp, pc, r);
  return 0;
}
// Signed lanes sign-extend to i32; an i32 slot holds its value zero-extended.
template <class T>
uint32_t extract_lane(Slot* fp, const Word* pc, uint8_t*, uint64_t) {
  T x = lane<T>(arg_a(fp, pc), static_cast<int>(lane_index(pc)));
  if constexpr (sizeof(T) == 8) fp[pc[1].u.b] = static_cast<Slot>(x);
  else fp[pc[1].u.b] = static_cast<uint32_t>(static_cast<int32_t>(x));
  return 0;
}
template <class T>
uint32_t replace_lane(Slot* fp, const Word* pc, uint8_t*, uint64_t) {
  V r = arg_a(fp, pc);
  set_lane<T>(r, static_cast<int>(lane_index(pc)), static_cast<T>(fp[pc[2].u.b]));
  put(fp, pc, r);
  return 0;
}
// Lane indices 0-15 pick from a, 16-31 from b (validated < 32).
uint32_t shuffle(Slot* fp, const Word* pc, uint8_t*, uint64_t) {
  V a = arg_a(fp, pc), b = arg_b(fp, pc), s = get(fp, pc[3].u.a), r;
  for (int i = 0; i < 16; ++i) r.b[i] = s.b[i] < 16 ? a.b[s.b[i]] : b.b[s.b[i] & 15];
  put(fp, pc, r);
  return 0;
}
// Indices out of range (>= 16) give 0.
uint32_t swizzle(Slot* fp, const Word* pc, uint8_t*, uint64_t) {
  V a = arg_a(fp, pc), s = arg_b(fp, pc), r;
  for (int i = 0; i < 16; ++i) r.b[i] = s.b[i] < 16 ? a.b[s.b[i]] : 0;
  put(fp, pc, r);
  return 0;
}

// ---- reductions and other whole-vector shapes ----

uint32_t bitselect(Slot* fp, const Word* pc, uint8_t*, uint64_t) {
  V a = arg_a(fp, pc), b = arg_b(fp, pc), c = get(fp, pc[3].u.a), r;
  for (int i = 0; i < 16; ++i) r.b[i] = static_cast<uint8_t>((a.b[i] & c.b[i]) | (b.b[i] & ~c.b[i]));
  put(fp, pc, r);
  return 0;
}
uint32_t any_true(Slot* fp, const Word* pc, uint8_t*, uint64_t) {
  V a = arg_a(fp, pc);
  fp[pc[1].u.b] = (lane<u64>(a, 0) | lane<u64>(a, 1)) != 0;
  return 0;
}
template <class T>
uint32_t all_true(Slot* fp, const Word* pc, uint8_t*, uint64_t) {
  V a = arg_a(fp, pc);
  uint32_t r = 1;
  for (int i = 0; i < kLanes<T>; ++i) r &= lane<T>(a, i) != 0;
  fp[pc[1].u.b] = r;
  return 0;
}
template <class T>
uint32_t bitmask(Slot* fp, const Word* pc, uint8_t*, uint64_t) {
  V a = arg_a(fp, pc);
  uint32_t r = 0;
  for (int i = 0; i < kLanes<T>; ++i) r |= uint32_t{lane<T>(a, i) < 0} << i;
  fp[pc[1].u.b] = r;
  return 0;
}
// Signed In lanes of a then b, each saturated to Out (signed or unsigned).
template <class In, class Out>
uint32_t narrow(Slot* fp, const Word* pc, uint8_t*, uint64_t) {
  V a = arg_a(fp, pc), b = arg_b(fp, pc), r;
  constexpr int n = kLanes<In>;
  for (int i = 0; i < n; ++i) {
    set_lane<Out>(r, i, sat<Out>(lane<In>(a, i)));
    set_lane<Out>(r, n + i, sat<Out>(lane<In>(b, i)));
  }
  put(fp, pc, r);
  return 0;
}
template <class In, class Out>
uint32_t extadd_pairwise(Slot* fp, const Word* pc, uint8_t*, uint64_t) {
  V a = arg_a(fp, pc), r;
  for (int i = 0; i < kLanes<Out>; ++i)
    set_lane<Out>(r, i, static_cast<Out>(Out{lane<In>(a, 2 * i)} + Out{lane<In>(a, 2 * i + 1)}));
  put(fp, pc, r);
  return 0;
}
// Widened products of the low or high halves; they always fit in Out.
template <class In, class Out, int kHigh>
uint32_t extmul(Slot* fp, const Word* pc, uint8_t*, uint64_t) {
  V a = arg_a(fp, pc), b = arg_b(fp, pc), r;
  constexpr int n = kLanes<Out>, first = kHigh ? n : 0;
  using Wide = std::conditional_t<std::is_signed_v<Out>, int64_t, uint64_t>;
  for (int i = 0; i < n; ++i)
    set_lane<Out>(r, i, static_cast<Out>(Wide{lane<In>(a, first + i)} * Wide{lane<In>(b, first + i)}));
  put(fp, pc, r);
  return 0;
}
// The sum of two products wraps only for all four inputs -2^15 (to -2^31).
uint32_t dot_i16x8(Slot* fp, const Word* pc, uint8_t*, uint64_t) {
  V a = arg_a(fp, pc), b = arg_b(fp, pc), r;
  for (int i = 0; i < 4; ++i) {
    int64_t s = int64_t{lane<s16>(a, 2 * i)} * lane<s16>(b, 2 * i) + int64_t{lane<s16>(a, 2 * i + 1)} * lane<s16>(b, 2 * i + 1);
    set_lane<u32>(r, i, static_cast<u32>(s));
  }
  put(fp, pc, r);
  return 0;
}

// ---- the rows ----

#define WPVM_SIMD_UN(name, L, expr)                                                  \
  uint32_t op_##name(Slot* fp, const Word* pc, uint8_t*, uint64_t) {                 \
    put(fp, pc, map1<L>(arg_a(fp, pc), [](L a) { return expr; }));                   \
    return 0;                                                                        \
  }
#define WPVM_SIMD_BIN(name, L, expr)                                                 \
  uint32_t op_##name(Slot* fp, const Word* pc, uint8_t*, uint64_t) {                 \
    put(fp, pc, map2<L>(arg_a(fp, pc), arg_b(fp, pc), [](L a, L b) { return expr; })); \
    return 0;                                                                        \
  }
#define WPVM_SIMD_CMP(name, L, expr)                                                 \
  uint32_t op_##name(Slot* fp, const Word* pc, uint8_t*, uint64_t) {                 \
    put(fp, pc, compare<L>(arg_a(fp, pc), arg_b(fp, pc), [](L a, L b) { return expr; })); \
    return 0;                                                                        \
  }
#define WPVM_SIMD_SHIFT(name, L, expr)                                               \
  uint32_t op_##name(Slot* fp, const Word* pc, uint8_t*, uint64_t) {                 \
    uint32_t n = static_cast<uint32_t>(fp[pc[2].u.b]) & (sizeof(L) * 8 - 1);         \
    put(fp, pc, map1<L>(arg_a(fp, pc), [n](L a) { return expr; }));                  \
    return 0;                                                                        \
  }
#define WPVM_SIMD_CONV(name, In, Out, high, expr)                                    \
  uint32_t op_##name(Slot* fp, const Word* pc, uint8_t*, uint64_t) {                 \
    put(fp, pc, convert<In, Out, high>(arg_a(fp, pc), [](In a) { return expr; }));   \
    return 0;                                                                        \
  }
#include "interp/simd_ops.def"

}  // namespace

const Fn kFns[] = {
#define WPVM_SIMD_UN(name, lane, expr) op_##name,
#define WPVM_SIMD_BIN(name, lane, expr) op_##name,
#define WPVM_SIMD_CMP(name, lane, expr) op_##name,
#define WPVM_SIMD_SHIFT(name, lane, expr) op_##name,
#define WPVM_SIMD_CONV(name, in, out, high, expr) op_##name,
#define WPVM_SIMD_FN(name, fn) fn,
#include "interp/simd_ops.def"
};
static_assert(std::size(kFns) == static_cast<size_t>(Op::kCount));

Op op_of(Opcode op) {
  switch (op) {
#define WPVM_SIMD_UN(name, lane, expr) case Opcode::name: return Op::name;
#define WPVM_SIMD_BIN(name, lane, expr) case Opcode::name: return Op::name;
#define WPVM_SIMD_CMP(name, lane, expr) case Opcode::name: return Op::name;
#define WPVM_SIMD_SHIFT(name, lane, expr) case Opcode::name: return Op::name;
#define WPVM_SIMD_CONV(name, in, out, high, expr) case Opcode::name: return Op::name;
#define WPVM_SIMD_FN(name, fn) case Opcode::name: return Op::name;
#include "interp/simd_ops.def"
    default: return Op::kCount;
  }
}

Opcode opcode_of(Op op) {
  static const Opcode kOpcodes[] = {
#define WPVM_SIMD_UN(name, lane, expr) Opcode::name,
#define WPVM_SIMD_BIN(name, lane, expr) Opcode::name,
#define WPVM_SIMD_CMP(name, lane, expr) Opcode::name,
#define WPVM_SIMD_SHIFT(name, lane, expr) Opcode::name,
#define WPVM_SIMD_CONV(name, in, out, high, expr) Opcode::name,
#define WPVM_SIMD_FN(name, fn) Opcode::name,
#include "interp/simd_ops.def"
  };
  return static_cast<size_t>(op) < std::size(kOpcodes) ? kOpcodes[static_cast<size_t>(op)] : Opcode::kCount;
}

}  // namespace wpvm::interp::simd

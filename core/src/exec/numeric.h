// Exact Wasm numeric semantics the C++ operators do not give directly:
// trapping division, float->int truncation (trapping and saturating),
// min/max with Wasm's NaN and signed-zero rules, NaN-quieting rounding. Used
// by the numeric rows (numeric_ops.def) and the SIMD rows (simd_ops.def).
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "exec/trap_code.h"

namespace wpvm::num {

// The trapping ones return a TrapCode (0: no trap) and write *r.
template <class T>
inline exec::TrapCode div_s(T a, T b, T* r) {
  if (b == 0) return exec::trap_code(TrapKind::kIntegerDivideByZero);
  if (a == std::numeric_limits<T>::min() && b == -1) return exec::trap_code(TrapKind::kIntegerOverflow);
  *r = a / b;
  return 0;
}
template <class T>
inline exec::TrapCode rem_s(T a, T b, T* r) {
  if (b == 0) return exec::trap_code(TrapKind::kIntegerDivideByZero);
  *r = (b == -1) ? 0 : a % b;  // INT_MIN % -1 is 0 in Wasm, UB in C++
  return 0;
}
template <class T>
inline exec::TrapCode div_u(T a, T b, T* r) {
  if (b == 0) return exec::trap_code(TrapKind::kIntegerDivideByZero);
  *r = a / b;
  return 0;
}
template <class T>
inline exec::TrapCode rem_u(T a, T b, T* r) {
  if (b == 0) return exec::trap_code(TrapKind::kIntegerDivideByZero);
  *r = a % b;
  return 0;
}

// Open interval (lo, hi) of doubles whose truncation fits in I. Every f32 is
// exactly representable as a double, so f32 inputs are checked the same way.
template <class I>
constexpr double trunc_lo() {
  if constexpr (std::is_unsigned_v<I>) return -1.0;
  else if constexpr (sizeof(I) == 4) return -2147483649.0;
  else return -9223372036854777856.0;  // next double below -2^63
}
template <class I>
constexpr double trunc_hi() {
  if constexpr (sizeof(I) == 4) return std::is_unsigned_v<I> ? 4294967296.0 : 2147483648.0;
  else return std::is_unsigned_v<I> ? 18446744073709551616.0 : 9223372036854775808.0;
}

template <class I, class F>
inline exec::TrapCode trunc(F x, I* r) {
  double d = static_cast<double>(x);
  if (std::isnan(d)) return exec::trap_code(TrapKind::kInvalidConversionToInteger);
  if (!(d > trunc_lo<I>() && d < trunc_hi<I>())) return exec::trap_code(TrapKind::kIntegerOverflow);
  *r = static_cast<I>(d);
  return 0;
}

template <class I, class F>
inline I trunc_sat(F x) {
  double d = static_cast<double>(x);
  if (std::isnan(d)) return 0;
  if (!(d > trunc_lo<I>())) return std::numeric_limits<I>::min();
  if (!(d < trunc_hi<I>())) return std::numeric_limits<I>::max();
  return static_cast<I>(d);
}

// Wasm min/max: NaN if either operand is NaN (a quiet one), -0 < +0.
template <class F>
inline F fmin(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return a + b;  // propagates a quiet NaN
  if (a == 0 && b == 0) return std::signbit(a) ? a : b;
  return a < b ? a : b;
}
template <class F>
inline F fmax(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return a + b;
  if (a == 0 && b == 0) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

// Rounding functions of libm return a signalling NaN unchanged; Wasm wants an
// arithmetic (quiet) NaN, which `a + a` produces.
template <class F>
inline F fceil(F a) { return std::isnan(a) ? a + a : std::ceil(a); }
template <class F>
inline F ffloor(F a) { return std::isnan(a) ? a + a : std::floor(a); }
template <class F>
inline F ftrunc(F a) { return std::isnan(a) ? a + a : std::trunc(a); }
template <class F>
inline F fnearest(F a) { return std::isnan(a) ? a + a : std::nearbyint(a); }

}  // namespace wpvm::num

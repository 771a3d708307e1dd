// The JIT's fingerprint for compiled modules on disk (fingerprint.cpp).
#pragma once
#include <string>

namespace wpvm::jit {

// Build (the GNU build id of the binary holding the JIT), layouts and the
// CPU features its code needs; "" if this CPU lacks them.
std::string fingerprint();

// Whether compiled code uses AVX (VEX) encodings: decided once from the
// CPU (WPVM_JIT_AVX=0 keeps to SSE), and part of the fingerprint.
bool use_avx();
// Whether it uses SSE4.2 (pcmpgtq, the i64x2 signed comparisons), likewise
// (WPVM_JIT_SSE42=0: not).
bool use_sse42();

}  // namespace wpvm::jit

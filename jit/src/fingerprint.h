// The JIT's fingerprint for compiled modules on disk (fingerprint.cpp).
#pragma once
#include <string>

namespace wpvm::jit {

// Build (the GNU build id of the binary holding the JIT), layouts and the
// CPU features its code needs; "" if this CPU lacks them.
std::string fingerprint();

}  // namespace wpvm::jit

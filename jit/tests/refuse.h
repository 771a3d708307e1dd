// Fault injection for the JIT's interpreter fallback in tests: while a
// Refuse lives, modules compiled leave the named functions to the
// interpreter (jit::set_refused_functions).
#pragma once
#include "wpvm/jit.h"

namespace wpvm::test {

struct Refuse {
  explicit Refuse(const char* names) { jit::set_refused_functions(names); }
  ~Refuse() { jit::set_refused_functions(""); }
  Refuse(const Refuse&) = delete;
  Refuse& operator=(const Refuse&) = delete;
};

}  // namespace wpvm::test

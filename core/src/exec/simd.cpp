// value_fn: the value function of every SIMD row that is not a memory access
// (simd.h), by Wasm opcode, for code that calls them out of line (the JIT).
#include "exec/simd.h"

namespace wpvm::exec::simd {

ValueFn value_fn(Opcode op) {
  switch (op) {
#define WPVM_SIMD_UN(name, lane, expr) case Opcode::name: return &row::name;
#define WPVM_SIMD_BIN(name, lane, expr) case Opcode::name: return &row::name;
#define WPVM_SIMD_CMP(name, lane, expr) case Opcode::name: return &row::name;
#define WPVM_SIMD_SHIFT(name, lane, expr) case Opcode::name: return &row::name;
#define WPVM_SIMD_CONV(name, in, out, high, expr) case Opcode::name: return &row::name;
#define WPVM_SIMD_FN(name, fn) case Opcode::name: return &row::name;
#include "exec/simd_ops.def"
    default: return nullptr;
  }
}

}  // namespace wpvm::exec::simd

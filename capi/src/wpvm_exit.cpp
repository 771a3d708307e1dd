// wpvm_trap_exit_code: a trap that is a WASI proc_exit.
#include "trap.h"
#include "wpvm.h"

bool wpvm_trap_exit_code(const wasm_trap_t* trap, int* code) {
  const wpvm::Trap* t = capi::engine_trap_of(trap);
  if (!t || t->kind != wpvm::TrapKind::kExit) return false;
  if (code) *code = t->exit_code;
  return true;
}

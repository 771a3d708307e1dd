// Traps are values, not errors: a call that traps returns a Trap describing
// why, and the engine stays usable afterwards.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "wpvm/result.h"

namespace wpvm {

class Instance;

enum class TrapKind : uint8_t {
#define WPVM_TRAP(name, text) k##name,
#include "wpvm/trap.def"
#undef WPVM_TRAP
};

// The spec's wording for a trap kind.
const char* trap_text(TrapKind kind);

struct Frame {
  uint32_t func_index = 0;  // index in its module's function space
  // The instance the function belongs to; nullptr when the tier cannot tell
  // (the JIT past a call from another module's code).
  const Instance* instance = nullptr;
  std::string name;         // from the name section, or empty
  // Where the frame was, as byte offsets of one instruction: in the innermost
  // frame the one that trapped (or the call to a host function that returned
  // the trap), in the others the call or call_indirect that called the next
  // frame in. module_offset counts from the start of the module binary;
  // func_offset from the start of the function's body just past its size
  // LEB, at its local declarations (FunctionBody::body_offset), as V8 and
  // Wasmtime count wasm_frame_func_offset. Both tiers give the same values.
  // kNoOffset when not known (a frame the JIT reports for a function whose
  // prologue found the stack exhausted has its first instruction's offset).
  size_t func_offset = kNoOffset;
  size_t module_offset = kNoOffset;
};

struct Trap {
  TrapKind kind = TrapKind::kUnreachable;
  std::string message;        // extra detail (host traps); may be empty
  int32_t exit_code = 0;      // for kExit
  std::vector<Frame> backtrace;  // innermost first

  std::string to_string() const;  // trap_text(kind) plus message
};

}  // namespace wpvm

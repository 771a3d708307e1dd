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
  // Where the frame was: the byte offset of the instruction that trapped or
  // of the call to the next frame in, from the start of the function's body
  // entry and from the start of the module. kNoOffset when not known.
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

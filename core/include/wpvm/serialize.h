// Compiled modules on disk (.cwasm, `wpvm compile`): a module with its
// native code, so that loading it again skips validation and compilation.
//
// The file holds a format version, the code generator's fingerprint (its
// build and the CPU features its code needs), the module's binary, the
// native code, and a checksum over all of it. A file of another format
// version, engine build or CPU is refused (ErrorKind::kIncompatible); a
// truncated or corrupted one is refused as kMalformed with the byte offset.
// Nothing in a refused file is ever executed. The module inside is trusted
// as valid: it was validated when the file was made, and the checksum
// guards the bytes since.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wpvm/module.h"
#include "wpvm/result.h"
#include "wpvm/runtime.h"
#include "wpvm/span.h"

namespace wpvm {

// The format version this build writes and reads.
inline constexpr uint32_t kCompiledModuleVersion = 3;

// True if the bytes start like a compiled module (not a .wasm binary).
bool is_compiled_module(Span<const uint8_t> bytes);

// m compiled with the engine's code generator (for memories with guard
// regions, what `wpvm run` gives a module) and written out. kUsage if the
// engine has no code generator or it compiled nothing.
Result<std::vector<uint8_t>> serialize_module(const Engine& engine, const Module& m);

// A module read back from serialize_module's bytes, its native code
// attached: its instances run without compiling.
Result<std::shared_ptr<const Module>> deserialize_module(const Engine& engine, Span<const uint8_t> bytes);

// The same from a file, mapped rather than read: its code runs in place from
// the file's pages (what `wpvm run m.cwasm` does), and the module's binary
// and the code's instruction sites are read there too, not copied. The file
// must not change while the module lives; `wpvm compile` replaces a file
// rather than rewriting it, so compiling again never touches a running one.
Result<std::shared_ptr<const Module>> deserialize_module_file(const Engine& engine, const std::string& path);

}  // namespace wpvm

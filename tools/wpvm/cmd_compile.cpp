// `wpvm compile`: a module compiled ahead of time to a .cwasm file, which
// `wpvm run` starts without validating or compiling again.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "command.h"
#include "wpvm/serialize.h"

namespace wpvm::cli {

namespace {

// MODULE.wasm -> MODULE.cwasm (anything else: PATH.cwasm).
std::string default_output(const std::string& in) {
  const std::string ext = ".wasm";
  if (in.size() > ext.size() && in.compare(in.size() - ext.size(), ext.size(), ext) == 0)
    return in.substr(0, in.size() - ext.size()) + ".cwasm";
  return in + ".cwasm";
}

// Written to a temporary file beside `path`, then renamed over it: a reader
// never sees half a file.
bool write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::string tmp = path + ".tmp" + std::to_string(::getpid());
  FILE* f = std::fopen(tmp.c_str(), "wb");
  bool ok = f && std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  int err = errno;
  if (f && std::fclose(f) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (ok && std::rename(tmp.c_str(), path.c_str()) != 0) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    std::remove(tmp.c_str());
    std::cerr << "Error: cannot write " << path << ": " << std::strerror(err) << "\n";
  }
  return ok;
}

int compile_main(std::span<const std::string> args) {
  std::string input, output;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-o" || args[i] == "--output") {
      if (i + 1 >= args.size()) {
        std::cerr << "Error: " << args[i] << " needs a file name\n";
        return kExitUsage;
      }
      output = args[++i];
    } else if (args[i].rfind("--output=", 0) == 0) {
      output = args[i].substr(9);
    } else if (input.empty() && !(args[i].size() > 1 && args[i][0] == '-')) {
      input = args[i];
    } else {
      std::cerr << "Error: unexpected argument '" << args[i] << "'\n" << kCompileCommand.usage;
      return kExitUsage;
    }
  }
  if (input.empty()) {
    std::cerr << kCompileCommand.usage;
    return kExitUsage;
  }
  if (output.empty()) output = default_output(input);
  auto module = load_module_file(input);
  if (!module) return 1;
  Engine engine(EngineConfig{.tier = Tier::kJit});
  auto bytes = serialize_module(engine, *module);
  if (!bytes) {
    std::cerr << "Error: " << describe_error(bytes.error()) << "\n";
    return 1;
  }
  return write_file(output, *bytes) ? 0 : 1;
}

}  // namespace

extern const Command kCompileCommand = {"compile", "Compile a module ahead of time to a .cwasm file",
    "usage: wpvm compile MODULE.wasm [-o OUT.cwasm]\n"
    "\n"
    "Validates the module, compiles it with the JIT and writes the module with\n"
    "its machine code to OUT.cwasm (default: MODULE.cwasm beside the input).\n"
    "`wpvm run OUT.cwasm` then starts without validating or compiling. The\n"
    "file carries a format version and the fingerprint of this wpvm build and\n"
    "the CPU features its code needs; any other build, a CPU without them, or\n"
    "a truncated or corrupted file is refused, never run.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE  where to write the compiled module\n"
    "  -h, --help         show this text\n",
    compile_main};

}  // namespace wpvm::cli

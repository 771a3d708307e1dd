// `wpvm attach-spirv`: append a SPIR-V module to a Wasm module as a
// `wasi-parallel` custom section (id + SPIR-V, contract section 5), so one
// kernel module carries both its Wasm and its GPU code. Self-contained (its
// own file I/O) so the build can also link it as a small helper that runs
// before the `wpvm` executable exists.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>

#include "command.h"
#include "wpvm/vulkan/spirv_section.h"

namespace wpvm::cli {
namespace {

struct AttachOptions {
  std::string input, output, spirv;
  std::optional<uint32_t> id;
  bool replace = false;
};

bool parse(std::span<const std::string> a, AttachOptions& o) {
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] == "--replace") {
      o.replace = true;
      continue;
    }
    if (i + 1 >= a.size()) return false;
    const std::string& v = a[++i];
    if (a[i - 1] == "--input") o.input = v;
    else if (a[i - 1] == "--output") o.output = v;
    else if (a[i - 1] == "--spirv") o.spirv = v;
    else if (a[i - 1] == "--id") {
      char* end = nullptr;
      errno = 0;
      unsigned long n = std::strtoul(v.c_str(), &end, 0);
      if (v.empty() || *end || errno || n > UINT32_MAX) return false;
      o.id = static_cast<uint32_t>(n);
    } else {
      return false;
    }
  }
  return !o.input.empty() && !o.output.empty() && !o.spirv.empty() && o.id;
}

std::optional<std::vector<uint8_t>> slurp(const std::string& path) {
  auto bytes = read_file(path);
  if (!bytes) {
    std::cerr << "Error: " << bytes.error().message << "\n";
    return std::nullopt;
  }
  return std::move(*bytes);
}

bool write_all(const std::string& path, std::span<const uint8_t> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (out.flush()) return true;
  std::cerr << "Error: cannot write " << path << ": " << std::strerror(errno) << "\n";
  return false;
}

int attach_main(std::span<const std::string> args) {
  AttachOptions o;
  if (!parse(args, o)) {
    std::cerr << kAttachSpirvCommand.usage;
    return kExitUsage;
  }
  auto wasm = slurp(o.input);
  auto spirv = slurp(o.spirv);
  if (!wasm || !spirv) return 1;
  std::vector<uint8_t> base = std::move(*wasm);
  if (o.replace) {
    auto removed = vulkan::remove_spirv_sections(base, *o.id);
    if (!removed) {
      std::cerr << "Error: " << o.input << ": " << removed.error().to_string() << "\n";
      return 1;
    }
    base = std::move(*removed);
  }
  auto out = vulkan::append_spirv_section(base, *o.id, *spirv);
  if (!out) {
    std::cerr << "Error: " << out.error().to_string() << "\n";
    return 1;
  }
  return write_all(o.output, *out) ? 0 : 1;
}

}  // namespace

extern const Command kAttachSpirvCommand = {"attach-spirv",
    "Append SPIR-V to a Wasm module as a wasi-parallel section",
    "usage: wpvm attach-spirv --input K.wasm --output K2.wasm --id N --spirv K.spv [--replace]\n"
    "\n"
    "Writes K.wasm plus a `wasi-parallel` custom section holding the 4-byte\n"
    "little-endian id N and the SPIR-V module K.spv. Use id 0 for a\n"
    "parallel_exec kernel module, the kernel's table index for a 2021\n"
    "parallel_for program. An id that already has a section is an error unless\n"
    "--replace drops the old one first. The SPIR-V must be whole words starting\n"
    "with the SPIR-V magic; the GPU device checks the rest when it runs it.\n",
    attach_main};

}  // namespace wpvm::cli

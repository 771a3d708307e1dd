// What a compiled module on disk must match to be loaded into this process
// (wpvm/serialize.h): the code calls helpers by number and reads the
// runtime's structures at fixed offsets, so only the very same build of the
// JIT may run it, on a CPU with the features the code uses.
#include <elf.h>
#include <link.h>

#include <asmjit/x86.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fingerprint.h"
#include "helpers.h"
#include "runtime/vm_context.h"

namespace wpvm::jit {

namespace {

struct Search {
  uintptr_t address;  // code of this library
  std::string id;     // hex of the GNU build id of the object holding it
};

// The build id of the loaded object (executable or shared library) whose
// segments contain s->address.
int find_build_id(dl_phdr_info* info, size_t, void* data) {
  auto* s = static_cast<Search*>(data);
  bool holds = false;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    uintptr_t begin = info->dlpi_addr + ph.p_vaddr;
    if (ph.p_type == PT_LOAD && s->address >= begin && s->address < begin + ph.p_memsz) holds = true;
  }
  if (!holds) return 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const auto* p = reinterpret_cast<const uint8_t*>(info->dlpi_addr + ph.p_vaddr);
    const uint8_t* end = p + ph.p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      const auto* n = reinterpret_cast<const ElfW(Nhdr)*>(p);
      const uint8_t* name = p + sizeof(ElfW(Nhdr));
      const uint8_t* desc = name + ((n->n_namesz + 3) & ~3u);
      if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && std::string_view(reinterpret_cast<const char*>(name), 3) == "GNU") {
        char hex[3];
        for (uint32_t k = 0; k < n->n_descsz && desc + k < end; ++k) {
          std::snprintf(hex, sizeof hex, "%02x", desc[k]);
          s->id += hex;
        }
        return 1;
      }
      p = desc + ((n->n_descsz + 3) & ~3u);
    }
  }
  return 1;
}

std::string build_id() {
  Search s{reinterpret_cast<uintptr_t>(&find_build_id), {}};
  dl_iterate_phdr(&find_build_id, &s);
  // Without a build id (a link without --build-id), the compile time of this
  // file stands in: still never shared between different builds of it.
  return s.id.empty() ? std::string("compiled " __DATE__ " " __TIME__) : "build-id " + s.id;
}

}  // namespace

namespace {

// Whether the CPU has `feature` and the environment variable `off` is not "0"
// (the tests run the code for CPUs without it too).
bool feature_on(uint32_t feature, const char* off) {
  const char* v = std::getenv(off);
  return asmjit::CpuInfo::host().hasFeature(feature) && std::string_view(v ? v : "") != "0";
}

}  // namespace

bool use_avx() {
  static const bool avx = feature_on(asmjit::CpuFeatures::X86::kAVX, "WPVM_JIT_AVX");
  return avx;
}

bool use_sse42() {
  static const bool sse42 = feature_on(asmjit::CpuFeatures::X86::kSSE4_2, "WPVM_JIT_SSE42");
  return sse42;
}

std::string fingerprint() {
  // The code uses SSE4.1 (roundsd, the SIMD instructions) beyond the x86-64
  // baseline, and SSE4.2 (pcmpgtq) and AVX encodings where the CPU has them.
  if (!asmjit::CpuInfo::host().hasFeature(asmjit::CpuFeatures::X86::kSSE4_1)) return {};
  static const std::string f = [] {
    std::string s = std::string("wpvm-jit x86-64+sse4.1") + (use_sse42() ? "+sse4.2" : "") + (use_avx() ? "+avx" : "") + "; asmjit " + std::to_string(ASMJIT_LIBRARY_VERSION) + "; " + build_id();
    s += "; helpers " + std::to_string(helper_table().size()) + ", vm header " + std::to_string(sizeof(VmHeader)) +
         ", context " + std::to_string(sizeof(ExecContext));
    return s;
  }();
  return f;
}

}  // namespace wpvm::jit

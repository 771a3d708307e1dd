// Compiled modules on disk (wpvm/serialize.h). The file, little-endian:
//
//   magic       8 bytes  "\0wpvm-cm"
//   version     u32      kCompiledModuleVersion
//   options     u32      bit 0: code for a guarded memory 0; bit 1: with
//                        fuel charges, bit 2: with epoch checks (the
//                        engine's EngineConfig::consume_fuel and
//                        epoch_interruption, which a reading engine must have)
//   fingerprint u32 length + bytes (the code generator's)
//   module      u64 length + the module's binary
//   entries     u32 count + per defined function u32 offset, u32 native (0/1)
//   sites       u32 count, zeros up to the next multiple of 8 bytes, per
//               site u32 code offset, u32 module offset
//               (tier::CodeImage::Site: where trapping code came from;
//               aligned, so that a mapped file's are read in place)
//   code        u64 length, zeros up to the next multiple of 4096 bytes, the
//               code (tier::CodeImage::bytes): page-aligned, so a file can be
//               mapped and its code run in place
//   checksum    u64 over everything before it
//
// Reading checks, in order: magic, version, that every length fits the file
// (truncation), the checksum (corruption), the fingerprint (another build or
// CPU), the fuel and epoch options (another engine configuration), and only
// then decodes the module and loads the code.
#include "wpvm/serialize.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstring>
#include <string>

#include "exec/tier.h"
#include "runtime/compiled_code.h"
#include "runtime/runtime_impl.h"

namespace wpvm {

namespace {

constexpr uint8_t kMagic[8] = {0, 'w', 'p', 'v', 'm', '-', 'c', 'm'};
constexpr uint32_t kGuardedMemory = 1;
constexpr uint32_t kConsumeFuel = 2;
constexpr uint32_t kEpochInterruption = 4;
constexpr size_t kCodeAlign = 4096;
constexpr size_t kSiteAlign = 8;

// A fast hash, four independent lanes of 8-byte words (so the multiplies
// overlap) folded at the end: it catches corruption, it is no signature.
uint64_t checksum(std::span<const uint8_t> b) {
  constexpr uint64_t kMul = 0x9e3779b97f4a7c15ull;
  uint64_t lane[4] = {0x243f6a8885a308d3ull ^ b.size(), 0x13198a2e03707344ull, 0xa4093822299f31d0ull,
                      0x082efa98ec4e6c89ull};
  auto mix = [](uint64_t h, uint64_t w) {
    h = (h ^ w) * kMul;
    return h ^ (h >> 29);
  };
  size_t i = 0;
  for (; i + 32 <= b.size(); i += 32) {
    uint64_t w[4];
    std::memcpy(w, b.data() + i, 32);
    for (int k = 0; k < 4; ++k) lane[k] = mix(lane[k], w[k]);
  }
  uint64_t h = lane[0];
  for (int k = 1; k < 4; ++k) h = mix(h, lane[k]);
  for (; i + 8 <= b.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, b.data() + i, 8);
    h = mix(h, w);
  }
  uint64_t tail = 0;
  std::memcpy(&tail, b.data() + i, b.size() - i);
  return mix(h, tail);
}

class Writer {
 public:
  void bytes(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    out.insert(out.end(), b, b + n);
  }
  void u32(uint32_t v) { bytes(&v, 4); }
  void u64(uint64_t v) { bytes(&v, 8); }
  std::vector<uint8_t> out;
};

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> b) : b_(b) {}
  // The next n bytes, or nullopt (and the error) if the file ends first.
  std::optional<std::span<const uint8_t>> take(uint64_t n, const char* what) {
    if (n > b_.size() - pos_) {
      error = make_error(ErrorKind::kMalformed, pos_,
                         std::string("compiled module truncated: ") + what + " needs " + std::to_string(n) +
                             " bytes, " + std::to_string(b_.size() - pos_) + " left");
      return std::nullopt;
    }
    auto s = b_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  template <typename T>
  std::optional<T> num(const char* what) {
    auto s = take(sizeof(T), what);
    if (!s) return std::nullopt;
    T v;
    std::memcpy(&v, s->data(), sizeof(T));
    return v;
  }
  size_t pos() const { return pos_; }
  Error error;

 private:
  std::span<const uint8_t> b_;
  size_t pos_ = 0;
};

Error incompatible(std::string msg) { return make_error(ErrorKind::kIncompatible, kNoOffset, std::move(msg)); }

}  // namespace

bool is_compiled_module(Span<const uint8_t> bytes) {
  return bytes.size() >= sizeof kMagic && std::memcmp(bytes.data(), kMagic, sizeof kMagic) == 0;
}

Result<std::vector<uint8_t>> serialize_module(const Engine& engine, const Module& m) {
  tier::CodeGenerator* gen = tier::EngineAccess::code_generator(engine);
  if (!gen) return make_error(ErrorKind::kUsage, kNoOffset, "this build has no JIT to compile with");
  std::string fingerprint = gen->fingerprint();
  if (fingerprint.empty()) return make_error(ErrorKind::kUsage, kNoOffset, "this CPU cannot run the JIT's code");
  // A guarded memory 0, as the engine gives a module by default.
  tier::CodeOptions options = tier::code_options(engine.config(), true);
  const tier::NativeCode* code = tier::native_code(m, *gen, options);
  if (!code) return make_error(ErrorKind::kUsage, kNoOffset, "the code generator compiled none of the module's functions");
  tier::CodeImage image = gen->image(*code);
  Writer w;
  w.bytes(kMagic, sizeof kMagic);
  w.u32(kCompiledModuleVersion);
  w.u32((options.guarded_memory ? kGuardedMemory : 0) | (options.consume_fuel ? kConsumeFuel : 0) |
        (options.epoch_interruption ? kEpochInterruption : 0));
  w.u32(static_cast<uint32_t>(fingerprint.size()));
  w.bytes(fingerprint.data(), fingerprint.size());
  w.u64(m.bytes.size());
  w.bytes(m.bytes.data(), m.bytes.size());
  w.u32(static_cast<uint32_t>(image.entries.size()));
  for (const tier::CodeImage::Entry& e : image.entries) {
    w.u32(e.offset);
    w.u32(e.native ? 1 : 0);
  }
  w.u32(static_cast<uint32_t>(image.sites.size()));
  w.out.resize((w.out.size() + kSiteAlign - 1) / kSiteAlign * kSiteAlign, 0);
  for (const tier::CodeImage::Site& site : image.sites) {
    w.u32(site.native);
    w.u32(site.wasm);
  }
  w.u64(image.bytes.size());
  w.out.resize((w.out.size() + kCodeAlign - 1) / kCodeAlign * kCodeAlign, 0);
  w.bytes(image.bytes.data(), image.bytes.size());
  w.u64(checksum(w.out));
  return std::move(w.out);
}

namespace {

// A compiled module's parts, checked: everything but the fingerprint's match.
struct Parts {
  uint32_t flags = 0;
  std::string_view fingerprint;
  std::span<const uint8_t> wasm;
  std::vector<tier::CodeImage::Entry> entries;
  std::span<const tier::CodeImage::Site> sites;  // in the bytes, or in owned_sites
  std::shared_ptr<std::vector<tier::CodeImage::Site>> owned_sites;
  std::span<const uint8_t> code;
  size_t code_offset = 0;  // in the file
};

Result<Parts> parse(std::span<const uint8_t> bytes) {
  if (!is_compiled_module(bytes))
    return make_error(ErrorKind::kMalformed, 0, "not a compiled module (no \"\\0wpvm-cm\" magic)");
  Reader r(bytes);
  r.take(sizeof kMagic, "magic");
  auto version = r.num<uint32_t>("the format version");
  if (!version) return r.error;
  if (*version != kCompiledModuleVersion)
    return incompatible("compiled module of format version " + std::to_string(*version) + ", this wpvm reads version " +
                        std::to_string(kCompiledModuleVersion) + ": compile it again");
  Parts p;
  auto flags = r.num<uint32_t>("the options");
  auto fp_len = flags ? r.num<uint32_t>("the fingerprint's length") : std::nullopt;
  auto fp = fp_len ? r.take(*fp_len, "the fingerprint") : std::nullopt;
  auto wasm_len = fp ? r.num<uint64_t>("the module's length") : std::nullopt;
  auto wasm = wasm_len ? r.take(*wasm_len, "the module") : std::nullopt;
  auto count = wasm ? r.num<uint32_t>("the function count") : std::nullopt;
  auto entries = count ? r.take(uint64_t{8} * *count, "the function entries") : std::nullopt;
  auto site_count = entries ? r.num<uint32_t>("the site count") : std::nullopt;
  auto site_pad = site_count ? r.take((kSiteAlign - r.pos() % kSiteAlign) % kSiteAlign, "the sites' alignment")
                             : std::nullopt;
  auto sites = site_pad ? r.take(uint64_t{8} * *site_count, "the sites") : std::nullopt;
  auto code_len = sites ? r.num<uint64_t>("the code's length") : std::nullopt;
  auto pad = code_len ? r.take((kCodeAlign - r.pos() % kCodeAlign) % kCodeAlign, "the code's alignment") : std::nullopt;
  size_t code_offset = r.pos();
  auto code = pad ? r.take(*code_len, "the code") : std::nullopt;
  size_t checked = r.pos();
  auto sum = code ? r.num<uint64_t>("the checksum") : std::nullopt;
  if (!sum) return r.error;
  if (r.pos() != bytes.size())
    return make_error(ErrorKind::kMalformed, r.pos(), "compiled module has " + std::to_string(bytes.size() - r.pos()) +
                                                          " bytes after its checksum");
  if (checksum(bytes.first(checked)) != *sum)
    return make_error(ErrorKind::kMalformed, checked, "compiled module corrupted: checksum mismatch");
  p.flags = *flags;
  p.fingerprint = std::string_view(reinterpret_cast<const char*>(fp->data()), fp->size());
  p.wasm = *wasm;
  p.entries.reserve(*count);
  for (uint32_t i = 0; i < *count; ++i) {
    uint32_t e[2];
    std::memcpy(e, entries->data() + 8 * i, 8);
    p.entries.push_back({e[0], e[1] != 0});
  }
  // Two little-endian u32 each, as a Site is in memory here: read in place
  // where the bytes are aligned for it (a mapped file's are), else copied.
  static_assert(sizeof(tier::CodeImage::Site) == 8 && alignof(tier::CodeImage::Site) <= kSiteAlign &&
                std::endian::native == std::endian::little);
  if (reinterpret_cast<uintptr_t>(sites->data()) % alignof(tier::CodeImage::Site) == 0) {
    p.sites = {reinterpret_cast<const tier::CodeImage::Site*>(sites->data()), *site_count};
  } else {
    p.owned_sites = std::make_shared<std::vector<tier::CodeImage::Site>>(*site_count);
    std::memcpy(p.owned_sites->data(), sites->data(), sites->size());
    p.sites = *p.owned_sites;
  }
  p.code = *code;
  p.code_offset = code_offset;
  return p;
}

// The engine's generator, if its fingerprint is the file's and its fuel and
// epoch options those the code was compiled with.
Result<tier::CodeGenerator*> generator_for(const Engine& engine, const Parts& p) {
  std::string_view theirs = p.fingerprint;
  auto option = [&](const char* name, bool file, bool engine_has) -> std::optional<Error> {
    if (file == engine_has) return std::nullopt;
    return incompatible(std::string("compiled module's code was made ") + (file ? "with" : "without") + " " + name +
                        ", this engine runs " + (engine_has ? "with" : "without") + " it: compile it again");
  };
  if (auto e = option("fuel (consume_fuel)", (p.flags & kConsumeFuel) != 0, engine.config().consume_fuel)) return *e;
  if (auto e = option("epoch interruption", (p.flags & kEpochInterruption) != 0, engine.config().epoch_interruption))
    return *e;
  tier::CodeGenerator* gen = tier::EngineAccess::code_generator(engine);
  if (!gen) return incompatible("this build has no JIT to run a compiled module");
  std::string mine = gen->fingerprint();
  if (mine.empty()) return incompatible("this CPU cannot run the JIT's code");
  if (theirs != mine)
    return incompatible("compiled module made by another engine build or for another CPU (file: " + std::string(theirs) +
                        "; this engine: " + mine + "): compile it again");
  return gen;
}

// The module of `p` with its code from `code` attached; its binary read in
// place if `owner` keeps p's bytes alive, else copied.
Result<std::shared_ptr<const Module>> assemble(tier::CodeGenerator& gen, const Parts& p, tier::CodeSource code,
                                               std::shared_ptr<const void> owner = {}) {
  auto decoded = owner ? decode_module(p.wasm, std::move(owner)) : decode_module(p.wasm);
  if (!decoded) {
    if (code.executable && code.release) code.release();
    return decoded.error();
  }
  std::shared_ptr<Module> m = std::move(*decoded);
  m->validated = true;  // validated when the file was made; the checksum covers it since
  std::string error;
  std::unique_ptr<tier::NativeCode> native = gen.load(*m, std::move(code), error);
  if (!native) return make_error(ErrorKind::kMalformed, kNoOffset, "compiled module's code does not fit it: " + error);
  tier::CodeOptions options;
  options.guarded_memory = (p.flags & kGuardedMemory) != 0;
  options.consume_fuel = (p.flags & kConsumeFuel) != 0;
  options.epoch_interruption = (p.flags & kEpochInterruption) != 0;
  tier::adopt_native_code(*m, gen, options, std::move(native));
  return std::shared_ptr<const Module>(std::move(m));
}

// A file mapped read-only; unmapped with this object.
class Mapping {
 public:
  Mapping(void* p, size_t n) : p_(p), n_(n) {}
  ~Mapping() {
    if (p_ != MAP_FAILED && n_) munmap(p_, n_);
  }
  std::span<const uint8_t> bytes() const { return {static_cast<const uint8_t*>(p_), n_}; }

 private:
  void* p_;
  size_t n_;
};

}  // namespace

// Any engine of this build reads the file: its code is the JIT's, which every
// engine has (an engine of Tier::kInterp runs the module interpreted).
Result<std::shared_ptr<const Module>> deserialize_module(const Engine& engine, Span<const uint8_t> bytes) {
  auto p = parse(bytes);
  if (!p) return p.error();
  auto gen = generator_for(engine, *p);
  if (!gen) return gen.error();
  // The bytes are the caller's for this call only: the sites are copied.
  auto sites = p->owned_sites ? p->owned_sites
                              : std::make_shared<std::vector<tier::CodeImage::Site>>(p->sites.begin(), p->sites.end());
  return assemble(**gen, *p, {p->code, p->entries, *sites, sites, false, {}});
}

Result<std::shared_ptr<const Module>> deserialize_module_file(const Engine& engine, const std::string& path) {
  auto io_error = [&path](const char* what) {
    return make_error(ErrorKind::kIo, kNoOffset, std::string("cannot ") + what + " " + path + ": " + std::strerror(errno));
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("open");
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    ::close(fd);
    return io_error("read");
  }
  size_t size = static_cast<size_t>(st.st_size);
  void* whole = size ? mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0) : MAP_FAILED;
  if (size && whole == MAP_FAILED) {
    ::close(fd);
    return io_error("map");
  }
  // Kept while the module lives: its binary is read from here.
  auto file = std::make_shared<const Mapping>(whole, size);
  auto p = parse(size ? file->bytes() : std::span<const uint8_t>());
  auto gen = p ? generator_for(engine, *p) : Result<tier::CodeGenerator*>(p.error());
  if (!gen) {
    ::close(fd);
    return gen.error();
  }
  // The code runs where the file's pages are, mapped again executable.
  // (A file system mounted noexec refuses that: the code is copied instead.)
  void* code = mmap(nullptr, p->code.size(), PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, static_cast<off_t>(p->code_offset));
  ::close(fd);
  // The sites are read where they are in the file, which the code keeps.
  std::shared_ptr<const void> sites_owner = p->owned_sites ? std::shared_ptr<const void>(p->owned_sites) : file;
  if (code == MAP_FAILED) return assemble(**gen, *p, {p->code, p->entries, p->sites, sites_owner, false, {}}, file);
  size_t n = p->code.size();
  return assemble(**gen, *p,
                  {{static_cast<const uint8_t*>(code), n}, p->entries, p->sites, sites_owner, true, [code, n] { munmap(code, n); }},
                  file);
}

}  // namespace wpvm

// Reading, appending and removing `wasi-parallel` custom sections (see
// spirv_section.h). Walks only the section structure of the module: ids,
// LEB128 sizes and custom-section names, nothing inside other sections.
#include "wpvm/vulkan/spirv_section.h"

#include <algorithm>
#include <string>

namespace wpvm::vulkan {
namespace {

constexpr uint8_t kWasmHeader[8] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
constexpr uint32_t kSpirvMagic = 0x07230203;
constexpr uint8_t kCustomSectionId = 0;

Error malformed(size_t offset, std::string message) {
  return make_error(ErrorKind::kMalformed, offset, std::move(message));
}

uint32_t load_le32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

void store_le32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void store_leb_u32(std::vector<uint8_t>& out, uint32_t v) {
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    out.push_back(v ? byte | 0x80 : byte);
  } while (v);
}

Result<uint32_t> read_leb_u32(std::span<const uint8_t> bytes, size_t& pos) {
  uint32_t value = 0;
  for (int i = 0; i < 5; ++i) {
    if (pos >= bytes.size()) return malformed(pos, "unexpected end");
    uint8_t b = bytes[pos++];
    if (i == 4 && (b & 0xf0)) return malformed(pos - 1, b & 0x80 ? "integer representation too long" : "integer too large");
    value |= uint32_t{b & 0x7fu} << (7 * i);
    if (!(b & 0x80)) return value;
  }
  return value;  // unreachable: the fifth byte returns or fails above
}

struct RawSection {
  size_t start;    // id byte
  size_t end;      // one past the content
  bool ours;       // a wasi-parallel custom section
  size_t payload;  // start of its payload (id + SPIR-V) when ours
};

// Calls visit(RawSection) for each section; fails on a broken structure.
template <class Visit>
Result<void> walk_sections(std::span<const uint8_t> wasm, Visit&& visit) {
  if (wasm.size() < sizeof kWasmHeader || !std::equal(kWasmHeader, kWasmHeader + 4, wasm.begin()))
    return malformed(0, "magic header not detected");
  if (!std::equal(kWasmHeader + 4, kWasmHeader + 8, wasm.begin() + 4)) return malformed(4, "unknown binary version");
  size_t pos = sizeof kWasmHeader;
  while (pos < wasm.size()) {
    RawSection s{pos, 0, false, 0};
    uint8_t id = wasm[pos++];
    auto size = read_leb_u32(wasm, pos);
    if (!size.ok()) return size.error();
    if (*size > wasm.size() - pos) return malformed(s.start, "section size mismatch: section extends past the end");
    s.end = pos + *size;
    if (id == kCustomSectionId) {
      auto name_len = read_leb_u32(wasm.first(s.end), pos);
      if (!name_len.ok()) return name_len.error();
      if (*name_len > s.end - pos) return malformed(pos, "custom section name extends past the section");
      std::string_view name(reinterpret_cast<const char*>(wasm.data() + pos), *name_len);
      s.ours = name == kSpirvSectionName;
      s.payload = pos + *name_len;
    }
    WPVM_TRY(visit(s));
    pos = s.end;
  }
  return {};
}

Result<SpirvSection> decode_payload(std::span<const uint8_t> wasm, const RawSection& s) {
  size_t len = s.end - s.payload;
  if (len < 4) return malformed(s.payload, "wasi-parallel section shorter than its 4-byte id");
  if ((len - 4) % 4 != 0)
    return malformed(s.payload + 4, "wasi-parallel SPIR-V length " + std::to_string(len - 4) + " is not a multiple of 4");
  return SpirvSection{load_le32(wasm.data() + s.payload), s.start, wasm.subspan(s.payload + 4, len - 4)};
}

}  // namespace

Result<std::vector<SpirvSection>> find_spirv_sections(std::span<const uint8_t> wasm) {
  std::vector<SpirvSection> found;
  WPVM_TRY(walk_sections(wasm, [&](const RawSection& s) -> Result<void> {
    if (!s.ours) return {};
    auto section = decode_payload(wasm, s);
    if (!section.ok()) return section.error();
    found.push_back(*section);
    return {};
  }));
  return found;
}

Result<std::optional<std::vector<uint32_t>>> find_spirv(std::span<const uint8_t> wasm, uint32_t id) {
  auto sections = find_spirv_sections(wasm);
  if (!sections.ok()) return sections.error();
  const SpirvSection* found = nullptr;
  for (size_t i = 0; i < sections->size(); ++i) {
    const SpirvSection& s = (*sections)[i];
    for (size_t j = 0; j < i; ++j) {
      if ((*sections)[j].id == s.id)
        return make_error(ErrorKind::kInvalid, s.offset,
                          "two wasi-parallel sections with id " + std::to_string(s.id) + " (at bytes " +
                              std::to_string((*sections)[j].offset) + " and " + std::to_string(s.offset) +
                              "); a module carries one SPIR-V module per id");
    }
    if (s.id == id && !found) found = &s;
  }
  if (!found) return std::optional<std::vector<uint32_t>>();
  auto words = spirv_words(found->spirv);
  if (!words.ok()) return words.error();
  return std::optional<std::vector<uint32_t>>(std::move(*words));
}

Result<std::vector<uint8_t>> append_spirv_section(std::span<const uint8_t> wasm, uint32_t id,
                                                  std::span<const uint8_t> spirv) {
  if (spirv.size() < 20 || spirv.size() % 4 != 0 || load_le32(spirv.data()) != kSpirvMagic)
    return malformed(kNoOffset, "not a SPIR-V module (little-endian words starting with the SPIR-V magic)");
  auto sections = find_spirv_sections(wasm);
  if (!sections.ok()) return sections.error();
  for (const auto& s : *sections) {
    if (s.id == id)
      return make_error(ErrorKind::kUsage, s.offset, "module already has a wasi-parallel section with id " + std::to_string(id));
  }
  std::vector<uint8_t> content;
  store_leb_u32(content, static_cast<uint32_t>(kSpirvSectionName.size()));
  content.insert(content.end(), kSpirvSectionName.begin(), kSpirvSectionName.end());
  store_le32(content, id);
  content.insert(content.end(), spirv.begin(), spirv.end());
  if (content.size() > UINT32_MAX) return make_error(ErrorKind::kUsage, kNoOffset, "SPIR-V too large for a section");

  std::vector<uint8_t> out(wasm.begin(), wasm.end());
  out.push_back(kCustomSectionId);
  store_leb_u32(out, static_cast<uint32_t>(content.size()));
  out.insert(out.end(), content.begin(), content.end());
  return out;
}

Result<std::vector<uint8_t>> remove_spirv_sections(std::span<const uint8_t> wasm, uint32_t id) {
  std::vector<uint8_t> out(wasm.begin(), wasm.begin() + std::min<size_t>(wasm.size(), sizeof kWasmHeader));
  WPVM_TRY(walk_sections(wasm, [&](const RawSection& s) -> Result<void> {
    if (s.ours) {
      auto section = decode_payload(wasm, s);
      if (!section.ok()) return section.error();
      if (section->id == id) return {};
    }
    out.insert(out.end(), wasm.begin() + s.start, wasm.begin() + s.end);
    return {};
  }));
  return out;
}

Result<std::vector<uint32_t>> spirv_words(std::span<const uint8_t> bytes) {
  if (bytes.size() % 4 != 0)
    return malformed(kNoOffset, "SPIR-V length " + std::to_string(bytes.size()) + " is not a multiple of 4");
  std::vector<uint32_t> words(bytes.size() / 4);
  for (size_t i = 0; i < words.size(); ++i) words[i] = load_le32(bytes.data() + 4 * i);
  return words;
}

}  // namespace wpvm::vulkan

// Tests of the wasi-parallel custom-section helper (no Vulkan needed).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "wpvm/vulkan/spirv_section.h"

using namespace wpvm;
using namespace wpvm::vulkan;

namespace {

using Bytes = std::vector<uint8_t>;

// "\0asm" v1, a type section with one () -> () type, and a custom section
// "name" with two payload bytes.
Bytes small_module() {
  return {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  //
          0x01, 0x04, 0x01, 0x60, 0x00, 0x00,              //
          0x00, 0x07, 0x04, 'n', 'a', 'm', 'e', 0xaa, 0xbb};
}

// A SPIR-V header (magic, version 1.0, generator, bound, schema) plus `extra` words.
Bytes fake_spirv(uint32_t extra) {
  std::vector<uint32_t> words = {0x07230203, 0x00010000, 0, 1, 0};
  for (uint32_t i = 0; i < extra; ++i) words.push_back(0x11110000 + i);
  Bytes bytes;
  for (uint32_t w : words)
    for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<uint8_t>(w >> (8 * i)));
  return bytes;
}

}  // namespace

TEST_CASE("a module without wasi-parallel sections has none") {
  auto sections = find_spirv_sections(small_module());
  REQUIRE(sections.ok());
  CHECK(sections->empty());
  auto spirv = find_spirv(small_module(), 0);
  REQUIRE(spirv.ok());
  CHECK_FALSE(spirv->has_value());
}

TEST_CASE("appended sections are found again with their ids and words") {
  Bytes a = fake_spirv(2), b = fake_spirv(40);  // 40 extra words: a 2-byte LEB size
  auto one = append_spirv_section(small_module(), 0, a);
  REQUIRE(one.ok());
  auto two = append_spirv_section(*one, 7, b);
  REQUIRE(two.ok());
  // The original bytes are kept as they were.
  const Bytes original = small_module();
  CHECK(std::equal(original.begin(), original.end(), two->begin()));

  auto sections = find_spirv_sections(*two);
  REQUIRE(sections.ok());
  REQUIRE(sections->size() == 2);
  CHECK((*sections)[0].id == 0);
  CHECK(Bytes((*sections)[0].spirv.begin(), (*sections)[0].spirv.end()) == a);
  CHECK((*sections)[1].id == 7);
  CHECK(Bytes((*sections)[1].spirv.begin(), (*sections)[1].spirv.end()) == b);
  CHECK((*sections)[0].offset == small_module().size());

  auto words = find_spirv(*two, 7);
  REQUIRE(words.ok());
  REQUIRE(words->has_value());
  REQUIRE((*words)->size() == 45);
  CHECK((**words)[0] == 0x07230203u);
  CHECK((**words)[44] == 0x11110000u + 39);
  auto missing = find_spirv(*two, 3);
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());
}

TEST_CASE("two sections with the same id make find_spirv fail as an invalid module") {
  auto one = append_spirv_section(small_module(), 7, fake_spirv(3));
  REQUIRE(one.ok());
  auto with_zero = append_spirv_section(*one, 0, fake_spirv(1));
  REQUIRE(with_zero.ok());
  // The id-7 section once more, as a second copy (append refuses that itself).
  Bytes dup = *with_zero;
  dup.insert(dup.end(), one->begin() + static_cast<ptrdiff_t>(small_module().size()), one->end());
  auto sections = find_spirv_sections(dup);
  REQUIRE(sections.ok());  // the structure is fine
  CHECK(sections->size() == 3);
  for (uint32_t id : {7u, 0u, 3u}) {  // any id: the module is broken as a whole
    CAPTURE(id);
    auto r = find_spirv(dup, id);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::kInvalid);
    CHECK(r.error().message.find("two wasi-parallel sections with id 7") != std::string::npos);
    CHECK(r.error().offset == with_zero->size());
  }
  // Removing them repairs the module.
  auto repaired = remove_spirv_sections(dup, 7);
  REQUIRE(repaired.ok());
  auto zero = find_spirv(*repaired, 0);
  REQUIRE(zero.ok());
  CHECK(zero->has_value());
}

TEST_CASE("the appended section has the exact layout of the convention") {
  Bytes spirv = fake_spirv(0);
  auto out = append_spirv_section(small_module(), 0x01020304, spirv);
  REQUIRE(out.ok());
  Bytes tail(out->begin() + small_module().size(), out->end());
  Bytes expected = {0x00, 1 + 13 + 4 + 20, 13, 'w', 'a', 's', 'i', '-', 'p', 'a', 'r', 'a', 'l', 'l', 'e', 'l',
                    0x04, 0x03, 0x02, 0x01};
  expected.insert(expected.end(), spirv.begin(), spirv.end());
  CHECK(tail == expected);
}

TEST_CASE("a duplicate id is refused; removing sections makes room") {
  auto one = append_spirv_section(small_module(), 5, fake_spirv(1));
  REQUIRE(one.ok());
  auto dup = append_spirv_section(*one, 5, fake_spirv(1));
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().kind == ErrorKind::kUsage);
  CHECK(dup.error().offset == small_module().size());

  auto removed = remove_spirv_sections(*one, 5);
  REQUIRE(removed.ok());
  CHECK(*removed == small_module());
  auto kept = remove_spirv_sections(*one, 6);
  REQUIRE(kept.ok());
  CHECK(*kept == *one);
}

TEST_CASE("append refuses what is not SPIR-V") {
  Bytes spirv = fake_spirv(1);
  CHECK_FALSE(append_spirv_section(small_module(), 0, Bytes(spirv.begin(), spirv.end() - 1)).ok());
  CHECK_FALSE(append_spirv_section(small_module(), 0, Bytes(spirv.begin(), spirv.begin() + 16)).ok());
  spirv[0] = 0x04;
  auto bad = append_spirv_section(small_module(), 0, spirv);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().kind == ErrorKind::kMalformed);
}

TEST_CASE("broken module structure is an error at the right offset") {
  Bytes m = small_module();
  SUBCASE("bad magic") {
    m[1] = 'b';
    auto r = find_spirv_sections(m);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().offset == 0);
  }
  SUBCASE("bad version") {
    m[4] = 2;
    auto r = find_spirv_sections(m);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().offset == 4);
  }
  SUBCASE("section past the end") {
    m[9] = 0x40;
    auto r = find_spirv_sections(m);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::kMalformed);
    CHECK(r.error().offset == 8);
  }
  SUBCASE("truncated size") {
    m.push_back(0x00);
    m.push_back(0x80);
    auto r = find_spirv_sections(m);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().offset == m.size());
  }
  SUBCASE("size LEB too long") {
    Bytes tail = {0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
    m.insert(m.end(), tail.begin(), tail.end());
    auto r = find_spirv_sections(m);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().offset == small_module().size() + 5);
  }
  SUBCASE("custom name past the section") {
    m[16] = 0x09;
    auto r = find_spirv_sections(m);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::kMalformed);
  }
}

TEST_CASE("a wasi-parallel section with a short or ragged payload is malformed") {
  Bytes m = small_module();
  Bytes section = {0x00, 1 + 13 + 3, 13, 'w', 'a', 's', 'i', '-', 'p', 'a', 'r', 'a', 'l', 'l', 'e', 'l', 1, 2, 3};
  Bytes short_id = m;
  short_id.insert(short_id.end(), section.begin(), section.end());
  CHECK_FALSE(find_spirv_sections(short_id).ok());

  section[1] = 1 + 13 + 4 + 6;
  Bytes ragged = m;
  ragged.insert(ragged.end(), section.begin(), section.end());
  for (int i = 0; i < 7; ++i) ragged.push_back(0);
  auto r = find_spirv_sections(ragged);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("multiple of 4") != std::string::npos);
}

TEST_CASE("spirv_words is little-endian and needs whole words") {
  auto w = spirv_words(Bytes{0x03, 0x02, 0x23, 0x07, 0x01, 0x00, 0x00, 0x80});
  REQUIRE(w.ok());
  CHECK(*w == std::vector<uint32_t>{0x07230203u, 0x80000001u});
  CHECK_FALSE(spirv_words(Bytes{1, 2, 3}).ok());
}

TEST_CASE("mutated and truncated modules never read out of bounds") {
  auto with = append_spirv_section(small_module(), 3, fake_spirv(6));
  REQUIRE(with.ok());
  const Bytes base = *with;
  for (size_t n = 0; n <= base.size(); ++n) {
    Bytes cut(base.begin(), base.begin() + n);
    auto r = find_spirv_sections(cut);
    // Only the whole module and cuts at section boundaries decode.
    if (r.ok()) CHECK((n == base.size() || n == small_module().size() || n == 14 || n == 8));
    CHECK(remove_spirv_sections(cut, 3).ok() == r.ok());
  }
  uint32_t seed = 1;
  for (int round = 0; round < 2000; ++round) {
    Bytes m = base;
    for (int k = 0; k < 3; ++k) {
      seed = seed * 1103515245u + 12345u;
      m[8 + (seed >> 8) % (m.size() - 8)] = static_cast<uint8_t>(seed >> 24);
    }
    auto r = find_spirv_sections(m);
    if (!r.ok()) continue;
    for (const auto& s : *r) {
      CHECK(s.spirv.data() >= m.data());
      CHECK(s.spirv.data() + s.spirv.size() <= m.data() + m.size());
    }
  }
}

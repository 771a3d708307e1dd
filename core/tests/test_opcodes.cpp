// Walks the whole opcode table (opcodes.def): unique encodings, lookups and
// text round trips, well-formed signatures, the naming convention others rely on.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "body_decoder_imm.h"
#include "opcode.h"
#include "reader.h"
#include "wpvm/module_def.h"

using namespace wpvm;

namespace {
constexpr size_t kCount = static_cast<size_t>(Opcode::kCount);

// CamelCase of the text, the convention opcode.h documents for names.
std::string camel(std::string_view text) {
  std::string out;
  bool up = true;
  for (char c : text) {
    if (c == '.' || c == '_') { up = true; continue; }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out;
}

const char* kNames[] = {
#define WPVM_OP(name, prefix, code, text, imm, sig, feature) #name,
#include "opcodes.def"
#undef WPVM_OP
};
}  // namespace

TEST_CASE("every opcode has a unique encoding that the lookup tables find") {
  std::set<std::pair<uint8_t, uint32_t>> seen;
  for (size_t i = 0; i < kCount; ++i) {
    const OpcodeInfo& info = kOpcodeInfo[i];
    CAPTURE(info.text);
    CHECK(seen.insert({info.prefix, info.code}).second);
    CHECK(lookup_opcode(info.prefix, info.code) == static_cast<Opcode>(i));
  }
  CHECK(lookup_opcode(0x00, 0x06) == Opcode::kCount);
  CHECK(lookup_opcode(0xfd, 0x9a) == Opcode::kCount);
  CHECK(lookup_opcode(0xfe, 0x4f) == Opcode::kCount);
  CHECK(lookup_opcode(0xfc, 18) == Opcode::kCount);
  CHECK(lookup_opcode(0xfd, 100000) == Opcode::kCount);
}

TEST_CASE("text round trip and naming convention") {
  std::set<std::string_view> texts;
  for (size_t i = 0; i < kCount; ++i) {
    const OpcodeInfo& info = kOpcodeInfo[i];
    CAPTURE(info.text);
    CHECK(texts.insert(info.text).second);
    CHECK(opcode_from_text(info.text) == static_cast<Opcode>(i));
    CHECK(camel(info.text) == kNames[i]);
  }
  CHECK(opcode_from_text("i32.frobnicate") == Opcode::kCount);
}

TEST_CASE("signatures parse and match the immediate kinds") {
  for (size_t i = 0; i < kCount; ++i) {
    const OpcodeInfo& info = kOpcodeInfo[i];
    const body_detail::OpSig& sig = body_detail::kOpSigs[i];
    CAPTURE(info.text);
    CHECK(sig.typed == (info.sig != "*"));
    if (!sig.typed) continue;
    CHECK(sig.num_pops + sig.num_pushes + 1 == info.sig.size());
    if (info.imm == ImmKind::kMemArg || info.imm == ImmKind::kMemArgLane) {
      CHECK(sig.num_pops >= 1);
      CHECK(sig.pops[0] == ValType::kI32);  // the address
    }
  }
}

TEST_CASE("opcode families are complete") {
  size_t per_feature[8] = {};
  for (size_t i = 0; i < kCount; ++i) per_feature[static_cast<size_t>(kOpcodeInfo[i].feature)]++;
  CHECK(per_feature[static_cast<size_t>(Feature::kSimd)] == 236);
  CHECK(per_feature[static_cast<size_t>(Feature::kThreads)] == 4 + 7 + 7 + 7 * 7);
  CHECK(per_feature[static_cast<size_t>(Feature::kSatTrunc)] == 8);
  CHECK(per_feature[static_cast<size_t>(Feature::kSignExt)] == 5);
}

TEST_CASE("spot checks of names, codes and signatures") {
  CHECK(opcode_info(Opcode::I32Add).code == 0x6a);
  CHECK(opcode_info(Opcode::I32Add).sig == "ii>i");
  CHECK(opcode_info(Opcode::LocalGet).imm == ImmKind::kLocal);
  CHECK(opcode_info(Opcode::I64AtomicRmw8AddU).prefix == 0xfe);
  CHECK(opcode_info(Opcode::I64AtomicRmw8AddU).code == 0x22);
  CHECK(opcode_info(Opcode::MemoryAtomicWait32).sig == "iiI>i");
  CHECK(opcode_info(Opcode::I8x16Shuffle).imm == ImmKind::kShuffle);
  CHECK(opcode_info(Opcode::V128Load8x8S).code == 0x01);
  CHECK(opcode_info(Opcode::F32x4ConvertI32x4U).code == 0xfb);
  CHECK(opcode_info(Opcode::I32x4TruncSatF64x2UZero).code == 0xfd);
  CHECK(opcode_info(Opcode::V128Bitselect).sig == "vvv>v");
  CHECK(opcode_info(Opcode::I64AtomicRmw32CmpxchgU).sig == "iII>I");
  CHECK(opcode_info(Opcode::TableCopy).code == 14);
  CHECK(opcode_text(Opcode::I16x8Q15mulrSatS) == "i16x8.q15mulr_sat_s");
}

TEST_CASE("natural alignment and lane counts derived from the text") {
  using body_detail::kMemFacts;
  auto facts = [](Opcode op) { return kMemFacts[static_cast<size_t>(op)]; };
  CHECK(facts(Opcode::I32Load8S).natural_align == 0);
  CHECK(facts(Opcode::I64Load32U).natural_align == 2);
  CHECK(facts(Opcode::F64Store).natural_align == 3);
  CHECK(facts(Opcode::V128Load).natural_align == 4);
  CHECK(facts(Opcode::V128Load16x4U).natural_align == 3);
  CHECK(facts(Opcode::V128Load32Zero).natural_align == 2);
  CHECK(facts(Opcode::V128Load16Lane).natural_align == 1);
  CHECK(facts(Opcode::V128Load16Lane).lanes == 8);
  CHECK(facts(Opcode::V128Store64Lane).lanes == 2);
  CHECK(facts(Opcode::I8x16ExtractLaneU).lanes == 16);
  CHECK(facts(Opcode::F64x2ReplaceLane).lanes == 2);
  CHECK(facts(Opcode::I64AtomicRmwCmpxchg).natural_align == 3);
  CHECK(facts(Opcode::I32AtomicRmw16XchgU).natural_align == 1);
  CHECK(facts(Opcode::MemoryAtomicWait64).natural_align == 3);
  CHECK(facts(Opcode::MemoryAtomicNotify).natural_align == 2);
  CHECK(facts(Opcode::I32AtomicLoad).atomic);
  CHECK_FALSE(facts(Opcode::I32Load).atomic);
}

// The module written by test_opcodes_wat.cpp and assembled by wat2wasm at
// build time (path in WPVM_ALLOPS_WASM): its one body must decode to the
// table's opcodes in table order (plus the generator's nop after else and
// two closing ends).
TEST_CASE("every text and encoding agrees with wat2wasm") {
  const char* path = std::getenv("WPVM_ALLOPS_WASM");
  REQUIRE_MESSAGE(path != nullptr, "WPVM_ALLOPS_WASM not set (run through meson test)");
  std::ifstream f(path, std::ios::binary);
  std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(f), {}};
  auto m = decode_module(bytes);
  REQUIRE_MESSAGE(m.ok(), m.error().to_string());
  REQUIRE(m.value()->bodies.size() == 1);
  const FunctionBody& body = m.value()->bodies[0];
  std::vector<Opcode> want;
  for (size_t i = 0; i < kCount; ++i) {
    want.push_back(static_cast<Opcode>(i));
    if (static_cast<Opcode>(i) == Opcode::Else) want.push_back(Opcode::Nop);
  }
  want.insert(want.end(), {Opcode::End, Opcode::End, Opcode::End});
  Reader r(bytes.data(), body.code_offset, body.code_end);
  std::vector<uint32_t> targets;
  size_t n = 0;
  for (; n < want.size() && !r.at_end(); ++n) {
    Opcode op = body_detail::read_opcode(r);
    Imm imm;
    body_detail::read_immediates(r, opcode_info(op).imm, imm, targets);
    REQUIRE_MESSAGE(r.ok(), r.error().to_string());
    CAPTURE(opcode_text(want[n]));
    CHECK(opcode_text(op) == opcode_text(want[n]));
  }
  CHECK(n == want.size());
  CHECK(r.at_end());
}

// The module decoder and the byte reader: LEB128 edge cases, sections and
// their order and sizes, segment encodings, the name section, error texts.
#include <doctest/doctest.h>

#include "reader.h"
#include "test_decoder_builder.h"
#include "wpvm/module_def.h"

using namespace wpvm;
using namespace wpvm::test;

namespace {

Reader reader_over(const Bytes& b) { return Reader(b.data(), 0, b.size()); }

std::string malformed(const Bytes& b) {
  auto r = decode_module(b);
  if (r.ok()) return "<decoded>";
  if (r.error().kind != ErrorKind::kMalformed) return "<not malformed> " + r.error().message;
  return r.error().message;
}

}  // namespace

TEST_CASE("unsigned LEB128") {
  Bytes ok = {0xe5, 0x8e, 0x26};
  Reader r = reader_over(ok);
  CHECK(r.u32() == 624485);
  CHECK(r.ok());

  Bytes max = {0xff, 0xff, 0xff, 0xff, 0x0f};
  Reader r2 = reader_over(max);
  CHECK(r2.u32() == 0xffffffffu);
  CHECK(r2.ok());

  Bytes too_large = {0xff, 0xff, 0xff, 0xff, 0x1f};
  Reader r3 = reader_over(too_large);
  r3.u32();
  REQUIRE_FALSE(r3.ok());
  CHECK(r3.error().message == "integer too large");
  CHECK(r3.error().offset == 4);

  Bytes too_long = {0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  Reader r4 = reader_over(too_long);
  r4.u32();
  REQUIRE_FALSE(r4.ok());
  CHECK(r4.error().message == "integer representation too long");

  Bytes padded = {0x80, 0x80, 0x80, 0x80, 0x00};  // zero, padded to five bytes: fine
  Reader r5 = reader_over(padded);
  CHECK(r5.u32() == 0);
  CHECK(r5.ok());

  Bytes truncated = {0x80};
  Reader r6 = reader_over(truncated);
  r6.u32();
  REQUIRE_FALSE(r6.ok());
  CHECK(r6.error().message == kUnexpectedEndSection);
}

TEST_CASE("signed LEB128") {
  Bytes minus_one = {0x7f};
  CHECK(reader_over(minus_one).s32() == -1);
  Bytes min32 = {0x80, 0x80, 0x80, 0x80, 0x78};
  CHECK(reader_over(min32).s32() == INT32_MIN);
  Bytes bad_sign = {0x80, 0x80, 0x80, 0x80, 0x70};  // unused bits not a sign extension
  Reader r = reader_over(bad_sign);
  r.s32();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "integer too large");
  Bytes min64 = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f};
  CHECK(reader_over(min64).s64() == INT64_MIN);
  Bytes bad64 = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  Reader r2 = reader_over(bad64);
  r2.s64();
  CHECK(r2.error().message == "integer too large");
  Bytes s33 = {0xff, 0xff, 0xff, 0xff, 0x0f};  // 2^32 - 1 fits in s33
  CHECK(reader_over(s33).s33() == 0xffffffffLL);
}

TEST_CASE("UTF-8 validation of names") {
  CHECK(Reader::is_valid_utf8("plain"));
  CHECK(Reader::is_valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
  CHECK_FALSE(Reader::is_valid_utf8("\xc0\x80"));          // overlong
  CHECK_FALSE(Reader::is_valid_utf8("\xed\xa0\x80"));      // surrogate
  CHECK_FALSE(Reader::is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(Reader::is_valid_utf8("\xe2\x82"));          // truncated
}

TEST_CASE("header") {
  CHECK(malformed({}) == "unexpected end");
  CHECK(malformed({0x00, 0x61, 0x73}) == "unexpected end");
  CHECK(malformed({0x00, 0x61, 0x73, 0x6e, 0x01, 0, 0, 0}) == "magic header not detected");
  CHECK(malformed({0x00, 0x61, 0x73, 0x6d, 0x02, 0, 0, 0}) == "unknown binary version");
  CHECK(decode_module(module({})).ok());
}

TEST_CASE("section ids, order and sizes") {
  CHECK(malformed(module({section(13, {})})) == "malformed section id");
  CHECK(malformed(module({section(3, {0x00}), section(1, {0x00})})) == "unexpected content after last section");
  CHECK(malformed(module({section(1, {0x00}), section(1, {0x00})})) == "unexpected content after last section");
  // data count (12) goes between element (9) and code (10)
  CHECK(decode_module(module({section(9, {0x00}), section(12, {0x00}), section(10, {0x00})})).ok());
  CHECK(malformed(module({section(10, {0x00}), section(12, {0x00})})) == "unexpected content after last section");
  CHECK(malformed(module({{0x01, 0x05, 0x00}})) == "length out of bounds");
  CHECK(malformed(module({section(1, {0x00, 0x00})})) == "section size mismatch");
  CHECK(malformed(module({section(3, {0x01, 0x00})})) == "function and code section have inconsistent lengths");
  CHECK(malformed(module({section(12, {0x01})})) == "data count and data section have inconsistent lengths");
}

TEST_CASE("custom sections and the name section") {
  Bytes custom = section(0, cat({{0x04}, {'a', 'b', 'c', 'd'}, {1, 2, 3}}));
  auto m = decode_module(module({custom}));
  REQUIRE(m.ok());
  REQUIRE(m.value()->customs.size() == 1);
  CHECK(m.value()->customs[0].name == "abcd");
  CHECK(m.value()->customs[0].size == 3);
  CHECK(malformed(module({section(0, {0x02, 0xc0, 0x80})})) == "malformed UTF-8 encoding");

  // func 0 named "f", func 1 named "gg"
  Bytes names = cat({{0x02, 0x00, 0x01, 'f', 0x01, 0x02, 'g', 'g'}});
  Bytes name_sec = section(0, cat({{0x04, 'n', 'a', 'm', 'e'}, {0x01}, leb(names.size()), names}));
  Bytes bin = func_module({}, {}, {0x0b}, {}, name_sec);
  auto named = decode_module(bin);
  REQUIRE(named.ok());
  CHECK(named.value()->func_name(0) == "f");
  CHECK(named.value()->func_name(1) == "gg");
  CHECK(named.value()->func_name(2) == "");
}

TEST_CASE("imports, limits and the shared flag") {
  auto import = [](const Bytes& desc) {
    return module({section(2, cat({{0x01, 0x01, 'm', 0x01, 'x'}, desc}))});
  };
  auto mem = decode_module(import({0x02, 0x03, 0x01, 0x02}));
  REQUIRE(mem.ok());
  REQUIRE(mem.value()->memories.size() == 1);
  CHECK(mem.value()->memories[0].limits.shared);
  CHECK(mem.value()->memories[0].limits.min == 1);
  CHECK(mem.value()->memories[0].limits.max == 2);
  CHECK(mem.value()->num_imported_memories == 1);
  CHECK(malformed(import({0x02, 0x04, 0x01})) == "integer too large");
  CHECK(malformed(import({0x01, 0x70, 0x02, 0x01})) == "integer too large");  // tables are never shared
  CHECK(malformed(import({0x01, 0x70, 0x81, 0x00, 0x01})) == "integer representation too long");
  CHECK(malformed(import({0x04, 0x00})) == "malformed import kind");
  CHECK(malformed(import({0x03, 0x7f, 0x02})) == "malformed mutability");
  CHECK(malformed(import({0x01, 0x7f, 0x00, 0x01})) == "malformed reference type");
  auto global = decode_module(import({0x03, 0x7e, 0x01}));
  REQUIRE(global.ok());
  CHECK(global.value()->global_types[0].type == ValType::kI64);
  CHECK(global.value()->global_types[0].mut);
}

TEST_CASE("element segments in all eight encodings") {
  Bytes table = section(4, {0x01, 0x70, 0x00, 0x01});
  Bytes offset = {0x41, 0x00, 0x0b};
  Bytes segs = cat({{0x08},
                    cat({{0x00}, offset, {0x01, 0x00}}),                        // 0: active, func indices
                    {0x01, 0x00, 0x01, 0x00},                                   // 1: passive, elemkind
                    cat({{0x02, 0x00}, offset, {0x00, 0x01, 0x00}}),            // 2: active, table 0
                    {0x03, 0x00, 0x01, 0x00},                                   // 3: declarative
                    cat({{0x04}, offset, {0x01, 0xd2, 0x00, 0x0b}}),            // 4: active, exprs
                    {0x05, 0x70, 0x02, 0xd0, 0x70, 0x0b, 0xd2, 0x00, 0x0b},     // 5: passive, exprs
                    cat({{0x06, 0x00}, offset, {0x70, 0x01, 0xd2, 0x00, 0x0b}}),  // 6: active, exprs
                    {0x07, 0x6f, 0x01, 0xd0, 0x6f, 0x0b}});                     // 7: declarative
  Bytes bin = func_module({}, {}, {0x0b}, {table, section(9, segs)});
  auto m = load(bin);
  REQUIRE_MESSAGE(m.ok(), m.error().to_string());
  const Module& mod = *m.value();
  REQUIRE(mod.elems.size() == 8);
  CHECK(mod.elems[0].mode == SegmentMode::kActive);
  CHECK(mod.elems[1].mode == SegmentMode::kPassive);
  CHECK(mod.elems[3].mode == SegmentMode::kDeclarative);
  CHECK(mod.elems[5].items.size() == 2);
  CHECK(mod.elems[5].items[0].op == ConstExpr::Op::kRefNull);
  CHECK(mod.elems[7].type == ValType::kExternRef);
  CHECK(mod.declared_funcs == std::vector<uint32_t>{0});
  CHECK(malformed(func_module({}, {}, {0x0b}, {table, section(9, {0x01, 0x08})})) ==
        "malformed elements segment kind");
  CHECK(malformed(func_module({}, {}, {0x0b}, {table, section(9, {0x01, 0x01, 0x01, 0x00})})) ==
        "malformed element kind");
}

TEST_CASE("data segments in all three encodings and the data count") {
  Bytes memory = section(5, {0x01, 0x00, 0x01});
  Bytes datas = section(11, {0x03, 0x00, 0x41, 0x00, 0x0b, 0x02, 'h', 'i', 0x01, 0x01, 'x', 0x02, 0x00, 0x41,
                             0x08, 0x0b, 0x00});
  auto m = decode_module(module({memory, section(12, {0x03}), datas}));
  REQUIRE_MESSAGE(m.ok(), m.error().to_string());
  const Module& mod = *m.value();
  REQUIRE(mod.datas.size() == 3);
  CHECK(mod.data_count == 3u);
  CHECK(std::string(mod.data(mod.datas[0]).begin(), mod.data(mod.datas[0]).end()) == "hi");
  CHECK(mod.datas[1].mode == SegmentMode::kPassive);
  CHECK(mod.datas[2].offset.bits[0] == 8);
  CHECK(malformed(module({memory, section(12, {0x02}), datas})) ==
        "data count and data section have inconsistent lengths");
  CHECK(malformed(module({memory, section(11, {0x01, 0x03})})) == "malformed data segment kind");
}

TEST_CASE("code section: bodies, locals, bounds") {
  Bytes locals = {0x02, 0x7f, 0x01, 0x7e};  // 2 x i32, 1 x i64
  Bytes bin = module({type_section({}, {}), section(3, {0x01, 0x00}),
                      section(10, cat({{0x01}, body(locals, 2, {0x0b})}))});
  auto m = decode_module(bin);
  REQUIRE(m.ok());
  const FunctionBody& b = m.value()->bodies[0];
  CHECK(b.num_locals == 3);
  REQUIRE(b.num_local_runs == 2);
  CHECK((*m)->locals(b)[1].type == ValType::kI64);
  CHECK(b.code_end - b.code_offset == 1);

  Bytes many = cat({leb(0xffffffff), {0x7f}, {0x01, 0x7e}});
  Bytes bad = module({type_section({}, {}), section(3, {0x01, 0x00}),
                      section(10, cat({{0x01}, body(many, 2, {0x0b})}))});
  CHECK(malformed(bad) == "too many locals");
  Bytes two_bodies = module({type_section({}, {}), section(3, {0x01, 0x00}),
                             section(10, cat({{0x02}, body({}, 0, {0x0b}), body({}, 0, {0x0b})}))});
  CHECK(malformed(two_bodies) == "function and code section have inconsistent lengths");
}

// A module decoded in place reads its bytes where they are and keeps their
// owner; a copy of a module has bytes of its own or shares that owner.
TEST_CASE("module bytes: copied or borrowed, and what a copy of the module holds") {
  Bytes locals = {0x01, 0x7f};  // 1 x i32
  Bytes bin = module({type_section({}, {}), section(3, {0x01, 0x00}),
                      section(10, cat({{0x01}, body(locals, 1, {0x0b})}))});
  auto owned = decode_module(bin);
  REQUIRE(owned.ok());
  CHECK((*owned)->bytes.data() != bin.data());
  Module copy = **owned;
  owned->reset();
  CHECK(std::span<const uint8_t>(copy.bytes).size() == bin.size());
  CHECK(std::equal(copy.bytes.begin(), copy.bytes.end(), bin.begin(), bin.end()));

  auto kept = std::make_shared<Bytes>(bin);
  std::weak_ptr<Bytes> watch = kept;
  auto borrowed = decode_module(*kept, kept);
  REQUIRE(borrowed.ok());
  CHECK((*borrowed)->bytes.data() == kept->data());
  CHECK((*borrowed)->code((*borrowed)->bodies[0]).data() == kept->data() + (*borrowed)->bodies[0].code_offset);
  kept.reset();
  CHECK_FALSE(watch.expired());  // the module keeps them
  Module shared = **borrowed;
  CHECK(shared.bytes.data() == (*borrowed)->bytes.data());
  borrowed->reset();
  CHECK_FALSE(watch.expired());  // and so does its copy
  CHECK(shared.bytes == copy.bytes);
  shared = Module{};
  CHECK(watch.expired());
}

TEST_CASE("constant expression shapes that only validation can reject") {
  Bytes no_value = module({section(6, {0x01, 0x7f, 0x00, 0x0b})});
  auto r = decode_module(no_value);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::kInvalid);
  CHECK(r.error().message == "type mismatch");
  Bytes non_const = module({section(6, {0x01, 0x7f, 0x00, 0x41, 0x01, 0x41, 0x02, 0x6a, 0x0b})});
  auto r2 = decode_module(non_const);
  REQUIRE_FALSE(r2.ok());
  CHECK(r2.error().message == "constant expression required");
  // ...but a malformed module stays malformed even after such a problem.
  Bytes both = module({section(6, {0x01, 0x7f, 0x00, 0x0b}), section(7, {0x01})});
  CHECK(malformed(both) == "unexpected end of section or function");
  Bytes illegal = module({section(6, {0x01, 0x7f, 0x00, 0x06, 0x0b})});
  CHECK(malformed(illegal) == "illegal opcode 06");
}

TEST_CASE("helpers: find_export, names of types, error text") {
  Bytes exports = section(7, {0x01, 0x03, 'r', 'u', 'n', 0x00, 0x00});
  auto m = load(func_module({0x7f, 0x7e}, {0x7d}, {0x43, 0, 0, 0, 0, 0x0b}, {exports}));
  REQUIRE_MESSAGE(m.ok(), m.error().to_string());
  const Export* e = m.value()->find_export("run");
  REQUIRE(e != nullptr);
  CHECK(e->kind == ExternKind::kFunc);
  CHECK(m.value()->find_export("walk") == nullptr);
  CHECK(m.value()->func_type(0).to_string() == "(i32, i64) -> (f32)");
  CHECK(std::string(val_type_name(ValType::kExternRef)) == "externref");
  CHECK(std::string(extern_kind_name(ExternKind::kMemory)) == "memory");
  CHECK(make_error(ErrorKind::kInvalid, 0x1a, "type mismatch").to_string() == "offset 0x1a: type mismatch");
  CHECK(make_error(ErrorKind::kIo, kNoOffset, "no file").to_string() == "no file");
}

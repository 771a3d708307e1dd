// Validation (body decoder + module-level rules) and the emitter contract:
// which hooks are called, in which order, with which operand types.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "body_decoder.h"
#include "test_decoder_builder.h"

using namespace wpvm;
using namespace wpvm::test;

namespace {

constexpr uint8_t I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b, FUNCREF = 0x70;

std::string types(std::span<const ValType> ts) {
  std::string s;
  for (ValType t : ts) s += std::string(s.empty() ? "" : ",") + val_type_name(t);
  return s;
}

// Records every hook as text.
struct RecordingEmitter {
  std::vector<std::string> log;
  void begin_function(const FuncContext& fc) { log.push_back("begin locals=" + types(fc.locals)); }
  void end_function(bool reachable) { log.push_back(std::string("end_function ") + (reachable ? "1" : "0")); }
  void block(BlockSig s) { log.push_back("block [" + types(s.params) + "]->[" + types(s.results) + "]"); }
  void loop(BlockSig s) { log.push_back("loop [" + types(s.params) + "]->[" + types(s.results) + "]"); }
  void if_(BlockSig s) { log.push_back("if [" + types(s.params) + "]->[" + types(s.results) + "]"); }
  void else_(bool reachable) { log.push_back(std::string("else ") + (reachable ? "1" : "0")); }
  void end(bool reachable) { log.push_back(std::string("end ") + (reachable ? "1" : "0")); }
  void br(uint32_t d) { log.push_back("br " + std::to_string(d)); }
  void br_if(uint32_t d) { log.push_back("br_if " + std::to_string(d)); }
  void br_table(std::span<const uint32_t> ds, uint32_t d) {
    std::string s = "br_table";
    for (uint32_t x : ds) s += " " + std::to_string(x);
    log.push_back(s + " default " + std::to_string(d));
  }
  void return_() { log.push_back("return"); }
  void unreachable() { log.push_back("unreachable"); }
  void op(Opcode op, const Imm&, std::span<const ValType> pops, std::span<const ValType> pushes) {
    log.push_back(std::string(opcode_text(op)) + " [" + types(pops) + "]->[" + types(pushes) + "]");
  }
  void at(uint32_t) {}
};
static_assert(Emitter<RecordingEmitter>);

// The same, as a code generator: given validated modules only, so the
// decoder skips its checks.
struct TrustingRecorder : RecordingEmitter {
  static constexpr bool kDecodesValidated = true;
};

// Loads `bin` and returns the hooks of defined function 0, or the error.
// The decoder gives a trusting emitter the same hooks.
std::vector<std::string> record(const Bytes& bin) {
  auto m = decode_module(bin);
  if (!m.ok()) return {"decode error: " + m.error().message};
  auto v = validate_module(*m.value());
  if (!v.ok()) return {"invalid: " + v.error().message};
  RecordingEmitter e;
  auto r = decode_function(*m.value(), 0, e);
  if (!r.ok()) return {"error: " + r.error().message};
  TrustingRecorder t;
  REQUIRE(decode_function(*m.value(), 0, t).ok());
  CHECK(t.log == e.log);
  return e.log;
}

// The error text of loading `bin`, prefixed with the kind; "ok" if it loads.
std::string verdict(const Bytes& bin) {
  auto r = load(bin);
  if (r.ok()) return "ok";
  return std::string(r.error().kind == ErrorKind::kMalformed ? "malformed: " : "invalid: ") + r.error().message;
}

std::string body_verdict(const Bytes& params, const Bytes& results, const Bytes& code,
                         std::initializer_list<Bytes> extra = {}) {
  return verdict(func_module(params, results, code, extra));
}

const Bytes kMemory = section(5, {0x01, 0x00, 0x01});
const Bytes kSharedMemory = section(5, {0x01, 0x03, 0x01, 0x01});

}  // namespace

TEST_CASE("operand typing") {
  CHECK(body_verdict({}, {I32}, {0x41, 0x01, 0x41, 0x02, 0x6a, 0x0b}) == "ok");
  CHECK(body_verdict({}, {I32}, {0x41, 0x01, 0x42, 0x02, 0x6a, 0x0b}) == "invalid: type mismatch");
  CHECK(body_verdict({}, {}, {0x41, 0x01, 0x0b}) == "invalid: type mismatch");  // value left over
  CHECK(body_verdict({}, {I32}, {0x0b}) == "invalid: type mismatch");            // value missing
  CHECK(body_verdict({}, {}, {0x20, 0x05, 0x1a, 0x0b}) == "invalid: unknown local 5");
  CHECK(body_verdict({}, {}, {0x0c, 0x01, 0x0b}) == "invalid: unknown label 1");
  CHECK(body_verdict({}, {}, {0x10, 0x07, 0x0b}) == "invalid: unknown function 7");
}

TEST_CASE("unreachable code is polymorphic, nested blocks are not") {
  CHECK(body_verdict({}, {I32}, {0x00, 0x6a, 0x0b}) == "ok");
  CHECK(body_verdict({}, {}, {0x00, 0x1b, 0x1a, 0x0b}) == "ok");  // select on unknowns
  CHECK(body_verdict({}, {I32}, {0x00, 0x42, 0x00, 0x6a, 0x0b}) == "invalid: type mismatch");
  CHECK(body_verdict({}, {}, {0x00, 0x02, 0x40, 0x6a, 0x1a, 0x0b, 0x0b}) == "invalid: type mismatch");
}

TEST_CASE("block types: empty, one value, type index with parameters") {
  // type 0: [] -> [i32]; type 1: [i32] -> [i32, i32]
  Bytes types2 = section(1, {0x02, 0x60, 0x00, 0x01, I32, 0x60, 0x01, I32, 0x02, I32, I32});
  Bytes code = {0x41, 0x05, 0x02, 0x01, 0x41, 0x06, 0x0b, 0x6a, 0x0b};  // block (type 1): [i32] -> [i32 i32]
  Bytes bin = module({types2, section(3, {0x01, 0x00}), section(10, cat({{0x01}, body({}, 0, code)}))});
  CHECK(verdict(bin) == "ok");
  auto log = record(bin);
  REQUIRE(log.size() >= 3);
  CHECK(log[2] == "block [i32]->[i32,i32]");
  Bytes bad = {0x02, 0x09, 0x0b, 0x41, 0x00, 0x0b};
  CHECK(verdict(module({types2, section(3, {0x01, 0x00}), section(10, cat({{0x01}, body({}, 0, bad)}))})) ==
        "invalid: unknown type 9");
  // if without else must not change the types
  CHECK(body_verdict({}, {I32}, {0x41, 0x01, 0x04, I32, 0x41, 0x01, 0x0b, 0x0b}) == "invalid: type mismatch");
}

TEST_CASE("emitter sees reachable code only, blocks with their ends") {
  // (result i32) i32.const 1  br 0  i32.const 2  block  end  end
  auto log = record(func_module({}, {I32}, {0x41, 0x01, 0x0c, 0x00, 0x41, 0x02, 0x02, 0x40, 0x0b, 0x0b}));
  std::vector<std::string> want = {"begin locals=", "i32.const []->[i32]", "br 0", "end_function 0"};
  CHECK(log == want);
}

TEST_CASE("emitter: if/else, reachability flags and locals") {
  // (param i32) (result i32) (local i64)
  // local.get 0 if (result i32) i32.const 1 else unreachable end end
  Bytes code = {0x20, 0x00, 0x04, I32, 0x41, 0x01, 0x05, 0x00, 0x0b, 0x0b};
  Bytes bin = module({type_section({I32}, {I32}), section(3, {0x01, 0x00}),
                      section(10, cat({{0x01}, body({0x01, I64}, 1, code)}))});
  std::vector<std::string> want = {"begin locals=i32,i64", "local.get []->[i32]", "if []->[i32]",
                                   "i32.const []->[i32]", "else 1", "unreachable", "end 0", "end_function 1"};
  CHECK(record(bin) == want);
}

TEST_CASE("emitter: operand types of select, drop, calls, memory and atomics") {
  // f64.const 0 f64.const 0 i32.const 0 select drop
  Bytes f64z = {0x44, 0, 0, 0, 0, 0, 0, 0, 0};
  Bytes code = cat({f64z, f64z, {0x41, 0x00, 0x1b, 0x1a}, {0x41, 0x00, 0x41, 0x00, 0xfe, 0x1e, 0x02, 0x00, 0x1a},
                    {0x0b}});
  auto log = record(func_module({}, {}, code, {kMemory}));
  REQUIRE(log.size() == 11);
  CHECK(log[4] == "select [f64,f64,i32]->[f64]");
  CHECK(log[5] == "drop [f64]->[]");
  CHECK(log[8] == "i32.atomic.rmw.add [i32,i32]->[i32]");

  // call_indirect (type 0) with an i32 parameter: pops params then the index
  Bytes table = section(4, {0x01, FUNCREF, 0x00, 0x01});
  Bytes ci = {0x41, 0x07, 0x41, 0x00, 0x11, 0x00, 0x00, 0x0b};
  auto log2 = record(func_module({I32}, {}, ci, {table}));
  REQUIRE(log2.size() == 5);
  CHECK(log2[3] == "call_indirect [i32,i32]->[]");
}

TEST_CASE("emitter: br_table targets") {
  Bytes code = {0x02, 0x40, 0x41, 0x00, 0x0e, 0x02, 0x00, 0x01, 0x00, 0x0b, 0x0b};
  auto log = record(func_module({}, {}, code));
  std::vector<std::string> want = {"begin locals=", "block []->[]", "i32.const []->[i32]", "br_table 0 1 default 0",
                                   "end 0", "end_function 1"};
  CHECK(log == want);
  Bytes arity = {0x02, I32, 0x41, 0x00, 0x41, 0x00, 0x0e, 0x01, 0x00, 0x01, 0x0b, 0x1a, 0x0b};
  CHECK(body_verdict({}, {}, arity) == "invalid: type mismatch");
}

TEST_CASE("memory instructions: alignment, memory presence, lanes") {
  CHECK(body_verdict({}, {}, {0x41, 0x00, 0x28, 0x02, 0x00, 0x1a, 0x0b}, {kMemory}) == "ok");
  CHECK(body_verdict({}, {}, {0x41, 0x00, 0x28, 0x03, 0x00, 0x1a, 0x0b}, {kMemory}) ==
        "invalid: alignment must not be larger than natural");
  CHECK(body_verdict({}, {}, {0x41, 0x00, 0x28, 0x02, 0x00, 0x1a, 0x0b}) == "invalid: unknown memory 0");
  CHECK(body_verdict({}, {}, {0x41, 0x00, 0xfe, 0x10, 0x01, 0x00, 0x1a, 0x0b}, {kSharedMemory}) ==
        "invalid: atomic alignment must be natural");
  CHECK(body_verdict({}, {}, {0x41, 0x00, 0xfe, 0x10, 0x02, 0x00, 0x1a, 0x0b}, {kSharedMemory}) == "ok");
  CHECK(body_verdict({}, {}, {0xfe, 0x03, 0x00, 0x0b}) == "ok");  // atomic.fence needs no memory
  CHECK(body_verdict({}, {}, {0x3f, 0x01, 0x1a, 0x0b}, {kMemory}) == "malformed: zero byte expected");
  Bytes v0 = cat({{0xfd, 0x0c}, Bytes(16, 0)});
  CHECK(body_verdict({}, {}, cat({v0, {0xfd, 0x15, 0x0f, 0x1a, 0x0b}})) == "ok");
  CHECK(body_verdict({}, {}, cat({v0, {0xfd, 0x15, 0x10, 0x1a, 0x0b}})) == "invalid: invalid lane index");
  Bytes shuffle = cat({v0, v0, {0xfd, 0x0d}, Bytes(15, 0), {32}, {0x1a, 0x0b}});
  CHECK(body_verdict({}, {}, shuffle) == "invalid: invalid lane index");
  CHECK(body_verdict({}, {}, {0xfd, 0x80, 0x02, 0x0b}) == "malformed: illegal opcode fd 100");
}

TEST_CASE("globals, references, bulk memory") {
  Bytes immutable = section(6, {0x01, I32, 0x00, 0x41, 0x00, 0x0b});
  CHECK(body_verdict({}, {}, {0x41, 0x01, 0x24, 0x00, 0x0b}, {immutable}) == "invalid: global is immutable");
  CHECK(body_verdict({}, {}, {0xd2, 0x00, 0x1a, 0x0b}) == "invalid: undeclared function reference");
  Bytes exports = section(7, {0x01, 0x01, 'f', 0x00, 0x00});
  CHECK(body_verdict({}, {}, {0xd2, 0x00, 0x1a, 0x0b}, {exports}) == "ok");
  CHECK(body_verdict({}, {}, {0xd0, 0x70, 0xd1, 0x1a, 0x0b}) == "ok");
  CHECK(body_verdict({}, {}, {0x41, 0x00, 0xd1, 0x1a, 0x0b}) == "invalid: type mismatch");
  // data.drop 0 with a data section but no data count section
  Bytes bin = module({type_section({}, {}), section(3, {0x01, 0x00}), kMemory,
                      section(10, cat({{0x01}, body({}, 0, {0xfc, 0x09, 0x00, 0x0b})})),
                      section(11, {0x01, 0x01, 0x00})});
  CHECK(verdict(bin) == "malformed: data count section required");
  CHECK(body_verdict({}, {}, {0xfc, 0x09, 0x00, 0x0b}) == "invalid: unknown data segment 0");
  CHECK(body_verdict({}, {}, {0xfc, 0x0d, 0x00, 0x0b}) == "invalid: unknown elem segment 0");
}

TEST_CASE("module-level rules") {
  CHECK(verdict(module({section(5, {0x02, 0x00, 0x01, 0x00, 0x01})})) == "invalid: multiple memories");
  CHECK(verdict(module({section(5, {0x01, 0x00, 0x81, 0x80, 0x04})})) ==
        "invalid: memory size must be at most 65536 pages (4GiB)");
  CHECK(verdict(module({section(5, {0x01, 0x01, 0x02, 0x01})})) ==
        "invalid: size minimum must not be greater than maximum");
  CHECK(verdict(module({section(5, {0x01, 0x02, 0x01})})) == "invalid: shared memory must have maximum");
  CHECK(verdict(module({section(6, {0x01, I32, 0x00, 0x23, 0x00, 0x0b})})) == "invalid: unknown global 0");
  CHECK(verdict(module({section(6, {0x01, I32, 0x00, 0x42, 0x00, 0x0b})})) == "invalid: type mismatch");
  Bytes two_exports = section(7, {0x02, 0x01, 'a', 0x00, 0x00, 0x01, 'a', 0x00, 0x00});
  CHECK(body_verdict({}, {}, {0x0b}, {two_exports}) == "invalid: duplicate export name");
  CHECK(body_verdict({I32}, {}, {0x0b}, {section(8, {0x00})}) == "invalid: start function");
  CHECK(body_verdict({}, {}, {0x0b}, {section(8, {0x00})}) == "ok");
  CHECK(verdict(module({section(3, {0x01, 0x00}), section(10, {0x01, 0x02, 0x00, 0x0b})})) ==
        "invalid: unknown type 0");
}

TEST_CASE("a malformed body outranks a validation error found earlier") {
  Bytes bin = module({type_section({}, {}), section(3, {0x02, 0x00, 0x00}),
                      section(10, cat({{0x02}, body({}, 0, {0x41, 0x00, 0x0b}), body({}, 0, {0x06, 0x0b})}))});
  CHECK(verdict(bin) == "malformed: illegal opcode 06");
  Bytes missing_end = module({type_section({}, {}), section(3, {0x01, 0x00}),
                              section(10, cat({{0x01}, body({}, 0, {0x01})}))});
  CHECK(verdict(missing_end) == "malformed: unexpected end of section or function");
}

TEST_CASE("module-level errors carry the offset of the offending entry") {
  // header (8) + global section id and size (2) + count (1) + type and mut (2)
  auto g = load(module({section(6, {0x01, I32, 0x00, 0x23, 0x00, 0x0b})}));
  REQUIRE_FALSE(g.ok());
  CHECK(g.error().offset == 13);
  Bytes two_exports = section(7, {0x02, 0x01, 'a', 0x00, 0x00, 0x01, 'a', 0x00, 0x00});
  Bytes bin = func_module({}, {}, {0x0b}, {two_exports});
  auto e = load(bin);
  REQUIRE_FALSE(e.ok());
  // The second of the two identical 4-byte entries.
  Bytes entry = {0x01, 'a', 0x00, 0x00};
  auto first = std::search(bin.begin(), bin.end(), entry.begin(), entry.end());
  auto second = std::search(first + 1, bin.end(), entry.begin(), entry.end());
  REQUIRE(second != bin.end());
  CHECK(e.error().offset == static_cast<size_t>(second - bin.begin()));
}

TEST_CASE("an emitter that trusts validation is refused an unvalidated module") {
  auto m = decode_module(func_module({}, {}, {0x0b}));
  REQUIRE(m.ok());
  TrustingRecorder t;
  auto r = decode_function(*m.value(), 0, t);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("not validated") != std::string::npos);
  CHECK(t.log.empty());
  REQUIRE(validate_module(*m.value()).ok());
  CHECK(decode_function(*m.value(), 0, t).ok());
}

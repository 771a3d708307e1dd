// count_local_uses (jit/src/compiler.h): the raw scan that weighs locals for
// the pinned registers and finds functions the JIT leaves to the
// interpreter (v128 anywhere).
#include <doctest/doctest.h>

#include <vector>

#include "compiler.h"
#include "test_decoder_builder.h"

using namespace wpvm;
using namespace wpvm::test;

namespace {

constexpr uint8_t I32 = 0x7f, I64 = 0x7e, kV128Byte = 0x7b;

// The scan of the one function of a module (params i32 i32 i64) -> ()
// whose body is `code`; the module must validate.
jit::LocalUses scan(const Bytes& code) {
  auto m = load(func_module({I32, I32, I64}, {}, code));
  REQUIRE(m.ok());
  jit::LocalUses u;
  jit::count_local_uses(*m.value(), 0, u);
  return u;
}

}  // namespace

TEST_CASE("local uses are weighted 16 per loop level, calls too") {
  // local.get 0; drop; loop: local.get 1; drop; loop: local.get 2; local.set 2;
  // the three locals; call 0 (in the inner loop); end; end; local.get 0; drop
  Bytes code = {0x20, 0x00, 0x1a,
                0x03, 0x40, 0x20, 0x01, 0x1a,
                0x03, 0x40, 0x20, 0x02, 0x21, 0x02,
                0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0x10, 0x00,
                0x0b, 0x0b, 0x20, 0x00, 0x1a, 0x0b};
  jit::LocalUses u = scan(code);
  CHECK(u.weight == std::vector<uint64_t>{1 + 256 + 1, 16 + 256, 256 * 3});
  CHECK(u.call_weight == 256);
  CHECK_FALSE(u.vector);
}

TEST_CASE("the scan steps over every immediate form") {
  // block (result i32): i32.const 300 (two-byte LEB); f64.const; drop;
  // i64.const -1 (ten bytes); drop; i32.trunc_sat_f32_s over f32.const;
  // drop; br_table 0 0 (default 0) over i32.const 0... then local.get 1.
  Bytes code = {0x02, 0x7f, 0x41, 0xac, 0x02,
                0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0x1a,
                0x42, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x1a,
                0x43, 0, 0, 0x80, 0x3f, 0xfc, 0x00, 0x1a,
                0x41, 0x00, 0x0e, 0x01, 0x00, 0x00,
                0x0b, 0x1a, 0x20, 0x01, 0x1a, 0x0b};
  jit::LocalUses u = scan(code);
  CHECK(u.weight == std::vector<uint64_t>{0, 1, 0});
  CHECK(u.call_weight == 0);
  CHECK_FALSE(u.vector);
}

TEST_CASE("v128 anywhere gives the function 16-byte frame slots") {
  // v128.const 0; drop
  Bytes simd = {0xfd, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x1a, 0x0b};
  CHECK(scan(simd).vector);
  // block (result v128) ... unreachable end drop
  CHECK(scan({0x02, kV128Byte, 0x00, 0x0b, 0x1a, 0x0b}).vector);
  // select (result v128) over unreachable operands
  CHECK(scan({0x00, 0x1c, 0x01, kV128Byte, 0x1a, 0x0b}).vector);
  // the same with i32: nothing
  CHECK_FALSE(scan({0x00, 0x1c, 0x01, I32, 0x1a, 0x0b}).vector);
}

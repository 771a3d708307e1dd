// The fuel plan (exec/fuel.h): where each segment's cost is charged, and
// which segments are paid ahead by the segments that reach them.
#include <doctest/doctest.h>

#include <vector>

#include "exec/fuel.h"
#include "test_decoder_builder.h"

using namespace wpvm;
using namespace wpvm::test;

namespace {

constexpr uint8_t I32 = 0x7f;
constexpr uint8_t kBlock = 0x02, kLoop = 0x03, kIf = 0x04, kElse = 0x05, kEnd = 0x0b, kBr = 0x0c, kBrIf = 0x0d,
                  kBrTable = 0x0e, kCall = 0x10, kDrop = 0x1a, kLocalGet = 0x20, kI32Const = 0x41, kVoid = 0x40;

// The charges of the one function of type (i32) -> () with body `code`.
std::vector<uint32_t> plan(const Bytes& code) {
  auto m = decode_module(func_module({I32}, {}, code));
  REQUIRE(m.ok());
  REQUIRE(validate_module(*m.value()).ok());
  auto p = exec::FuelPlan::of(*m.value(), 0);
  REQUIRE(p.ok());
  return p.value().costs();
}

}  // namespace

TEST_CASE("a br_if, an if and a call start segments that pay for themselves") {
  // block (local.get 0) br_if 0 (i32.const 1) drop end (i32.const 2) drop
  CHECK(plan({kBlock, kVoid, kLocalGet, 0, kBrIf, 0, kI32Const, 1, kDrop, kEnd, kI32Const, 2, kDrop, kEnd}) ==
        std::vector<uint32_t>{2, 1, 1});
  // (local.get 0) if (i32.const 1) drop end (i32.const 3) drop: no else, so
  // the condition enters the code after the if.
  CHECK(plan({kLocalGet, 0, kIf, kVoid, kI32Const, 1, kDrop, kEnd, kI32Const, 3, kDrop, kEnd}) ==
        std::vector<uint32_t>{2, 1, 1});
  // (local.get 0) call 0 (i32.const 3) drop: the callee must not see the
  // code after the call paid.
  CHECK(plan({kLocalGet, 0, kCall, 0, kI32Const, 3, kDrop, kEnd}) == std::vector<uint32_t>{2, 1});
}

TEST_CASE("code reached only by fall-through or br is paid ahead") {
  // block (i32.const 1) drop br 0 end (i32.const 2) drop
  CHECK(plan({kBlock, kVoid, kI32Const, 1, kDrop, kBr, 0, kEnd, kI32Const, 2, kDrop, kEnd}) ==
        std::vector<uint32_t>{3, 0});
  // (local.get 0) if (i32.const 1) drop else (i32.const 2) drop end (i32.const 3) drop:
  // both arms pay for what follows the if.
  CHECK(plan({kLocalGet, 0, kIf, kVoid, kI32Const, 1, kDrop, kElse, kI32Const, 2, kDrop, kEnd, kI32Const, 3, kDrop,
              kEnd}) == std::vector<uint32_t>{2, 2, 2, 0});
}

TEST_CASE("a dispatch loop pays once per turn: each case pays for the loop's header") {
  // loop                          ;; header: (local.get 0) br_table 0 1
  //   block block (local.get 0) br_table 0 1 end
  //     (i32.const 1) drop br 1   ;; case A, back to the loop
  //   end
  //   (i32.const 2) drop br 0     ;; case B, back to the loop
  // end
  CHECK(plan({kLoop, kVoid, kBlock, kVoid, kBlock, kVoid, kLocalGet, 0, kBrTable, 1, 0, 1, kEnd, kI32Const, 1, kDrop,
              kBr, 1, kEnd, kI32Const, 2, kDrop, kBr, 0, kEnd, kEnd}) == std::vector<uint32_t>{2, 0, 4, 4, 0});
}

TEST_CASE("a cycle of segments entered only by br keeps a charge") {
  // loop br 0 end: the header is its own only predecessor besides the entry.
  CHECK(plan({kLoop, kVoid, kBr, 0, kEnd, kEnd}) == std::vector<uint32_t>{0, 1, 0});
}

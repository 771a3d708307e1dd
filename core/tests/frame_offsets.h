// The frame offset checks both tiers run on frame_offsets.wat: traps in a
// leaf (unreachable, an out-of-bounds load, a load folded into the next
// instruction or with the add before it, divide by zero), two calls deep, through call_indirect, and
// from a host function; every frame's func_offset and module_offset must
// name the instruction (wpvm/trap.h).
#pragma once
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "test_wasm_file.h"
#include "wpvm/runtime.h"

namespace wpvm::test {

struct ExpectedFrame {
  uint32_t func_index;
  size_t module_offset;
  size_t func_offset;
  uint8_t opcode;  // the byte at module_offset
};

struct FrameOffsetCase {
  const char* export_name;
  uint32_t arg;
  TrapKind kind;
  std::vector<ExpectedFrame> frames;  // innermost first
};

// Offsets from `wasm-objdump -d frame_offsets.wasm` (wat2wasm's encoding).
// objdump's line for a function gives where its body starts, just past the
// body's size: the point func_offset counts from. The bodies start at
// 0x98 (func 1), 0x9c (2), 0xa4 (3), 0xaf (4), 0xb7 (5), 0xc3 (6),
// 0xcb (7), 0xd5 (8), 0xdc (9).
inline std::vector<FrameOffsetCase> frame_offset_cases() {
  constexpr uint8_t kUnreachable = 0x00, kCall = 0x10, kCallIndirect = 0x11, kI32Load = 0x28, kI32DivU = 0x6e;
  const ExpectedFrame unreachable{1, 0x99, 1, kUnreachable};
  const ExpectedFrame load{2, 0x9f, 3, kI32Load};
  const ExpectedFrame div{4, 0xb4, 5, kI32DivU};
  const ExpectedFrame indirect{7, 0xd0, 5, kCallIndirect};
  return {
      {"unreachable", 0, TrapKind::kUnreachable, {unreachable}},
      {"load", 65532, TrapKind::kMemoryOutOfBounds, {load}},
      {"fold", 65530, TrapKind::kMemoryOutOfBounds, {{3, 0xa9, 5, kI32Load}}},
      {"sum_load", 65533, TrapKind::kMemoryOutOfBounds, {{9, 0xe2, 6, kI32Load}}},
      {"div", 0, TrapKind::kIntegerDivideByZero, {div}},
      // two_deep -> middle -> load: each caller at its call.
      {"two_deep", 65532, TrapKind::kMemoryOutOfBounds, {load, {5, 0xbc, 5, kCall}, {6, 0xc7, 4, kCall}}},
      {"indirect", 0, TrapKind::kUnreachable, {unreachable, indirect}},
      {"indirect", 1, TrapKind::kIntegerDivideByZero, {div, indirect}},
      {"indirect", 5, TrapKind::kUndefinedElement, {indirect}},  // the call_indirect itself
      {"host", 0, TrapKind::kHost, {{8, 0xd6, 1, kCall}}},       // the call to the host function
  };
}

// Runs the cases on frame_offsets.wat as `m` (e.g. read back from a
// compiled module) in a store of `engine`.
inline void check_frame_offsets(const Engine& engine, const std::shared_ptr<const Module>& m) {
  Store store(engine);
  Linker linker;
  linker.define("env", "host_trap", store.create_host_func(FuncType{}, [](Caller&, std::span<const Value>, std::span<Value>) {
    return std::optional<Trap>{Trap{TrapKind::kHost, "host says no", 0, {}}};
  }));
  auto inst = store.instantiate(m, linker);
  REQUIRE(inst.ok());
  for (const FrameOffsetCase& c : frame_offset_cases()) {
    CAPTURE(c.export_name);
    CAPTURE(c.arg);
    CallResult r = store.call((*inst)->func(c.export_name), {Value::from_i32(c.arg)});
    REQUIRE(r.trap.has_value());
    CHECK(r.trap->kind == c.kind);
    REQUIRE(r.trap->backtrace.size() == c.frames.size());
    for (size_t i = 0; i < c.frames.size(); ++i) {
      CAPTURE(i);
      const Frame& got = r.trap->backtrace[i];
      const ExpectedFrame& want = c.frames[i];
      CHECK(got.func_index == want.func_index);
      CHECK(got.module_offset == want.module_offset);
      CHECK(got.func_offset == want.func_offset);
      REQUIRE(want.module_offset < m->bytes.size());
      CHECK(m->bytes[want.module_offset] == want.opcode);
    }
  }
}

inline void check_frame_offsets(const EngineConfig& config) {
  Engine engine(config);
  check_frame_offsets(engine, load_wat("frame_offsets"));
}

}  // namespace wpvm::test

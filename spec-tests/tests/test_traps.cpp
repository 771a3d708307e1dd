// Unit tests of matching assert_trap texts to trap kinds.
#include <doctest/doctest.h>

#include "traps.h"

using namespace wpvm;
using namespace wpvm::spec;

TEST_CASE("trap texts map to kinds") {
  CHECK(trap_kind_for_text("out of bounds memory access") == TrapKind::kMemoryOutOfBounds);
  CHECK(trap_kind_for_text("uninitialized element 2") == TrapKind::kUninitializedElement);
  CHECK(trap_kind_for_text("undefined element") == TrapKind::kUndefinedElement);
  CHECK(trap_kind_for_text("integer divide by zero") == TrapKind::kIntegerDivideByZero);
  CHECK(trap_kind_for_text("call stack exhausted") == TrapKind::kCallStackExhausted);
  CHECK(trap_kind_for_text("unaligned atomic") == TrapKind::kUnalignedAtomic);
  CHECK(trap_kind_for_text("expected shared memory") == TrapKind::kExpectedSharedMemory);
  CHECK_FALSE(trap_kind_for_text("unreachablex").has_value());
  CHECK_FALSE(trap_kind_for_text("something else").has_value());
  CHECK(trap_kind_text(TrapKind::kIntegerOverflow) == "integer overflow");
}

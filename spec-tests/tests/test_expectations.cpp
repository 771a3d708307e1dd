// Unit tests of the expectation list: syntax, file matching, stale entries.
#include <doctest/doctest.h>

#include "expectations.h"

using namespace wpvm::spec;

TEST_CASE("entries, comments and errors") {
  auto list = ExpectationList::parse(
      "# comment\n"
      "\n"
      "core/i32.wast:120   integer thing\n"
      "  simd_lane.wast:*  SIMD execution not implemented yet  \n");
  REQUIRE(list.ok());
  CHECK(list->size() == 2);
  auto i32 = list->for_file("core/i32.wast");
  REQUIRE(i32.size() == 1);
  CHECK(i32[0]->line == 120u);
  CHECK(i32[0]->reason == "integer thing");
  CHECK(i32[0]->list_line == 3);
  auto lane = list->for_file("core/simd_lane.wast");
  REQUIRE(lane.size() == 1);
  CHECK_FALSE(lane[0]->line.has_value());
  CHECK(lane[0]->reason == "SIMD execution not implemented yet");

  CHECK_FALSE(ExpectationList::parse("core/i32.wast:12\n").ok());        // no reason
  CHECK_FALSE(ExpectationList::parse("core/i32.wast  reason\n").ok());  // no line
  CHECK_FALSE(ExpectationList::parse("core/i32.wast:x reason\n").ok());
  CHECK_FALSE(ExpectationList::parse("core/i32.wast:0 reason\n").ok());
  auto bad = ExpectationList::parse("# ok\nfoo.wast:1 r\nbar.wast reason\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("line 3") != std::string::npos);
}

TEST_CASE("bare names match every folder, paths only their own") {
  Expectation bare{"memory.wast", 5, "r", 1};
  Expectation qualified{"threads/memory.wast", 5, "r", 2};
  CHECK(expectation_matches_file(bare, "core/memory.wast"));
  CHECK(expectation_matches_file(bare, "threads/memory.wast"));
  CHECK_FALSE(expectation_matches_file(bare, "core/memory_grow.wast"));
  CHECK(expectation_matches_file(qualified, "threads/memory.wast"));
  CHECK_FALSE(expectation_matches_file(qualified, "core/memory.wast"));
}

TEST_CASE("failures are classified and stale entries reported") {
  auto list = ExpectationList::parse(
      "core/a.wast:10 ten\n"
      "core/a.wast:20 twenty\n"
      "core/b.wast:* whole file\n");
  REQUIRE(list.ok());

  FileExpectations a(*list, "core/a.wast");
  CHECK(a.record_failure(10) != nullptr);
  CHECK(a.record_failure(11) == nullptr);
  auto stale = a.unexpected_passes();
  REQUIRE(stale.size() == 1);
  CHECK(stale[0]->reason == "twenty");

  FileExpectations b(*list, "core/b.wast");
  CHECK(b.unexpected_passes().size() == 1);  // nothing failed: the whole-file entry is stale
  CHECK(b.record_failure(99) != nullptr);
  CHECK(b.unexpected_passes().empty());

  FileExpectations c(*list, "core/c.wast");
  CHECK(c.record_failure(1) == nullptr);
  CHECK(c.unexpected_passes().empty());
}

TEST_CASE("tier tags limit an entry to one tier") {
  auto list = ExpectationList::parse(
      "core/a.wast:10 [jit] only the JIT\n"
      "core/a.wast:20 [interp] only the interpreter\n"
      "core/a.wast:30 both tiers\n");
  REQUIRE(list.ok());
  auto jit = list->for_file("core/a.wast", "jit");
  REQUIRE(jit.size() == 2);
  CHECK(jit[0]->line == 10u);
  CHECK(jit[0]->tier == "jit");
  CHECK(jit[1]->line == 30u);
  auto interp = list->for_file("core/a.wast", "interp");
  REQUIRE(interp.size() == 2);
  CHECK(interp[0]->line == 20u);
  FileExpectations on_jit(*list, "core/a.wast", "jit");
  CHECK(on_jit.record_failure(20) == nullptr);
  CHECK(on_jit.record_failure(10) != nullptr);
  CHECK_FALSE(ExpectationList::parse("core/a.wast:1 [jit]\n").ok());  // a tag is not a reason
}

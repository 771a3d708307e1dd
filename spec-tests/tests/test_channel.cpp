// Unit tests of the child -> supervisor record protocol.
#include <doctest/doctest.h>

#include "channel.h"

using namespace wpvm::spec;

namespace {

Record decode(const std::string& encoded) {
  REQUIRE(!encoded.empty());
  REQUIRE(encoded.back() == '\n');
  auto r = decode_record(std::string_view(encoded).substr(0, encoded.size() - 1));
  REQUIRE(r.has_value());
  return *r;
}

}  // namespace

TEST_CASE("records survive encoding") {
  Record start = decode(encode_start(7, 123, "assert_return"));
  CHECK(start.kind == RecordKind::kStart);
  CHECK(start.report.index == 7);
  CHECK(start.report.line == 123);
  CHECK(start.report.command == "assert_return");

  CommandReport failure{3, 45, "assert_trap", Verdict::kFail, "expected trap\n\"x\"\tgot (i32:1)"};
  Record result = decode(encode_result(failure));
  CHECK(result.kind == RecordKind::kResult);
  CHECK(result.report.index == 3);
  CHECK(result.report.line == 45);
  CHECK(result.report.verdict == Verdict::kFail);
  CHECK(result.report.command == "assert_trap");
  CHECK(result.report.detail == "expected trap \"x\" got (i32:1)");  // one line, no tabs

  Record skip = decode(encode_result({0, 1, "assert_malformed", Verdict::kSkip, ""}));
  CHECK(skip.report.verdict == Verdict::kSkip);
  CHECK(skip.report.detail.empty());

  Record error = decode(encode_error("bad script\nJSON"));
  CHECK(error.kind == RecordKind::kError);
  CHECK(error.message == "bad script JSON");
  CHECK(decode(encode_done()).kind == RecordKind::kDone);
}

TEST_CASE("garbage is not a record") {
  CHECK_FALSE(decode_record("").has_value());
  CHECK_FALSE(decode_record("X 1 2 foo").has_value());
  CHECK_FALSE(decode_record("S 1 foo").has_value());
  CHECK_FALSE(decode_record("S 1 2 ").has_value());
  CHECK_FALSE(decode_record("R 1 2 Q cmd\tdetail").has_value());
  CHECK_FALSE(decode_record("R 1 2 P cmd detail").has_value());  // no tab
  CHECK_FALSE(decode_record("Dx").has_value());
}

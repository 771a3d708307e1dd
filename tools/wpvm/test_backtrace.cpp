// Unit tests: how the command line prints a trap's backtrace.
#include <doctest/doctest.h>

#include "backtrace.h"

using wpvm::Frame;
using wpvm::cli::format_backtrace;
using wpvm::cli::kMaxBacktraceLines;
using wpvm::cli::with_thousands;

namespace {

Frame frame(uint32_t func, size_t offset) {
  Frame f;
  f.func_index = func;
  f.module_offset = offset;
  f.func_offset = offset - 0x20;
  return f;
}

std::vector<std::string> format(const std::vector<Frame>& frames) {
  return format_backtrace(frames, [](const Frame& f) { return "f" + std::to_string(f.func_index); });
}

}  // namespace

TEST_CASE("thousands separators") {
  CHECK(with_thousands(0) == "0");
  CHECK(with_thousands(999) == "999");
  CHECK(with_thousands(1000) == "1,000");
  CHECK(with_thousands(49980) == "49,980");
  CHECK(with_thousands(1234567) == "1,234,567");
}

TEST_CASE("a short backtrace is printed frame by frame") {
  auto lines = format({frame(2, 0x40), frame(1, 0x30), frame(0, 0x25)});
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "  0: func[2] f2 at 0x40 (func+0x20)");
  CHECK(lines[2] == "  2: func[0] f0 at 0x25 (func+0x5)");
  Frame unnamed_unknown;
  unnamed_unknown.func_index = 7;
  unnamed_unknown.name = "given";
  CHECK(format({unnamed_unknown})[0] == "  0: func[7] given");
}

TEST_CASE("self recursion collapses to one frame and a count") {
  std::vector<Frame> frames{frame(3, 0x50)};  // innermost: where it trapped
  for (int i = 0; i < 50000; ++i) frames.push_back(frame(3, 0x60));
  frames.push_back(frame(0, 0x30));  // _start
  auto lines = format(frames);
  REQUIRE(lines.size() == 4);
  CHECK(lines[1] == "  1: func[3] f3 at 0x60 (func+0x40)");
  CHECK(lines[2] == "  ... 49,999 more frames (the frame above, repeated)");
  CHECK(lines[3] == "  50001: func[0] f0 at 0x30 (func+0x10)");
}

TEST_CASE("mutual recursion collapses by its period") {
  std::vector<Frame> frames;
  for (int i = 0; i < 1000; ++i) {
    frames.push_back(frame(1, 0x40));
    frames.push_back(frame(2, 0x70));
    frames.push_back(frame(3, 0x90));
  }
  auto lines = format(frames);
  REQUIRE(lines.size() == 4);
  CHECK(lines[3] == "  ... 2,997 more frames (the 3 above, repeated)");
  // Two repeats are printed as they are.
  CHECK(format({frame(1, 0x40), frame(1, 0x40)}).size() == 2);
}

TEST_CASE("a long backtrace without repeats keeps its ends and counts the middle") {
  std::vector<Frame> frames;
  for (uint32_t i = 0; i < 5000; ++i) frames.push_back(frame(i, 0x100 + i));
  auto lines = format(frames);
  REQUIRE(lines.size() == kMaxBacktraceLines);
  size_t head = (kMaxBacktraceLines - 1) / 2;
  CHECK(lines[0].rfind("  0: func[0]", 0) == 0);
  CHECK(lines[head] == "  ... " + with_thousands(5000 - (kMaxBacktraceLines - 1)) + " more frames");
  CHECK(lines.back().rfind("  4999: func[4999]", 0) == 0);
}

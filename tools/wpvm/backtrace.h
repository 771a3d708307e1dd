// A trap's backtrace as the command line prints it: repeats collapsed, so
// that deep recursion stays a few lines.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "wpvm/trap.h"

namespace wpvm::cli {

// Most lines format_backtrace prints, whatever the depth.
inline constexpr size_t kMaxBacktraceLines = 90;

// One line per frame, innermost first ("  0: func[3] fib at 0x4a (func+0x12)";
// `name_of` gives a frame's name when the trap carries none). A block of 1 to
// 8 frames repeated consecutively (self or mutual recursion) is printed once,
// followed by "  ... 49,980 more frames (the 2 above, repeated)". If the
// result is still longer than kMaxBacktraceLines, its middle gives way to
// one "  ... N more frames" line.
std::vector<std::string> format_backtrace(const std::vector<Frame>& frames,
                                          const std::function<std::string(const Frame&)>& name_of);

// 49980 -> "49,980".
std::string with_thousands(size_t n);

}  // namespace wpvm::cli

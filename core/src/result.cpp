// Human-readable rendering of engine errors (wpvm/result.h).
#include <cstdio>

#include "wpvm/result.h"

namespace wpvm {

std::string Error::to_string() const {
  if (offset == kNoOffset) return message;
  char buf[32];
  std::snprintf(buf, sizeof buf, "offset 0x%zx: ", offset);
  return buf + message;
}

}  // namespace wpvm

// Small helpers the test programs of core, the JIT and wasi-parallel share:
// writing LEB128 numbers into hand-built modules, and this process's resident
// set size (tests that check an allocation stays lazy).
#pragma once
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <vector>

namespace wpvm::test {

// Appends v as an unsigned LEB128 number.
inline void append_leb(std::vector<uint8_t>& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? b | 0x80 : b);
  } while (v);
}

// Resident set size of this process in bytes (/proc/self/statm).
inline uint64_t rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace wpvm::test

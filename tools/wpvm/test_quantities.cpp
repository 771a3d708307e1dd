// Unit tests: sizes and durations on the command line.
#include <doctest/doctest.h>

#include "quantities.h"

using namespace std::chrono_literals;
using wpvm::cli::parse_count;
using wpvm::cli::parse_duration;
using wpvm::cli::parse_size;

TEST_CASE("counts: whole decimal numbers only") {
  CHECK(parse_count("0") == 0u);
  CHECK(parse_count("100000") == 100000u);
  CHECK(parse_count("18446744073709551615") == UINT64_MAX);
  CHECK_FALSE(parse_count("18446744073709551616"));
  for (const char* bad : {"", "-1", "+1", "12x", "1.5", "1e3", "0x10", " 1", "1 ", "10KiB"})
    CHECK_MESSAGE(!parse_count(bad), bad);
}

TEST_CASE("sizes: bytes, binary and decimal units, overflow refused") {
  CHECK(parse_size("0") == 0u);
  CHECK(parse_size("4096") == 4096u);
  CHECK(parse_size("17B") == 17u);
  CHECK(parse_size("64KiB") == 65536u);
  CHECK(parse_size("64MiB") == 64ull << 20);
  CHECK(parse_size("4GiB") == 4ull << 30);
  CHECK(parse_size("2TiB") == 2ull << 40);
  CHECK(parse_size("3KB") == 3000u);
  CHECK(parse_size("5MB") == 5000000u);
  CHECK(parse_size("18446744073709551615") == UINT64_MAX);
  CHECK_FALSE(parse_size("18446744073709551616"));
  CHECK_FALSE(parse_size("16777216TiB"));
  CHECK_FALSE(parse_size("99999999999999999999999"));
  for (const char* bad : {"", "MiB", "-1", "1.5MiB", "64mib", "64 MiB", "64MiBs", "0x10", "1e3"})
    CHECK_MESSAGE(!parse_size(bad), bad);
}

TEST_CASE("durations: every unit, decimals, overflow refused") {
  CHECK(parse_duration("500ms") == 500ms);
  CHECK(parse_duration("2s") == 2s);
  CHECK(parse_duration("1.5s") == 1500ms);
  CHECK(parse_duration("0.25ms") == 250us);
  CHECK(parse_duration("10us") == 10us);
  CHECK(parse_duration("7ns") == 7ns);
  CHECK(parse_duration("3m") == 180s);
  CHECK(parse_duration("1h") == 3600s);
  CHECK(parse_duration("0s") == 0ns);
  CHECK_FALSE(parse_duration("3000000h"));
  for (const char* bad : {"", "s", "2", "-1s", "1.2.3s", "2 s", "2sec", "1e3s", ".s", "2S"})
    CHECK_MESSAGE(!parse_duration(bad), bad);
}

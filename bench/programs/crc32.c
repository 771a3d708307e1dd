/* crc32.c: bytewise table-driven CRC-32 over a pseudo-random buffer,
 * repeated; integer loads, shifts and xors. Usage: crc32 [rounds=200] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t table[256];

static void make_table(void) {
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
}

static uint32_t crc32(const uint8_t *p, size_t n, uint32_t crc) {
  crc = ~crc;
  for (size_t i = 0; i < n; ++i) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 200;
  const size_t n = 1 << 20;
  uint8_t *buf = malloc(n);
  if (!buf) return 1;
  uint32_t x = 12345;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    buf[i] = (uint8_t)(x >> 16);
  }
  make_table();
  uint32_t crc = 0;
  for (int r = 0; r < rounds; ++r) crc = crc32(buf, n, crc);
  printf("crc32 %08x\n", crc);
  return 0;
}

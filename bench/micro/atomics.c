/* The loops of atomics.wat in C with the __atomic builtins (sequentially
 * consistent), for run_atomics.py: atomics KERNEL N prints the final count. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t cell[32];

static uint32_t rmw_add(uint32_t n) {
  do __atomic_fetch_add(&cell[16], 1, __ATOMIC_SEQ_CST);
  while (--n);
  return __atomic_load_n(&cell[16], __ATOMIC_SEQ_CST);
}

static uint32_t cas_loop(uint32_t n) {
  do {
    uint32_t old = __atomic_load_n(&cell[16], __ATOMIC_SEQ_CST);
    while (!__atomic_compare_exchange_n(&cell[16], &old, old + 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
    }
  } while (--n);
  return __atomic_load_n(&cell[16], __ATOMIC_SEQ_CST);
}

static uint32_t rmw_or(uint32_t n) {
  do __atomic_fetch_or(&cell[16], n, __ATOMIC_SEQ_CST);
  while (--n);
  return __atomic_load_n(&cell[16], __ATOMIC_SEQ_CST);
}

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  uint32_t n = (uint32_t)strtoul(argv[2], 0, 10);
  uint32_t r;
  if (!strcmp(argv[1], "rmw_add")) r = rmw_add(n);
  else if (!strcmp(argv[1], "cas_loop")) r = cas_loop(n);
  else if (!strcmp(argv[1], "rmw_or")) r = rmw_or(n);
  else return 2;
  printf("%u\n", r);
  return 0;
}

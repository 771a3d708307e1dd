/* What k_stack.c computes, shared with the host test that checks it. */
#ifndef K_STACK_H
#define K_STACK_H
#include <stdint.h>

#define STACK_WORDS 64

struct StackPair {
  uint32_t lo, hi;
};

static inline uint32_t stack_kernel_expected(uint32_t in, uint32_t j) {
  uint32_t s = 0;
  for (uint32_t i = 0; i < STACK_WORDS; ++i) s += (in * 2654435761u + i * 40503u) ^ i;
  return s * 31u + j;
}

#endif

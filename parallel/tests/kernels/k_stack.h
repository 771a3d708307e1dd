/* A kernel body that keeps a shadow stack, shared by the parallel_exec
 * kernel k_stack.c, the 2021 guest stack2021.c and the host tests that check
 * its results: a local array and a struct whose addresses are taken live in
 * linear memory, below clang's __stack_pointer. If two workers shared one
 * stack, or the stack lay on the caller's bytes, results or the caller's
 * memory would be wrong. Element j of `out` gets stack_kernel_expected(in[j], j). */
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

#ifdef __wasm__
__attribute__((noinline)) static void stack_fill(volatile uint32_t *t, uint32_t n, uint32_t seed) {
  for (uint32_t i = 0; i < n; ++i) t[i] = seed * 2654435761u + i * 40503u;
}

__attribute__((noinline)) static uint32_t stack_mix(const struct StackPair *p) { return p->lo * 31u + p->hi; }

/* Elements [id * bs, (id + 1) * bs). */
__attribute__((noinline)) static void stack_kernel_block(uint32_t id, uint32_t bs, const uint32_t *in,
                                                         uint32_t *out) {
  for (uint32_t j = id * bs; j < (id + 1) * bs; ++j) {
    volatile uint32_t tmp[STACK_WORDS];
    stack_fill(tmp, STACK_WORDS, in[j]);
    uint32_t s = 0;
    for (uint32_t i = 0; i < STACK_WORDS; ++i) s += tmp[i] ^ i;
    struct StackPair p = {s, j};
    out[j] = stack_mix(&p);
  }
}
#endif

#endif

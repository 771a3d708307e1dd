/* A kernel built from C that keeps a shadow stack: a local array and a struct
 * whose addresses are taken live in linear memory, below clang's
 * __stack_pointer. Element j of `out` gets stack_kernel_expected(in[j], j)
 * (k_stack.h), so the host test can check every element. If two workers
 * shared one stack, or the stack lay on the caller's bytes, results or the
 * caller's memory would be wrong. */
#include "k_stack.h"

__attribute__((noinline)) static void fill(volatile uint32_t *t, uint32_t n, uint32_t seed) {
  for (uint32_t i = 0; i < n; ++i) t[i] = seed * 2654435761u + i * 40503u;
}

__attribute__((noinline)) static uint32_t mix(const struct StackPair *p) { return p->lo * 31u + p->hi; }

void kernel(uint32_t id, uint32_t n, uint32_t bs, const uint32_t *in, uint32_t in_len, uint32_t *out,
            uint32_t out_len) {
  (void)n;
  (void)in_len;
  (void)out_len;
  for (uint32_t j = id * bs; j < (id + 1) * bs; ++j) {
    volatile uint32_t tmp[STACK_WORDS];
    fill(tmp, STACK_WORDS, in[j]);
    uint32_t s = 0;
    for (uint32_t i = 0; i < STACK_WORDS; ++i) s += tmp[i] ^ i;
    struct StackPair p = {s, j};
    out[j] = mix(&p);
  }
}

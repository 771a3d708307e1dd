/* A parallel_exec kernel built from C that keeps a shadow stack (k_stack.h). */
#include "k_stack.h"

void kernel(uint32_t id, uint32_t n, uint32_t bs, const uint32_t *in, uint32_t in_len, uint32_t *out,
            uint32_t out_len) {
  (void)n;
  (void)in_len;
  (void)out_len;
  stack_kernel_block(id, bs, in, out);
}

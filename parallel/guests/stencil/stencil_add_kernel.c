/* stencil_add_kernel.c: in += 1 over this iteration's elements, the PRK's
 * way of changing the input between stencil applications. */
#include "stencil_kernels.h"

WASI_PARALLEL_KERNEL(stencil_add_kernel, double *in, uint32_t in_len) {
  (void)num_iterations;
  const uint32_t total = in_len / sizeof(double);
  const uint32_t end = wasi_parallel_block_end(iteration_id, block_size, total);
  for (uint32_t e = wasi_parallel_block_begin(iteration_id, block_size, total); e < end; ++e) {
    in[e] += 1.0;
  }
}

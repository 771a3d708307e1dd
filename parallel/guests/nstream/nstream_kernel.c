/* nstream_kernel.c: STREAM triad A += B + scalar*C over one block. */
#include "nstream_kernels.h"

WASI_PARALLEL_KERNEL(nstream_kernel, const double *b, uint32_t b_len, const double *c,
                     uint32_t c_len, double *a, uint32_t a_len) {
  (void)num_iterations;
  (void)b_len;
  (void)c_len;
  uint32_t total = a_len / sizeof(double);
  uint32_t end = wasi_parallel_block_end(iteration_id, block_size, total);
  for (uint32_t i = wasi_parallel_block_begin(iteration_id, block_size, total); i < end; ++i) {
    a[i] += b[i] + NSTREAM_SCALAR * c[i];
  }
}

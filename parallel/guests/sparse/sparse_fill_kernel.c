/* sparse_fill_kernel.c: vector[r] += r + 1 for this iteration's rows. */
#include "sparse_kernels.h"

WASI_PARALLEL_KERNEL(sparse_fill_kernel, double *vector, uint32_t vector_len) {
  (void)num_iterations;
  const uint32_t rows = vector_len / sizeof(double);
  const uint32_t end = wasi_parallel_block_end(iteration_id, block_size, rows);
  for (uint32_t r = wasi_parallel_block_begin(iteration_id, block_size, rows); r < end; ++r) {
    vector[r] += (double)r + 1.0;
  }
}

/* dgemm_kernel.c: C += A*B for this iteration's rows of C, in i-k-j order
 * so the innermost loop streams through rows of B and C. */
#include "dgemm_kernels.h"

WASI_PARALLEL_KERNEL(dgemm_kernel, const DgemmParams *params, uint32_t params_len,
                     const double *a, uint32_t a_len, const double *b, uint32_t b_len,
                     double *c, uint32_t c_len) {
  (void)num_iterations;
  (void)params_len;
  (void)a_len;
  (void)b_len;
  (void)c_len;
  const uint32_t n = params->order;
  const uint32_t i_begin = wasi_parallel_block_begin(iteration_id, block_size, n * n) / n;
  const uint32_t i_end = (wasi_parallel_block_end(iteration_id, block_size, n * n) + n - 1) / n;
  for (uint32_t i = i_begin; i < i_end; ++i) {
    double *c_row = c + i * n;
    for (uint32_t k = 0; k < n; ++k) {
      const double a_ik = a[i * n + k];
      const double *b_row = b + k * n;
      for (uint32_t j = 0; j < n; ++j) c_row[j] += a_ik * b_row[j];
    }
  }
}

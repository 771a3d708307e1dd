/* sparse_spmv_kernel.c: result += matrix * vector for this iteration's
 * rows (CRS with stencil_size entries per row). */
#include "sparse_kernels.h"

WASI_PARALLEL_KERNEL(sparse_spmv_kernel, const double *matrix, uint32_t matrix_len,
                     const uint32_t *col_index, uint32_t col_index_len,
                     const double *vector, uint32_t vector_len, double *result,
                     uint32_t result_len) {
  (void)num_iterations;
  (void)col_index_len;
  (void)result_len;
  const uint32_t rows = vector_len / sizeof(double);
  const uint32_t stencil_size = matrix_len / sizeof(double) / rows;
  const uint32_t end = wasi_parallel_block_end(iteration_id, block_size, rows);
  for (uint32_t r = wasi_parallel_block_begin(iteration_id, block_size, rows); r < end; ++r) {
    double temp = 0.0;
    for (uint32_t e = r * stencil_size; e < (r + 1) * stencil_size; ++e) {
      temp += matrix[e] * vector[col_index[e]];
    }
    result[r] += temp;
  }
}

/* transpose_kernel.c: one tile of B += A^T; A += 1 per iteration. */
#include "transpose_kernels.h"

WASI_PARALLEL_KERNEL(transpose_kernel, const TransposeParams *params, uint32_t params_len,
                     double *a, uint32_t a_len, double *b, uint32_t b_len) {
  (void)num_iterations;
  (void)block_size;
  (void)params_len;
  (void)a_len;
  (void)b_len;
  const uint32_t order = params->order, tile = params->tile;
  const uint32_t tiles_per_row = (order + tile - 1) / tile;
  const uint32_t it = (iteration_id / tiles_per_row) * tile;
  const uint32_t jt = (iteration_id % tiles_per_row) * tile;
  if (it >= order) return;
  const uint32_t i_end = it + tile < order ? it + tile : order;
  const uint32_t j_end = jt + tile < order ? jt + tile : order;
  for (uint32_t i = it; i < i_end; ++i) {
    for (uint32_t j = jt; j < j_end; ++j) {
      b[i * order + j] += a[j * order + i];
      a[j * order + i] += 1.0;
    }
  }
}

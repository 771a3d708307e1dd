/* p2p_kernel.c: sweeps one tile of the current anti-diagonal in row-major
 * order (each point needs its left, upper and upper-left neighbours). */
#include "p2p_kernels.h"

WASI_PARALLEL_KERNEL(p2p_kernel, const P2pParams *params, uint32_t params_len, double *grid,
                     uint32_t grid_len) {
  (void)num_iterations;
  (void)block_size;
  (void)params_len;
  (void)grid_len;
  const uint32_t m = params->m, n = params->n, tile = params->tile, diag = params->diag;
  const uint32_t ti = p2p_first_tile_row(params, diag) + iteration_id;
  const uint32_t tj = diag - ti;
  if (ti >= p2p_tile_rows(params) || tj >= p2p_tile_cols(params)) return;
  const uint32_t i0 = 1 + ti * tile, j0 = 1 + tj * tile;
  const uint32_t i1 = i0 + tile < m ? i0 + tile : m;
  const uint32_t j1 = j0 + tile < n ? j0 + tile : n;
  for (uint32_t i = i0; i < i1; ++i) {
    for (uint32_t j = j0; j < j1; ++j) {
      grid[i * n + j] = grid[(i - 1) * n + j] + grid[i * n + (j - 1)] - grid[(i - 1) * n + (j - 1)];
    }
  }
  if (i1 == m && j1 == n) grid[0] = -grid[(m - 1) * n + (n - 1)];
}

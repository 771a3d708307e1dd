/* p2p_kernels.h: the PRK synch_p2p wavefront,
 *   grid(i,j) = grid(i-1,j) + grid(i,j-1) - grid(i-1,j-1),
 * pipelined in square tiles: the interior [1,m) x [1,n) is cut into tiles
 * of `tile` x `tile`, and the tiles of one anti-diagonal (tile row + tile
 * column = diag) depend only on earlier diagonals, so one parallel_exec
 * runs one diagonal, one tile per kernel iteration (block_size 1).
 * The tile holding the corner (m-1, n-1) also does the PRK's
 * grid(0,0) = -grid(m-1,n-1): it is alone on the last diagonal.
 * Buffers: in params; out grid (read_write). */
#ifndef P2P_KERNELS_H
#define P2P_KERNELS_H

#include "wasi_parallel_kernel.h"

typedef struct P2pParams {
  uint32_t m, n; /* grid rows, columns (row-major) */
  uint32_t tile; /* tile edge */
  uint32_t diag; /* the anti-diagonal of tiles this exec runs */
} P2pParams;

static inline uint32_t p2p_tile_rows(const P2pParams *p) { return (p->m - 2 + p->tile) / p->tile; }
static inline uint32_t p2p_tile_cols(const P2pParams *p) { return (p->n - 2 + p->tile) / p->tile; }

/* First tile row on diagonal `diag`. */
static inline uint32_t p2p_first_tile_row(const P2pParams *p, uint32_t diag) {
  uint32_t cols = p2p_tile_cols(p);
  return diag >= cols ? diag - cols + 1 : 0;
}

/* Number of tiles on diagonal `diag`. */
static inline uint32_t p2p_tiles_on(const P2pParams *p, uint32_t diag) {
  uint32_t last = p2p_tile_rows(p) - 1;
  if (last > diag) last = diag;
  return last + 1 - p2p_first_tile_row(p, diag);
}

WASI_PARALLEL_KERNEL_DECL(p2p_kernel, const P2pParams *params, uint32_t params_len,
                          double *grid, uint32_t grid_len);

#endif

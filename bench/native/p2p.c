/* p2p.c: native twin of the p2p guest: one parallel loop per anti-diagonal
 * of tiles. */
#include <stdlib.h>

#include "native_exec.h"
#include "p2p.h"

int main(int argc, char **argv) {
  PrkArgs args;
  P2pConfig cfg;
  if (!p2p_config(argc, argv, &args, &cfg)) return 1;
  P2pParams params = cfg.params;
  const uint32_t bytes = params.m * params.n * (uint32_t)sizeof(double);
  double *grid = malloc(bytes);
  if (!grid) return 1;
  native_print_mode();
  p2p_init(grid, params.m, params.n);
  double time = 0.0;
  for (int iter = 0; iter <= cfg.iterations; ++iter) {
    if (iter == 1) time = prk_wtime();
    for (uint32_t diag = 0; diag < cfg.diagonals; ++diag) {
      params.diag = diag;
      const uint32_t tiles = p2p_tiles_on(&params, diag);
      NATIVE_EXEC(tiles, id, p2p_kernel(id, tiles, 1, &params, sizeof params, grid, bytes));
    }
  }
  time = prk_wtime() - time;
  return p2p_validate(grid, &cfg, time) ? 0 : 1;
}

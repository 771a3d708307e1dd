/* p2p.h: the PRK synch_p2p problem: command line, initial values,
 * validation and rate, shared by the guest and its native twin. Same
 * formulas and tolerance as the PRK reference. */
#ifndef P2P_H
#define P2P_H

#include "p2p_kernels.h"
#include "prk_common.h"

typedef struct P2pConfig {
  int iterations;
  P2pParams params; /* diag is set per exec */
  uint32_t diagonals;
} P2pConfig;

static inline int p2p_config(int argc, char **argv, PrkArgs *args, P2pConfig *cfg) {
  if (!prk_parse_args(argc, argv, args, "[iterations=10] [m=1000] [n=m]  (--block: tile edge, default 64)"))
    return 0;
  long iterations = prk_arg(args, 0, 10);
  long m = prk_arg(args, 1, 1000);
  long n = prk_arg(args, 2, m);
  long tile = prk_block(args, 64);
  if (iterations < 1 || m < 2 || n < 2 || !prk_fits_u32(m * (double)n * 8.0)) {
    printf("ERROR: iterations must be >= 1 and m, n >= 2 (m*n*8 < 4 GiB)\n");
    return 0;
  }
  cfg->iterations = (int)iterations;
  cfg->params = (P2pParams){(uint32_t)m, (uint32_t)n, (uint32_t)tile, 0};
  cfg->diagonals = p2p_tile_rows(&cfg->params) + p2p_tile_cols(&cfg->params) - 1;
  printf("Parallel Research Kernels: Pipeline (synch_p2p)\n");
  printf("Number of iterations  = %d\n", cfg->iterations);
  printf("Grid sizes            = %u,%u\n", cfg->params.m, cfg->params.n);
  printf("Tile size             = %u (tile anti-diagonals: %u)\n", cfg->params.tile, cfg->diagonals);
  return 1;
}

static inline void p2p_init(double *grid, uint32_t m, uint32_t n) {
  for (size_t e = 0; e < (size_t)m * n; ++e) grid[e] = 0.0;
  for (uint32_t j = 0; j < n; ++j) grid[j] = (double)j;
  for (uint32_t i = 0; i < m; ++i) grid[(size_t)i * n] = (double)i;
}

static inline int p2p_validate(const double *grid, const P2pConfig *cfg, double time) {
  const uint32_t m = cfg->params.m, n = cfg->params.n;
  const double epsilon = 1.e-8;
  const double corner_val = (cfg->iterations + 1.) * (n + m - 2.);
  const double corner = grid[(size_t)(m - 1) * n + (n - 1)];
  if (fabs(corner - corner_val) / corner_val > epsilon) {
    printf("ERROR: checksum %lf does not match verification value %lf\n", corner, corner_val);
    return 0;
  }
  printf("Solution validates\n");
  prk_print_rate("MFlops/s", 2.0 * (m - 1.0) * (n - 1.0), time, cfg->iterations);
  return 1;
}

#endif

/* stencil.h: the PRK stencil problem (star, radius 2): command line,
 * initial values, validation and rate, shared by the guest and its native
 * twin. Same formulas and tolerance as the PRK reference. */
#ifndef STENCIL_H
#define STENCIL_H

#include "prk_common.h"
#include "stencil_kernels.h"

typedef struct StencilConfig {
  int iterations;
  uint32_t n;
  uint32_t rows;       /* rows per kernel iteration */
  uint32_t block;      /* rows * n elements */
  uint32_t num_blocks; /* kernel iterations */
} StencilConfig;

static inline int stencil_config(int argc, char **argv, PrkArgs *args, StencilConfig *cfg) {
  if (!prk_parse_args(argc, argv, args, "[iterations=10] [n=1000]  (--block: rows, default 8)"))
    return 0;
  long iterations = prk_arg(args, 0, 10);
  long n = prk_arg(args, 1, 1000);
  long rows = prk_block(args, 8);
  if (iterations < 1 || 2 * STENCIL_RADIUS + 1 > n || !prk_fits_u32(n * (double)n * 8.0)) {
    printf("ERROR: iterations must be >= 1 and n in [%d, 23170]\n", 2 * STENCIL_RADIUS + 1);
    return 0;
  }
  if (rows > n) rows = n;
  cfg->iterations = (int)iterations;
  cfg->n = (uint32_t)n;
  cfg->rows = (uint32_t)rows;
  cfg->block = cfg->rows * cfg->n;
  cfg->num_blocks = (cfg->n + cfg->rows - 1) / cfg->rows;
  printf("Parallel Research Kernels: Stencil\n");
  printf("Number of iterations  = %d\n", cfg->iterations);
  printf("Grid sizes            = %u\n", cfg->n);
  printf("Type of stencil       = star\n");
  printf("Radius of stencil     = %d\n", STENCIL_RADIUS);
  printf("Rows per block        = %u\n", cfg->rows);
  return 1;
}

static inline void stencil_init(double *in, double *out, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    for (uint32_t j = 0; j < n; ++j) {
      in[(size_t)i * n + j] = (double)(i + j);
      out[(size_t)i * n + j] = 0.0;
    }
  }
}

static inline int stencil_validate(const double *out, const StencilConfig *cfg, double time) {
  const uint32_t n = cfg->n, r = STENCIL_RADIUS;
  const size_t active_points = (size_t)(n - 2 * r) * (n - 2 * r);
  double norm = 0.0;
  for (uint32_t i = r; i < n - r; ++i) {
    for (uint32_t j = r; j < n - r; ++j) norm += fabs(out[(size_t)i * n + j]);
  }
  norm /= active_points;
  const double epsilon = 1.0e-8;
  const double reference_norm = 2. * (cfg->iterations + 1.);
  if (fabs(norm - reference_norm) > epsilon) {
    printf("ERROR: L1 norm = %lf Reference L1 norm = %lf\n", norm, reference_norm);
    return 0;
  }
  printf("Solution validates\n");
  const int stencil_size = 4 * STENCIL_RADIUS + 1;
  prk_print_rate("MFlops/s", (2.0 * stencil_size + 1) * active_points, time, cfg->iterations);
  return 1;
}

#endif

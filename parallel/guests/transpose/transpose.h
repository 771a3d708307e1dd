/* transpose.h: the PRK transpose problem (B += A^T; A += 1): command line,
 * initial values, validation and rate, shared by the guest and its native
 * twin. Same formulas and tolerance as the PRK reference. */
#ifndef TRANSPOSE_H
#define TRANSPOSE_H

#include "prk_common.h"

typedef struct TransposeConfig {
  int iterations;
  uint32_t order;
  uint32_t tile;
  uint32_t tiles; /* kernel iterations: tiles_per_row^2 */
} TransposeConfig;

static inline int transpose_config(int argc, char **argv, PrkArgs *args, TransposeConfig *cfg) {
  if (!prk_parse_args(argc, argv, args, "[iterations=10] [order=512]  (--block: tile size, default 32)"))
    return 0;
  long iterations = prk_arg(args, 0, 10);
  long order = prk_arg(args, 1, 512);
  long tile = prk_block(args, 32);
  if (iterations < 1 || order < 1 || !prk_fits_u32(order * (double)order * 8.0)) {
    printf("ERROR: iterations must be >= 1 and order in [1, 23170]\n");
    return 0;
  }
  if (tile > order) tile = order;
  cfg->iterations = (int)iterations;
  cfg->order = (uint32_t)order;
  cfg->tile = (uint32_t)tile;
  uint32_t per_row = (cfg->order + cfg->tile - 1) / cfg->tile;
  cfg->tiles = per_row * per_row;
  printf("Parallel Research Kernels: Matrix transpose: B = A^T\n");
  printf("Number of iterations  = %d\n", cfg->iterations);
  printf("Matrix order          = %u\n", cfg->order);
  printf("Tile size             = %u (one tile per kernel iteration)\n", cfg->tile);
  return 1;
}

static inline void transpose_init(double *a, double *b, uint32_t order) {
  for (uint32_t i = 0; i < order; ++i) {
    for (uint32_t j = 0; j < order; ++j) {
      a[(size_t)i * order + j] = (double)((size_t)i * order + j);
      b[(size_t)i * order + j] = 0.0;
    }
  }
}

static inline int transpose_validate(const double *b, const TransposeConfig *cfg, double time) {
  const size_t order = cfg->order;
  const int iterations = cfg->iterations;
  const double addit = (iterations + 1.) * (iterations / 2.);
  double abserr = 0.0;
  for (size_t j = 0; j < order; ++j) {
    for (size_t i = 0; i < order; ++i) {
      const size_t ij = i * order + j, ji = j * order + i;
      const double reference = (double)ij * (1. + iterations) + addit;
      abserr += fabs(b[ji] - reference);
    }
  }
  const double epsilon = 1.0e-8;
  if (!(abserr < epsilon)) {
    printf("ERROR: Aggregate squared error %lf exceeds threshold %lf\n", abserr, epsilon);
    return 0;
  }
  printf("Solution validates\n");
  prk_print_rate("MB/s", 2.0 * order * order * sizeof(double), time, iterations);
  return 1;
}

#endif

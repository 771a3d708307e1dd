/* dgemm.h: the PRK dgemm problem (C += A*B, A(i,j) = B(i,j) = j): command
 * line, initial values, validation and rate, shared by the guest and its
 * native twin. Same formulas and tolerance as the PRK reference (iterations
 * + 1 multiplications, the first untimed). */
#ifndef DGEMM_H
#define DGEMM_H

#include "dgemm_kernels.h"
#include "prk_common.h"

typedef struct DgemmConfig {
  int iterations;
  uint32_t order;
  uint32_t rows;       /* rows of C per kernel iteration */
  uint32_t block;      /* rows * order elements */
  uint32_t num_blocks; /* kernel iterations */
} DgemmConfig;

static inline int dgemm_config(int argc, char **argv, PrkArgs *args, DgemmConfig *cfg) {
  if (!prk_parse_args(argc, argv, args, "[iterations=5] [order=200]  (--block: rows, default 4)"))
    return 0;
  long iterations = prk_arg(args, 0, 5);
  long order = prk_arg(args, 1, 200);
  long rows = prk_block(args, 4);
  if (iterations < 1 || order < 1 || !prk_fits_u32(order * (double)order * 8.0)) {
    printf("ERROR: iterations must be >= 1 and order in [1, 23170]\n");
    return 0;
  }
  if (rows > order) rows = order;
  cfg->iterations = (int)iterations;
  cfg->order = (uint32_t)order;
  cfg->rows = (uint32_t)rows;
  cfg->block = cfg->rows * cfg->order;
  cfg->num_blocks = (cfg->order + cfg->rows - 1) / cfg->rows;
  printf("Parallel Research Kernels: Dense matrix-matrix multiplication: C += A x B\n");
  printf("Number of iterations  = %d\n", cfg->iterations);
  printf("Matrix order          = %u\n", cfg->order);
  printf("Rows per block        = %u\n", cfg->rows);
  return 1;
}

static inline void dgemm_init(double *a, double *b, double *c, uint32_t order) {
  for (uint32_t i = 0; i < order; ++i) {
    for (uint32_t j = 0; j < order; ++j) {
      a[(size_t)i * order + j] = (double)j;
      b[(size_t)i * order + j] = (double)j;
      c[(size_t)i * order + j] = 0.0;
    }
  }
}

static inline int dgemm_validate(const double *c, const DgemmConfig *cfg, double time) {
  const double forder = (double)cfg->order;
  double checksum = 0.0;
  for (size_t e = 0; e < (size_t)cfg->order * cfg->order; ++e) checksum += c[e];
  const double ref_checksum =
      0.25 * forder * forder * forder * (forder - 1.0) * (forder - 1.0) * (cfg->iterations + 1.0);
  const double epsilon = 1.e-8;
  if (fabs((checksum - ref_checksum) / ref_checksum) > epsilon) {
    printf("ERROR: Checksum = %lf, Reference checksum = %lf\n", checksum, ref_checksum);
    return 0;
  }
  printf("Solution validates\n");
  prk_print_rate("MFlops/s", 2.0 * forder * forder * forder, time, cfg->iterations);
  return 1;
}

#endif

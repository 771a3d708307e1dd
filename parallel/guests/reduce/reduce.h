/* reduce.h: the PRK vector reduction (the OpenMP reference's "linear"
 * algorithm, with a fixed number of vectors in place of threads, since a
 * wasi-parallel guest does not know the device's threads): command line,
 * validation and rate, shared by the guest and its native twin. Same
 * formulas and tolerance as the PRK reference. */
#ifndef REDUCE_H
#define REDUCE_H

#include "prk_common.h"
#include "reduce_kernels.h"

typedef struct ReduceConfig {
  int iterations;
  uint32_t vectors, length;
  uint32_t block; /* elements per kernel iteration */
  uint32_t num_blocks;
} ReduceConfig;

static inline int reduce_config(int argc, char **argv, PrkArgs *args, ReduceConfig *cfg) {
  if (!prk_parse_args(argc, argv, args, "[iterations=10] [length=200000] [vectors=8]  (--block: elements, default 8192)"))
    return 0;
  long iterations = prk_arg(args, 0, 10);
  long length = prk_arg(args, 1, 200000);
  long vectors = prk_arg(args, 2, 8);
  if (iterations < 1 || length < 1 || vectors < 1 || !prk_fits_u32(2.0 * vectors * length * 8.0)) {
    printf("ERROR: iterations, length and vectors must be >= 1 (2*vectors*length*8 < 4 GiB)\n");
    return 0;
  }
  cfg->iterations = (int)iterations;
  cfg->length = (uint32_t)length;
  cfg->vectors = (uint32_t)vectors;
  cfg->block = (uint32_t)prk_block(args, 8192);
  cfg->num_blocks = (cfg->length + cfg->block - 1) / cfg->block;
  printf("Parallel Research Kernels: Vector Reduction\n");
  printf("Number of vectors     = %u\n", cfg->vectors);
  printf("Vector length         = %u\n", cfg->length);
  printf("Reduction algorithm   = linear\n");
  printf("Number of iterations  = %d\n", cfg->iterations);
  printf("Block size            = %u elements\n", cfg->block);
  return 1;
}

static inline int reduce_validate(const double *vec, const ReduceConfig *cfg, double time) {
  const double nvec = (double)cfg->vectors;
  const double element_value = nvec * (2.0 * nvec + 1.0);
  const double epsilon = 1.e-8;
  for (uint32_t i = 0; i < cfg->length; ++i) {
    if (!(fabs(vec[i] - element_value) < epsilon)) {
      printf("First error at i=%u; value: %lf; reference value: %lf\n", i, vec[i], element_value);
      return 0;
    }
  }
  printf("Solution validates\n");
  prk_print_rate("MFlops/s", (2.0 * nvec - 1.0) * cfg->length, time, cfg->iterations);
  return 1;
}

#endif

/* nstream.h: the PRK nstream problem (STREAM triad A += B + scalar*C):
 * command line, initial values, validation and rate, shared by the guest
 * and its native twin. Same formulas and tolerance as the PRK reference. */
#ifndef NSTREAM_H
#define NSTREAM_H

#include "prk_common.h"

typedef struct NstreamConfig {
  int iterations;
  uint32_t length;
  uint32_t block; /* elements per kernel iteration */
} NstreamConfig;

static inline int nstream_config(int argc, char **argv, PrkArgs *args, NstreamConfig *cfg) {
  if (!prk_parse_args(argc, argv, args, "[iterations=10] [length=1048576]")) return 0;
  long iterations = prk_arg(args, 0, 10);
  long length = prk_arg(args, 1, 1L << 20);
  if (iterations < 1 || length < 1 || !prk_fits_u32(length * 8.0)) {
    printf("ERROR: iterations must be >= 1 and length in [1, 2^29)\n");
    return 0;
  }
  cfg->iterations = (int)iterations;
  cfg->length = (uint32_t)length;
  cfg->block = (uint32_t)prk_block(args, 16384);
  printf("Parallel Research Kernels: STREAM triad: A = B + scalar * C\n");
  printf("Number of iterations  = %d\n", cfg->iterations);
  printf("Vector length         = %u\n", cfg->length);
  printf("Block size            = %u elements\n", cfg->block);
  return 1;
}

static inline void nstream_init(double *a, double *b, double *c, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    a[i] = 0.0;
    b[i] = 2.0;
    c[i] = 2.0;
  }
}

/* Prints the validation and rate lines; 1 if the solution validates. */
static inline int nstream_validate(const double *a, const NstreamConfig *cfg, double time) {
  const double scalar = 3.0;
  double ar = 0.0, br = 2.0, cr = 2.0;
  for (int i = 0; i <= cfg->iterations; ++i) ar += br + scalar * cr;
  ar *= cfg->length;
  double asum = 0.0;
  for (uint32_t i = 0; i < cfg->length; ++i) asum += fabs(a[i]);
  const double epsilon = 1.e-8;
  if (fabs(ar - asum) / asum > epsilon) {
    printf("Failed Validation on output array\n"
           "       Expected checksum: %lf\n"
           "       Observed checksum: %lf\n"
           "ERROR: solution did not validate\n", ar, asum);
    return 0;
  }
  printf("Solution validates\n");
  prk_print_rate("MB/s", 4.0 * cfg->length * sizeof(double), time, cfg->iterations);
  return 1;
}

#endif

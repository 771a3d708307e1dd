/* sparse.h: the PRK sparse problem: a 2^lsize x 2^lsize periodic grid, a
 * star stencil of radius r as a sparse matrix (canonical indexing), and
 * result += A*vector after vector[r] += r+1 each iteration. Command line,
 * matrix construction, validation and rate, shared by the guest and its
 * native twin. Same formulas and tolerance as the PRK reference. */
#ifndef SPARSE_H
#define SPARSE_H

#include "prk_common.h"

typedef struct SparseConfig {
  int iterations;
  uint32_t lsize, radius;
  uint32_t size, size2;  /* grid edge, matrix order */
  uint32_t stencil_size; /* nonzeros per row: 4*radius + 1 */
  uint32_t nent;         /* nonzeros */
  uint32_t block;        /* rows per kernel iteration */
  uint32_t num_blocks;
} SparseConfig;

static inline int sparse_config(int argc, char **argv, PrkArgs *args, SparseConfig *cfg) {
  if (!prk_parse_args(argc, argv, args, "[iterations=10] [lsize=9] [radius=2]  (--block: rows, default 1024)"))
    return 0;
  long iterations = prk_arg(args, 0, 10);
  long lsize = prk_arg(args, 1, 9);
  long radius = prk_arg(args, 2, 2);
  if (iterations < 1 || lsize < 0 || lsize > 13 || radius < 0 || (1L << lsize) < 2 * radius + 1) {
    printf("ERROR: iterations must be >= 1, lsize in [0, 13], 2*radius+1 <= 2^lsize\n");
    return 0;
  }
  cfg->iterations = (int)iterations;
  cfg->lsize = (uint32_t)lsize;
  cfg->radius = (uint32_t)radius;
  cfg->size = 1u << lsize;
  cfg->size2 = cfg->size * cfg->size;
  cfg->stencil_size = 4 * cfg->radius + 1;
  if (!prk_fits_u32((double)cfg->size2 * cfg->stencil_size * 8.0)) {
    printf("ERROR: matrix too large\n");
    return 0;
  }
  cfg->nent = cfg->size2 * cfg->stencil_size;
  cfg->block = (uint32_t)prk_block(args, 1024);
  cfg->num_blocks = (cfg->size2 + cfg->block - 1) / cfg->block;
  printf("Parallel Research Kernels: Sparse matrix-vector multiplication\n");
  printf("Matrix order          = %u\n", cfg->size2);
  printf("Stencil diameter      = %u\n", 2 * cfg->radius + 1);
  printf("Sparsity              = %.10lf\n", (double)cfg->stencil_size / cfg->size2);
  printf("Number of iterations  = %d\n", cfg->iterations);
  printf("Using canonical indexing\n");
  printf("Rows per block        = %u\n", cfg->block);
  return 1;
}

/* Sorts one row's column indices so it reads the vector in order. */
static inline void sparse_sort_row(uint32_t *cols, uint32_t count) {
  for (uint32_t a = 1; a < count; ++a) {
    uint32_t v = cols[a], b = a;
    for (; b > 0 && cols[b - 1] > v; --b) cols[b] = cols[b - 1];
    cols[b] = v;
  }
}

static inline void sparse_init(const SparseConfig *cfg, double *matrix, uint32_t *col_index,
                               double *vector, double *result) {
  const uint32_t size = cfg->size, lsize = cfg->lsize;
#define SPARSE_LIN(i, j) ((i) + ((j) << lsize))
  for (uint32_t row = 0; row < cfg->size2; ++row) {
    uint32_t i = row % size, j = row / size;
    uint32_t *cols = col_index + (size_t)row * cfg->stencil_size;
    cols[0] = SPARSE_LIN(i, j);
    for (uint32_t r = 1; r <= cfg->radius; ++r) {
      cols[4 * r - 3] = SPARSE_LIN((i + r) % size, j);
      cols[4 * r - 2] = SPARSE_LIN((i - r + size) % size, j);
      cols[4 * r - 1] = SPARSE_LIN(i, (j + r) % size);
      cols[4 * r] = SPARSE_LIN(i, (j - r + size) % size);
    }
    sparse_sort_row(cols, cfg->stencil_size);
    for (uint32_t e = 0; e < cfg->stencil_size; ++e) {
      matrix[(size_t)row * cfg->stencil_size + e] = 1.0 / (cols[e] + 1.);
    }
    vector[row] = 0.0;
    result[row] = 0.0;
  }
#undef SPARSE_LIN
}

static inline int sparse_validate(const double *result, const SparseConfig *cfg, double time) {
  const double reference_sum = (0.5 * cfg->nent) * (cfg->iterations + 1.) * (cfg->iterations + 2.);
  double vector_sum = 0.0;
  for (uint32_t row = 0; row < cfg->size2; ++row) vector_sum += result[row];
  const double epsilon = 1.e-8;
  if (fabs(vector_sum - reference_sum) > epsilon) {
    printf("ERROR: Vector sum = %lf, Reference vector sum = %lf\n", vector_sum, reference_sum);
    return 0;
  }
  printf("Solution validates\n");
  prk_print_rate("MFlops/s", 2.0 * cfg->nent, time, cfg->iterations);
  return 1;
}

#endif

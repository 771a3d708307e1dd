/* dgemm_kernels.h: the PRK dgemm kernel, C += A*B (row-major, order^2).
 * Buffers: in params, a, b; out c (read_write). Element space: C's
 * elements, row-major; block_size is a whole number of rows
 * (rows_per_block * order), so each iteration owns whole rows of C. */
#ifndef DGEMM_KERNELS_H
#define DGEMM_KERNELS_H

#include "wasi_parallel_kernel.h"

typedef struct DgemmParams {
  uint32_t order;
} DgemmParams;

WASI_PARALLEL_KERNEL_DECL(dgemm_kernel, const DgemmParams *params, uint32_t params_len,
                          const double *a, uint32_t a_len, const double *b, uint32_t b_len,
                          double *c, uint32_t c_len);

#endif

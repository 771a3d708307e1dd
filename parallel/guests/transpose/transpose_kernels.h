/* transpose_kernels.h: the PRK transpose kernel, B += A^T; A += 1.
 * Buffers: in params (TransposeParams); out a, b (both read_write).
 * Element space: tiles of tile*tile elements, tile-major (tile t covers
 * tile row t / tiles_per_row, tile column t % tiles_per_row); an element
 * (i, j) of B is handled by exactly one iteration, and with it A(j, i),
 * so iterations never share memory. block_size = tile*tile. */
#ifndef TRANSPOSE_KERNELS_H
#define TRANSPOSE_KERNELS_H

#include "wasi_parallel_kernel.h"

typedef struct TransposeParams {
  uint32_t order;
  uint32_t tile;
} TransposeParams;

WASI_PARALLEL_KERNEL_DECL(transpose_kernel, const TransposeParams *params, uint32_t params_len,
                          double *a, uint32_t a_len, double *b, uint32_t b_len);

#endif

/* stencil_kernels.h: the PRK stencil kernels (star, radius 2).
 * Element space: the n*n grid, row-major; block_size is a whole number of
 * rows (rows_per_block * n), so each iteration owns whole rows.
 *   stencil_kernel:     in params, in_grid; out out_grid (read_write):
 *                       out += star2(in) on the interior.
 *   stencil_add_kernel: out in_grid (read_write): in += 1 everywhere. */
#ifndef STENCIL_KERNELS_H
#define STENCIL_KERNELS_H

#include "wasi_parallel_kernel.h"

#define STENCIL_RADIUS 2

typedef struct StencilParams {
  uint32_t n;
} StencilParams;

WASI_PARALLEL_KERNEL_DECL(stencil_kernel, const StencilParams *params, uint32_t params_len,
                          const double *in, uint32_t in_len, double *out, uint32_t out_len);
WASI_PARALLEL_KERNEL_DECL(stencil_add_kernel, double *in, uint32_t in_len);

#endif

/* sparse_kernels.h: the PRK sparse kernels: a CRS matrix with a fixed
 * number of nonzeros per row (stencil_size, as in the PRK, so row r's
 * entries are [r*stencil_size, (r+1)*stencil_size)) times a vector.
 * Element space: matrix rows.
 *   sparse_fill_kernel: out vector (read_write): vector[r] += r + 1.
 *   sparse_spmv_kernel: in matrix, col_index, vector; out result
 *                       (read_write): result[r] += row r . vector.
 * Sizes come from the buffer lengths: rows = vector_len / 8 and
 * stencil_size = matrix_len / (8 * rows). */
#ifndef SPARSE_KERNELS_H
#define SPARSE_KERNELS_H

#include "wasi_parallel_kernel.h"

WASI_PARALLEL_KERNEL_DECL(sparse_fill_kernel, double *vector, uint32_t vector_len);
WASI_PARALLEL_KERNEL_DECL(sparse_spmv_kernel, const double *matrix, uint32_t matrix_len,
                          const uint32_t *col_index, uint32_t col_index_len,
                          const double *vector, uint32_t vector_len, double *result,
                          uint32_t result_len);

#endif

/* reduce_kernels.h: the PRK vector reduction. `vectors` pairs of vectors
 * of `length` doubles live in one buffer: VEC0(p) at [2p*length,
 * (2p+1)*length), VEC1(p) right after it. Every PRK iteration
 * re-initialises them (VEC0(p) = p+1, VEC1(p) = p+1+vectors), adds VEC1(p)
 * into VEC0(p) and sums all VEC0(p) into VEC0(0).
 * Buffers: in params; out vec (read_write). Element space: the index
 * within a vector, so iterations never share memory. */
#ifndef REDUCE_KERNELS_H
#define REDUCE_KERNELS_H

#include "wasi_parallel_kernel.h"

typedef struct ReduceParams {
  uint32_t vectors;
  uint32_t length;
} ReduceParams;

WASI_PARALLEL_KERNEL_DECL(reduce_kernel, const ReduceParams *params, uint32_t params_len,
                          double *vec, uint32_t vec_len);

#endif

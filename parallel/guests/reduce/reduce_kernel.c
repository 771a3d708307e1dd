/* reduce_kernel.c: one block of element indices of the PRK reduction: the
 * per-vector initialisation and local add, then the linear reduction into
 * VEC0(0), each phase over the whole block before the next (the order of
 * the PRK's loops, which keeps the inner loops streaming). */
#include "reduce_kernels.h"

WASI_PARALLEL_KERNEL(reduce_kernel, const ReduceParams *params, uint32_t params_len,
                     double *vec, uint32_t vec_len) {
  (void)num_iterations;
  (void)params_len;
  (void)vec_len;
  const uint32_t vectors = params->vectors, length = params->length;
  const uint32_t begin = wasi_parallel_block_begin(iteration_id, block_size, length);
  const uint32_t end = wasi_parallel_block_end(iteration_id, block_size, length);
  for (uint32_t p = 0; p < vectors; ++p) {
    double *vec0 = vec + 2 * p * length, *vec1 = vec0 + length;
    for (uint32_t i = begin; i < end; ++i) {
      vec0[i] = (double)(p + 1);
      vec1[i] = (double)(p + 1 + vectors);
    }
    for (uint32_t i = begin; i < end; ++i) vec0[i] += vec1[i];
  }
  for (uint32_t p = 1; p < vectors; ++p) {
    const double *vec0 = vec + 2 * p * length;
    for (uint32_t i = begin; i < end; ++i) vec[i] += vec0[i];
  }
}

/* nstream_kernels.h: the STREAM triad kernel's signature and constant,
 * shared by the Wasm kernel, the GLSL twin (by convention) and native twins.
 * Buffers: in b, c; out a (read_write). One element per index. */
#ifndef NSTREAM_KERNELS_H
#define NSTREAM_KERNELS_H

#include "wasi_parallel_kernel.h"

#define NSTREAM_SCALAR 3.0

WASI_PARALLEL_KERNEL_DECL(nstream_kernel, const double *b, uint32_t b_len, const double *c,
                          uint32_t c_len, double *a, uint32_t a_len);

#endif

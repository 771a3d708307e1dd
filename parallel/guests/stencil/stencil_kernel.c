/* stencil_kernel.c: out += star stencil of radius STENCIL_RADIUS applied to
 * in, for the interior points of this iteration's rows. The weights are
 * the PRK's: +-1/(2*k*r) at distance k along each axis. */
#include "stencil_kernels.h"

WASI_PARALLEL_KERNEL(stencil_kernel, const StencilParams *params, uint32_t params_len,
                     const double *in, uint32_t in_len, double *out, uint32_t out_len) {
  (void)num_iterations;
  (void)params_len;
  (void)in_len;
  (void)out_len;
  const uint32_t n = params->n, r = STENCIL_RADIUS;
  const uint32_t total = n * n;
  uint32_t i_begin = wasi_parallel_block_begin(iteration_id, block_size, total) / n;
  uint32_t i_end = (wasi_parallel_block_end(iteration_id, block_size, total) + n - 1) / n;
  if (i_begin < r) i_begin = r;
  if (i_end > n - r) i_end = n - r;
  for (uint32_t i = i_begin; i < i_end; ++i) {
    for (uint32_t j = r; j < n - r; ++j) {
      double sum = 0.0;
      for (uint32_t k = 1; k <= r; ++k) {
        const double w = 1.0 / (2.0 * k * r);
        sum += w * (in[(i + k) * n + j] - in[(i - k) * n + j]);
        sum += w * (in[i * n + j + k] - in[i * n + j - k]);
      }
      out[i * n + j] += sum;
    }
  }
}

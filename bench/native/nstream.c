/* nstream.c: native twin of the nstream guest (same kernel, same
 * validation); --device is accepted and ignored. */
#include <stdlib.h>

#include "native_exec.h"
#include "nstream.h"
#include "nstream_kernels.h"

int main(int argc, char **argv) {
  PrkArgs args;
  NstreamConfig cfg;
  if (!nstream_config(argc, argv, &args, &cfg)) return 1;
  const uint32_t n = cfg.length, bytes = n * (uint32_t)sizeof(double);
  double *a = malloc(bytes), *b = malloc(bytes), *c = malloc(bytes);
  if (!a || !b || !c) return 1;
  native_print_mode();
  nstream_init(a, b, c, n);
  const uint32_t iterations = (n + cfg.block - 1) / cfg.block;
  double time = 0.0;
  for (int iter = 0; iter <= cfg.iterations; ++iter) {
    if (iter == 1) time = prk_wtime();
    NATIVE_EXEC(iterations, id, nstream_kernel(id, iterations, cfg.block, b, bytes, c, bytes, a, bytes));
  }
  time = prk_wtime() - time;
  return nstream_validate(a, &cfg, time) ? 0 : 1;
}

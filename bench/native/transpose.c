/* transpose.c: native twin of the transpose guest. */
#include <stdlib.h>

#include "native_exec.h"
#include "transpose.h"
#include "transpose_kernels.h"

int main(int argc, char **argv) {
  PrkArgs args;
  TransposeConfig cfg;
  if (!transpose_config(argc, argv, &args, &cfg)) return 1;
  const uint32_t bytes = cfg.order * cfg.order * (uint32_t)sizeof(double);
  double *a = malloc(bytes), *b = malloc(bytes);
  if (!a || !b) return 1;
  TransposeParams params = {cfg.order, cfg.tile};
  native_print_mode();
  transpose_init(a, b, cfg.order);
  double time = 0.0;
  for (int iter = 0; iter <= cfg.iterations; ++iter) {
    if (iter == 1) time = prk_wtime();
    NATIVE_EXEC(cfg.tiles, id,
                transpose_kernel(id, cfg.tiles, cfg.tile * cfg.tile, &params, sizeof params, a, bytes, b, bytes));
  }
  time = prk_wtime() - time;
  return transpose_validate(b, &cfg, time) ? 0 : 1;
}

/* dgemm.c: native twin of the dgemm guest. */
#include <stdlib.h>

#include "dgemm.h"
#include "native_exec.h"

int main(int argc, char **argv) {
  PrkArgs args;
  DgemmConfig cfg;
  if (!dgemm_config(argc, argv, &args, &cfg)) return 1;
  const uint32_t bytes = cfg.order * cfg.order * (uint32_t)sizeof(double);
  double *a = malloc(bytes), *b = malloc(bytes), *c = malloc(bytes);
  if (!a || !b || !c) return 1;
  DgemmParams params = {cfg.order};
  native_print_mode();
  dgemm_init(a, b, c, cfg.order);
  double time = 0.0;
  for (int iter = 0; iter <= cfg.iterations; ++iter) {
    if (iter == 1) time = prk_wtime();
    NATIVE_EXEC(cfg.num_blocks, id,
                dgemm_kernel(id, cfg.num_blocks, cfg.block, &params, sizeof params, a, bytes, b, bytes, c, bytes));
  }
  time = prk_wtime() - time;
  return dgemm_validate(c, &cfg, time) ? 0 : 1;
}

/* reduce.c: native twin of the reduce guest. */
#include <stdlib.h>

#include "native_exec.h"
#include "reduce.h"

int main(int argc, char **argv) {
  PrkArgs args;
  ReduceConfig cfg;
  if (!reduce_config(argc, argv, &args, &cfg)) return 1;
  const uint32_t bytes = 2 * cfg.vectors * cfg.length * (uint32_t)sizeof(double);
  double *vec = calloc(1, bytes);
  if (!vec) return 1;
  ReduceParams params = {cfg.vectors, cfg.length};
  native_print_mode();
  double time = 0.0;
  for (int iter = 0; iter <= cfg.iterations; ++iter) {
    if (iter == 1) time = prk_wtime();
    NATIVE_EXEC(cfg.num_blocks, id,
                reduce_kernel(id, cfg.num_blocks, cfg.block, &params, sizeof params, vec, bytes));
  }
  time = prk_wtime() - time;
  return reduce_validate(vec, &cfg, time) ? 0 : 1;
}

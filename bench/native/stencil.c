/* stencil.c: native twin of the stencil guest. */
#include <stdlib.h>

#include "native_exec.h"
#include "stencil.h"

int main(int argc, char **argv) {
  PrkArgs args;
  StencilConfig cfg;
  if (!stencil_config(argc, argv, &args, &cfg)) return 1;
  const uint32_t bytes = cfg.n * cfg.n * (uint32_t)sizeof(double);
  double *in = malloc(bytes), *out = malloc(bytes);
  if (!in || !out) return 1;
  StencilParams params = {cfg.n};
  native_print_mode();
  stencil_init(in, out, cfg.n);
  double time = 0.0;
  for (int iter = 0; iter <= cfg.iterations; ++iter) {
    if (iter == 1) time = prk_wtime();
    NATIVE_EXEC(cfg.num_blocks, id,
                stencil_kernel(id, cfg.num_blocks, cfg.block, &params, sizeof params, in, bytes, out, bytes));
    NATIVE_EXEC(cfg.num_blocks, id, stencil_add_kernel(id, cfg.num_blocks, cfg.block, in, bytes));
  }
  time = prk_wtime() - time;
  return stencil_validate(out, &cfg, time) ? 0 : 1;
}

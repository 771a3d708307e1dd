/* reduce.c: PRK reduce as a wasi-parallel guest. One parallel_exec per PRK
 * iteration (initialise, add, reduce: all element-wise, so one kernel).
 * Buffers: in params; out VEC. */
#include <stdlib.h>

#include "prk_guest.h"
#include "reduce.h"
#include "reduce_kernel_wasm.h"

typedef struct Reduce {
  ReduceConfig cfg;
  double *vec;
} Reduce;

static int run_reduce(uint32_t hint, void *ctx) {
  Reduce *p = ctx;
  const ReduceConfig *cfg = &p->cfg;
  const uint32_t bytes = 2 * cfg->vectors * cfg->length * (uint32_t)sizeof(double);
  ReduceParams params = {cfg->vectors, cfg->length};
  wasi_parallel_device_t device;
  if (!prk_open_device(hint, &device)) return 0;
  memset(p->vec, 0, bytes);

  wasi_parallel_buffer_t in[1], out[1];
  PRK_TRY(wasi_parallel_buffer_from(device, &params, sizeof params, WASI_PARALLEL_ACCESS_READ, &in[0]));
  PRK_TRY(wasi_parallel_buffer_from(device, p->vec, bytes, WASI_PARALLEL_ACCESS_READ_WRITE, &out[0]));

  double time = 0.0;
  for (int iter = 0; iter <= cfg->iterations; ++iter) {
    if (iter == 1) time = prk_wtime();
    PRK_TRY(wasi_parallel_exec(device, reduce_kernel_wasm_kernel(), cfg->num_blocks, cfg->block,
                               in, 1, out, 1));
  }
  time = prk_wtime() - time;
  PRK_TRY(wasi_parallel_read_buffer(out[0], p->vec, bytes));
  return reduce_validate(p->vec, cfg, time);
}

int main(int argc, char **argv) {
  PrkArgs args;
  Reduce p;
  if (!reduce_config(argc, argv, &args, &p.cfg)) return 1;
  p.vec = malloc(2 * (size_t)p.cfg.vectors * p.cfg.length * sizeof(double));
  if (!p.vec) {
    printf("ERROR: out of memory\n");
    return 1;
  }
  return prk_run_devices(&args, run_reduce, &p);
}

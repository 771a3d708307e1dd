/* transpose.c: PRK transpose as a wasi-parallel guest. One parallel_exec
 * per PRK iteration, one tile per kernel iteration. Buffers: in params;
 * out A, B (the kernel updates both). */
#include <stdlib.h>

#include "prk_guest.h"
#include "transpose.h"
#include "transpose_kernels.h"
#include "transpose_kernel_wasm.h"

typedef struct Transpose {
  TransposeConfig cfg;
  double *a, *b;
} Transpose;

static int run_transpose(uint32_t hint, void *ctx) {
  Transpose *p = ctx;
  const TransposeConfig *cfg = &p->cfg;
  const uint32_t bytes = cfg->order * cfg->order * (uint32_t)sizeof(double);
  TransposeParams params = {cfg->order, cfg->tile};
  wasi_parallel_device_t device;
  if (!prk_open_device(hint, &device)) return 0;
  transpose_init(p->a, p->b, cfg->order);

  wasi_parallel_buffer_t in[1], out[2];
  PRK_TRY(wasi_parallel_buffer_from(device, &params, sizeof params, WASI_PARALLEL_ACCESS_READ, &in[0]));
  PRK_TRY(wasi_parallel_buffer_from(device, p->a, bytes, WASI_PARALLEL_ACCESS_READ_WRITE, &out[0]));
  PRK_TRY(wasi_parallel_buffer_from(device, p->b, bytes, WASI_PARALLEL_ACCESS_READ_WRITE, &out[1]));

  double time = 0.0;
  for (int iter = 0; iter <= cfg->iterations; ++iter) {
    if (iter == 1) time = prk_wtime();
    PRK_TRY(wasi_parallel_exec(device, transpose_kernel_wasm_kernel(), cfg->tiles,
                               cfg->tile * cfg->tile, in, 1, out, 2));
  }
  time = prk_wtime() - time;
  PRK_TRY(wasi_parallel_read_buffer(out[1], p->b, bytes));
  return transpose_validate(p->b, cfg, time);
}

int main(int argc, char **argv) {
  PrkArgs args;
  Transpose p;
  if (!transpose_config(argc, argv, &args, &p.cfg)) return 1;
  size_t bytes = (size_t)p.cfg.order * p.cfg.order * sizeof(double);
  p.a = malloc(bytes);
  p.b = malloc(bytes);
  if (!p.a || !p.b) {
    printf("ERROR: out of memory\n");
    return 1;
  }
  return prk_run_devices(&args, run_transpose, &p);
}

/* dgemm.c: PRK dgemm as a wasi-parallel guest. One parallel_exec per
 * multiplication, whole rows of C per kernel iteration. Buffers: in
 * params, A, B; out C. */
#include <stdlib.h>

#include "dgemm.h"
#include "dgemm_kernel_wasm.h"
#include "prk_guest.h"

typedef struct Dgemm {
  DgemmConfig cfg;
  double *a, *b, *c;
} Dgemm;

static int run_dgemm(uint32_t hint, void *ctx) {
  Dgemm *p = ctx;
  const DgemmConfig *cfg = &p->cfg;
  const uint32_t bytes = cfg->order * cfg->order * (uint32_t)sizeof(double);
  DgemmParams params = {cfg->order};
  wasi_parallel_device_t device;
  if (!prk_open_device(hint, &device)) return 0;
  dgemm_init(p->a, p->b, p->c, cfg->order);

  wasi_parallel_buffer_t in[3], out[1];
  PRK_TRY(wasi_parallel_buffer_from(device, &params, sizeof params, WASI_PARALLEL_ACCESS_READ, &in[0]));
  PRK_TRY(wasi_parallel_buffer_from(device, p->a, bytes, WASI_PARALLEL_ACCESS_READ, &in[1]));
  PRK_TRY(wasi_parallel_buffer_from(device, p->b, bytes, WASI_PARALLEL_ACCESS_READ, &in[2]));
  PRK_TRY(wasi_parallel_buffer_from(device, p->c, bytes, WASI_PARALLEL_ACCESS_READ_WRITE, &out[0]));

  double time = 0.0;
  for (int iter = 0; iter <= cfg->iterations; ++iter) {
    if (iter == 1) time = prk_wtime();
    PRK_TRY(wasi_parallel_exec(device, dgemm_kernel_wasm_kernel(), cfg->num_blocks, cfg->block,
                               in, 3, out, 1));
  }
  time = prk_wtime() - time;
  PRK_TRY(wasi_parallel_read_buffer(out[0], p->c, bytes));
  return dgemm_validate(p->c, cfg, time);
}

int main(int argc, char **argv) {
  PrkArgs args;
  Dgemm p;
  if (!dgemm_config(argc, argv, &args, &p.cfg)) return 1;
  size_t bytes = (size_t)p.cfg.order * p.cfg.order * sizeof(double);
  p.a = malloc(bytes);
  p.b = malloc(bytes);
  p.c = malloc(bytes);
  if (!p.a || !p.b || !p.c) {
    printf("ERROR: out of memory\n");
    return 1;
  }
  return prk_run_devices(&args, run_dgemm, &p);
}

/* stencil.c: PRK stencil as a wasi-parallel guest. Two parallel_exec per
 * PRK iteration (apply the stencil, then add 1 to the input: the second
 * must see the first finished). Buffers: stencil_kernel in params, IN;
 * out OUT. stencil_add_kernel out IN. Whole rows per kernel iteration. */
#include <stdlib.h>

#include "prk_guest.h"
#include "stencil.h"
#include "stencil_add_kernel_wasm.h"
#include "stencil_kernel_wasm.h"

typedef struct Stencil {
  StencilConfig cfg;
  double *in, *out;
} Stencil;

static int run_stencil(uint32_t hint, void *ctx) {
  Stencil *p = ctx;
  const StencilConfig *cfg = &p->cfg;
  const uint32_t bytes = cfg->n * cfg->n * (uint32_t)sizeof(double);
  StencilParams params = {cfg->n};
  wasi_parallel_device_t device;
  if (!prk_open_device(hint, &device)) return 0;
  stencil_init(p->in, p->out, cfg->n);

  wasi_parallel_buffer_t params_buf, in_buf, out_buf;
  PRK_TRY(wasi_parallel_buffer_from(device, &params, sizeof params, WASI_PARALLEL_ACCESS_READ, &params_buf));
  PRK_TRY(wasi_parallel_buffer_from(device, p->in, bytes, WASI_PARALLEL_ACCESS_READ_WRITE, &in_buf));
  PRK_TRY(wasi_parallel_buffer_from(device, p->out, bytes, WASI_PARALLEL_ACCESS_READ_WRITE, &out_buf));
  const wasi_parallel_buffer_t apply_in[2] = {params_buf, in_buf};

  double time = 0.0;
  for (int iter = 0; iter <= cfg->iterations; ++iter) {
    if (iter == 1) time = prk_wtime();
    PRK_TRY(wasi_parallel_exec(device, stencil_kernel_wasm_kernel(), cfg->num_blocks, cfg->block,
                               apply_in, 2, &out_buf, 1));
    PRK_TRY(wasi_parallel_exec(device, stencil_add_kernel_wasm_kernel(), cfg->num_blocks,
                               cfg->block, NULL, 0, &in_buf, 1));
  }
  time = prk_wtime() - time;
  PRK_TRY(wasi_parallel_read_buffer(out_buf, p->out, bytes));
  return stencil_validate(p->out, cfg, time);
}

int main(int argc, char **argv) {
  PrkArgs args;
  Stencil p;
  if (!stencil_config(argc, argv, &args, &p.cfg)) return 1;
  size_t bytes = (size_t)p.cfg.n * p.cfg.n * sizeof(double);
  p.in = malloc(bytes);
  p.out = malloc(bytes);
  if (!p.in || !p.out) {
    printf("ERROR: out of memory\n");
    return 1;
  }
  return prk_run_devices(&args, run_stencil, &p);
}

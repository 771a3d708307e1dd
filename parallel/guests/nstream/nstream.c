/* nstream.c: PRK nstream as a wasi-parallel guest. One parallel_exec per
 * PRK iteration; A stays on the device between iterations and is read
 * back once. Buffers: in B, C; out A. */
#include <stdlib.h>

#include "nstream.h"
#include "nstream_kernel_wasm.h"
#include "prk_guest.h"

typedef struct Nstream {
  NstreamConfig cfg;
  double *a, *b, *c;
} Nstream;

static int run_nstream(uint32_t hint, void *ctx) {
  Nstream *p = ctx;
  const NstreamConfig *cfg = &p->cfg;
  const uint32_t bytes = cfg->length * (uint32_t)sizeof(double);
  wasi_parallel_device_t device;
  if (!prk_open_device(hint, &device)) return 0;
  nstream_init(p->a, p->b, p->c, cfg->length);

  wasi_parallel_buffer_t in[2], out[1];
  PRK_TRY(wasi_parallel_buffer_from(device, p->b, bytes, WASI_PARALLEL_ACCESS_READ, &in[0]));
  PRK_TRY(wasi_parallel_buffer_from(device, p->c, bytes, WASI_PARALLEL_ACCESS_READ, &in[1]));
  PRK_TRY(wasi_parallel_buffer_from(device, p->a, bytes, WASI_PARALLEL_ACCESS_READ_WRITE, &out[0]));

  const uint32_t iterations = wasi_parallel_iterations_for(cfg->length, cfg->block);
  double time = 0.0;
  for (int iter = 0; iter <= cfg->iterations; ++iter) {
    if (iter == 1) time = prk_wtime();
    PRK_TRY(wasi_parallel_exec(device, nstream_kernel_wasm_kernel(), iterations, cfg->block,
                               in, 2, out, 1));
  }
  time = prk_wtime() - time;
  PRK_TRY(wasi_parallel_read_buffer(out[0], p->a, bytes));
  return nstream_validate(p->a, cfg, time);
}

int main(int argc, char **argv) {
  PrkArgs args;
  Nstream p;
  if (!nstream_config(argc, argv, &args, &p.cfg)) return 1;
  p.a = malloc(p.cfg.length * sizeof(double));
  p.b = malloc(p.cfg.length * sizeof(double));
  p.c = malloc(p.cfg.length * sizeof(double));
  if (!p.a || !p.b || !p.c) {
    printf("ERROR: out of memory\n");
    return 1;
  }
  return prk_run_devices(&args, run_nstream, &p);
}

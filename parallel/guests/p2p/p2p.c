/* p2p.c: PRK synch_p2p as a wasi-parallel guest: per PRK iteration, one
 * parallel_exec per anti-diagonal of tiles, in order. The diagonal travels
 * in the params buffer, written again before each exec (a GPU device
 * uploads it; a CPU device re-records the same region). Buffers: in
 * params; out GRID. */
#include <stdlib.h>

#include "p2p.h"
#include "p2p_kernel_wasm.h"
#include "prk_guest.h"

typedef struct P2p {
  P2pConfig cfg;
  double *grid;
} P2p;

static int run_p2p(uint32_t hint, void *ctx) {
  P2p *p = ctx;
  const P2pConfig *cfg = &p->cfg;
  P2pParams params = cfg->params;
  const uint32_t bytes = params.m * params.n * (uint32_t)sizeof(double);
  wasi_parallel_device_t device;
  if (!prk_open_device(hint, &device)) return 0;
  p2p_init(p->grid, params.m, params.n);

  wasi_parallel_buffer_t params_buf, grid_buf;
  PRK_TRY(wasi_parallel_create_buffer(device, sizeof params, WASI_PARALLEL_ACCESS_READ, &params_buf));
  PRK_TRY(wasi_parallel_buffer_from(device, p->grid, bytes, WASI_PARALLEL_ACCESS_READ_WRITE, &grid_buf));

  double time = 0.0;
  for (int iter = 0; iter <= cfg->iterations; ++iter) {
    if (iter == 1) time = prk_wtime();
    for (uint32_t diag = 0; diag < cfg->diagonals; ++diag) {
      params.diag = diag;
      PRK_TRY(wasi_parallel_write_buffer(&params, sizeof params, params_buf));
      PRK_TRY(wasi_parallel_exec(device, p2p_kernel_wasm_kernel(), p2p_tiles_on(&params, diag), 1,
                                 &params_buf, 1, &grid_buf, 1));
    }
  }
  time = prk_wtime() - time;
  PRK_TRY(wasi_parallel_read_buffer(grid_buf, p->grid, bytes));
  return p2p_validate(p->grid, cfg, time);
}

int main(int argc, char **argv) {
  PrkArgs args;
  P2p p;
  if (!p2p_config(argc, argv, &args, &p.cfg)) return 1;
  p.grid = malloc((size_t)p.cfg.params.m * p.cfg.params.n * sizeof(double));
  if (!p.grid) {
    printf("ERROR: out of memory\n");
    return 1;
  }
  return prk_run_devices(&args, run_p2p, &p);
}

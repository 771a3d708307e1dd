/* sparse.c: PRK sparse as a wasi-parallel guest. Two parallel_exec per
 * PRK iteration: fill the vector, then multiply (the product reads vector
 * entries of other rows, so it must wait for the whole fill). Buffers:
 * sparse_fill_kernel out VECTOR; sparse_spmv_kernel in MATRIX, COL_INDEX,
 * VECTOR; out RESULT. */
#include <stdlib.h>

#include "prk_guest.h"
#include "sparse.h"
#include "sparse_fill_kernel_wasm.h"
#include "sparse_spmv_kernel_wasm.h"

typedef struct Sparse {
  SparseConfig cfg;
  double *matrix, *vector, *result;
  uint32_t *col_index;
} Sparse;

static int run_sparse(uint32_t hint, void *ctx) {
  Sparse *p = ctx;
  const SparseConfig *cfg = &p->cfg;
  const uint32_t vector_bytes = cfg->size2 * (uint32_t)sizeof(double);
  wasi_parallel_device_t device;
  if (!prk_open_device(hint, &device)) return 0;
  sparse_init(cfg, p->matrix, p->col_index, p->vector, p->result);

  wasi_parallel_buffer_t in[3], vector_buf, result_buf;
  PRK_TRY(wasi_parallel_buffer_from(device, p->matrix, cfg->nent * (uint32_t)sizeof(double),
                                    WASI_PARALLEL_ACCESS_READ, &in[0]));
  PRK_TRY(wasi_parallel_buffer_from(device, p->col_index, cfg->nent * (uint32_t)sizeof(uint32_t),
                                    WASI_PARALLEL_ACCESS_READ, &in[1]));
  PRK_TRY(wasi_parallel_buffer_from(device, p->vector, vector_bytes, WASI_PARALLEL_ACCESS_READ_WRITE, &vector_buf));
  PRK_TRY(wasi_parallel_buffer_from(device, p->result, vector_bytes, WASI_PARALLEL_ACCESS_READ_WRITE, &result_buf));
  in[2] = vector_buf;

  double time = 0.0;
  for (int iter = 0; iter <= cfg->iterations; ++iter) {
    if (iter == 1) time = prk_wtime();
    PRK_TRY(wasi_parallel_exec(device, sparse_fill_kernel_wasm_kernel(), cfg->num_blocks,
                               cfg->block, NULL, 0, &vector_buf, 1));
    PRK_TRY(wasi_parallel_exec(device, sparse_spmv_kernel_wasm_kernel(), cfg->num_blocks,
                               cfg->block, in, 3, &result_buf, 1));
  }
  time = prk_wtime() - time;
  PRK_TRY(wasi_parallel_read_buffer(result_buf, p->result, vector_bytes));
  return sparse_validate(p->result, cfg, time);
}

int main(int argc, char **argv) {
  PrkArgs args;
  Sparse p;
  if (!sparse_config(argc, argv, &args, &p.cfg)) return 1;
  p.matrix = malloc((size_t)p.cfg.nent * sizeof(double));
  p.col_index = malloc((size_t)p.cfg.nent * sizeof(uint32_t));
  p.vector = malloc((size_t)p.cfg.size2 * sizeof(double));
  p.result = malloc((size_t)p.cfg.size2 * sizeof(double));
  if (!p.matrix || !p.col_index || !p.vector || !p.result) {
    printf("ERROR: out of memory\n");
    return 1;
  }
  return prk_run_devices(&args, run_sparse, &p);
}

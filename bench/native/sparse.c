/* sparse.c: native twin of the sparse guest. */
#include <stdlib.h>

#include "native_exec.h"
#include "sparse.h"
#include "sparse_kernels.h"

int main(int argc, char **argv) {
  PrkArgs args;
  SparseConfig cfg;
  if (!sparse_config(argc, argv, &args, &cfg)) return 1;
  const uint32_t matrix_bytes = cfg.nent * (uint32_t)sizeof(double);
  const uint32_t index_bytes = cfg.nent * (uint32_t)sizeof(uint32_t);
  const uint32_t vector_bytes = cfg.size2 * (uint32_t)sizeof(double);
  double *matrix = malloc(matrix_bytes), *vector = malloc(vector_bytes), *result = malloc(vector_bytes);
  uint32_t *col_index = malloc(index_bytes);
  if (!matrix || !vector || !result || !col_index) return 1;
  native_print_mode();
  sparse_init(&cfg, matrix, col_index, vector, result);
  double time = 0.0;
  for (int iter = 0; iter <= cfg.iterations; ++iter) {
    if (iter == 1) time = prk_wtime();
    NATIVE_EXEC(cfg.num_blocks, id, sparse_fill_kernel(id, cfg.num_blocks, cfg.block, vector, vector_bytes));
    NATIVE_EXEC(cfg.num_blocks, id,
                sparse_spmv_kernel(id, cfg.num_blocks, cfg.block, matrix, matrix_bytes, col_index,
                                   index_bytes, vector, vector_bytes, result, vector_bytes));
  }
  time = prk_wtime() - time;
  return sparse_validate(result, &cfg, time) ? 0 : 1;
}

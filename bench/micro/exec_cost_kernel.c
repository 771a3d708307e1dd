/* exec_cost_kernel.c: the trivial kernel of the per-call cost benchmark:
 * iteration i adds the in-buffer's one word to counter i of the out-buffer,
 * so the guest can check that every call ran every iteration once. Built
 * for wasm32 without libc (the contract's section 6) and natively for the
 * OpenMP twin. */
#include "wasi_parallel_kernel.h"

WASI_PARALLEL_KERNEL(exec_cost_kernel, const uint32_t *add, uint32_t add_len, uint32_t *counters,
                     uint32_t counters_len) {
  (void)block_size;
  (void)add_len;
  if (iteration_id < num_iterations && iteration_id < counters_len / 4) counters[iteration_id] += *add;
}

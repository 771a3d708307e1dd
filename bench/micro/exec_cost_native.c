/* exec_cost_native.c: the native twin of exec_cost.c: the same kernel C
 * code called for every iteration of a loop, sequentially and in an
 * OpenMP `parallel for schedule(static)` (clang-14 -O2 -fopenmp, the way
 * bench/native's twins run the PRK kernels), interleaved per round. Prints
 * the same lines with devices native-seq and native-omp. */
#include <omp.h>

#include "exec_cost.h"
#include "wasi_parallel_kernel.h"

WASI_PARALLEL_KERNEL_DECL(exec_cost_kernel, const uint32_t *add, uint32_t add_len, uint32_t *counters,
                          uint32_t counters_len);

static uint32_t counters[EXEC_COST_MAX_ITERS];
static volatile uint32_t add = 1; /* not a compile-time constant: no folding of the loop */

static double batch(int omp, uint32_t iters, long calls) {
  memset(counters, 0, sizeof counters);
  uint32_t a = add;
  double t0 = exec_cost_now();
  for (long c = 0; c < calls; ++c) {
    if (omp) {
#pragma omp parallel for schedule(static)
      for (uint32_t id = 0; id < iters; ++id) exec_cost_kernel(id, iters, 1, &a, 4, counters, sizeof counters);
    } else {
      for (uint32_t id = 0; id < iters; ++id) exec_cost_kernel(id, iters, 1, &a, 4, counters, sizeof counters);
      __asm__ volatile("" ::: "memory"); /* one call's stores are done before the next */
    }
  }
  double t = exec_cost_now() - t0;
  return exec_cost_check(counters, iters, calls) ? t : -1.0;
}

int main(int argc, char **argv) {
  ExecCostArgs a;
  if (!exec_cost_args(argc, argv, &a)) return 1;
  printf("OpenMP threads %d\n", omp_get_max_threads());
  for (int s = 0; s < a.sizes; ++s)
    for (int omp = 0; omp < 2; ++omp)
      if (batch(omp, a.iters[s], 100) < 0) return 1;
  for (long r = 0; r < a.rounds; ++r)
    for (int s = 0; s < a.sizes; ++s)
      for (int omp = 0; omp < 2; ++omp) {
        double t = batch(omp, a.iters[s], a.calls);
        if (t < 0) return 1;
        printf("round %ld device %s iterations %u us_per_call %.3f\n", r, omp ? "native-omp" : "native-seq",
               a.iters[s], 1e6 * t / (double)a.calls);
      }
  printf("counters checked\n");
  return 0;
}

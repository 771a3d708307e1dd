/* native_exec.h: how a native twin runs a kernel: the same kernel C code
 * the engine runs, called for every iteration_id in [0, num_iterations),
 * in order when built without OpenMP (the twin of the sequential device),
 * spread over OpenMP threads when built with -fopenmp (the twin of the CPU
 * device; set OMP_NUM_THREADS to the CPU device's thread count). */
#ifndef NATIVE_EXEC_H
#define NATIVE_EXEC_H

#include <stdint.h>
#include <stdio.h>

#ifdef _OPENMP
#include <omp.h>
#define NATIVE_EXEC(num_iterations, id, call)                          \
  do {                                                                 \
    const uint32_t native_n_ = (num_iterations);                      \
    _Pragma("omp parallel for schedule(static)")                       \
    for (uint32_t id = 0; id < native_n_; ++id) { call; }              \
  } while (0)
static inline void native_print_mode(void) {
  printf("Device                = native-omp (%d threads)\n", omp_get_max_threads());
}
#else
#define NATIVE_EXEC(num_iterations, id, call)                          \
  do {                                                                 \
    const uint32_t native_n_ = (num_iterations);                      \
    for (uint32_t id = 0; id < native_n_; ++id) { call; }              \
  } while (0)
static inline void native_print_mode(void) { printf("Device                = native-seq\n"); }
#endif

#endif

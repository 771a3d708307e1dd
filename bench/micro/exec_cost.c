/* exec_cost.c: the cost of one parallel_exec call (a guest, wasm32-wasi).
 * Per round, for each iteration count and each device in turn (so that the
 * devices interleave and share the machine's noise), CALLS calls of
 * exec_cost_kernel with that many iterations, timed together; prints one
 * line per (round, device, iterations) with the microseconds per call, and
 * checks the counters after every batch. A first batch per device and size
 * (not printed) compiles the kernel and binds the workers. */
#include "exec_cost.h"
#include "exec_cost_kernel_wasm.h"
#include "wasi_parallel.h"

#define MAX_DEVICES 4

typedef struct Dev {
  const char *name;
  wasi_parallel_device_t handle;
  wasi_parallel_buffer_t add_buf, counters_buf;
  uint32_t add;
  uint32_t counters[EXEC_COST_MAX_ITERS];
} Dev;

static Dev devs[MAX_DEVICES];

#define TRY(call)                                                                      \
  do {                                                                                 \
    wasi_parallel_errno_t e_ = (call);                                                 \
    if (e_ != WASI_PARALLEL_SUCCESS) {                                                 \
      printf("ERROR: %s: %s (%u)\n", #call, wasi_parallel_strerror(e_), (unsigned)e_); \
      exit(1);                                                                         \
    }                                                                                  \
  } while (0)

/* `calls` calls of `iters` iterations on d; seconds, or -1 on a wrong count. */
static double batch(Dev *d, uint32_t iters, long calls) {
  memset(d->counters, 0, sizeof d->counters);
  TRY(wasi_parallel_write_buffer(d->counters, sizeof d->counters, d->counters_buf));
  wasi_parallel_kernel_t k = exec_cost_kernel_wasm_kernel();
  double t0 = exec_cost_now();
  for (long c = 0; c < calls; ++c)
    TRY(wasi_parallel_exec(d->handle, k, iters, 1, &d->add_buf, 1, &d->counters_buf, 1));
  double t = exec_cost_now() - t0;
  TRY(wasi_parallel_read_buffer(d->counters_buf, d->counters, sizeof d->counters));
  return exec_cost_check(d->counters, iters, calls) ? t : -1.0;
}

int main(int argc, char **argv) {
  ExecCostArgs a;
  if (!exec_cost_args(argc, argv, &a)) return 1;
  int n = 0;
  char names[64];
  strncpy(names, a.devices, sizeof names - 1);
  names[sizeof names - 1] = 0;
  for (char *tok = strtok(names, ","); tok && n < MAX_DEVICES; tok = strtok(NULL, ",")) {
    Dev *d = &devs[n];
    uint32_t hint;
    if (!strcmp(tok, "seq"))
      hint = WASI_PARALLEL_DEVICE_SEQUENTIAL;
    else if (!strcmp(tok, "cpu"))
      hint = WASI_PARALLEL_DEVICE_CPU;
    else {
      printf("ERROR: unknown device %s (seq or cpu)\n", tok);
      return 1;
    }
    d->name = tok;
    d->add = 1;
    TRY(wasi_parallel_get_device(hint, &d->handle));
    TRY(wasi_parallel_buffer_from(d->handle, &d->add, sizeof d->add, WASI_PARALLEL_ACCESS_READ, &d->add_buf));
    TRY(wasi_parallel_create_buffer(d->handle, sizeof d->counters, WASI_PARALLEL_ACCESS_READ_WRITE,
                                    &d->counters_buf));
    ++n;
  }
  for (int i = 0; i < n; ++i)
    for (int s = 0; s < a.sizes; ++s)
      if (batch(&devs[i], a.iters[s], a.calls < 100 ? a.calls : 100) < 0) return 1;
  for (long r = 0; r < a.rounds; ++r)
    for (int s = 0; s < a.sizes; ++s)
      for (int i = 0; i < n; ++i) {
        double t = batch(&devs[i], a.iters[s], a.calls);
        if (t < 0) return 1;
        printf("round %ld device %s iterations %u us_per_call %.3f\n", r, devs[i].name, a.iters[s],
               1e6 * t / (double)a.calls);
      }
  printf("counters checked\n");
  return 0;
}

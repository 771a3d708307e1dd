/* The CPU device's team has exactly the size `wpvm run --parallel-threads N`
 * asks for: calls of k_team (64 iterations) count the workers that took part.
 * Each iteration waits, bounded, for N + 1 workers, so that a team larger
 * than N shows itself; the count must never exceed N and must reach N in one
 * of up to 50 calls. Usage: team_size.wasm N; exit status 0 when it holds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "k_team_wasm.h"
#include "wasi_parallel.h"

/* Spin-loop turns an iteration waits for the others (milliseconds on the
 * JIT); every call pays it once, since N + 1 workers never come. */
#define SPIN (1u << 22)
#define CALLS 50

static uint32_t words[4];

static int check(wasi_parallel_errno_t e, const char *what) {
  if (e == WASI_PARALLEL_SUCCESS) return 1;
  printf("ERROR: %s returned %s\n", what, wasi_parallel_strerror(e));
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 2 || atoi(argv[1]) < 1) {
    printf("usage: team_size.wasm N (the --parallel-threads count)\n");
    return 1;
  }
  const uint32_t expected = (uint32_t)atoi(argv[1]);
  wasi_parallel_device_t dev;
  wasi_parallel_buffer_t buf;
  if (!check(wasi_parallel_get_device(WASI_PARALLEL_DEVICE_CPU, &dev), "get_device") ||
      !check(wasi_parallel_create_buffer(dev, sizeof words, WASI_PARALLEL_ACCESS_READ_WRITE, &buf), "create_buffer"))
    return 1;
  for (int call = 0; call < CALLS; ++call) {
    words[0] = 0;
    words[1] = expected + 1;
    words[2] = SPIN;
    words[3] = 0;
    if (!check(wasi_parallel_write_buffer(words, sizeof words, buf), "write_buffer") ||
        !check(wasi_parallel_exec(dev, k_team_wasm_kernel(), 64, 1, NULL, 0, &buf, 1), "parallel_exec") ||
        !check(wasi_parallel_read_buffer(buf, words, sizeof words), "read_buffer"))
      return 1;
    printf("call %d: %u workers took part\n", call, (unsigned)words[0]);
    if (words[0] > expected) {
      printf("ERROR: more workers than the %u threads asked for\n", (unsigned)expected);
      return 1;
    }
    if (words[0] == expected) return 0;
  }
  printf("ERROR: %d calls never had %u workers\n", CALLS, (unsigned)expected);
  return 1;
}

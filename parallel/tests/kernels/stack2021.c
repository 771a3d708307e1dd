/* A 2021-generation program (parallel_for) whose funcref kernel keeps a
 * shadow stack (k_stack.h): the workers run copies of this program, so each
 * needs a stack region of its own, not this program's stack. Checks every
 * element; exit status 0 when all are right. Run it with several
 * --parallel-threads counts. */
#include <stdint.h>
#include <stdio.h>

#include "k_stack.h"
#include "wasi_parallel.h"

#define N (1u << 18)
#define BLOCK 4

static uint32_t in_data[N], out_data[N];

static void kernel(uint32_t id, uint32_t n, uint32_t bs, const uint32_t *in, uint32_t in_len, uint32_t *out,
                   uint32_t out_len) {
  (void)n;
  (void)in_len;
  (void)out_len;
  stack_kernel_block(id, bs, in, out);
}

static int check(wasi_parallel_errno_t e, const char *what) {
  if (e == WASI_PARALLEL_SUCCESS) return 1;
  printf("ERROR: %s returned %s\n", what, wasi_parallel_strerror(e));
  return 0;
}

int main(void) {
  for (uint32_t j = 0; j < N; ++j) in_data[j] = j * 13 + 5;
  wasi_parallel_device_t dev;
  wasi_parallel_buffer_t in, out;
  /* 2021 enum: CPU = 0. */
  if (!check(wasi_parallel_get_device(0, &dev), "get_device") ||
      !check(wasi_parallel_create_buffer(dev, sizeof in_data, WASI_PARALLEL_ACCESS_READ, &in), "create_buffer") ||
      !check(wasi_parallel_create_buffer(dev, sizeof out_data, WASI_PARALLEL_ACCESS_WRITE, &out), "create_buffer") ||
      !check(wasi_parallel_write_buffer((const uint8_t *)in_data, sizeof in_data, in), "write_buffer") ||
      !check(wasi_parallel_write_buffer((const uint8_t *)out_data, sizeof out_data, out), "write_buffer"))
    return 1;
  uint32_t index = (uint32_t)(uintptr_t)&kernel; /* its funcref table slot */
  for (int round = 0; round < 3; ++round) {
    if (!check(wasi_parallel_parallel_for(index, N / BLOCK, BLOCK, &in, 1, &out, 1), "parallel_for") ||
        !check(wasi_parallel_read_buffer(out, (uint8_t *)out_data, sizeof out_data), "read_buffer"))
      return 1;
    uint32_t wrong = 0;
    for (uint32_t j = 0; j < N; ++j) wrong += out_data[j] != stack_kernel_expected(j * 13 + 5, j);
    printf("round %d: %u of %u elements wrong\n", round, (unsigned)wrong, (unsigned)N);
    if (wrong) return 1;
  }
  return 0;
}

/* prk_guest.h: the wasi-parallel side every PRK guest shares: opening the
 * device a hint asks for, and turning an errno into a failed run with a
 * message that names the call. */
#ifndef PRK_GUEST_H
#define PRK_GUEST_H

#include "prk_common.h"
#include "wasi_parallel.h"

/* Inside a function returning int (1 = ok): stop and report on an errno. */
#define PRK_TRY(call)                                                                \
  do {                                                                               \
    wasi_parallel_errno_t prk_errno_ = (call);                                       \
    if (prk_errno_ != WASI_PARALLEL_SUCCESS) {                                       \
      printf("ERROR: %s returned %s (%u)\n", #call, wasi_parallel_strerror(prk_errno_), \
             (unsigned)prk_errno_);                                                  \
      return 0;                                                                      \
    }                                                                                \
  } while (0)

/* get_device never fails on its hint, but may return another device: the
 * line says what was asked for; the handle is only informative. */
static inline int prk_open_device(uint32_t hint, wasi_parallel_device_t *device) {
  PRK_TRY(wasi_parallel_get_device(hint, device));
  printf("Device                = %s (hint %u, handle %u)\n", prk_device_name(hint),
         (unsigned)hint, (unsigned)*device);
  return 1;
}

/* Runs `run_one` once per requested device; the exit status of main. */
static inline int prk_run_devices(const PrkArgs *args, int (*run_one)(uint32_t hint, void *ctx),
                                  void *ctx) {
  int failures = 0;
  for (int i = 0; i < args->device_count; ++i) {
    if (!run_one(args->devices[i], ctx)) ++failures;
  }
  return failures == 0 ? 0 : 1;
}

#endif /* PRK_GUEST_H */

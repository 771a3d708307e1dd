/* prk_common.h: what every Parallel Research Kernel driver shares, whether
 * it runs as a wasi-parallel guest or as a native twin: the clock, the
 * command line and the result lines (same words as the PRK reference
 * programs, so the outputs of all drivers can be compared by a script).
 *
 * Command line: PROGRAM [--device LIST] [--block N] [positional sizes...]
 *   LIST: comma-separated seq, cpu, gpu, igpu, or all (= seq,cpu,gpu).
 *   --block overrides the program's default block size (elements, rows or
 *   tiles per kernel iteration: each program says which).
 */
#ifndef PRK_COMMON_H
#define PRK_COMMON_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { kPrkMaxDevices = 8, kPrkMaxPositional = 6 };

/* Device hints, same numbers as wasi_parallel_device_kind_t. */
enum { kPrkSeq = 0, kPrkCpu = 1, kPrkGpu = 2, kPrkIgpu = 3 };

typedef struct PrkArgs {
  uint32_t devices[kPrkMaxDevices];
  int device_count;
  long positional[kPrkMaxPositional];
  int positional_count;
  long block; /* 0: the program's default */
} PrkArgs;

static inline double prk_wtime(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1.0e-9 * (double)ts.tv_nsec;
}

static inline const char *prk_device_name(uint32_t hint) {
  static const char *const kNames[] = {"seq", "cpu", "gpu", "igpu"};
  return hint < 4 ? kNames[hint] : "unknown";
}

static inline int prk_add_device(PrkArgs *args, uint32_t hint) {
  if (args->device_count == kPrkMaxDevices) return 0;
  args->devices[args->device_count++] = hint;
  return 1;
}

/* One comma-separated --device list into args; 0 on an unknown name. */
static inline int prk_parse_devices(const char *list, PrkArgs *args) {
  char copy[128];
  snprintf(copy, sizeof copy, "%s", list);
  for (char *name = strtok(copy, ","); name; name = strtok(NULL, ",")) {
    int ok;
    if (strcmp(name, "all") == 0) {
      ok = prk_add_device(args, kPrkSeq) && prk_add_device(args, kPrkCpu) &&
           prk_add_device(args, kPrkGpu);
    } else if (strcmp(name, "seq") == 0) {
      ok = prk_add_device(args, kPrkSeq);
    } else if (strcmp(name, "cpu") == 0) {
      ok = prk_add_device(args, kPrkCpu);
    } else if (strcmp(name, "gpu") == 0) {
      ok = prk_add_device(args, kPrkGpu);
    } else if (strcmp(name, "igpu") == 0) {
      ok = prk_add_device(args, kPrkIgpu);
    } else {
      ok = 0;
    }
    if (!ok) return 0;
  }
  return 1;
}

static inline int prk_parse_long(const char *text, long *out) {
  char *end;
  long v = strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0') return 0;
  *out = v;
  return 1;
}

/* Fills args (devices default to seq,cpu); prints usage and returns 0 on a
 * bad command line. */
static inline int prk_parse_args(int argc, char **argv, PrkArgs *args, const char *usage) {
  memset(args, 0, sizeof *args);
  for (int i = 1; i < argc; ++i) {
    int ok = 1;
    if (strcmp(argv[i], "--device") == 0 && i + 1 < argc) {
      ok = prk_parse_devices(argv[++i], args);
    } else if (strcmp(argv[i], "--block") == 0 && i + 1 < argc) {
      ok = prk_parse_long(argv[++i], &args->block) && args->block > 0;
    } else if (args->positional_count < kPrkMaxPositional) {
      ok = prk_parse_long(argv[i], &args->positional[args->positional_count++]);
    } else {
      ok = 0;
    }
    if (!ok) {
      printf("Usage: %s [--device seq|cpu|gpu|igpu|all[,...]] [--block N] %s\n", argv[0], usage);
      return 0;
    }
  }
  if (args->device_count == 0) {
    prk_add_device(args, kPrkSeq);
    prk_add_device(args, kPrkCpu);
  }
  return 1;
}

/* The i-th positional argument, or `fallback` when it was not given. */
static inline long prk_arg(const PrkArgs *args, int i, long fallback) {
  return i < args->positional_count ? args->positional[i] : fallback;
}

static inline long prk_block(const PrkArgs *args, long fallback) {
  return args->block > 0 ? args->block : fallback;
}

/* The PRK rate line: `work` units (bytes or flops) per timed iteration. */
static inline void prk_print_rate(const char *unit, double work, double total_time, int iterations) {
  double avgtime = total_time / iterations;
  printf("Rate (%s): %lf Avg time (s): %lf\n", unit, 1.0e-6 * work / avgtime, avgtime);
}

/* Byte sizes of arrays handed to wasi-parallel are 32-bit. */
static inline int prk_fits_u32(double bytes) { return bytes > 0 && bytes < 4294967296.0; }

#endif /* PRK_COMMON_H */

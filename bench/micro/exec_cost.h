/* exec_cost.h: the command line and the check of the per-call cost
 * benchmark, shared by the guest (exec_cost.c) and its native twin
 * (exec_cost_native.c). */
#ifndef EXEC_COST_H
#define EXEC_COST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXEC_COST_MAX_ITERS 64
#define EXEC_COST_MAX_SIZES 8

typedef struct ExecCostArgs {
  long calls, rounds;
  uint32_t iters[EXEC_COST_MAX_SIZES];
  int sizes;
  const char *devices; /* guest only: comma-separated seq / cpu */
} ExecCostArgs;

/* CALLS ROUNDS ITERS[,ITERS...] [DEVICES] */
static inline int exec_cost_args(int argc, char **argv, ExecCostArgs *a) {
  if (argc < 4) {
    printf("usage: %s CALLS ROUNDS ITERATIONS[,ITERATIONS...] [seq,cpu]\n", argv[0]);
    return 0;
  }
  a->calls = atol(argv[1]);
  a->rounds = atol(argv[2]);
  a->sizes = 0;
  for (char *s = argv[3]; *s && a->sizes < EXEC_COST_MAX_SIZES;) {
    long n = strtol(s, &s, 10);
    if (n < 1 || n > EXEC_COST_MAX_ITERS) {
      printf("ERROR: iterations must be 1..%d\n", EXEC_COST_MAX_ITERS);
      return 0;
    }
    a->iters[a->sizes++] = (uint32_t)n;
    if (*s == ',') ++s;
  }
  a->devices = argc > 4 ? argv[4] : "seq,cpu";
  if (a->calls < 1 || a->rounds < 1 || a->sizes == 0) {
    printf("ERROR: CALLS and ROUNDS must be >= 1\n");
    return 0;
  }
  return 1;
}

static inline double exec_cost_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* After `calls` calls of `iters` iterations adding 1: counters [0, iters)
 * hold calls, the others 0. */
static inline int exec_cost_check(const uint32_t *counters, uint32_t iters, long calls) {
  for (uint32_t i = 0; i < EXEC_COST_MAX_ITERS; ++i) {
    uint32_t want = i < iters ? (uint32_t)calls : 0;
    if (counters[i] != want) {
      printf("ERROR: counter %u is %u, expected %u\n", i, counters[i], want);
      return 0;
    }
  }
  return 1;
}

#endif

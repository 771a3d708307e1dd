// Demo guest for `wpvm run`: reads its arguments, environment, clocks and
// random bytes through WASI, runs a small compute workload (a 2-D heat
// stencil, the sequential shape of the wasi-parallel stencil demo) and checks
// its own answer.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { kN = 512, kSteps = 40 };

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

// Jacobi sweeps of the 5-point stencil on a kN x kN grid with a hot border.
static double heat(double* a, double* b) {
  for (int i = 0; i < kN * kN; i++) a[i] = b[i] = 0.0;
  for (int i = 0; i < kN; i++) a[i] = b[i] = 100.0;  // top edge held hot
  for (int s = 0; s < kSteps; s++) {
    for (int y = 1; y < kN - 1; y++)
      for (int x = 1; x < kN - 1; x++)
        b[y * kN + x] = 0.25 * (a[(y - 1) * kN + x] + a[(y + 1) * kN + x] +
                                a[y * kN + x - 1] + a[y * kN + x + 1]);
    double* t = a;
    a = b;
    b = t;
  }
  double sum = 0.0;
  for (int i = 0; i < kN * kN; i++) sum += a[i];
  return sum;
}

int main(int argc, char** argv) {
  printf("wpvm demo: %d argument(s):", argc);
  for (int i = 0; i < argc; i++) printf(" %s", argv[i]);
  printf("\n");
  const char* user = getenv("USER");
  printf("USER=%s\n", user ? user : "(not passed to the guest)");

  uint32_t seed = 0;
  if (getentropy(&seed, sizeof seed) != 0) {
    perror("getentropy");
    return 2;
  }
  printf("random seed: 0x%08x\n", seed);

  double* a = malloc(sizeof(double) * kN * kN);
  double* b = malloc(sizeof(double) * kN * kN);
  if (!a || !b) {
    fprintf(stderr, "out of memory\n");
    return 2;
  }
  double t0 = now_seconds();
  double sum = heat(a, b);
  double t1 = now_seconds();
  // Heat only enters through the top edge: the total is bounded by what the
  // border can deliver and must be positive.
  int ok = sum > 0.0 && sum < 100.0 * kN * (kSteps + 1);
  double updates = (double)kSteps * (kN - 2) * (kN - 2);
  printf("stencil %dx%d, %d steps: sum %.6f, %s, %.3f s, %.1f Mupdates/s\n", kN, kN, kSteps, sum,
         ok ? "validation OK" : "validation FAILED", t1 - t0, updates / (t1 - t0) / 1e6);
  free(a);
  free(b);
  return ok ? 0 : 1;
}

/* seidel2d.c: the 2-D Gauss-Seidel stencil in the style of PolyBench's
 * seidel-2d: each time step replaces every interior point, in row order and
 * in place, by the average of its 3 x 3 neighbourhood (so the points above
 * and to the left are already this step's), n x n doubles, the border
 * fixed; a dependence from each point to the next, so nothing vectorises.
 * Check: the last time step is redone out of place by a separate routine
 * (this step's values taken from the new grid for the row above and the
 * point to the left, the old grid for the rest) from a copy of the grid
 * before it, and every point must agree within 1e-12 of the largest |A|.
 * Prints the sum of A. Usage: seidel2d [n=1000] [steps=100] */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t seed = 1414;
static double rnd(void) { /* in [-1, 1) */
  seed = seed * 1103515245u + 12345u;
  return (double)(seed >> 8) / (double)(1u << 23) - 1.0;
}

static void kernel_seidel_2d(int steps, int n, double (*A)[n]) {
  for (int t = 0; t < steps; ++t)
    for (int i = 1; i < n - 1; ++i)
      for (int j = 1; j < n - 1; ++j)
        A[i][j] = (A[i - 1][j - 1] + A[i - 1][j] + A[i - 1][j + 1] + A[i][j - 1] + A[i][j] + A[i][j + 1] +
                   A[i + 1][j - 1] + A[i + 1][j] + A[i + 1][j + 1]) /
                  9.0;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000;
  int steps = argc > 2 ? atoi(argv[2]) : 100;
  if (n < 4) n = 4;
  if (steps < 1) steps = 1;
  size_t bytes = sizeof(double) * (size_t)n * (size_t)n;
  double (*A)[n] = malloc(bytes), (*old)[n] = malloc(bytes), (*upd)[n] = malloc(bytes);
  if (!A || !old || !upd) return 2;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) A[i][j] = rnd() + (double)((i * 7 + j * 3) % 11);

  kernel_seidel_2d(steps - 1, n, A);
  memcpy(old, A, bytes);
  kernel_seidel_2d(1, n, A);

  memcpy(upd, old, bytes); /* the border */
  for (int i = 1; i < n - 1; ++i)
    for (int j = 1; j < n - 1; ++j) {
      double s = upd[i - 1][j - 1] + upd[i - 1][j] + upd[i - 1][j + 1]; /* row above: this step's */
      s += upd[i][j - 1];                                               /* left: this step's */
      s += old[i][j] + old[i][j + 1];
      s += old[i + 1][j - 1] + old[i + 1][j] + old[i + 1][j + 1];
      upd[i][j] = s / 9.0;
    }
  double amax = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      if (fabs(upd[i][j]) > amax) amax = fabs(upd[i][j]);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      if (!(fabs(A[i][j] - upd[i][j]) <= 1e-12 * amax)) {
        fprintf(stderr, "seidel2d: A[%d][%d] = %.17g after the last step, recomputed %.17g\n", i, j, A[i][j],
                upd[i][j]);
        return 1;
      }
  double sum = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) sum += A[i][j];
  printf("seidel2d n=%d steps=%d sum %.10e\n", n, steps, sum);
  return 0;
}

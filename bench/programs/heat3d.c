/* heat3d.c: the 3-D heat equation stencil in the style of PolyBench's
 * heat-3d: each time step computes B from A (every interior point plus
 * 0.125 times the second difference along each axis, a 7-point stencil),
 * then A from B the same way, n x n x n doubles, the border fixed. The
 * initial grid, A[i][j][k] = v[i] v[j] v[k] + (v[i] + v[j] + v[k]) / 2 for
 * a random vector v, is unchanged by any permutation of the axes. Check:
 * 2000 sampled interior points of the last time step are recomputed from a
 * copy of the grid before it by a separate routine (the B values around
 * each point, then the point) and must agree within 1e-12 of the largest
 * |A|; and the grid must still be symmetric under swapping i with j and j
 * with k (within 1e-9 of the largest |A|). Prints the sum of A.
 * Usage: heat3d [n=120] [steps=200] */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t seed = 1618;
static double rnd(void) { /* in [-1, 1) */
  seed = seed * 1103515245u + 12345u;
  return (double)(seed >> 8) / (double)(1u << 23) - 1.0;
}

static void kernel_heat_3d(int steps, int n, double (*A)[n][n], double (*B)[n][n]) {
  for (int t = 0; t < steps; ++t) {
    for (int i = 1; i < n - 1; ++i)
      for (int j = 1; j < n - 1; ++j)
        for (int k = 1; k < n - 1; ++k)
          B[i][j][k] = 0.125 * (A[i + 1][j][k] - 2.0 * A[i][j][k] + A[i - 1][j][k]) +
                       0.125 * (A[i][j + 1][k] - 2.0 * A[i][j][k] + A[i][j - 1][k]) +
                       0.125 * (A[i][j][k + 1] - 2.0 * A[i][j][k] + A[i][j][k - 1]) + A[i][j][k];
    for (int i = 1; i < n - 1; ++i)
      for (int j = 1; j < n - 1; ++j)
        for (int k = 1; k < n - 1; ++k)
          A[i][j][k] = 0.125 * (B[i + 1][j][k] - 2.0 * B[i][j][k] + B[i - 1][j][k]) +
                       0.125 * (B[i][j + 1][k] - 2.0 * B[i][j][k] + B[i][j - 1][k]) +
                       0.125 * (B[i][j][k + 1] - 2.0 * B[i][j][k] + B[i][j][k - 1]) + B[i][j][k];
  }
}

/* One point of one half-step from grid g; a border point stays as it is. */
static double point(int n, double (*g)[n][n], int i, int j, int k) {
  if (i == 0 || j == 0 || k == 0 || i == n - 1 || j == n - 1 || k == n - 1) return g[i][j][k];
  double c = g[i][j][k];
  double di = g[i + 1][j][k] - 2.0 * c + g[i - 1][j][k];
  double dj = g[i][j + 1][k] - 2.0 * c + g[i][j - 1][k];
  double dk = g[i][j][k + 1] - 2.0 * c + g[i][j][k - 1];
  return 0.125 * di + 0.125 * dj + 0.125 * dk + c;
}

/* The same point after a whole step (two half-steps) from grid g. */
static double full_step(int n, double (*g)[n][n], int i, int j, int k) {
  double c = point(n, g, i, j, k);
  double di = point(n, g, i + 1, j, k) - 2.0 * c + point(n, g, i - 1, j, k);
  double dj = point(n, g, i, j + 1, k) - 2.0 * c + point(n, g, i, j - 1, k);
  double dk = point(n, g, i, j, k + 1) - 2.0 * c + point(n, g, i, j, k - 1);
  return 0.125 * di + 0.125 * dj + 0.125 * dk + c;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 120;
  int steps = argc > 2 ? atoi(argv[2]) : 200;
  if (n < 4) n = 4;
  if (steps < 1) steps = 1;
  size_t bytes = sizeof(double) * (size_t)n * (size_t)n * (size_t)n;
  double (*A)[n][n] = malloc(bytes), (*B)[n][n] = malloc(bytes), (*P)[n][n] = malloc(bytes),
         *v = malloc(sizeof(double) * (size_t)n);
  if (!A || !B || !P || !v) return 2;
  for (int i = 0; i < n; ++i) v[i] = rnd();
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k) A[i][j][k] = B[i][j][k] = v[i] * v[j] * v[k] + 0.5 * (v[i] + v[j] + v[k]);

  kernel_heat_3d(steps - 1, n, A, B);
  memcpy(P, A, bytes);
  kernel_heat_3d(1, n, A, B);

  double amax = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k)
        if (fabs(A[i][j][k]) > amax) amax = fabs(A[i][j][k]);
  uint32_t s = 11;
  for (int t = 0; t < 2000; ++t) {
    int x[3];
    for (int d = 0; d < 3; ++d) {
      s = s * 1664525u + 1013904223u;
      x[d] = 1 + (int)((s >> 8) % (uint32_t)(n - 2));
    }
    if (t == 0) x[0] = x[1] = x[2] = n - 2;
    double want = full_step(n, P, x[0], x[1], x[2]), got = A[x[0]][x[1]][x[2]];
    if (!(fabs(got - want) <= 1e-12 * amax)) {
      fprintf(stderr, "heat3d: A[%d][%d][%d] = %.17g after the last step, recomputed %.17g\n", x[0], x[1], x[2], got,
              want);
      return 1;
    }
  }
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k)
        if (!(fabs(A[i][j][k] - A[j][i][k]) <= 1e-9 * amax) || !(fabs(A[i][j][k] - A[i][k][j]) <= 1e-9 * amax)) {
          fprintf(stderr, "heat3d: A[%d][%d][%d] = %.17g, but not so with its axes swapped (%.17g, %.17g)\n", i, j,
                  k, A[i][j][k], A[j][i][k], A[i][k][j]);
          return 1;
        }
  double sum = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k) sum += A[i][j][k];
  printf("heat3d n=%d steps=%d sum %.10e\n", n, steps, sum);
  return 0;
}

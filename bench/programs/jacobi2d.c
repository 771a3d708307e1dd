/* jacobi2d.c: the 2-D Jacobi stencil in the style of PolyBench's
 * jacobi-2d: each time step averages every interior point of A with its
 * four neighbours into B, then B back into A the same way (n x n doubles,
 * the border fixed). The initial grid, A[i][j] = v[i] v[j] + v[i] + v[j]
 * for a random vector v, is symmetric. Check: the last time step is redone
 * by a separate plain routine from a copy of the grid before it and every
 * point must agree within 1e-12 of the largest |A|; and the symmetry must
 * survive all the steps (|A[i][j] - A[j][i]| within 1e-9 of the largest |A|).
 * Prints the sum of A. Usage: jacobi2d [n=1000] [steps=800] */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t seed = 2718;
static double rnd(void) { /* in [-1, 1) */
  seed = seed * 1103515245u + 12345u;
  return (double)(seed >> 8) / (double)(1u << 23) - 1.0;
}

static void kernel_jacobi_2d(int steps, int n, double (*A)[n], double (*B)[n]) {
  for (int t = 0; t < steps; ++t) {
    for (int i = 1; i < n - 1; ++i)
      for (int j = 1; j < n - 1; ++j) B[i][j] = 0.2 * (A[i][j] + A[i][j - 1] + A[i][j + 1] + A[i + 1][j] + A[i - 1][j]);
    for (int i = 1; i < n - 1; ++i)
      for (int j = 1; j < n - 1; ++j) A[i][j] = 0.2 * (B[i][j] + B[i][j - 1] + B[i][j + 1] + B[i + 1][j] + B[i - 1][j]);
  }
}

/* One point of one half-step, the straightforward way. */
static double average5(int n, double (*g)[n], int i, int j) {
  double s = g[i][j];
  s += g[i][j - 1];
  s += g[i][j + 1];
  s += g[i + 1][j];
  s += g[i - 1][j];
  return 0.2 * s;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000;
  int steps = argc > 2 ? atoi(argv[2]) : 800;
  if (n < 4) n = 4;
  if (steps < 1) steps = 1;
  size_t bytes = sizeof(double) * (size_t)n * (size_t)n;
  double (*A)[n] = malloc(bytes), (*B)[n] = malloc(bytes), (*P)[n] = malloc(bytes), (*Q)[n] = malloc(bytes),
         *v = malloc(sizeof(double) * (size_t)n);
  if (!A || !B || !P || !Q || !v) return 2;
  for (int i = 0; i < n; ++i) v[i] = rnd();
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) A[i][j] = B[i][j] = v[i] * v[j] + v[i] + v[j];

  kernel_jacobi_2d(steps - 1, n, A, B);
  memcpy(P, A, bytes);
  kernel_jacobi_2d(1, n, A, B);

  /* The last step again: Q from P, then P from Q. */
  memcpy(Q, P, bytes);
  for (int i = 1; i < n - 1; ++i)
    for (int j = 1; j < n - 1; ++j) Q[i][j] = average5(n, P, i, j);
  for (int i = 1; i < n - 1; ++i)
    for (int j = 1; j < n - 1; ++j) P[i][j] = average5(n, Q, i, j);
  double amax = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      if (fabs(P[i][j]) > amax) amax = fabs(P[i][j]);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      if (!(fabs(A[i][j] - P[i][j]) <= 1e-12 * amax)) {
        fprintf(stderr, "jacobi2d: A[%d][%d] = %.17g after the last step, recomputed %.17g\n", i, j, A[i][j], P[i][j]);
        return 1;
      }
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < i; ++j)
      if (!(fabs(A[i][j] - A[j][i]) <= 1e-9 * amax)) {
        fprintf(stderr, "jacobi2d: A[%d][%d] = %.17g but A[%d][%d] = %.17g\n", i, j, A[i][j], j, i, A[j][i]);
        return 1;
      }
  double sum = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) sum += A[i][j];
  printf("jacobi2d n=%d steps=%d sum %.10e\n", n, steps, sum);
  return 0;
}

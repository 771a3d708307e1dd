/* lu.c: LU decomposition without pivoting in the style of PolyBench's lu,
 * in place on an n x n diagonally dominant matrix of doubles (right-looking:
 * for each pivot k, scale column k below it, then update the trailing
 * rows). Check: for 16 sampled rows i (the first and last among them),
 * row i of L * U (unit lower L, upper U, both read out of the result) is
 * recomputed for every column and must equal the original row to a
 * relative 1e-10 of the sum of the products' magnitudes. Prints the sum
 * of the result's elements and log |det A| (from U's diagonal).
 * Usage: lu [n=1700] */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t seed = 31337;
static double rnd(void) { /* in [-1, 1) */
  seed = seed * 1103515245u + 12345u;
  return (double)(seed >> 8) / (double)(1u << 23) - 1.0;
}

static void kernel_lu(int n, double (*A)[n]) {
  for (int k = 0; k < n; ++k) {
    double pivot = A[k][k];
    for (int i = k + 1; i < n; ++i) {
      double l = A[i][k] /= pivot;
      for (int j = k + 1; j < n; ++j) A[i][j] -= l * A[k][j];
    }
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1700;
  if (n < 2) n = 2;
  size_t bytes = sizeof(double) * (size_t)n * (size_t)n;
  double (*A)[n] = malloc(bytes), (*A0)[n] = malloc(bytes);
  if (!A || !A0) return 2;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) A[i][j] = rnd();
  for (int i = 0; i < n; ++i) A[i][i] += n;
  memcpy(A0, A, bytes);

  kernel_lu(n, A);

  uint32_t s = 5;
  for (int t = 0; t < 16; ++t) {
    s = s * 1664525u + 1013904223u;
    int i = t == 0 ? 0 : t == 1 ? n - 1 : (int)((s >> 8) % (uint32_t)n);
    for (int j = 0; j < n; ++j) {
      /* (L U)[i][j] = sum over k <= min(i, j) of L[i][k] U[k][j], L[i][i] = 1 */
      int kmax = i < j ? i : j;
      double want = 0, mag = 0;
      for (int k = 0; k <= kmax; ++k) {
        double p = (k == i ? 1.0 : A[i][k]) * A[k][j];
        want += p;
        mag += fabs(p);
      }
      if (!(fabs(want - A0[i][j]) <= 1e-10 * mag)) {
        fprintf(stderr, "lu: (L U)[%d][%d] = %.17g, original %.17g\n", i, j, want, A0[i][j]);
        return 1;
      }
    }
  }
  double sum = 0, logdet = 0;
  for (int i = 0; i < n; ++i) {
    logdet += log(fabs(A[i][i]));
    for (int j = 0; j < n; ++j) sum += A[i][j];
  }
  printf("lu n=%d sum %.10e log|det| %.10e\n", n, sum, logdet);
  return 0;
}

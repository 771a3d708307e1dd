/* gemm.c: dense matrix multiply in the style of PolyBench's gemm,
 * C = alpha * A * B + beta * C, n x n doubles, the row-wise i-k-j loop
 * nest. Check: for 32 sampled (i, j) the element is recomputed from copies
 * of the original inputs by a plain dot product and must agree to a
 * relative 1e-12 of the sum of the terms' magnitudes. Prints the sum of C.
 * Usage: gemm [n=1500] */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t seed = 12345;
static double rnd(void) { /* in [-1, 1) */
  seed = seed * 1103515245u + 12345u;
  return (double)(seed >> 8) / (double)(1u << 23) - 1.0;
}

static void kernel_gemm(int n, double alpha, double beta, double (*C)[n], double (*A)[n], double (*B)[n]) {
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) C[i][j] *= beta;
    for (int k = 0; k < n; ++k) {
      double a = alpha * A[i][k];
      for (int j = 0; j < n; ++j) C[i][j] += a * B[k][j];
    }
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1500;
  if (n < 2) n = 2;
  size_t bytes = sizeof(double) * (size_t)n * (size_t)n;
  double (*A)[n] = malloc(bytes), (*B)[n] = malloc(bytes), (*C)[n] = malloc(bytes), (*C0)[n] = malloc(bytes);
  if (!A || !B || !C || !C0) return 2;
  const double alpha = 1.5, beta = 1.2;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) A[i][j] = rnd();
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) B[i][j] = rnd();
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) C[i][j] = rnd();
  memcpy(C0, C, bytes);

  kernel_gemm(n, alpha, beta, C, A, B);

  uint32_t s = 777;
  for (int t = 0; t < 32; ++t) {
    s = s * 1664525u + 1013904223u;
    int i = (int)((s >> 8) % (uint32_t)n);
    s = s * 1664525u + 1013904223u;
    int j = t == 0 ? n - 1 : (int)((s >> 8) % (uint32_t)n);
    double want = beta * C0[i][j], mag = fabs(want);
    for (int k = 0; k < n; ++k) {
      double term = alpha * A[i][k] * B[k][j];
      want += term;
      mag += fabs(term);
    }
    if (!(fabs(C[i][j] - want) <= 1e-12 * mag)) {
      fprintf(stderr, "gemm: C[%d][%d] = %.17g, expected %.17g\n", i, j, C[i][j], want);
      return 1;
    }
  }
  double sum = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) sum += C[i][j];
  printf("gemm n=%d sum %.10e\n", n, sum);
  return 0;
}

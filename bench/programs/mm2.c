/* mm2.c: two chained matrix multiplies in the style of PolyBench's 2mm,
 * T = alpha * A * B, then D = T * C + beta * D, n x n doubles. Check: for
 * 16 sampled (i, l) the element of D is recomputed from copies of the
 * original inputs (row i of alpha * A * B first, then its dot product with
 * column l of C) and must agree to a relative 1e-12 of the sum of the
 * terms' magnitudes. Prints the sum of D. Usage: mm2 [n=1200] */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t seed = 4242;
static double rnd(void) { /* in [-1, 1) */
  seed = seed * 1103515245u + 12345u;
  return (double)(seed >> 8) / (double)(1u << 23) - 1.0;
}

static void kernel_2mm(int n, double alpha, double beta, double (*T)[n], double (*A)[n], double (*B)[n],
                       double (*C)[n], double (*D)[n]) {
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) T[i][j] = 0.0;
    for (int k = 0; k < n; ++k) {
      double a = alpha * A[i][k];
      for (int j = 0; j < n; ++j) T[i][j] += a * B[k][j];
    }
  }
  for (int i = 0; i < n; ++i) {
    for (int l = 0; l < n; ++l) D[i][l] *= beta;
    for (int j = 0; j < n; ++j) {
      double t = T[i][j];
      for (int l = 0; l < n; ++l) D[i][l] += t * C[j][l];
    }
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1200;
  if (n < 2) n = 2;
  size_t bytes = sizeof(double) * (size_t)n * (size_t)n;
  double (*A)[n] = malloc(bytes), (*B)[n] = malloc(bytes), (*C)[n] = malloc(bytes), (*D)[n] = malloc(bytes),
         (*D0)[n] = malloc(bytes), (*T)[n] = malloc(bytes), *row = malloc(sizeof(double) * (size_t)n),
         *rowmag = malloc(sizeof(double) * (size_t)n);
  if (!A || !B || !C || !D || !D0 || !T || !row || !rowmag) return 2;
  const double alpha = 0.75, beta = 1.25;
  double (*init[])[n] = {A, B, C, D};
  for (int m = 0; m < 4; ++m)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) init[m][i][j] = rnd();
  memcpy(D0, D, bytes);

  kernel_2mm(n, alpha, beta, T, A, B, C, D);

  uint32_t s = 99;
  for (int t = 0; t < 16; ++t) {
    s = s * 1664525u + 1013904223u;
    int i = (int)((s >> 8) % (uint32_t)n);
    s = s * 1664525u + 1013904223u;
    int l = t == 0 ? n - 1 : (int)((s >> 8) % (uint32_t)n);
    for (int j = 0; j < n; ++j) { /* row i of alpha * A * B, and the magnitude of its terms */
      row[j] = rowmag[j] = 0.0;
      for (int k = 0; k < n; ++k) {
        row[j] += alpha * A[i][k] * B[k][j];
        rowmag[j] += fabs(alpha * A[i][k] * B[k][j]);
      }
    }
    double want = beta * D0[i][l], mag = fabs(want);
    for (int j = 0; j < n; ++j) {
      want += row[j] * C[j][l];
      mag += rowmag[j] * fabs(C[j][l]);
    }
    if (!(fabs(D[i][l] - want) <= 1e-12 * mag)) {
      fprintf(stderr, "mm2: D[%d][%d] = %.17g, expected %.17g\n", i, l, D[i][l], want);
      return 1;
    }
  }
  double sum = 0;
  for (int i = 0; i < n; ++i)
    for (int l = 0; l < n; ++l) sum += D[i][l];
  printf("mm2 n=%d sum %.10e\n", n, sum);
  return 0;
}

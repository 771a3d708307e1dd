/* nussinov.c: RNA folding by dynamic programming in the style of
 * PolyBench's nussinov: for a random sequence of n bases (A C G U as
 * 0..3, a pair when the two add up to 3), t[i][j] is the most nested,
 * non-crossing pairs in bases i..j with paired bases at least two apart,
 * filled from the last row up: t[i][j] is the best of t[i][j-1],
 * t[i+1][j], t[i+1][j-1] plus a pair (i, j), and every split
 * t[i][k] + t[k+1][j]. Integer table, n x n. Check: on three windows of
 * 160 bases (at the start, at the end and one in between) a memoised
 * recursion in the other classic form (base i unpaired, or paired with
 * some k: 1 + f(i+1, k-1) + f(k+1, j)) must give every t[i][j] of the
 * window. Prints t[0][n-1] and the table's sum. Usage: nussinov [n=1700] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { W = 160 };

static uint32_t seed = 1953;
static uint32_t rnd(void) {
  seed = seed * 1103515245u + 12345u;
  return seed >> 8;
}

static int max(int a, int b) { return a > b ? a : b; }
static int pairs(uint8_t a, uint8_t b) { return a + b == 3; }

static void kernel_nussinov(int n, const uint8_t *seq, int32_t (*t)[n]) {
  for (int i = n - 1; i >= 0; --i)
    for (int j = i + 1; j < n; ++j) {
      int best = max(t[i][j - 1], t[i + 1][j]); /* i < n - 1 here */
      best = max(best, t[i + 1][j - 1] + (i < j - 1 ? pairs(seq[i], seq[j]) : 0));
      for (int k = i + 1; k < j; ++k) best = max(best, t[i][k] + t[k + 1][j]);
      t[i][j] = best;
    }
}

/* The reference: f(i, j) over seq[base..base+W), memoised in memo (-1: not yet). */
static const uint8_t *ref_seq;
static int ref_base;
static int16_t memo[W][W];

static int f(int i, int j) {
  if (j - i < 2) return 0;
  int16_t *m = &memo[i - ref_base][j - ref_base];
  if (*m >= 0) return *m;
  int best = f(i + 1, j); /* i unpaired */
  for (int k = i + 2; k <= j; ++k)
    if (pairs(ref_seq[i], ref_seq[k])) {
      int v = 1 + f(i + 1, k - 1) + (k < j ? f(k + 1, j) : 0);
      if (v > best) best = v;
    }
  return *m = (int16_t)best;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1700;
  if (n < W) n = W;
  uint8_t *seq = malloc((size_t)n);
  int32_t (*t)[n] = calloc((size_t)n * (size_t)n, sizeof(int32_t));
  if (!seq || !t) return 2;
  for (int i = 0; i < n; ++i) seq[i] = (uint8_t)(rnd() % 4);

  kernel_nussinov(n, seq, t);

  int bases[3] = {0, n - W, (int)(rnd() % (uint32_t)(n - W + 1))};
  ref_seq = seq;
  for (int w = 0; w < 3; ++w) {
    ref_base = bases[w];
    memset(memo, 0xff, sizeof memo);
    f(ref_base, ref_base + W - 1);
    for (int i = ref_base; i < ref_base + W; ++i)
      for (int j = i; j < ref_base + W; ++j)
        if (f(i, j) != t[i][j]) {
          fprintf(stderr, "nussinov: t[%d][%d] = %d, recursion gives %d\n", i, j, t[i][j], f(i, j));
          return 1;
        }
  }
  uint64_t sum = 0;
  for (int i = 0; i < n; ++i)
    for (int j = i; j < n; ++j) sum += (uint64_t)t[i][j];
  printf("nussinov n=%d best %d sum %llu\n", n, t[0][n - 1], (unsigned long long)sum);
  return 0;
}

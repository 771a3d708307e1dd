/* sort.c: quicksort (recursive, insertion sort below 16) of pseudo-random
 * 32-bit keys, repeated; compares, branches, calls. Usage: sort [rounds=20] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static void insertion(uint32_t *a, int lo, int hi) {
  for (int i = lo + 1; i <= hi; ++i) {
    uint32_t v = a[i];
    int j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      --j;
    }
    a[j + 1] = v;
  }
}

static void quick(uint32_t *a, int lo, int hi) {
  while (hi - lo > 16) {
    uint32_t p = a[lo + (hi - lo) / 2];
    int i = lo, j = hi;
    while (i <= j) {
      while (a[i] < p) ++i;
      while (a[j] > p) --j;
      if (i <= j) {
        uint32_t t = a[i];
        a[i] = a[j];
        a[j] = t;
        ++i;
        --j;
      }
    }
    if (j - lo < hi - i) {
      quick(a, lo, j);
      lo = i;
    } else {
      quick(a, i, hi);
      hi = j;
    }
  }
  insertion(a, lo, hi);
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 20;
  const int n = 1 << 20;
  uint32_t *a = malloc(sizeof(uint32_t) * n);
  if (!a) return 1;
  uint64_t sum = 0;
  uint32_t x = 1;
  for (int r = 0; r < rounds; ++r) {
    for (int i = 0; i < n; ++i) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      a[i] = x;
    }
    quick(a, 0, n - 1);
    for (int i = 1; i < n; ++i)
      if (a[i - 1] > a[i]) return 2;
    sum += a[n / 2];
  }
  printf("sort %llu\n", (unsigned long long)sum);
  return 0;
}

/* floyd_warshall.c: all-pairs shortest paths in the style of PolyBench's
 * floyd-warshall, on a random directed graph of n nodes (about one pair in
 * six joined, integer weights 1..100, missing edges a large INF; every
 * 50th node has no incoming edges, so some pairs stay unreachable), with
 * 32-bit integer distances updated in place. Check: for 8 sampled sources
 * (the first and last node among them) Dijkstra's algorithm on a copy of
 * the original graph must give the same row of distances. Prints the sum
 * of the finite distances and the number of unreachable pairs.
 * Usage: floyd_warshall [n=1350] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INF (1 << 29) /* INF + INF still fits in an int */

static uint32_t seed = 8086;
static uint32_t rnd(void) {
  seed = seed * 1103515245u + 12345u;
  return seed >> 8;
}

static void kernel_floyd_warshall(int n, int32_t (*d)[n]) {
  for (int k = 0; k < n; ++k)
    for (int i = 0; i < n; ++i) {
      int32_t dik = d[i][k];
      for (int j = 0; j < n; ++j) {
        int32_t t = dik + d[k][j];
        if (t < d[i][j]) d[i][j] = t;
      }
    }
}

/* Dense Dijkstra from src over the adjacency matrix w: dist[] gets the distances. */
static void dijkstra(int n, int32_t (*w)[n], int src, int32_t *dist, char *done) {
  for (int v = 0; v < n; ++v) {
    dist[v] = INF;
    done[v] = 0;
  }
  dist[src] = 0;
  for (;;) {
    int u = -1;
    for (int v = 0; v < n; ++v)
      if (!done[v] && dist[v] < INF && (u < 0 || dist[v] < dist[u])) u = v;
    if (u < 0) break;
    done[u] = 1;
    for (int v = 0; v < n; ++v)
      if (w[u][v] < INF && dist[u] + w[u][v] < dist[v]) dist[v] = dist[u] + w[u][v];
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1350;
  if (n < 2) n = 2;
  size_t bytes = sizeof(int32_t) * (size_t)n * (size_t)n;
  int32_t (*d)[n] = malloc(bytes), (*w)[n] = malloc(bytes), *dist = malloc(sizeof(int32_t) * (size_t)n);
  char *done = malloc((size_t)n);
  if (!d || !w || !dist || !done) return 2;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      uint32_t r = rnd();
      d[i][j] = i == j ? 0 : r % 6 == 0 && j % 50 != 7 ? (int32_t)(1 + (r >> 4) % 100) : INF;
    }
  memcpy(w, d, bytes);

  kernel_floyd_warshall(n, d);

  uint32_t s = 3;
  for (int t = 0; t < 8; ++t) {
    s = s * 1664525u + 1013904223u;
    int src = t == 0 ? 0 : t == 1 ? n - 1 : (int)((s >> 8) % (uint32_t)n);
    dijkstra(n, w, src, dist, done);
    for (int v = 0; v < n; ++v)
      if (dist[v] != d[src][v]) {
        fprintf(stderr, "floyd_warshall: d[%d][%d] = %d, Dijkstra gives %d\n", src, v, d[src][v], dist[v]);
        return 1;
      }
  }
  uint64_t sum = 0, unreachable = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      if (d[i][j] >= INF)
        ++unreachable;
      else
        sum += (uint64_t)d[i][j];
    }
  printf("floyd_warshall n=%d sum %llu unreachable %llu\n", n, (unsigned long long)sum,
         (unsigned long long)unreachable);
  return 0;
}

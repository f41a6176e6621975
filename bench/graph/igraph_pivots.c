/* igraph's Brandes betweenness per pivot (source), for bench/graph/python_vs_igraph.py:
 * python-igraph 0.10 has no subset betweenness, the C library does
 * (igraph_betweenness_subset). Reads a directed graph as little-endian uint32 pairs
 * (source, target) and the pivots as uint32s; times one call with those pivots as
 * sources and every node as a target, one thread; prints the seconds and the sum of the
 * values (a check that both sides worked on the same thing).
 *
 *   cc -O2 -o igraph_pivots bench/graph/igraph_pivots.c $(pkg-config --cflags --libs igraph)
 *   igraph_pivots EDGES N PIVOTS
 *
 * Built by python_vs_igraph.py into a temporary folder when libigraph-dev is installed;
 * not part of the library or its build. */
#include <igraph.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint32_t* read_all(const char* path, long* count) {
  FILE* f = fopen(path, "rb");
  if (f == NULL) {
    perror(path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  const long bytes = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint32_t* out = malloc(bytes > 0 ? (size_t)bytes : 1);
  if (out == NULL || fread(out, 1, (size_t)bytes, f) != (size_t)bytes) {
    fprintf(stderr, "%s: cannot read\n", path);
    exit(2);
  }
  fclose(f);
  *count = bytes / 4;
  return out;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s EDGES N PIVOTS\n", argv[0]);
    return 2;
  }
  long m2 = 0, k = 0;
  uint32_t* e = read_all(argv[1], &m2);
  uint32_t* p = read_all(argv[3], &k);
  const igraph_integer_t n = atol(argv[2]);

  igraph_vector_int_t edges, pivots;
  igraph_vector_int_init(&edges, m2);
  for (long i = 0; i < m2; ++i) VECTOR(edges)[i] = e[i];
  igraph_vector_int_init(&pivots, k);
  for (long i = 0; i < k; ++i) VECTOR(pivots)[i] = p[i];
  igraph_t g;
  if (igraph_create(&g, &edges, n, IGRAPH_DIRECTED) != IGRAPH_SUCCESS) return 1;

  igraph_vector_t res;
  igraph_vector_init(&res, 0);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  if (igraph_betweenness_subset(&g, &res, igraph_vss_all(), IGRAPH_DIRECTED,
                                igraph_vss_vector(&pivots), igraph_vss_all(),
                                NULL) != IGRAPH_SUCCESS)
    return 1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double sum = 0;
  for (igraph_integer_t i = 0; i < igraph_vector_size(&res); ++i) sum += VECTOR(res)[i];
  printf("%.6f %.10g\n", (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec),
         sum);
  igraph_vector_destroy(&res);
  igraph_destroy(&g);
  igraph_vector_int_destroy(&pivots);
  igraph_vector_int_destroy(&edges);
  free(e);
  free(p);
  return 0;
}

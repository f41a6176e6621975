// Writes the benchmark R-MAT graph (after FromEdges: duplicates collapsed,
// self-loops dropped) as little-endian uint32 (src, dst) pairs, so that
// igraph_reference.py --rmat PATH runs igraph on exactly the same graph.
#include <cstdio>

#include "graph_data.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT.bin\n", argv[0]);
    return 2;
  }
  const mitra::graph::CsrGraph& g = mitra::graph::bench::Rmat();
  std::FILE* f = std::fopen(argv[1], "wb");
  if (!f) return 1;
  for (uint32_t u = 0; u < g.num_nodes(); ++u) {
    for (uint32_t v : g.out_neighbors(u)) {
      const uint32_t pair[2] = {u, v};
      std::fwrite(pair, sizeof pair, 1, f);
    }
  }
  std::fclose(f);
  std::printf("%u nodes, %llu arcs\n", g.num_nodes(), static_cast<unsigned long long>(g.num_arcs()));
  return 0;
}

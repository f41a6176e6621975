#include "mitra/graph/kcore.h"

#include <algorithm>

namespace mitra::graph {

std::vector<uint32_t> CoreNumbers(const CsrGraph& g) {
  const uint32_t n = g.num_nodes();
  const Adjacency& out = g.out();
  const Adjacency* in = g.directed() ? &g.in() : nullptr;
  // Neighbour lists without self-loops: out-row, then (directed) in-row.
  auto for_each_neighbour = [&](uint32_t v, auto&& f) {
    for (uint32_t p = out.offsets[v]; p < out.offsets[v + 1]; ++p) {
      if (out.targets[p] != v) f(out.targets[p]);
    }
    if (in) {
      for (uint32_t p = in->offsets[v]; p < in->offsets[v + 1]; ++p) {
        if (in->targets[p] != v) f(in->targets[p]);
      }
    }
  };
  std::vector<uint32_t> deg(n, 0);
  uint32_t max_deg = 0;
  for (uint32_t v = 0; v < n; ++v) {
    uint32_t d = 0;
    for_each_neighbour(v, [&](uint32_t) { ++d; });
    deg[v] = d;
    max_deg = std::max(max_deg, d);
  }
  // Bucket sort by degree: vert holds the nodes by current degree, pos[v]
  // is v's index in vert, bin[d] where degree d starts.
  std::vector<uint32_t> bin(static_cast<size_t>(max_deg) + 2, 0), vert(n), pos(n);
  for (uint32_t v = 0; v < n; ++v) ++bin[deg[v] + 1];
  for (uint32_t d = 0; d <= max_deg; ++d) bin[d + 1] += bin[d];
  {
    std::vector<uint32_t> next(bin.begin(), bin.end() - 1);
    for (uint32_t v = 0; v < n; ++v) {
      pos[v] = next[deg[v]]++;
      vert[pos[v]] = v;
    }
  }
  // Take nodes in order of current degree; each neighbour with a larger
  // degree loses one, moving to the front of its bucket and then into the
  // bucket below.
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t v = vert[i];
    for_each_neighbour(v, [&](uint32_t u) {
      if (deg[u] > deg[v]) {
        const uint32_t du = deg[u], pu = pos[u], pw = bin[du], w = vert[pw];
        if (u != w) {
          pos[u] = pw;
          vert[pu] = w;
          pos[w] = pu;
          vert[pw] = u;
        }
        ++bin[du];
        --deg[u];
      }
    });
  }
  return deg;
}

}  // namespace mitra::graph

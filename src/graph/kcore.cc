#include "mitra/graph/kcore.h"

#include "peeling_order.h"

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
  for (uint32_t v = 0; v < n; ++v) for_each_neighbour(v, [&](uint32_t) { ++deg[v]; });
  // Take nodes in order of current degree; each neighbour with a larger
  // degree loses one.
  PeelingOrder order(deg);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t v = order[i];
    for_each_neighbour(v, [&](uint32_t u) { order.Lower(u, deg[v]); });
  }
  return deg;
}

}  // namespace mitra::graph

#include "mitra/graph/ktruss.h"

#include <algorithm>

#include "peeling_order.h"

namespace mitra::graph {
namespace {

// The undirected simple view: sorted neighbour rows without self-loops,
// with the id of each neighbour's edge ({u, v} numbered once).
struct SimpleView {
  std::vector<uint32_t> offsets, nbrs, edge;
  uint32_t num_edges = 0;
  // The id of edge {u, v}, or -1 (binary search in u's sorted row).
  int64_t Find(uint32_t u, uint32_t v) const {
    const auto b = nbrs.begin() + offsets[u], e = nbrs.begin() + offsets[u + 1];
    const auto it = std::lower_bound(b, e, v);
    return it != e && *it == v ? static_cast<int64_t>(edge[it - nbrs.begin()]) : -1;
  }
};

SimpleView View(const CsrGraph& g) {
  const uint32_t n = g.num_nodes();
  const Adjacency& out = g.out();
  const Adjacency* in = g.directed() ? &g.in() : nullptr;
  SimpleView s;
  s.offsets.assign(n + 1, 0);
  std::vector<uint32_t> row;
  for (uint32_t u = 0; u < n; ++u) {
    row.assign(out.targets.begin() + out.offsets[u], out.targets.begin() + out.offsets[u + 1]);
    if (in) row.insert(row.end(), in->targets.begin() + in->offsets[u],
                       in->targets.begin() + in->offsets[u + 1]);
    std::sort(row.begin(), row.end());
    row.erase(std::unique(row.begin(), row.end()), row.end());
    row.erase(std::remove(row.begin(), row.end(), u), row.end());
    s.nbrs.insert(s.nbrs.end(), row.begin(), row.end());
    s.offsets[u + 1] = static_cast<uint32_t>(s.nbrs.size());
  }
  // Edge ids in (smaller end, larger end) order; the larger end's entry
  // takes the id its partner got.
  s.edge.assign(s.nbrs.size(), 0);
  for (uint32_t u = 0; u < n; ++u) {
    for (uint32_t p = s.offsets[u]; p < s.offsets[u + 1]; ++p) {
      const uint32_t v = s.nbrs[p];
      if (u < v) {
        s.edge[p] = s.num_edges++;
      } else {
        const auto b = s.nbrs.begin() + s.offsets[v], e = s.nbrs.begin() + s.offsets[v + 1];
        s.edge[p] = s.edge[std::lower_bound(b, e, u) - s.nbrs.begin()];
      }
    }
  }
  return s;
}

}  // namespace

std::vector<uint32_t> TrussNumbers(const CsrGraph& g) {
  const uint32_t n = g.num_nodes();
  const SimpleView s = View(g);
  const uint32_t m = s.num_edges;
  std::vector<uint32_t> eu(m), ev(m);
  for (uint32_t u = 0; u < n; ++u) {
    for (uint32_t p = s.offsets[u]; p < s.offsets[u + 1]; ++p) {
      if (u < s.nbrs[p]) {
        eu[s.edge[p]] = u;
        ev[s.edge[p]] = s.nbrs[p];
      }
    }
  }
  // Support: the triangles on each edge, by merging the two sorted rows.
  std::vector<uint32_t> sup(m, 0);
  for (uint32_t e = 0; e < m; ++e) {
    uint32_t i = s.offsets[eu[e]], j = s.offsets[ev[e]];
    const uint32_t ie = s.offsets[eu[e] + 1], je = s.offsets[ev[e] + 1];
    while (i < ie && j < je) {
      if (s.nbrs[i] < s.nbrs[j]) {
        ++i;
      } else if (s.nbrs[i] > s.nbrs[j]) {
        ++j;
      } else {
        ++sup[e];
        ++i;
        ++j;
      }
    }
  }
  // Peeling in order of support (bucket sort, as the core numbers): the
  // edge of least support leaves with truss number support + 2, and each
  // triangle it closed lowers its two other edges' support, never below the
  // leaving edge's.
  PeelingOrder order(sup);
  std::vector<uint8_t> gone(m, 0);
  std::vector<uint32_t> truss(m, 0);
  for (uint32_t i = 0; i < m; ++i) {
    const uint32_t e = order[i];
    truss[e] = sup[e] + 2;
    gone[e] = 1;
    uint32_t u = eu[e], v = ev[e];
    if (s.offsets[u + 1] - s.offsets[u] > s.offsets[v + 1] - s.offsets[v]) std::swap(u, v);
    for (uint32_t p = s.offsets[u]; p < s.offsets[u + 1]; ++p) {
      const uint32_t w = s.nbrs[p];
      const uint32_t uw = s.edge[p];
      if (gone[uw]) continue;
      const int64_t vw = s.Find(v, w);
      if (vw < 0 || gone[vw]) continue;
      order.Lower(uw, sup[e]);
      order.Lower(static_cast<uint32_t>(vw), sup[e]);
    }
  }
  // Back to the arcs of graph.out().
  const Adjacency& out = g.out();
  std::vector<uint32_t> result(out.targets.size(), 0);
  for (uint32_t u = 0; u < n; ++u) {
    for (uint32_t p = out.offsets[u]; p < out.offsets[u + 1]; ++p) {
      const int64_t e = out.targets[p] == u ? -1 : s.Find(u, out.targets[p]);
      if (e >= 0) result[p] = truss[e];
    }
  }
  return result;
}

}  // namespace mitra::graph

// The pull kernel shared by the power iterations: for node v, the sum over
// its in-edges u->v of w(u,v) * z[u], reading one contiguous CSR row.
#ifndef MITRA_SRC_GRAPH_KERNELS_H_
#define MITRA_SRC_GRAPH_KERNELS_H_

#include <cstdint>
#include <vector>

#include "mitra/graph/csr_graph.h"

namespace mitra::graph {

template <bool kWeighted, class T>
inline double Pull(const Adjacency& in, uint32_t v, const T* z) {
  double s = 0;
  const uint32_t e = in.offsets[v + 1];
  const NodeId* t = in.targets.data();
  for (uint32_t p = in.offsets[v]; p < e; ++p) {
    if constexpr (kWeighted) {
      s += in.weights[p] * z[t[p]];
    } else {
      s += z[t[p]];
    }
  }
  return s;
}

// Out-weight per node (out-degree when unweighted).
inline std::vector<double> OutWeights(const CsrGraph& g, bool weighted) {
  const Adjacency& out = g.out();
  std::vector<double> w(g.num_nodes());
  for (uint32_t u = 0; u < g.num_nodes(); ++u) {
    if (!weighted) {
      w[u] = out.offsets[u + 1] - out.offsets[u];
      continue;
    }
    double s = 0;
    for (uint32_t p = out.offsets[u]; p < out.offsets[u + 1]; ++p) s += out.weights[p];
    w[u] = s;
  }
  return w;
}

}  // namespace mitra::graph

#endif  // MITRA_SRC_GRAPH_KERNELS_H_

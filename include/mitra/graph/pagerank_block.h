// PageRank across machines: one block's share of a power-iteration sweep.
//
// The power iteration of pagerank.h,
//
//   x' = d P^T x + d D(x) p + (1 - d) p,   D(x) = sum of x over dangling nodes,
//
// splits by source node: with the nodes cut into ranges [first, last) and
// each range's out-edges held together (a block), P^T x is the sum over the
// blocks of P_b^T x_b and D(x) the sum of their dangling masses, because a
// block holds every out-edge of its sources and so knows their out-weights.
// A machine holding a block computes its share here; whoever holds the
// blocks' results adds them up and applies the damping and the teleport
// vector (mitra.dask does; docs/SCALE.md).
#ifndef MITRA_GRAPH_PAGERANK_BLOCK_H_
#define MITRA_GRAPH_PAGERANK_BLOCK_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "mitra/graph/csr_graph.h"

namespace mitra::graph {

// y[v] = sum over the arcs u -> v with u in [first, last) of
// x[u - first] w(u, v) / W(u), W(u) the out-weight of u (its out-degree
// when the graph is unweighted or use_weights is false), and *dangling =
// the sum of x[u - first] over the u in [first, last) with W(u) = 0 (the
// dangling nodes of pagerank.h). y has g.num_nodes() entries, x has
// last - first, each finite. An arc whose source lies outside [first, last)
// is INVALID_ARGUMENT (it belongs to another block). y and *dangling are
// written only on success. Deterministic: sources in order, each source's
// arcs in target order.
absl::Status PageRankBlockProduct(const CsrGraph& g, uint32_t first, uint32_t last,
                                  absl::Span<const double> x, bool use_weights,
                                  absl::Span<double> y, double* dangling);

}  // namespace mitra::graph

#endif  // MITRA_GRAPH_PAGERANK_BLOCK_H_

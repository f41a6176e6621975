// Exact shortest-path betweenness (Brandes, "A faster algorithm for
// betweenness centrality", J. Math. Sociol. 25(2), 2001): O(nm) unweighted
// (breadth-first search), O(nm + n^2 log n) weighted (Dijkstra).
//
//   b(v) = sum over s != v != t of sigma_st(v) / sigma_st
//
// networkx's conventions (betweenness_centrality):
//  * a directed graph sums over ordered pairs (s, t); an undirected graph
//    over unordered pairs (the ordered sum halved);
//  * normalized: multiplied by 1 / ((n-1)(n-2)) (for n <= 2 left as is),
//    for directed and undirected graphs alike; with endpoints, by
//    1 / (n(n-1)) (for n < 2 left as is);
//  * endpoints: s and t also count as on their paths.
// Riondato & Kornaropoulos normalise by n(n-1) over ordered pairs instead:
// that is the unnormalised directed value / (n(n-1)), or for an undirected
// graph 2 x the unnormalised value / (n(n-1)); see sampled_betweenness.h.
//
// Weighted paths need positive weights (a zero weight makes shortest paths
// ambiguous); paths of equal length are found by exact floating-point
// equality of the sums, as networkx does, so integer weights are exact.
#ifndef MITRA_GRAPH_BETWEENNESS_H_
#define MITRA_GRAPH_BETWEENNESS_H_

#include <vector>

#include "absl/status/statusor.h"
#include "mitra/core/field_path.h"
#include "mitra/core/memory_budget.h"
#include "mitra/graph/csr_graph.h"

namespace mitra::graph {

struct BetweennessOptions {
  bool normalized = true;
  bool endpoints = false;
  // networkx defaults to weight=None (hop counts); here a weighted graph's
  // weights are used unless this is false.
  bool use_weights = true;
  // Sources are split over this many threads; each keeps its own
  // accumulator and they are added in a fixed order (deterministic for a
  // given thread count). 1..256.
  int threads = 1;
  // Pivot sampling (Brandes & Pich 2007; networkx's k and seed): when > 0,
  // only this many sources, drawn uniformly without replacement with
  // `seed`, and the sums scaled by n / k (an unbiased estimate; networkx
  // skips that factor for unnormalised directed graphs). No (eps, delta)
  // statement: see sampled_betweenness.h for that.
  uint32_t sample_sources = 0;
  uint64_t seed = 1;
  // The budget each thread's search state (up to 61 bytes per node) is
  // reserved from before it is allocated (memory_budget.h); nullptr:
  // MemoryBudget::Process().
  MemoryBudget* memory = nullptr;
  // How the caller names these options in errors (empty: as here).
  FieldPath names;
};

absl::StatusOr<std::vector<double>> Betweenness(const CsrGraph& graph,
                                                const BetweennessOptions& options = {});

// Edge betweenness (Brandes 2008, "On variants of shortest-path betweenness
// centrality"; networkx's edge_betweenness_centrality): per arc of
// graph.out(), in its order, the sum over pairs (s, t) of the shares of
// the s-t shortest paths through the arc. normalized: times 1 / (n(n-1))
// (n > 1); not normalized, an undirected graph's values are halved. An
// undirected edge's value is the sum of its two arcs' (networkx's value of
// the edge). The ties that bridge communities carry the most. Options as
// Betweenness; endpoints is INVALID_ARGUMENT (not defined for edges).
absl::StatusOr<std::vector<double>> EdgeBetweenness(const CsrGraph& graph,
                                                    const BetweennessOptions& options = {});

}  // namespace mitra::graph

#endif  // MITRA_GRAPH_BETWEENNESS_H_

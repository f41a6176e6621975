// Leiden community detection (Traag, Waltman & van Eck, "From Louvain to
// Leiden: guaranteeing well-connected communities", Sci. Rep. 9, 5233, 2019)
// on undirected weighted graphs, or on directed ones with the directed form
// of modularity (LeidenOptions::directed), and the quality of any partition.
//
// Both qualities are, up to a constant factor and term (paper, appendix),
//   H = sum over communities c of [ L_c - gamma' ||c||^2 / 2 ],
// so moving a node v into community C changes H by E(v, C) - gamma' ||v|| ||C||
// (E(v, C): the weight of v's edges into C; ||.||: the summed node weights):
//  * modularity (Newman & Girvan 2004, with resolution gamma, Reichardt &
//    Bornholdt 2006): ||v|| = weighted degree k_v, gamma' = gamma / 2m;
//      Q = sum_c [ L_c / m - gamma (K_c / 2m)^2 ]
//    (L_c: weight of c's internal edges, a self-loop counting once; K_c: the
//    sum of its degrees, a self-loop counting twice; as networkx/igraph);
//  * CPM, the constant Potts model (Traag, Van Dooren & Nesterov 2011):
//    ||v|| = node size (1 unless given), gamma' = gamma;
//      H = sum_c [ L_c - gamma * n_c (n_c - 1) / 2 ]   (as leidenalg).
// Each iteration: fast local moving (a queue of nodes to revisit), then the
// refinement (within each community, singletons merge at random, with
// probability proportional to exp(gain / randomness), only into
// well-connected subsets: this is what guarantees that every community is
// connected), then aggregation of the refined partition, with the
// unrefined partition as the aggregate's starting point; repeated until a
// level where every community is one node. Iterations repeat from the
// result until one leaves the partition unchanged, or max_iterations.
// Gains are in edge-weight units, as igraph's implementation.
#ifndef MITRA_GRAPH_LEIDEN_H_
#define MITRA_GRAPH_LEIDEN_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/core/field_path.h"
#include "mitra/graph/csr_graph.h"

namespace mitra::graph {

enum class LeidenQuality { kModularity, kCpm };

struct LeidenOptions {
  LeidenQuality quality = LeidenQuality::kModularity;
  double resolution = 1.0;   // gamma, finite and >= 0
  double randomness = 0.01;  // theta of the refinement, > 0
  uint64_t seed = 1;
  // 1..10000; stops earlier once an iteration changes nothing. 2 is igraph's and
  // leidenalg's default; a large value runs until the partition is stable
  // (on soc-Epinions1: 25-90 iterations for +0.002 modularity).
  int max_iterations = 2;
  bool use_weights = true;
  // Modularity only: the graph is directed and its arcs count as directed
  // (Leicht & Newman 2008): Q = sum_c [L_c / m - gamma Kout_c Kin_c / m^2],
  // m the arcs' total weight, a node's gain counting its arcs both ways
  // and its penalty the expected arcs between it and a community given
  // their out- and in-weights. false: the graph must be undirected.
  bool directed = false;
  // CPM only: a size per node (finite, >= 0); empty means 1 each.
  std::vector<double> node_sizes;
  // How the caller names these options in errors (empty: as here).
  FieldPath names;
};

struct LeidenResult {
  // Community per node, numbered 0..k-1 in order of each community's
  // smallest node (so equal partitions compare equal).
  std::vector<uint32_t> membership;
  uint32_t num_communities = 0;
  double quality = 0;  // modularity Q or CPM H of `membership`
  int iterations = 0;
  bool stable = false;  // the last iteration changed nothing
};

// INVALID_ARGUMENT for a directed graph without options.directed (use
// graph.Undirected()), options.directed on an undirected graph or with CPM,
// or bad options.
absl::StatusOr<LeidenResult> Leiden(const CsrGraph& graph, const LeidenOptions& options = {});

// Modularity of a partition (membership[v] < n). Directed graphs use the
// directed form (Leicht & Newman 2008), as networkx:
//   Q = sum_c [ L_c / m - gamma K_out_c K_in_c / m^2 ].
// INVALID_ARGUMENT when the graph has no edge weight (Q is undefined).
absl::StatusOr<double> Modularity(const CsrGraph& graph, absl::Span<const uint32_t> membership,
                                  double resolution = 1.0, bool use_weights = true);

// CPM quality of a partition (undirected graphs; node_sizes empty = 1).
absl::StatusOr<double> CpmQuality(const CsrGraph& graph, absl::Span<const uint32_t> membership,
                                  double resolution, absl::Span<const double> node_sizes = {},
                                  bool use_weights = true);

}  // namespace mitra::graph

#endif  // MITRA_GRAPH_LEIDEN_H_

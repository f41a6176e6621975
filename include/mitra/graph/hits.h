// HITS hubs and authorities (Kleinberg 1999) with networkx's semantics
// (hits): the authorities a are the principal right singular vector of the
// adjacency matrix A (A[u][v] = w(u, v)), the hubs h = A a, each scaled to
// sum 1. In a community's reply graph (asker -> answerer) the authorities
// are the members others turn to and the hubs those who ask them.
//
// Power iteration a <- A^T A a from the uniform vector, scaled to sum 1 at
// each step (A^T A is positive semi-definite and non-negative, so no shift
// is needed); stops when the L1 change of a is below `tolerance`;
// FAILED_PRECONDITION after max_iterations. The vectors are unique when A's
// largest singular value is simple (a disconnected graph may have several
// equal ones; then the result is the limit from the uniform start, which
// another method may not give). A graph without arcs of positive weight has
// no hubs or authorities: every value 0. An undirected graph counts each
// edge both ways (hubs = authorities).
#ifndef MITRA_GRAPH_HITS_H_
#define MITRA_GRAPH_HITS_H_

#include <vector>

#include "absl/status/statusor.h"
#include "mitra/core/field_path.h"
#include "mitra/graph/csr_graph.h"

namespace mitra::graph {

struct HitsOptions {
  double tolerance = 1e-12;    // > 0: the iteration stops on an L1 change below it
  int max_iterations = 10000;  // 1..100000
  // networkx's hits reads the 'weight' attribute; an unweighted graph has
  // weight 1. false: every arc counts 1.
  bool use_weights = true;
  // How the caller names these options in errors (empty: as here).
  FieldPath names;
};

struct HitsResult {
  std::vector<double> hubs;         // sum 1 (or all 0)
  std::vector<double> authorities;  // sum 1 (or all 0)
  int iterations = 0;
  double last_change = 0;  // L1 change of the authorities in the last step
};

absl::StatusOr<HitsResult> Hits(const CsrGraph& graph, const HitsOptions& options = {});

}  // namespace mitra::graph

#endif  // MITRA_GRAPH_HITS_H_

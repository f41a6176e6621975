// Eigenvector centrality (Bonacich 1972) with networkx's semantics
// (eigenvector_centrality): the principal eigenvector of A^T, where a node's
// score is the weighted sum of the scores of the nodes pointing to it (its
// in-edges). Power iteration on (A^T + I) from the uniform vector, scaled to
// unit Euclidean norm at each step; the +I shift leaves the eigenvectors
// unchanged and makes the iteration converge on periodic (e.g. bipartite)
// graphs. Stops when the L1 change is below `tolerance` (networkx's tol t
// corresponds to n * t here); FAILED_PRECONDITION after max_iterations.
#ifndef MITRA_GRAPH_EIGENVECTOR_H_
#define MITRA_GRAPH_EIGENVECTOR_H_

#include <vector>

#include "absl/status/statusor.h"
#include "mitra/core/field_path.h"
#include "mitra/graph/csr_graph.h"

namespace mitra::graph {

struct EigenvectorOptions {
  double tolerance = 1e-12;  // > 0: the iteration stops on a change below it
  int max_iterations = 10000;  // 1..100000
  // networkx defaults to weight=None (unweighted); here a weighted graph's
  // weights are used unless this is false.
  bool use_weights = true;
  // How the caller names these options in errors (empty: as here).
  FieldPath names;
};

struct EigenvectorResult {
  std::vector<double> centrality;  // unit L2 norm, non-negative
  int iterations = 0;
  double last_change = 0;
};

absl::StatusOr<EigenvectorResult> EigenvectorCentrality(const CsrGraph& graph,
                                                        const EigenvectorOptions& options = {});

}  // namespace mitra::graph

#endif  // MITRA_GRAPH_EIGENVECTOR_H_

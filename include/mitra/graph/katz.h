// Katz (1953) / Hubbell (1965) centrality, with networkx's semantics
// (katz_centrality):
//
//   x_v = alpha * sum over in-edges u->v of w(u,v) x_u + beta_v
//
// iterated from x = 0 until the L1 change is below `tolerance` (networkx's
// tol t corresponds to n * t here), then, when `normalized`, scaled to unit
// Euclidean norm as networkx does by default. The series converges only for
// alpha < 1 / lambda_max(A); otherwise the iteration diverges and the call
// returns FAILED_PRECONDITION after max_iterations. An undirected graph
// counts each edge both ways.
#ifndef MITRA_GRAPH_KATZ_H_
#define MITRA_GRAPH_KATZ_H_

#include <vector>

#include "absl/status/statusor.h"
#include "mitra/core/field_path.h"
#include "mitra/graph/csr_graph.h"

namespace mitra::graph {

struct KatzOptions {
  double alpha = 0.1;  // attenuation, > 0 and finite
  double beta = 1.0;   // exogenous term for every node (finite)
  // When non-empty, beta per node (overrides `beta`).
  std::vector<double> beta_per_node;
  double tolerance = 1e-12;  // > 0: the iteration stops on a change below it
  int max_iterations = 1000;  // 1..100000
  bool normalized = true;
  // networkx's katz_centrality defaults to weight=None (unweighted); here a
  // weighted graph's weights are used unless this is false.
  bool use_weights = true;
  // How the caller names these options in errors (empty: as here).
  FieldPath names;
};

struct KatzResult {
  std::vector<double> centrality;
  int iterations = 0;
  double last_change = 0;
};

absl::StatusOr<KatzResult> Katz(const CsrGraph& graph, const KatzOptions& options = {});

}  // namespace mitra::graph

#endif  // MITRA_GRAPH_KATZ_H_

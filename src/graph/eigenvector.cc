#include "mitra/graph/eigenvector.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "kernels.h"
#include "option_checks.h"

namespace mitra::graph {
namespace {

template <bool kWeighted>
bool Iterate(const CsrGraph& g, const EigenvectorOptions& o, EigenvectorResult* r) {
  const uint32_t n = g.num_nodes();
  const Adjacency& in = g.in();
  std::vector<double> x(n, 1.0 / n), next(n);
  while (r->iterations < o.max_iterations) {
    double ss = 0;
    for (uint32_t v = 0; v < n; ++v) {
      // (A^T + I) x: the node's own score plus what its in-neighbours send.
      const double y = x[v] + Pull<kWeighted>(in, v, x.data());
      next[v] = y;
      ss += y * y;
    }
    const double norm = ss > 0 ? std::sqrt(ss) : 1.0;
    double change = 0;
    for (uint32_t v = 0; v < n; ++v) {
      const double y = next[v] / norm;
      change += std::fabs(y - x[v]);
      x[v] = y;
    }
    ++r->iterations;
    r->last_change = change;
    if (change < o.tolerance) {
      r->centrality = std::move(x);
      return true;
    }
  }
  r->centrality = std::move(x);
  return false;
}

}  // namespace

absl::StatusOr<EigenvectorResult> EigenvectorCentrality(const CsrGraph& graph,
                                                        const EigenvectorOptions& o) {
  if (absl::Status s = CheckStoppingRule(o.tolerance, o.max_iterations, o.names); !s.ok())
    return s;
  if (graph.num_nodes() == 0) {
    // networkx raises NetworkXPointlessConcept on the null graph.
    return absl::InvalidArgumentError("eigenvector: the graph has no nodes");
  }
  EigenvectorResult r;
  const bool ok = graph.weighted() && o.use_weights ? Iterate<true>(graph, o, &r)
                                                    : Iterate<false>(graph, o, &r);
  if (!ok) {
    return absl::FailedPreconditionError(
        absl::StrCat("eigenvector: no convergence in ", r.iterations, " iterations (L1 change ",
                     r.last_change, " >= tolerance ", o.tolerance, ")"));
  }
  return r;
}

}  // namespace mitra::graph

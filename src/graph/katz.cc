#include "mitra/graph/katz.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "kernels.h"
#include "option_checks.h"
#include "vector_checks.h"

namespace mitra::graph {
namespace {

template <bool kWeighted>
void Iterate(const CsrGraph& g, const KatzOptions& o, const std::vector<double>& beta,
             KatzResult* r, bool* converged) {
  const uint32_t n = g.num_nodes();
  const Adjacency& in = g.in();
  std::vector<double> x(n, 0.0), next(n);
  *converged = false;
  while (r->iterations < o.max_iterations) {
    double change = 0;
    for (uint32_t v = 0; v < n; ++v) {
      next[v] = o.alpha * Pull<kWeighted>(in, v, x.data()) + beta[v];
      change += std::fabs(next[v] - x[v]);
    }
    x.swap(next);
    ++r->iterations;
    r->last_change = change;
    if (!std::isfinite(change)) break;  // diverged
    if (change < o.tolerance) {
      *converged = true;
      break;
    }
  }
  r->centrality = std::move(x);
}

}  // namespace

absl::StatusOr<KatzResult> Katz(const CsrGraph& graph, const KatzOptions& o) {
  if (absl::Status s = CheckRange(o.alpha, o.names("alpha"), o.alpha > 0, "finite and > 0"); !s.ok())
    return s;
  if (absl::Status s = CheckRange(o.beta, o.names("beta"), true, "finite"); !s.ok()) return s;
  if (absl::Status s = CheckStoppingRule(o.tolerance, o.max_iterations, o.names); !s.ok())
    return s;
  const uint32_t n = graph.num_nodes();
  std::vector<double> beta;
  if (o.beta_per_node.empty()) {
    beta.assign(n, o.beta);
  } else {
    if (absl::Status s = CheckNodeVector(o.beta_per_node, n, o.names("beta_per_node"), false); !s.ok())
      return s;
    beta = o.beta_per_node;
  }
  KatzResult r;
  if (n == 0) return r;
  bool converged;
  if (graph.weighted() && o.use_weights) {
    Iterate<true>(graph, o, beta, &r, &converged);
  } else {
    Iterate<false>(graph, o, beta, &r, &converged);
  }
  if (!converged) {
    return absl::FailedPreconditionError(absl::StrCat(
        "katz: no convergence in ", r.iterations, " iterations (L1 change ", r.last_change,
        "); alpha ", o.alpha, " must be below 1 / (largest eigenvalue of the adjacency matrix)"));
  }
  if (o.normalized) {
    double ss = 0;
    for (double v : r.centrality) ss += v * v;
    const double norm = std::sqrt(ss);
    if (norm > 0) {
      for (double& v : r.centrality) v /= norm;
    }
  }
  return r;
}

}  // namespace mitra::graph

#include "mitra/graph/katz.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "kernels.h"
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
  if (!(o.alpha > 0) || !std::isfinite(o.alpha)) {
    return absl::InvalidArgumentError(absl::StrCat("katz: alpha ", o.alpha, " must be > 0"));
  }
  if (!std::isfinite(o.beta)) return absl::InvalidArgumentError("katz: beta must be finite");
  if (!(o.tolerance >= 0) || !std::isfinite(o.tolerance)) {
    return absl::InvalidArgumentError(
        absl::StrCat("katz: tolerance ", o.tolerance, " must be finite and >= 0"));
  }
  if (o.max_iterations < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("katz: max_iterations ", o.max_iterations, " must be >= 1"));
  }
  const uint32_t n = graph.num_nodes();
  std::vector<double> beta;
  if (o.beta_per_node.empty()) {
    beta.assign(n, o.beta);
  } else {
    if (o.beta_per_node.size() != n) {
      return absl::InvalidArgumentError(absl::StrCat("katz: beta_per_node has ",
                                                     o.beta_per_node.size(), " values for ", n,
                                                     " nodes"));
    }
    for (uint32_t v = 0; v < n; ++v) {
      if (!std::isfinite(o.beta_per_node[v])) {
        return absl::InvalidArgumentError(absl::StrCat("katz: beta of node ", v, " is not finite"));
      }
    }
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

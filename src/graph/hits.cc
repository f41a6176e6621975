#include "mitra/graph/hits.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "kernels.h"
#include "option_checks.h"

namespace mitra::graph {
namespace {

// x scaled to sum 1; false when its sum is 0 (no arcs of positive weight).
bool ScaleToSumOne(std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += v;
  if (!(s > 0)) return false;
  for (double& v : x) v /= s;
  return true;
}

template <bool kWeighted>
absl::StatusOr<HitsResult> Iterate(const CsrGraph& g, const HitsOptions& o) {
  const uint32_t n = g.num_nodes();
  const Adjacency& out = g.out();
  const Adjacency& in = g.in();
  HitsResult r;
  std::vector<double> a(n, 1.0 / n), h(n), next(n);
  bool converged = false;
  while (r.iterations < o.max_iterations) {
    for (uint32_t u = 0; u < n; ++u) h[u] = Pull<kWeighted>(out, u, a.data());  // h = A a
    for (uint32_t v = 0; v < n; ++v) next[v] = Pull<kWeighted>(in, v, h.data());  // A^T h
    ++r.iterations;
    if (!ScaleToSumOne(next)) {  // no arcs of positive weight
      r.hubs.assign(n, 0.0);
      r.authorities.assign(n, 0.0);
      return r;
    }
    double change = 0;
    for (uint32_t v = 0; v < n; ++v) change += std::fabs(next[v] - a[v]);
    a.swap(next);
    r.last_change = change;
    if (change < o.tolerance) {
      converged = true;
      break;
    }
  }
  if (!converged) {
    return absl::FailedPreconditionError(absl::StrCat(
        "hits: no convergence in ", r.iterations, " iterations (L1 change ", r.last_change,
        "); raise max_iterations or tolerance"));
  }
  for (uint32_t u = 0; u < n; ++u) h[u] = Pull<kWeighted>(out, u, a.data());
  ScaleToSumOne(h);
  r.hubs = std::move(h);
  r.authorities = std::move(a);
  return r;
}

}  // namespace

absl::StatusOr<HitsResult> Hits(const CsrGraph& graph, const HitsOptions& o) {
  if (absl::Status s = CheckStoppingRule(o.tolerance, o.max_iterations, o.names); !s.ok())
    return s;
  if (graph.num_nodes() == 0) return HitsResult{};
  return graph.weighted() && o.use_weights ? Iterate<true>(graph, o) : Iterate<false>(graph, o);
}

}  // namespace mitra::graph

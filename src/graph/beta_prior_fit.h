// Empirical Bayes for per-arc success rates: the Beta(a, b) prior that
// maximises the marginal (beta-binomial) likelihood of the arcs' (successes,
// trials).
#ifndef MITRA_SRC_GRAPH_BETA_PRIOR_FIT_H_
#define MITRA_SRC_GRAPH_BETA_PRIOR_FIT_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "mitra/graph/influence_learning.h"

namespace mitra::graph {

// At most this many arcs per group enter the fit (an even stride over the
// group's arcs with trials): the prior's two numbers are then known far
// more precisely than any arc's rate, at a bounded cost.
inline constexpr uint64_t kMaxPriorFitArcs = 1 << 16;
// A group needs this many arcs with trials for a prior of its own (fewer:
// the pooled prior; fewer in all: Beta(1, 1)).
inline constexpr uint64_t kMinPriorFitArcs = 20;

// Maximises sum_k ln B(a + s_k, b + n_k - s_k) - ln B(a, b) over the arcs
// `arcs` (each with n_k > 0; s_k may be fractional) by Newton's method on
// (ln a, ln b) with a backtracking line search, from the method-of-moments
// start; a and b stay in [1e-3, 1e7]. No arcs: Beta(1, 1), fitted = false.
BetaPrior FitBetaPrior(absl::Span<const uint64_t> arcs, absl::Span<const double> successes,
                       absl::Span<const uint32_t> trials);

// The marginal log-likelihood above (for tests).
double BetaBinomialLogLikelihood(double a, double b, absl::Span<const uint64_t> arcs,
                                 absl::Span<const double> successes,
                                 absl::Span<const uint32_t> trials);

}  // namespace mitra::graph

#endif  // MITRA_SRC_GRAPH_BETA_PRIOR_FIT_H_

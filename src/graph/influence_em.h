// The EM method for the independent cascade (Saito, Nakano & Kimura, KES
// 2008) on the episodes of an action log: the evidence it needs (per arc the
// trials, per activation the arcs that may have caused it) and the
// iteration itself. docs/GRAPH.md, "Learning influence probabilities".
#ifndef MITRA_SRC_GRAPH_INFLUENCE_EM_H_
#define MITRA_SRC_GRAPH_INFLUENCE_EM_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "graph/action_episodes.h"
#include "mitra/core/memory_budget.h"
#include "mitra/graph/csr_graph.h"

namespace mitra::graph {

struct CascadeEvidence {
  // Per arc u -> v: episodes in which u acted while v had not yet (|D+| +
  // |D-| in Saito et al.), and those in which v then acted within the window
  // (|D+|).
  std::vector<uint32_t> trials, positives;
  // Per arc: the activations it alone may have caused (each credits it
  // with exactly 1 at every EM step).
  std::vector<uint32_t> sole;
  // The activations with two or more candidate parents (the arcs u -> v
  // whose window covers v's action): arcs[offsets[e] .. offsets[e+1]).
  std::vector<uint64_t> offsets{0};
  std::vector<uint32_t> arcs;
};

// Two passes over the trials (count, then fill). The candidate lists are
// reserved from `memory` under the parameter `window_name` (the caller's
// name of the window: their size grows with it) before they are allocated.
absl::StatusOr<CascadeEvidence> GatherCascadeEvidence(const CsrGraph& g, const Episodes& ep,
                                                      uint64_t window, MemoryReservation& memory,
                                                      absl::string_view window_name);

struct CascadeEm {
  std::vector<double> p;  // per arc; 0 for arcs without trials
  int iterations = 0;
  bool converged = false;
  double log_likelihood = 0;
};

// Iterates p_k <- (1 / trials_k) sum over the activations e that arc k may
// have caused of p_k / P_e, P_e = 1 - prod_{j in e} (1 - p_j), from
// p_k = positives_k / trials_k, until no p moves by more than `tolerance`
// or after `max_iterations`. `pooled`: one p shared by every arc (the
// maximum-likelihood uniform probability), the M-step summing over arcs.
CascadeEm RunCascadeEm(const CascadeEvidence& ev, int max_iterations, double tolerance,
                       bool pooled = false);

// sum_e log P_e + sum_k (trials_k - positives_k) log(1 - p_k).
double CascadeLogLikelihood(const CascadeEvidence& ev, absl::Span<const double> p);

}  // namespace mitra::graph

#endif  // MITRA_SRC_GRAPH_INFLUENCE_EM_H_

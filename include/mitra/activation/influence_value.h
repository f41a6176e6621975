// Customer influence value looking forward (after Kumar, Bhaskaran,
// Mirchandani & Shah, "Creating a measurable social media marketing
// strategy", Marketing Science 2013, whose CIV is the value a customer's
// influence brings in others): the expected value of the actions a
// customer's influence causes, under independent cascade with edge
// probabilities estimated from the data, with an interval that covers how
// uncertain those estimates are.
//
//   CIV_i = E_p[ sum over j != i of P_p(i activates j) v_j ]
//
// where v_j is the value of j's action (e.g. j's predicted CLV, given by the
// host) and the outer expectation is over the edge probabilities' posterior
// (each arc's p ~ Beta(alpha, beta), independent).
//
// Estimated with reverse-reachable sets (Borgs et al. 2014): for a root j
// drawn uniformly, the set RR(j) holds exactly the nodes that would
// activate j in one live-edge world, so n E[v_root 1(i in RR(root), i !=
// root)] is i's term above, and one collection of sets estimates every
// node's value at once. The sets come in batches; each batch draws one
// posterior world of probabilities, so the spread of the batch estimates
// is the posterior spread of CIV (plus sampling noise, which more sets
// shrink): the interval is the batches' mean +- z times their standard
// deviation.
#ifndef MITRA_ACTIVATION_INFLUENCE_VALUE_H_
#define MITRA_ACTIVATION_INFLUENCE_VALUE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/activation/diffusion.h"
#include "mitra/activation/posterior.h"
#include "mitra/core/field_path.h"
#include "mitra/core/memory_budget.h"

namespace mitra::activation {

struct InfluenceValueOptions {
  uint64_t rr_sets = 100000;  // per batch, 1..1e9
  uint32_t batches = 20;      // posterior worlds, 2..10000
  uint64_t seed = 1;
  double confidence = 0.9;    // of the intervals, in (0, 1)
  int threads = 1;            // 1..kMaxThreads
  // Per node, a factor on its own value: how many times it acts (e.g. its
  // expected purchases over the horizon, each one a cascade). Empty: 1.
  absl::Span<const double> source_weight;
  MemoryBudget* memory = nullptr;  // nullptr: the process's
  FieldPath names;
};

struct InfluenceValue {
  // Per node: the value its influence causes in others (mean over the
  // batches) and the interval; reach is the same with every v_j = 1 (the
  // expected number of others it activates).
  std::vector<double> value, low, high, reach;
  // Sum of value over the nodes, with its interval from the same batches
  // (the nodes' values move together across posterior worlds, so the
  // total's interval is not a sum of theirs).
  double total = 0, total_low = 0, total_high = 0;
  double sets_per_batch = 0;
  uint32_t batches = 0;
};

// value_i = source_weight_i x the sum above.
// INVALID_ARGUMENT names the option or array ("node_value[3]",
// "posterior.alpha: 2 values, but the graph has 5 arcs");
// RESOURCE_EXHAUSTED (naming `threads`) past the memory budget.
absl::StatusOr<InfluenceValue> EstimateInfluenceValue(const CsrGraph& g,
                                                      const ArcPosterior& posterior,
                                                      absl::Span<const double> node_value,
                                                      const InfluenceValueOptions& options);

}  // namespace mitra::activation

#endif  // MITRA_ACTIVATION_INFLUENCE_VALUE_H_

// Validation of learned influence probabilities on a later period: learn
// from the actions before a split time, then predict who acts on each item
// after it (docs/GRAPH.md, "Holdout validation").
//
// A unit is an (item, node) pair: an item with an action at or after the
// split, and a node that had not acted on it before the split. Its label is
// whether the node acts on the item after the split; its exposures are its
// in-neighbours that acted on the item (at any time) before it did (before
// the end of the log when it never did). Each model predicts
//   P = 1 - (1 - q_v) prod_{u exposed} (1 - p_uv),
// q_v being v's base rate: under the independent cascade models the rate of
// its training actions that no in-neighbour's window explains,
// (spontaneous_v + 1) / (training episodes + 2); for the no-influence
// baseline the rate of all its training actions, (A_v + 1) / (episodes + 2),
// with p = 0. The models: the learned posterior means, weighted cascade
// (p_uv = w_uv / in-weight of v), the uniform p fitted by EM on the training
// period, and no influence.
#ifndef MITRA_GRAPH_INFLUENCE_HOLDOUT_H_
#define MITRA_GRAPH_INFLUENCE_HOLDOUT_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "mitra/graph/csr_graph.h"
#include "mitra/graph/influence_learning.h"

namespace mitra::graph {

struct HoldoutOptions {
  int64_t split_time = 0;      // training: time < split_time; test: the rest
  InfluenceOptions learning;   // how the learned model is fitted
  // How the caller names split_time in errors (empty: as here);
  // learning.names names the learning options.
  FieldPath names;
};

struct HoldoutScore {
  double log_likelihood = 0;  // sum over units of y ln P + (1 - y) ln(1 - P)
  double mean_log_likelihood = 0;
  double auc = 0;             // ROC AUC, ties counting one half
};

struct HoldoutReport {
  HoldoutScore learned, weighted_cascade, uniform, no_influence;
  double uniform_p = 0;  // the fitted uniform probability
  uint64_t units = 0, positives = 0;
  uint64_t exposed_units = 0;  // units with at least one exposure
  uint64_t training_episodes = 0, test_episodes = 0;
  InfluenceModel model;  // the learned model (training period)
};

// INVALID_ARGUMENT as LearnInfluence, and FAILED_PRECONDITION
// "<names(split_time)>: ..." when either period has no action or the test
// period no unit of each label.
absl::StatusOr<HoldoutReport> EvaluateHoldout(const CsrGraph& g, const ActionLog& log,
                                              const HoldoutOptions& options);

// The options' one check (the learning options' for g).
absl::Status ValidateHoldoutOptions(const CsrGraph& g, const HoldoutOptions& options);

}  // namespace mitra::graph

#endif  // MITRA_GRAPH_INFLUENCE_HOLDOUT_H_

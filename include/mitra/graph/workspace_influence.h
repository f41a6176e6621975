// Influence probabilities learned from a workspace (docs/GRAPH.md,
// "Learning from a workspace"): the interaction graph (who attends to whom)
// and an action log read from one of the workspace's tables, then
// LearnInfluence with one Beta prior per interaction kind.
//
// Actions (node = the customer's dense index, so the model's arcs are the
// interaction graph's):
//  * kPurchases: each transaction with a product, item = the product; with
//    product_line set, only products of that category;
//  * kProgramJoins: a customer's first feedback on a co-creation program,
//    item = the program;
//  * kReferralConversions: a converted referral's referee, one item (a
//    customer converts once).
#ifndef MITRA_GRAPH_WORKSPACE_INFLUENCE_H_
#define MITRA_GRAPH_WORKSPACE_INFLUENCE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/core/field_path.h"
#include "mitra/core/workspace.h"
#include "mitra/graph/influence_holdout.h"
#include "mitra/graph/influence_learning.h"
#include "mitra/graph/interaction_graph.h"

namespace mitra::graph {

enum class ActionSource { kPurchases, kProgramJoins, kReferralConversions };

struct WorkspaceInfluenceOptions {
  InteractionGraphOptions graph;  // the arcs (kind weights, half-life, as_of)
  ActionSource action = ActionSource::kPurchases;
  std::string product_line;       // kPurchases only; empty: every product
  // Method, window, EM and interval settings. arc_groups must be empty (it
  // is filled with each arc's interaction kind); memory nullptr: the
  // workspace's budget.
  InfluenceOptions learning;
  // When set: also learn from the actions before this time (unix seconds)
  // and score the models on the actions at or after it (EvaluateHoldout).
  std::optional<int64_t> holdout_split;
  // How the caller names action, product_line and holdout_split in errors
  // (empty: as here); graph.names and learning.names name the rest.
  FieldPath names;
};

struct WorkspaceInfluence {
  InteractionGraph graph;
  // Per arc: the kind (mitra.v1.InteractionKind number) that contributed
  // most of its weight, which is also its prior group (model.priors[kind]).
  std::vector<uint8_t> arc_kind;
  InfluenceModel model;
  // With options.holdout_split: the holdout scores (and the model learned
  // on the training period).
  std::optional<HoldoutReport> holdout;
};

// The options' one check: INVALID_ARGUMENT "<names(option)>: <problem>"
// for action, holdout_split and learning.arc_groups, then the interaction
// graph's and the learning options' own checks (by graph.names and
// learning.names). The product line's existence is the data's, checked
// when the log is read.
absl::Status ValidateWorkspaceInfluenceOptions(const WorkspaceInfluenceOptions& options);

// INVALID_ARGUMENT as above and "<names(product_line)>: no product has the
// category ...".
absl::StatusOr<WorkspaceInfluence> LearnWorkspaceInfluence(const Workspace& ws,
                                                           const WorkspaceInfluenceOptions& options);
// The same on a workspace's tables (memory: options.learning.memory).
absl::StatusOr<WorkspaceInfluence> LearnWorkspaceInfluence(const Tables& tables,
                                                           const WorkspaceInfluenceOptions& options);

// The action log of a workspace (the rows described above); errors name
// the options by `names`.
absl::StatusOr<ActionLog> WorkspaceActionLog(const Tables& tables, ActionSource action,
                                             const std::string& product_line,
                                             const FieldPath& names = FieldPath());

}  // namespace mitra::graph

#endif  // MITRA_GRAPH_WORKSPACE_INFLUENCE_H_

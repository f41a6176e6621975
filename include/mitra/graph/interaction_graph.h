// The interaction graph of a workspace: who acts towards whom.
//
// One directed edge from -> to per pair of customers, weighing the sum over
// their interactions of kind_weight[kind] * interaction weight (1 when not
// given) * 2^(-age / half_life), where age = as_of - time (an interaction
// after as_of is not counted). Interactions without a target (VISIT, POST)
// and kinds weighing 0 add no edge. The default weights (docs/LEADERS.md)
// make an endorsement count most and a like least, and give FLAG 0: a flag is
// negative evidence, used by trust (leaders/reputation.h), not attention.
//
// Whole-workspace graphs have one node per customer (node = the customer's
// dense index). A community's subgraph has one node per member of that
// community (anyone with a membership of it, at any time, or an interaction
// tagged with it), in ascending customer order, and only the interactions
// tagged with that community.
#ifndef MITRA_GRAPH_INTERACTION_GRAPH_H_
#define MITRA_GRAPH_INTERACTION_GRAPH_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "mitra/core/field_path.h"
#include "mitra/core/tables.h"
#include "mitra/graph/csr_graph.h"

namespace mitra::graph {

// Indexed by the mitra.v1.InteractionKind number (0 = UNSPECIFIED is unused).
inline constexpr int kInteractionKinds = 11;
using KindWeights = std::array<double, kInteractionKinds>;

// reply 1, mention 1, like 0.5, endorsement 3, referral 2, visit 0, post 0,
// share 1, message 1, flag 0.
KindWeights DefaultKindWeights();

struct InteractionGraphOptions {
  KindWeights kind_weights = DefaultKindWeights();  // finite, >= 0
  // Exponential decay of an interaction's weight with its age; 0 = none.
  double half_life_days = 180;
  // Reference time for the ages; kNoTime = the latest interaction's time.
  int64_t as_of = kNoTime;
  bool keep_self_loops = false;
  // How the caller names these options in errors (empty: as here).
  FieldPath names;
};

struct InteractionGraph {
  CsrGraph graph;  // directed, weighted
  // node -> customer dense index (for the whole workspace: the identity).
  std::vector<Index> customer;
  int64_t as_of = kNoTime;  // the reference time used
};

// INVALID_ARGUMENT for a negative/non-finite weight or half-life.
absl::StatusOr<InteractionGraph> BuildInteractionGraph(const Tables& tables,
                                                       const InteractionGraphOptions& options);
// The subgraph of one community (dense community index); NOT_FOUND when out
// of range.
absl::StatusOr<InteractionGraph> BuildCommunityGraph(const Tables& tables, Index community,
                                                     const InteractionGraphOptions& options);

// Helpers shared with the leader scores (additive API).
//
// The name of an InteractionKind number in lower case ("reply", ...;
// "unspecified" for 0 and "unknown" out of range).
const char* InteractionKindName(int kind);
// The name of one kind's entry of a per-kind option:
// "kind_weights[4] (endorsement)".
std::string KindOption(absl::string_view option, int kind);
// The one validation of the options: INVALID_ARGUMENT naming the option in
// the caller's terms (`names`: "kind_weights[4] (endorsement)",
// "request.graph.half_life_days") for a negative or non-finite weight or
// half-life, or an as_of outside the schema's times.
absl::Status ValidateInteractionGraphOptions(const InteractionGraphOptions& options);
// The latest interaction time of the workspace (kNoTime when none).
int64_t LatestInteractionTime(const Tables& tables);
// 2^(-(as_of - time) / (half_life_days * 86400)); 1 when half_life_days is 0;
// 0 when time > as_of.
double DecayFactor(int64_t time, int64_t as_of, double half_life_days);
// The edge weight interaction `row` adds: kind weight * weight (NaN = 1) *
// decay; 0 for an interaction without a target, after as_of, or of a kind
// out of range.
double InteractionEdgeWeight(const InteractionTable& interactions, size_t row,
                             const KindWeights& kind_weights, double half_life_days,
                             int64_t as_of);

}  // namespace mitra::graph

#endif  // MITRA_GRAPH_INTERACTION_GRAPH_H_

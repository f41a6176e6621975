// Beta reputation (Jøsang & Ismail 2002): positive evidence r and negative
// evidence s about a member, each piece discounted by the forgetting factor
// lambda per period of its age; the reputation is the mean of
// Beta(r + 1, s + 1), E = (r + 1) / (r + s + 2), with its standard deviation
// (how sure) and the rating (r - s) / (r + s + 2).
#ifndef MITRA_LEADERS_REPUTATION_H_
#define MITRA_LEADERS_REPUTATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/core/field_path.h"
#include "mitra/core/tables.h"
#include "mitra/graph/interaction_graph.h"

namespace mitra::leaders {

// One piece of evidence about `target` (any dense node/customer index).
struct Evidence {
  Index target;
  int64_t time;     // unix seconds
  double positive;  // r contribution, finite >= 0
  double negative;  // s contribution, finite >= 0
};

struct BetaReputationOptions {
  double forgetting = 0.9;   // lambda in (0, 1]: 1 = never forget
  double period_days = 30;   // evidence of age a counts lambda^(a / period)
  int64_t as_of = kNoTime;   // kNoTime: the latest evidence time; later evidence is ignored
  // How the caller names these options in errors (empty: as here).
  FieldPath names;
};

struct BetaReputation {
  std::vector<double> r, s;       // discounted evidence, per target
  std::vector<double> reputation;  // (r + 1) / (r + s + 2)
  std::vector<double> stddev;      // of Beta(r + 1, s + 1)
  std::vector<double> rating;      // (r - s) / (r + s + 2), in (-1, 1)
};

absl::StatusOr<BetaReputation> ComputeBetaReputation(uint32_t num_targets,
                                                     absl::Span<const Evidence> evidence,
                                                     const BetaReputationOptions& options);

// Evidence from a workspace's interactions about their targets: the
// positive and negative weight of each kind (indexed by InteractionKind
// number) times the interaction's weight. Default: endorsement +1, like
// +0.25, flag -1 (negative 1), others 0. community = kNoIndex: all.
struct WorkspaceEvidenceOptions {
  graph::KindWeights positive{};  // zero-initialised: DefaultPositive() when all zero
  graph::KindWeights negative{};
  Index community = kNoIndex;
  // How the caller names these options in errors (empty: as here).
  FieldPath names;
};
graph::KindWeights DefaultPositiveEvidence();
graph::KindWeights DefaultNegativeEvidence();
std::vector<Evidence> WorkspaceEvidence(const Tables& tables,
                                        const WorkspaceEvidenceOptions& options);

// Helpers shared with the leader scores (additive API).
// The one validation of the options: INVALID_ARGUMENT naming "forgetting" /
// "period_days" in the caller's terms (`names`).
absl::Status ValidateBetaReputationOptions(const BetaReputationOptions& options);
// lambda^((as_of - time) / period); 0 for evidence after as_of.
double ForgettingFactor(int64_t time, int64_t as_of, const BetaReputationOptions& options);
// The one validation of the options: INVALID_ARGUMENT naming the weight in
// the caller's terms (`names`: "positive[4] (endorsement)",
// "request.evidence.positive[0].weight") for a negative or non-finite one.
absl::Status ValidateEvidenceOptions(const WorkspaceEvidenceOptions& options);
// The weights WorkspaceEvidence uses (the defaults when all zero).
graph::KindWeights EffectivePositiveEvidence(const WorkspaceEvidenceOptions& options);
graph::KindWeights EffectiveNegativeEvidence(const WorkspaceEvidenceOptions& options);

}  // namespace mitra::leaders

#endif  // MITRA_LEADERS_REPUTATION_H_

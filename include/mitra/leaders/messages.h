// Community leaders at the edges: mitra.v1 leaders messages (leaders.proto)
// <-> the C++ API of include/mitra/leaders/. Used by the C ABI and the CLI,
// so that they agree. Every request field is checked and errors name it
// ("request.damping: must be in [0, 1), got 1.5"): the request is converted
// into the C++ options, named in the request's terms (their `names`), and
// the C++ API's one validation words the errors; an unknown community or
// customer id is NOT_FOUND. Results go into caller-owned messages (the C ABI
// keeps them on an Arena).
#ifndef MITRA_LEADERS_MESSAGES_H_
#define MITRA_LEADERS_MESSAGES_H_

#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "mitra/core/workspace.h"
#include "mitra/leaders/community_health.h"
#include "mitra/leaders/leader_score.h"
#include "mitra/leaders/rank_ladder.h"
#include "mitra/leaders/reputation.h"
#include "mitra/v1/leaders.pb.h"

namespace mitra::leaders {

// The options of a request (or of a message inside one) that sits at `at`
// ("request", "request.leaders"), named so (their `names`, and the nested
// options' under it): the C++ API's one validation (FindLeaders,
// ComputeBetaReputation, ValidateEvidenceOptions, AssignRanks,
// ComputeHealth) words its errors in the request's terms. Only what exists
// on the wire alone is refused here (unknown enum values or kinds, a kind
// listed twice, a time outside the schema, fields not used here).
absl::StatusOr<LeaderOptions> LeaderOptionsFrom(const v1::LeadersRequest& request, const FieldPath& at);
absl::StatusOr<BetaReputationOptions> ReputationOptionsFrom(const v1::BetaReputationOptions& m,
                                                            const FieldPath& at);
absl::StatusOr<WorkspaceEvidenceOptions> EvidenceOptionsFrom(const v1::EvidenceWeights& m,
                                                             const FieldPath& at);
absl::StatusOr<RankLadder> RankLadderFrom(const v1::RankLadder& m, const FieldPath& at);
void RankLadderToMessage(const RankLadder& ladder, v1::RankLadder* out);
absl::StatusOr<HealthOptions> HealthOptionsFrom(const v1::HealthRequest& request);

// Leaders and bridges of every community (or request.community_id's).
absl::Status FindLeadersMessage(const Workspace& ws, const v1::LeadersRequest& request,
                                v1::LeadersReport* out);

// Per customer (every customer, or request.community_id's members): Beta
// reputation of the evidence about them, EigenTrust over who vouches for
// whom (positive minus negative evidence per pair, discounted like the
// reputation), and their level on the rank ladder.
absl::Status TrustMessage(const Workspace& ws, const v1::TrustRequest& request,
                          v1::TrustReport* out);

// Health per period and retention by joining cohort, per community.
absl::Status HealthMessage(const Workspace& ws, const v1::HealthRequest& request,
                           v1::HealthReport* out);

}  // namespace mitra::leaders

#endif  // MITRA_LEADERS_MESSAGES_H_

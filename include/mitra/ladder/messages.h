// The relationship ladder at the edges: mitra.v1 ladder messages
// (ladder.proto) <-> the C++ API of include/mitra/ladder/. Used by the C ABI,
// the CLI and the report, so that they agree. Every request field is checked
// and errors name it ("request.discount_rate: must be in [0, 100] (per
// year), got -1"); an unknown customer id is NOT_FOUND. Results go into
// caller-owned messages (the C ABI keeps them on an Arena).
#ifndef MITRA_LADDER_MESSAGES_H_
#define MITRA_LADDER_MESSAGES_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mitra/core/workspace.h"
#include "mitra/ladder/contribution.h"
#include "mitra/ladder/indicators.h"
#include "mitra/ladder/stage_rules.h"
#include "mitra/v1/ladder.pb.h"

namespace mitra::ladder {

// Rules from a message, named `where` ("request.rules"): their one
// validation (ValidateLadderRules, which AssignStages makes) words its
// errors in the request's terms. Only what exists on the wire alone is
// refused here (an unknown phase or indicator, a given at_most below 0);
// an empty message converts to rules that fail validation (requests treat
// it as "the default").
absl::StatusOr<LadderRules> LadderRulesFrom(const v1::LadderRules& m, absl::string_view where);
void LadderRulesToMessage(const LadderRules& rules, v1::LadderRules* out);

// Adopted changes naming customers by id (NOT_FOUND for an unknown one).
absl::StatusOr<std::vector<ChangeCredit>> ChangesFrom(
    const Workspace& ws, const google::protobuf::RepeatedPtrField<v1::ChangeCredit>& changes,
    absl::string_view where);

// Co-creation decisions (cocreation_analysis.proto), checked as the
// adoption report checks them (cocreation::DecisionsFrom: NOT_FOUND for an
// unknown id, INVALID_ARGUMENT naming "<where>[i].<field>"), as the changes
// they credit (cocreation::AdoptedChanges).
absl::StatusOr<std::vector<ChangeCredit>> ChangesFromDecisions(
    const Workspace& ws, const google::protobuf::RepeatedPtrField<v1::AdoptionDecision>& decisions,
    absl::string_view where);

// Stages with evidence and involvement per customer, stage counts and
// (when asked) the history with its transitions. When the rules use P_ALIVE
// or CLV, the value model of request.value_scoring is fitted at as_of (and
// at each period end) on the purchases before it; a fit that fails is
// FAILED_PRECONDITION.
absl::Status LadderMessage(const Workspace& ws, const v1::LadderRequest& request,
                           v1::LadderReport* out);

// The options of a contribution request, named as the request's fields
// (ComputeContributions validates them; as_of resolved; `changes` receives
// the adopted changes the options point to, checked).
absl::StatusOr<ContributionOptions> ContributionOptionsFrom(const Workspace& ws,
                                                            const v1::ContributionRequest& request,
                                                            std::vector<ChangeCredit>* changes);

// Referral value, influence value and co-creation credit per customer.
absl::Status ContributionMessage(const Workspace& ws, const v1::ContributionRequest& request,
                                 v1::ContributionReport* out);

}  // namespace mitra::ladder

#endif  // MITRA_LADDER_MESSAGES_H_

// Co-creation programs at the edges: mitra.v1 messages of
// cocreation_analysis.proto <-> the C++ API of include/mitra/cocreation/.
// Used by the C ABI, the CLI and the report, so that they agree. Every
// request field is checked and errors name it ("request.quotas[1].max: ...",
// "request.decisions[0].value: ..."); an unknown customer, program, product
// or community id is NOT_FOUND. Results go into caller-owned messages (the C
// ABI keeps them on an Arena).
#ifndef MITRA_COCREATION_MESSAGES_H_
#define MITRA_COCREATION_MESSAGES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_field.h"
#include "mitra/cocreation/adoption.h"
#include "mitra/cocreation/feedback.h"
#include "mitra/cocreation/panel.h"
#include "mitra/core/workspace.h"
#include "mitra/v1/cocreation_analysis.pb.h"

namespace mitra::cocreation {

// A trial panel: quotas, propensity-weighted seeded sampling, fatigue.
absl::Status PanelMessage(const Workspace& ws, const v1::PanelRequest& request,
                          v1::PanelReport* out);

// Feedback per program, product and attribute, with the shortfall tests.
absl::Status FeedbackMessage(const Workspace& ws, const v1::FeedbackRequest& request,
                             v1::FeedbackReport* out);

// What came of the decisions, per program, and each contributor's credit.
absl::Status AdoptionMessage(const Workspace& ws, const v1::AdoptionRequest& request,
                             v1::AdoptionReport* out);

// Decisions in C++ form, checked; `where` prefixes field names
// ("request.decisions" gives "request.decisions[2].program_id: ...").
// For callers that credit contributors (CoCreationCredit) from messages.
absl::StatusOr<std::vector<Decision>> DecisionsFrom(
    const Workspace& ws, const google::protobuf::RepeatedPtrField<v1::AdoptionDecision>& decisions,
    absl::string_view where);

// Decisions from a CSV file's text (docs/COCREATION.md, "Decisions file"):
// columns id, program_id, attribute, product_id, title, outcome (adopted or
// rejected), decided, effective (ISO 8601 or unix seconds), value,
// contributors and weights (";"-lists), before_mean, before_sd, before_n,
// after_mean, after_sd, after_n (all six empty: computed). Errors name
// "name:line:column (column)". Ids are not resolved here.
absl::StatusOr<std::vector<v1::AdoptionDecision>> DecisionsFromCsv(absl::string_view name,
                                                                   absl::string_view text);

}  // namespace mitra::cocreation

#endif  // MITRA_COCREATION_MESSAGES_H_

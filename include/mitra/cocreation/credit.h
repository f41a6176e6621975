// Co-creation credit: the money value of product changes that adopted
// feedback led to, shared among the customers who contributed it. One
// definition serves the adoption report (per contributor) and the ladder
// (the co-creation component of external-employee contribution, and the
// adopted_contributions indicator).
#ifndef MITRA_COCREATION_CREDIT_H_
#define MITRA_COCREATION_CREDIT_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "mitra/cocreation/adoption.h"
#include "mitra/core/tables.h"

namespace mitra::cocreation {

// A change with its value in money, when it was adopted, and who
// contributed the feedback. `shares` (empty: equal) weigh the contributors
// and are normalised to sum 1.
struct ChangeCredit {
  double value = 0;
  int64_t time = kNoTime;  // kNoTime: counts at any as_of
  std::vector<Index> contributors;
  std::vector<double> shares;
};

// How ValidateChanges's errors name the list and the contributors: the C++
// names by default; a message layer passes its own ("request.changes",
// "contributor_ids").
struct ChangeFieldNames {
  absl::string_view list = "changes";
  absl::string_view contributors = "contributors";
};

// INVALID_ARGUMENT naming "changes[i].<field>": value not finite or < 0, no
// contributors, a contributor out of range or listed twice, shares of
// another length, negative, not finite or summing to 0.
absl::Status ValidateChanges(absl::Span<const ChangeCredit> changes, size_t num_customers,
                             const ChangeFieldNames& names = {});

// The changes the decisions credit: the adopted ones with a value and at
// least one contributor of positive weight; the time is the effective time,
// else the decision's. Decisions are assumed checked (CheckDecisions).
std::vector<ChangeCredit> AdoptedChanges(absl::Span<const Decision> decisions);

// Per customer, credit[c] = sum over changes with time before as_of
// (kNoTime: every change) of value * share_c. Errors: ValidateChanges.
absl::StatusOr<std::vector<double>> CoCreationCredit(size_t num_customers,
                                                     absl::Span<const ChangeCredit> changes,
                                                     int64_t as_of = kNoTime);

}  // namespace mitra::cocreation

#endif  // MITRA_COCREATION_CREDIT_H_

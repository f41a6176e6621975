// Involvement: how a customer takes part in the business, passively (what
// they do: purchases, spend, visits) and actively (what they say and make:
// feedback, trials, referrals, community posts), per customer within one
// window. The first essay's two kinds of "external employee" involvement,
// as columns of the indicators in ladder/indicators.h.
#ifndef MITRA_LADDER_INVOLVEMENT_H_
#define MITRA_LADDER_INVOLVEMENT_H_

#include <array>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/core/tables.h"
#include "mitra/ladder/indicators.h"

namespace mitra::ladder {

enum InvolvementField {
  // passive
  kInvPurchases,     // transactions
  kInvSpend,         // sum of amounts
  kInvVisits,        // VISIT interactions made
  // active
  kInvFeedback,      // feedback responses
  kInvTrials,        // distinct co-creation programs answered
  kInvReferrals,     // referrals made (converted or not)
  kInvPosts,         // POST and REPLY interactions made: what the customer wrote
  kInvInteractions,  // interactions made of every kind but VISIT
  kNumInvolvementFields
};
const char* InvolvementFieldName(InvolvementField f);  // "purchases", ...
bool IsPassive(InvolvementField f);

struct Involvement {
  double window_days = 0;
  // column[field][customer]
  std::array<std::vector<double>, kNumInvolvementFields> column;
};

// Over [as_of - window_days, as_of) (window_days 0: all time). Errors: those
// of ComputeIndicators.
absl::StatusOr<Involvement> ComputeInvolvement(const Tables& tables, const IndicatorInputs& inputs,
                                               double window_days);

}  // namespace mitra::ladder

#endif  // MITRA_LADDER_INVOLVEMENT_H_

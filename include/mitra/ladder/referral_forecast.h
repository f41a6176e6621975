// Customer referral value looking forward (after Kumar, Petersen & Leone,
// "How valuable is word of mouth?", HBR 2007, and "Driving profitability by
// encouraging customer referrals", JSR 2010): what a customer's future
// referrals are worth, estimated from the workspace rather than assumed.
//
//   CRV_i = E[converted referrals of i in the next H days]
//           x (1 - s) x (v + A)
//
// * The count of future referrals comes from BG/NBD (Fader, Hardie & Lee
//   2005) fitted to the customers' referral histories: a customer is born
//   at her start (created, else first transaction, else first interaction),
//   x is the number of converted referrals she made after it, t_x the time
//   of the last, T her age at as_of, in weeks. BG/NBD's "alive, then drops
//   out after an event" reads: a customer keeps referring at her own rate
//   until she stops for good.
// * s, the share of referees who would have joined anyway, is estimated as
//   the share of converted referrals whose referee was already active
//   before the referral: a purchase, or a community membership begun,
//   before its time. A referral credited for a customer who was already
//   buying did not win her (Wilson interval).
// * v, the value of a referee, is the mean of `referee_value` (e.g. each
//   customer's predicted CLV from the value model, given by the host) over
//   the referees of past converted referrals; A, the acquisition cost a
//   referral saves, is given by the host.
//
// Intervals come from a bootstrap: customers resampled for the BG/NBD fit,
// converted referrals resampled for s and v, seeded and reproducible; each
// customer's interval is the percentiles of her CRV over the draws. Future
// money is not discounted (H is short next to a CLV's horizon).
#ifndef MITRA_LADDER_REFERRAL_FORECAST_H_
#define MITRA_LADDER_REFERRAL_FORECAST_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/core/field_path.h"
#include "mitra/core/memory_budget.h"
#include "mitra/core/tables.h"
#include "mitra/core/time_format.h"
#include "mitra/value/bgnbd.h"

namespace mitra::ladder {

struct ReferralForecastOptions {
  int64_t as_of = kNoTime;    // kNoTime: the latest referral or transaction
  double horizon_days = 365;  // H, > 0
  // Per customer (dense index), the value a referee brings; NaN or absent
  // (shorter vector) = unknown, left out of v.
  std::vector<double> referee_value;
  double acquisition_cost = 0;  // A, money >= 0
  uint32_t draws = 200;         // bootstrap draws, 2..10000
  uint64_t seed = 1;
  double confidence = 0.9;      // of the intervals, in (0, 1)
  MemoryBudget* memory = nullptr;  // for the draws; nullptr: the process's
  FieldPath names;
};

struct ReferralForecast {
  int64_t as_of = kNoTime;
  // The referral count model and how many customers it saw.
  value::BgNbdParams model;
  double log_likelihood = 0;
  uint32_t customers_fitted = 0;
  // s: referees already active before their referral.
  double joined_anyway_share = 0, joined_anyway_low = 0, joined_anyway_high = 0;
  uint32_t referees_seen = 0, referees_already_active = 0;
  // v: mean referee value over those referrals (0 when none is known).
  double referee_value = 0, referee_value_low = 0, referee_value_high = 0;  // bootstrap interval
  uint32_t referee_values_known = 0;
  // Per customer (dense index; 0 for customers not yet born at as_of).
  std::vector<double> expected_referrals;  // E[converted referrals in H]
  std::vector<double> crv, crv_low, crv_high;
  double total = 0, total_low = 0, total_high = 0;  // sum of crv
};

// INVALID_ARGUMENT names the option; FAILED_PRECONDITION when no customer
// has a start before as_of or no converted referral names its referee;
// RESOURCE_EXHAUSTED (naming `draws`) past the memory budget.
absl::StatusOr<ReferralForecast> ForecastReferralValue(const Tables& tables,
                                                       const ReferralForecastOptions& options);

}  // namespace mitra::ladder

#endif  // MITRA_LADDER_REFERRAL_FORECAST_H_

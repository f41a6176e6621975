// Transactions in discrete periods: the inputs of the sBG model (renewal
// cohorts) and of the BG/BB model (histories over opportunities) read from
// a workspace's transactions.
//
// The rules (docs/VALUE.md, "Discrete-time models on a workspace"):
//  - A transaction at time t falls in period floor((t - origin) / period);
//    the period holding `end` is the last observed, later ones are ignored.
//  - A customer's acquisition period a is the period of her first
//    transaction; her cohort is everyone with the same a.
//  - sBG: she is active after t renewals when she has a transaction in
//    period a + t or later, so survivors never rise, and a customer who
//    skips a period but comes back counts as active through it. A cohort is
//    followed for end - a renewals; cohorts with a = end are left out.
//  - BG/BB: her opportunities are the periods a + 1 .. end (n = end - a),
//    x the number of them with a transaction, t_x the index (1..n) of the
//    last of those (0 when x = 0). Customers with n = 0 are left out.
#ifndef MITRA_VALUE_DISCRETE_PERIODS_H_
#define MITRA_VALUE_DISCRETE_PERIODS_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace mitra::value {

// The most periods after a customer's first one that a grid may span (as
// BG/BB's opportunities are bounded).
inline constexpr int64_t kMaxDiscretePeriods = 10000;

struct PeriodGrid {
  int64_t period = 86400;  // seconds, > 0
  int64_t origin = 0;      // period boundaries: origin + k * period
  int64_t end = 0;         // unix seconds; its period is the last observed
};

// Acquisition cohorts in increasing period: cohort i was acquired in the
// period starting at start[i] (unix seconds) and survivors[i][t] of its
// customers are active after t renewals, t = 0..end - a.
struct RenewalCohorts {
  std::vector<int64_t> start;
  std::vector<std::vector<double>> survivors;
};

// Opportunity histories, one per customer (increasing customer key).
struct OpportunityHistories {
  std::vector<uint32_t> customer;
  std::vector<double> x, t_x, n;
};

// INVALID_ARGUMENT for columns of different lengths, a period <= 0, or
// more than kMaxDiscretePeriods periods after the first transaction.
absl::StatusOr<RenewalCohorts> RenewalCohortsOf(absl::Span<const uint32_t> customer,
                                                absl::Span<const int64_t> time,
                                                const PeriodGrid& grid);
absl::StatusOr<OpportunityHistories> OpportunityHistoriesOf(absl::Span<const uint32_t> customer,
                                                            absl::Span<const int64_t> time,
                                                            const PeriodGrid& grid);

}  // namespace mitra::value

#endif  // MITRA_VALUE_DISCRETE_PERIODS_H_

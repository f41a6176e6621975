// Community health over periods: is the community growing, keeping its
// members, and is its activity carried by a few?
//
// Periods are consecutive windows of `period_days` ending at as_of (the
// last one ends at as_of, exclusive of its start). Per community and period:
//   members        memberships current at the period's end (joined < end,
//                  not left before end)
//   active         members who made >= 1 interaction in the period
//   joined, left   memberships starting / ending in the period
//   growth         (members - members of the previous period) / previous
//                  (NaN for the first period or a previous count of 0)
//   top_share      share of the period's interaction count made by the top
//                  `top_fraction` of its active members (at least one member)
// Retention by joining cohort: members who joined in period j, the share
// still members (retained) and the share active (active) k periods later.
//
// Precisely (docs/LEADERS.md, "Community health"):
//   - period p (0 = oldest) is [as_of - (periods - p) * P, as_of - (periods
//     - 1 - p) * P) with P = period_days * 86400 rounded to the second;
//   - members counts distinct customers with a membership open at the
//     period's end (joined < end and (left unset or left >= end)); joined
//     and left count membership records whose joined / left falls in
//     [start, end);
//   - only interactions tagged with the community count, once each (weight
//     ignored); active = members (as above) who made one in the period;
//   - top_share = the interactions made by the k most active active members
//     over those made by all active members, k = ceil(top_fraction *
//     active) (1e-9 tolerance, so 0.1 * 30 is 3), at least 1;
//   - a customer's cohort is the period of their first join to the
//     community (none if before the first period); every period has a
//     cohort entry (cohorts[j].cohort_period == j), with NaN shares when it
//     is empty; retained[k] / active[k] are shares of the cohort counted as
//     members / active at period j + k.
// Bad options: INVALID_ARGUMENT naming the field ("options.period_days");
// community out of range: NOT_FOUND.
#ifndef MITRA_LEADERS_COMMUNITY_HEALTH_H_
#define MITRA_LEADERS_COMMUNITY_HEALTH_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/core/field_path.h"
#include "mitra/core/tables.h"

namespace mitra::leaders {

struct HealthOptions {
  double period_days = 30;   // > 0
  uint32_t periods = 12;     // >= 1, at most 1000
  int64_t as_of = kNoTime;   // kNoTime: the latest membership/interaction time + 1 s
  double top_fraction = 0.1; // in (0, 1]
  // How the caller names these options in errors (empty: as here).
  FieldPath names;
};

struct PeriodHealth {
  int64_t start, end;  // [start, end)
  uint32_t members = 0, active = 0, joined = 0, left = 0;
  double growth = 0;     // NaN when undefined
  double top_share = 0;  // NaN when there is no activity
};

struct CohortRetention {
  uint32_t cohort_period;  // index into periods
  uint32_t size;
  std::vector<double> retained;  // [k] for k = 0 .. periods - 1 - cohort_period
  std::vector<double> active;
};

struct CommunityHealth {
  Index community;
  std::vector<PeriodHealth> periods;  // oldest first
  std::vector<CohortRetention> cohorts;
};

// community = kNoIndex: every community, in index order.
absl::StatusOr<std::vector<CommunityHealth>> ComputeHealth(const Tables& tables,
                                                            const HealthOptions& options,
                                                            Index community = kNoIndex);

}  // namespace mitra::leaders

#endif  // MITRA_LEADERS_COMMUNITY_HEALTH_H_

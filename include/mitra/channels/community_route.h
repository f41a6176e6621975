// The community route: what activating community leaders buys,
// from an activation plan (include/mitra/activation/plan.h), set beside the
// chain.
//
// Reached customers = the plan's independent Monte-Carlo reach (mean and
// 95% interval), less the seeds themselves unless include_seeds (the
// leaders are customers already). Expected conversions = reached x the
// conversion rate per reached customer: given, or estimated from the
// workspace's referrals in the window (converted / all, with a Wilson 95%
// interval that widens the conversion interval). Cost per acquired
// customer = the plan's cost / expected conversions; its interval uses the
// conversion interval's ends. Expected profit = conversions x value per
// conversion - cost.
//
// The reach curve (the plan's response to money): cumulative cost against
// cumulative IMM marginal gain, seed by seed in the order chosen; the
// budget split takes conversion_rate x (that reach, less the seeds) as a
// piecewise-linear response.
#ifndef MITRA_CHANNELS_COMMUNITY_ROUTE_H_
#define MITRA_CHANNELS_COMMUNITY_ROUTE_H_

#include <cmath>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/core/field_path.h"
#include "mitra/activation/plan.h"
#include "mitra/core/tables.h"

namespace mitra::channels {

// What the route needs of a plan (from activation::PlanResult or the
// mitra.v1.Plan message).
struct PlanFigures {
  std::vector<double> costs;  // per seed, in the order chosen (> 0)
  std::vector<double> gains;  // IMM's marginal gain per seed
  double total_cost = 0;
  double reach = 0, reach_low = 0, reach_high = 0;  // the check, seeds included
};
PlanFigures FiguresOf(const activation::PlanResult& plan);

struct ConversionRate {
  double rate = 0;
  double low = 0, high = 0;  // Wilson 95% (given: = rate)
  uint64_t converted = 0, referrals = 0;
  bool from_referrals = false;
};
// converted / referrals in [start, end) with a Wilson interval at z.
// FAILED_PRECONDITION when there is no referral in the window.
absl::StatusOr<ConversionRate> ReferralConversionRate(const ReferralTable& referrals, int64_t start,
                                                      int64_t end, double z = 1.959963984540054);

struct CommunityRouteOptions {
  double conversion_rate = NAN;     // in (0, 1]; NaN: from the referrals
  double value_per_conversion = 0;  // finite, >= 0
  bool include_seeds = false;
  double extra_cost = 0;  // e.g. the program's own fixed cost, >= 0
  // How the caller names these options and the plan's figures ("plan") in
  // errors (empty: as here).
  FieldPath names;
};

struct CommunityRoute {
  double cost = 0;  // plan total + extra_cost
  uint64_t seeds = 0;
  double reached = 0, reached_low = 0, reached_high = 0;
  ConversionRate conversion;
  double conversions = 0, conversions_low = 0, conversions_high = 0;
  // cost / conversions (+inf when 0); low from conversions_high, high from
  // conversions_low.
  double cost_per_acquired = 0, cost_per_acquired_low = 0, cost_per_acquired_high = 0;
  double value_per_conversion = 0;
  double expected_profit = 0;
  // The reach curve: (0, 0), then after each seed (cumulative cost,
  // conversion rate x cumulative reach without the seeds unless
  // include_seeds): expected conversions against money.
  std::vector<double> curve_spend, curve_conversions;
};

// `rate` is the conversion rate to use (ReferralConversionRate, or a given
// one with low = high = rate). INVALID_ARGUMENT naming the option.
absl::StatusOr<CommunityRoute> EvaluateCommunityRoute(const PlanFigures& plan,
                                                      const ConversionRate& rate,
                                                      const CommunityRouteOptions& options);

}  // namespace mitra::channels

#endif  // MITRA_CHANNELS_COMMUNITY_ROUTE_H_

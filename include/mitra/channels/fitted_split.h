// The budget split between the chain and the community on the response
// curves fitted to the workspace's campaigns (workspace_campaigns.h), with
// how sure its ranking of the two routes is.
#ifndef MITRA_CHANNELS_FITTED_SPLIT_H_
#define MITRA_CHANNELS_FITTED_SPLIT_H_

#include <vector>

#include "absl/status/statusor.h"
#include "mitra/channels/budget_split.h"
#include "mitra/channels/campaign_effects.h"
#include "mitra/core/field_path.h"

namespace mitra::channels {

struct FittedSplit {
  std::vector<BudgetRoute> routes;  // chain, community: the fitted curves
  BudgetSplitResult split;
  // The share of the bootstrap draws (the curves' paired draws) whose own
  // split gives the same route more money than the other: the probability
  // that the ranking holds. Each draw's curves are split afresh because at
  // an interior optimum the marginal returns are equal by construction and
  // say nothing about the ranking.
  double ranking_probability = 0;
  // Per route, the interval of its response at its spend over the draws.
  std::vector<double> response_low, response_high;
};

// Splits `budget` (money >= 0) between the chain's curve and the
// community's, each unit of response worth `*_value` (>= 0); the curves
// need the same number of draws. `confidence` is the response intervals'.
absl::StatusOr<FittedSplit> SplitOnFittedCurves(double budget, const RouteCurve& chain,
                                                double chain_value, const RouteCurve& community,
                                                double community_value, double confidence,
                                                const FieldPath& names);

}  // namespace mitra::channels

#endif  // MITRA_CHANNELS_FITTED_SPLIT_H_

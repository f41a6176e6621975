// The effects of a workspace's campaigns: an outcome panel built from its
// transactions and interactions, each campaign measured on it
// (EstimateCampaignEffects) and each route's response to spend fitted
// (FitRouteCurve). docs/CHANNELS.md, "Campaign effects", gives the units
// and outcomes and why.
//
// Periods are period_seconds long from the window's start. Units and
// outcome per period:
//  * chain campaigns: every channel member of kind retailer, agent or
//    wholesaler; the money of the transactions sold through it;
//  * community campaigns: every customer another customer addressed an
//    interaction to in the window; the money spent by that unit's audience
//    (the customers who addressed it; one with several units counts for
//    each).
// A campaign's treated units are its members among the route's units; its
// comparison units those no campaign of the route treated in the window.
#ifndef MITRA_CHANNELS_WORKSPACE_CAMPAIGNS_H_
#define MITRA_CHANNELS_WORKSPACE_CAMPAIGNS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/channels/campaign_effects.h"
#include "mitra/core/field_path.h"
#include "mitra/core/workspace.h"

namespace mitra::channels {

inline constexpr int64_t kWeekSeconds = 7 * 86400;

struct WorkspaceCampaignOptions {
  // The window; absent start: the earliest campaign start less
  // baseline_periods periods, or the first transaction when that is later
  // (or baseline_periods is 0); absent end: the latest campaign end.
  std::optional<int64_t> start, end;
  int64_t period_seconds = kWeekSeconds;  // 3600 .. 366 days
  uint32_t baseline_periods = 8;          // 0: every period before
  double confidence = 0.95;
  uint32_t draws = 2000;                  // bootstrap draws per route
  uint64_t seed = 1;
  // Spends at which to compare the routes' curves; empty: the mean spend
  // of the campaigns both curves were fitted to.
  std::vector<double> compare_at;
  FieldPath names;
};

struct WorkspaceCampaignEffect {
  Index campaign = 0;  // index into the workspace's campaigns
  CampaignRoute route = CampaignRoute::kChain;
  uint32_t members = 0;          // its campaign_members rows
  uint32_t baseline_periods = 0;
  // estimated = false with a note when it is outside the window or too
  // small to measure.
  CampaignEffect effect;
  // What the estimates rest on: the campaign, the method, the units and
  // the periods (the source of their MoneyBasis).
  std::string source;
};

struct RouteOdds {
  double spend = 0;
  double probability_community_returns_more = 0;
};

struct WorkspaceCampaignEffects {
  int64_t start = 0, end = 0, period_seconds = 0;
  uint32_t periods = 0, baseline_periods = 0;
  double confidence = 0;
  std::vector<WorkspaceCampaignEffect> campaigns;  // every campaign, in order
  std::vector<RouteCurve> curves;                  // routes with a curve
  std::vector<RouteOdds> odds;                     // when both have one
  std::vector<std::string> notes;
};

// INVALID_ARGUMENT names the option; RESOURCE_EXHAUSTED when the panel
// (units x periods) would pass the workspace's memory budget. Routes or
// campaigns that cannot be measured are notes, not errors.
absl::StatusOr<WorkspaceCampaignEffects> WorkspaceCampaignEffectsOf(
    const Workspace& ws, const WorkspaceCampaignOptions& options);

}  // namespace mitra::channels

#endif  // MITRA_CHANNELS_WORKSPACE_CAMPAIGNS_H_

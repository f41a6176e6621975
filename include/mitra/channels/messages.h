// Channel economics at the edges: mitra.v1 channel_economics messages <->
// the C++ API of include/mitra/channels/. Used by the C ABI, the CLI and the
// demo, so that they agree. Every request field is checked and errors name
// it ("request.rates.per_order: must be finite and >= 0, got -1"); an
// unknown product id is NOT_FOUND. Results go into caller-owned messages
// (the C ABI keeps them on an Arena) and are written only on success.
#ifndef MITRA_CHANNELS_MESSAGES_H_
#define MITRA_CHANNELS_MESSAGES_H_

#include <string>

#include "absl/status/statusor.h"
#include "mitra/channels/budget_split.h"
#include "mitra/channels/workspace_campaigns.h"
#include "mitra/core/workspace.h"
#include "mitra/v1/campaign_effects.pb.h"
#include "mitra/v1/channel_economics.pb.h"

namespace mitra::channels {

// A response curve message; `where` prefixes field names.
absl::StatusOr<ResponseCurve> ResponseCurveFrom(const v1::BudgetResponse& m,
                                                const std::string& where);

// The whole workspace report: economics per member and route, margin
// stacks, conflict signals, the community route and the side-by-side
// comparison, and with a budget its split.
absl::Status ChannelEconomicsMessage(const Workspace& ws, const v1::ChannelRequest& request,
                                     v1::ChannelReport* out);

// The activation request the CLI and the demo use when the host gives no
// plan: the top `leaders` leaders of every community and the top `bridges`
// bridge leaders as candidates, all of them activated (k = leaders x
// communities + bridges, fewer when candidates coincide), each at
// `cost_per_leader`; when that is 0, at what the host already spends on its
// activists: the community-activist members' fixed cost for the request's
// window (default: the data's span) over leaders x communities; when there
// is none, default_cost is left unset (the activation default, 1, which the
// report's cost basis then calls assumed). `check_runs` Monte-Carlo runs
// check the reach.
v1::WorkspacePlanRequest DefaultActivation(const Workspace& ws, const v1::ChannelRequest& request,
                                           uint32_t leaders, uint32_t bridges,
                                           double cost_per_leader, uint64_t check_runs);

// The effects of the workspace's campaigns (workspace_campaigns.h); errors
// name the request's fields ("request.period_seconds: ...").
absl::Status CampaignEffectsMessage(const Workspace& ws, const v1::CampaignEffectsRequest& request,
                                    v1::CampaignEffectsReport* out);
// The report of WorkspaceCampaignEffectsOf's result.
void CampaignEffectsReportMessage(const Workspace& ws, const WorkspaceCampaignEffects& effects,
                                  v1::CampaignEffectsReport* out);
// The options of a campaign effects request, named under `names`.
absl::StatusOr<WorkspaceCampaignOptions> CampaignOptionsFrom(const v1::CampaignEffectsRequest& r,
                                                             const FieldPath& names);

// The budget split on its own (no workspace).
absl::Status BudgetSplitMessage(const v1::BudgetRequest& request, v1::BudgetSplit* out);

// Linear-demand closed forms: integrated and 1..max_tiers tiers.
absl::Status DoubleMarginalisationMessage(const v1::LinearDemandRequest& request,
                                          v1::DoubleMarginalisation* out);

}  // namespace mitra::channels

#endif  // MITRA_CHANNELS_MESSAGES_H_

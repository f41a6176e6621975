// Where the community route's figures and the side-by-side table's
// "community activation" column come from (docs/CHANNELS.md, "Where each
// figure comes from"): the plan's cost given or assumed, the conversion
// rate estimated (Wilson) or given, and the figures that depend on the
// expected conversions estimated, their intervals following from
// conversions_low / high. Internal to src/channels.
#ifndef MITRA_SRC_CHANNELS_COMMUNITY_BASES_H_
#define MITRA_SRC_CHANNELS_COMMUNITY_BASES_H_

#include "figure_bases.h"
#include "mitra/channels/community_route.h"
#include "mitra/core/money_basis.h"
#include "mitra/v1/activation.pb.h"
#include "mitra/v1/channel_economics.pb.h"

namespace mitra::channels {

// The plan's cost: the plan's own cost_basis (activation: GIVEN when
// every seed's cost is the host's, ASSUMED when default_cost = 1 stood in
// for some); GIVEN for a plan without one (passed in, its costs as passed).
MoneyBasis PlanCostBasis(const v1::WorkspacePlan& wp);

// The route's bases from the plan's cost and the value per conversion.
void CommunityBasesMessage(const CommunityRoute& route, const MoneyBasis& plan_cost,
                           const FigureInputs& value, v1::ChannelCommunityRoute* out);

// One column of the side-by-side table.
struct ColumnBases {
  MoneyBasis cost, cost_per_acquired, value_per_acquired, profit_per_acquired;
};

// An observed route's column, from the report's bases.
ColumnBases ObservedColumnBases(const FigureBases& b);

// The expected column: cost = the plan's + conversions x `variable` (the
// observed route's variable acquisition cost per customer, from
// `variable_inputs`), cost per acquired [cpa_low, cpa_high], value per
// acquired `value_per_acquired` from `value`.
ColumnBases ExpectedColumnBases(const CommunityRoute& route, const MoneyBasis& plan_cost,
                                double variable, const FigureInputs& variable_inputs,
                                double cpa_low, double cpa_high, double value_per_acquired,
                                const FigureInputs& value);

void ColumnBasesMessage(const ColumnBases& b, v1::ChannelRouteComparison* out);

}  // namespace mitra::channels

#endif  // MITRA_SRC_CHANNELS_COMMUNITY_BASES_H_

// The external-employee account looking forward: what each customer's
// future referrals and influence are worth, estimated from the workspace,
// each with an interval (docs/LADDER.md, "Looking forward").
//
// * Referral value: ForecastReferralValue (referral_forecast.h) with each
//   referee valued at what a new customer brings: the margin of her first
//   purchase plus her CLV from the fitted value model turned into margin,
//   v_j = first margin_j + m x CLV_j, where m is the workspace's margin
//   share (sum of transaction margins / sum of amounts before as_of;
//   indicators.h TransactionMargins). The share who would have joined
//   anyway is estimated there, not assumed.
// * Influence value (after Kumar, Bhaskaran, Mirchandani & Shah, Marketing
//   Science 2013): influence probabilities learned from the action log
//   (graph/workspace_influence.h), then
//     CIV_i = E[N_i(H)] x E_p[ sum over j != i of P_p(i activates j) m s_j ]
//   where N_i(H) is i's purchases over the horizon under the fitted
//   purchase model (each purchase a cascade i may start), s_j the expected
//   spend of j's purchase under the fitted spend model (the population's
//   mean for customers without purchases), and the expectation runs over
//   the learned posteriors of the edge probabilities
//   (activation/influence_value.h). The interval covers the estimates'
//   uncertainty and the sampling.
// Both are in margin, as the backward account is.
#ifndef MITRA_LADDER_FORWARD_VALUE_H_
#define MITRA_LADDER_FORWARD_VALUE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/activation/influence_value.h"
#include "mitra/core/field_path.h"
#include "mitra/core/memory_budget.h"
#include "mitra/core/workspace.h"
#include "mitra/graph/workspace_influence.h"
#include "mitra/ladder/referral_forecast.h"
#include "mitra/value/customer_value.h"

namespace mitra::ladder {

struct ForwardValueOptions {
  int64_t as_of = kNoTime;     // required; data before it is used
  double horizon_days = 365;   // H, > 0
  // The value model (its summary's calibration end is set to as_of - 1 s
  // and its purchase horizon to H; only model, period and unit, and the
  // CLV settings are read).
  value::CustomerValueOptions value;
  double default_margin_rate = 0.25;  // in [0, 1] (TransactionMargins)
  double acquisition_cost = 0;        // A per referee, given by the host
  // Influence learning (its graph's as_of is set to as_of - 1 s).
  graph::WorkspaceInfluenceOptions learning;
  uint32_t referral_draws = 200;  // the referral bootstrap, 2..10000
  uint64_t rr_sets = 20000;       // per posterior world, 1..1e9
  uint32_t worlds = 20;           // posterior worlds, 2..10000
  uint64_t seed = 1;
  double confidence = 0.9;        // of every interval, in (0, 1)
  int threads = 1;
  MemoryBudget* memory = nullptr;  // nullptr: the process's
  FieldPath names;
};

struct ForwardValue {
  int64_t as_of = kNoTime;
  double horizon_days = 0;
  double margin_share = 0;  // m
  // Per customer (dense order).
  std::vector<double> clv;                 // NaN: not scored (no purchase before as_of)
  std::vector<double> expected_purchases;  // over H; 0 when not scored
  std::vector<double> expected_spend;      // per purchase; the mean of the scored when not scored
  std::vector<double> influence, influence_low, influence_high;
  double influence_total = 0, influence_total_low = 0, influence_total_high = 0;
  ReferralForecast referral;  // crv in margin
  // What the estimates rest on, for the basis of each figure.
  std::string value_model;     // "BG/NBD + Gamma-Gamma on 4,211 customers"
  uint64_t actions = 0, episodes = 0, arcs_with_trials = 0, arcs = 0;
};

// INVALID_ARGUMENT names the option in the caller's terms;
// FAILED_PRECONDITION when the value or spend model cannot be fitted, or
// no converted referral names its referee (the messages say which).
absl::StatusOr<ForwardValue> EstimateForwardValue(const Workspace& ws,
                                                  const ForwardValueOptions& options);

}  // namespace mitra::ladder

#endif  // MITRA_LADDER_FORWARD_VALUE_H_

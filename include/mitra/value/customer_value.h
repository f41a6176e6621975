// Customer value end to end on a workspace: summaries, a fitted purchase
// model and Gamma-Gamma, then each customer's P(alive), expected purchases,
// expected spend, CLV and RFM segment. What `mitra value` and the report
// show, in one place.
#ifndef MITRA_VALUE_CUSTOMER_VALUE_H_
#define MITRA_VALUE_CUSTOMER_VALUE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/core/workspace.h"
#include "mitra/v1/value.pb.h"
#include "mitra/value/clv.h"
#include "mitra/value/parameter_draws.h"
#include "mitra/value/tracking.h"

namespace mitra::value {

struct CustomerValueOptions {
  v1::SummaryRequest summary;                    // calibration end, period, unit, holdout
  v1::ValueModel model = v1::VALUE_MODEL_BG_NBD;  // the purchase model
  double horizon = 0;                            // expected purchases over this many units
  ClvOptions clv;                                // periods, period_length (units), discount
  int threads = 1;
  // With a value: CLV intervals from the fits' parameter uncertainty
  // (prediction_intervals.h; draws, level, seed; memory and names unused:
  // the workspace's budget, the request's names).
  std::optional<DrawOptions> intervals;
  // With a value: the tracking series of the whole base over this grid,
  // its origin the summary request's (tracking.h).
  std::optional<TrackingGrid> tracking;
  // With intervals: how the parameters are drawn (value.proto's
  // IntervalMethod; UNSPECIFIED: the asymptotic normal).
  v1::IntervalMethod interval_method = v1::INTERVAL_METHOD_UNSPECIFIED;
  // Covariates from customer attributes: with keys in the summary request
  // (purchase_covariate_attributes, dropout_covariate_attributes) the
  // purchase model is fitted with them (L2 penalty covariate_penalty on the
  // coefficients) and each customer's P(alive), expected purchases, CLV and
  // holdout prediction use her own parameters, and so do the intervals
  // (each draw includes the coefficients) and the tracking series (every
  // tracked customer's covariates are read from the same attributes, those
  // born after the calibration end too).
  double covariate_penalty = 0;
};

struct CustomerValueTable {
  v1::CustomerSummaries summaries;
  v1::FittedModel purchase_model;
  // Gamma-Gamma needs repeat buyers with spend; when it cannot be fitted,
  // spend_error says why and expected_spend and clv are empty.
  std::optional<v1::FittedModel> spend_model;
  std::string spend_error;
  std::vector<double> p_alive, expected_purchases, expected_spend, clv;
  // With options.intervals and a spend model: each customer's CLV interval
  // and the total CLV's basis (ESTIMATED: the interval of the sum, the
  // method and the counts); when the fits give no covariance (a flat
  // optimum), interval_error says so and these stay empty.
  std::vector<double> clv_low, clv_high;
  std::optional<v1::MoneyBasis> clv_basis;
  std::string interval_error;
  // With the CLV intervals: the total expected purchases over the horizon
  // with its confidence interval (of the expectation), and the prediction
  // intervals of the realised purchases and revenue (RealisedInterval).
  std::optional<v1::PredictionInterval> purchases_interval;
  std::optional<v1::RealisedInterval> realised_purchases, realised_revenue;
  std::optional<v1::MoneyBasis> revenue_basis;
  v1::RfmResult rfm;
  // With a holdout in the summary request: predicted against actual.
  std::optional<v1::HoldoutValidation> holdout;
  // With a holdout and a spend model: expected against actual mean spend
  // per holdout transaction (ValidateSpendHoldout).
  std::optional<v1::HoldoutValidation> spend_holdout;
  // With options.tracking: expected and actual cumulative repeat purchases.
  std::optional<Tracking> tracking;
};

absl::StatusOr<CustomerValueTable> ScoreCustomers(const Workspace& ws,
                                                  const CustomerValueOptions& options);

}  // namespace mitra::value

#endif  // MITRA_VALUE_CUSTOMER_VALUE_H_

// Shifted-beta-geometric (sBG) model of contract renewal: Fader & Hardie,
// "How to project customer retention", Journal of Interactive Marketing
// 21(1), 2007, and "Customer-base valuation in a contractual setting: the
// perils of ignoring heterogeneity", Marketing Science 29(1), 2010.
//
// A subscriber renews at the end of each period with her own probability
// 1 - theta, theta ~ Beta(alpha, beta) across the cohort, so her lifetime T
// (in periods) is geometric given theta and, over the cohort,
//   P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta),  t = 1, 2, ...
//   S(t)     = B(alpha, beta + t) / B(alpha, beta)
// and the retention rate r(t) = S(t) / S(t - 1) = (beta + t - 1) /
// (alpha + beta + t - 1) rises with t: the cohort sorts itself, the leavers
// leave first. Plain geometric models (one theta) miss this and undervalue
// the base.
#ifndef MITRA_VALUE_SBG_H_
#define MITRA_VALUE_SBG_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "mitra/value/optimizer.h"

namespace mitra::value {

struct SbgParams {
  double alpha = 1, beta = 1;  // the Beta distribution of the churn probability
};

struct SbgFit {
  SbgParams params;
  FitReport report;  // standard_errors in the order alpha, beta
};

// One cohort: alive[t] customers still active at the start of period t + 1,
// i.e. after t renewal decisions, alive[0] the cohort's size (> 0). Counts
// are finite, >= 0 and never rise. Whole numbers are not required (a
// cohort may be scaled), so shares work as well as counts.
struct CohortSurvival {
  absl::Span<const double> alive;
  absl::string_view name = "cohort";  // how errors name it
  // How errors name the counts after `name`: "cohort alive[2]: ...", or
  // "request.cohorts[0].survivors[2]: ..." with name "request.cohorts[0]"
  // and column ".survivors".
  absl::string_view column = " alive";
};

// Sum over the periods observed of (alive[t-1] - alive[t]) ln P(T = t),
// plus alive[last] ln S(last) for those still active (right-censored);
// `grad` (2, may be null) its exact gradient in (alpha, beta).
absl::StatusOr<double> SbgLogLikelihood(const SbgParams& params, const CohortSurvival& cohort,
                                        double* grad = nullptr);

// Maximum likelihood on one cohort; default start alpha = beta = 1.
absl::StatusOr<SbgFit> FitSbg(const CohortSurvival& cohort, const FitOptions& options = {});

// S(t): the share of the cohort still active after t renewals (t >= 0).
double SbgSurvival(const SbgParams& params, int t);

// r(t) = S(t) / S(t - 1) for t >= 1.
double SbgRetentionRate(const SbgParams& params, int t);

// Discounted expected residual lifetime of a customer who has made
// `renewals` renewals and is about to decide on the next (Fader & Hardie
// 2010, eq. 6, with n - 1 = renewals): the expected number of further
// payments, each discounted by 1 / (1 + d) a period, the first undiscounted:
//   DERL = sum_{t >= n} S(t) / S(n - 1) (1 + d)^-(t - n)
//        = (beta + n - 1) / (alpha + beta + n - 1) 2F1(1, beta + n; alpha + beta + n; 1 / (1 + d)).
// Times the payment per period it is the customer's residual value.
// d must be finite and > 0 (with d = 0 the sum diverges when alpha <= 1).
absl::StatusOr<double> SbgDiscountedResidualLifetime(const SbgParams& params, double discount_rate,
                                                     int renewals);

// Retention elasticity of that residual lifetime: the percentage change in
// DERL when every future retention rate rises by 1 % (Fader & Hardie 2010),
// = d ln DERL / d ln(1 + e) at e = 0 with each r(t) scaled by (1 + e):
//   1 + z (beta + n) / (alpha + beta + n)
//     2F1(2, beta + n + 1; alpha + beta + n + 1; z) / 2F1(1, beta + n; alpha + beta + n; z),
// z = 1 / (1 + d): the discounted mean number of periods a payment waits.
absl::StatusOr<double> SbgRetentionElasticity(const SbgParams& params, double discount_rate,
                                              int renewals);

}  // namespace mitra::value

#endif  // MITRA_VALUE_SBG_H_

// Beta-geometric/beta-Bernoulli (BG/BB) model of repeat transactions at
// discrete opportunities (a yearly gala, a weekly class, an annual
// donation drive): Fader, Hardie & Shang, "Customer-base analysis in a
// discrete-time noncontractual setting", Marketing Science 29(6), 2010.
//
// While alive, a customer transacts at each opportunity with probability
// p ~ Beta(alpha, beta); before each opportunity after the first she dies
// with probability theta ~ Beta(gamma, delta), and death is unobserved. Her
// history over n opportunities is (x, t_x, n): x transactions, the last at
// opportunity t_x (0 when x = 0). With B the beta function,
//   L(x, t_x, n) = B(alpha + x, beta + n - x) / B(alpha, beta) B(gamma, delta + n) / B(gamma, delta)
//     + sum_{i=0}^{n-t_x-1} B(alpha + x, beta + t_x - x + i) / B(alpha, beta)
//                           B(gamma + 1, delta + t_x + i) / B(gamma, delta).
#ifndef MITRA_VALUE_BGBB_H_
#define MITRA_VALUE_BGBB_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "mitra/value/optimizer.h"

namespace mitra::value {

struct BgBbParams {
  double alpha = 1, beta = 1;   // the transaction probability's Beta
  double gamma = 1, delta = 1;  // the dropout probability's Beta
};

struct BgBbFit {
  BgBbParams params;
  FitReport report;  // standard_errors in the order alpha, beta, gamma, delta
};

// Rows are histories (the recency/frequency table, or one row a customer):
// x transactions in n opportunities, the last at t_x: whole numbers with
// 0 <= x <= t_x <= n, 1 <= n <= 10,000 and t_x = 0 exactly when x = 0;
// weight (optional, finite, >= 0) the customers with that history.
struct OpportunityData {
  absl::Span<const double> x;
  absl::Span<const double> t_x;
  absl::Span<const double> n;
  absl::Span<const double> weight = {};  // empty: every row weighs 1
  absl::string_view name = "histories";  // how errors name the rows
};

// Sum of weight * ln L; `grad` (4, may be null) its exact gradient.
absl::StatusOr<double> BgBbLogLikelihood(const BgBbParams& params, const OpportunityData& data,
                                         double* grad = nullptr);

// Maximum likelihood; default start alpha = beta = gamma = delta = 1.
absl::StatusOr<BgBbFit> FitBgBb(const OpportunityData& data, const FitOptions& options = {});

// P(alive at opportunity n + m | x, t_x, n), m >= 0 (m = 1: alive at the
// next opportunity, the paper's "P(alive in 2002)" after six years).
absl::Status BgBbProbabilityAlive(const BgBbParams& params, const OpportunityData& data, int m,
                                  absl::Span<double> out);

// E[transactions in the next m opportunities | x, t_x, n] (eq. 13).
absl::Status BgBbConditionalExpectedTransactions(const BgBbParams& params,
                                                 const OpportunityData& data, int m,
                                                 absl::Span<double> out);

// P(X(n) = x) for a new customer, x = 0..n: out has n + 1 entries (eq. 7);
// times the cohort's size, the in-sample fit table of repeat transactions.
absl::Status BgBbTransactionDistribution(const BgBbParams& params, int n, absl::Span<double> out);

}  // namespace mitra::value

#endif  // MITRA_VALUE_BGBB_H_

// Prediction intervals from parameter uncertainty: the one mechanism behind
// every interval of a value prediction (CLV, expected purchases, P(alive),
// expected spend).
//
// A fit by maximum likelihood on log-parameters gives an estimate and the
// asymptotic covariance of the log-parameters (FitReport.log_covariance).
// Draw D parameter vectors from that normal (seeded), evaluate a
// per-customer prediction for each, and read the interval of each customer
// and of the sum over customers off the D values: equal-tailed quantiles at
// `level` (type 7, percentile.h). The point is the prediction at the
// estimate, not the mean of the draws. What the interval covers: the
// parameters' sampling error only, not the process noise of a customer's
// future nor a resampling of the customers.
//
// Memory stays O(customers + D x a block) whatever D: the draws are made
// once, then customers are taken a block at a time and every draw is
// evaluated on the block, so the per-customer quantiles see all D values of
// a block's customers without D x customers ever being held. What it holds
// is reserved from the memory budget first (RESOURCE_EXHAUSTED naming
// `draws`).
#ifndef MITRA_VALUE_PARAMETER_DRAWS_H_
#define MITRA_VALUE_PARAMETER_DRAWS_H_

#include <cstdint>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/core/field_path.h"
#include "mitra/core/memory_budget.h"

namespace mitra::value {

// Natural parameters (each > 0) and the covariance of their logarithms,
// row-major; a parameter on the real line (a covariate's coefficient) is in
// the covariance as itself, not its logarithm. Independent models join
// block-diagonally (JoinIndependent).
struct UncertainParameters {
  std::vector<double> estimate;
  std::vector<double> log_covariance;  // estimate.size()^2
  // Per parameter, true: on the real line. Empty: every one > 0.
  std::vector<bool> real_line;
  bool IsReal(size_t i) const { return i < real_line.size() && real_line[i]; }
};

// a then b, with no covariance between them.
UncertainParameters JoinIndependent(const UncertainParameters& a, const UncertainParameters& b);

struct DrawOptions {
  int draws = 200;      // D, 2..100000
  double level = 0.9;   // in (0, 1): the 5% and 95% quantiles by default
  uint64_t seed = 0;    // the draws depend on it and the covariance alone
  MemoryBudget* memory = nullptr;  // nullptr: the process's
  FieldPath names;      // how the caller names draws, level
  // The values are counts (realised purchases): per-customer intervals are
  // the inverse-CDF quantiles of the D values, with the shares of the mass
  // at each endpoint inside the central band (PredictionIntervals).
  bool discrete = false;
};

// INVALID_ARGUMENT naming draws or level unless they are in range.
absl::Status CheckDrawOptions(const DrawOptions& options);

// The D parameter vectors (D x n, row-major, natural parameters):
// exp(ln estimate + L z), L the Cholesky factor of the covariance and z
// standard normal (estimate + (L z)_i for a parameter on the real line). A draw that `accept` refuses (a region where the
// prediction does not exist, e.g. Gamma-Gamma's q <= 1) is drawn again,
// counted in *redrawn; more redraws than D is FAILED_PRECONDITION (the
// estimate is too close to the region's edge for its uncertainty).
// FAILED_PRECONDITION when the covariance is missing or not positive
// definite.
absl::StatusOr<std::vector<double>> DrawParameters(
    const UncertainParameters& model, const DrawOptions& options,
    absl::FunctionRef<bool(absl::Span<const double>)> accept, int* redrawn);

// Fills out[0..end-begin) with the prediction for customers [begin, end)
// at natural parameters `params`.
using DrawEvaluator = absl::FunctionRef<absl::Status(absl::Span<const double> params,
                                                    size_t begin, size_t end,
                                                    absl::Span<double> out)>;

struct PredictionIntervals {
  std::vector<double> estimate, low, high;  // per customer
  double total = 0, total_low = 0, total_high = 0;  // the sum over customers
  // With DrawOptions.discrete: per customer, of the D values' probability
  // at low (at high), the share inside the central `level` band, so that a
  // value y is covered with weight 1 inside (low, high), low_share at low,
  // high_share at high (randomised coverage, mean `level` if calibrated).
  std::vector<double> low_share, high_share;
};

// The intervals of one prediction for `customers` customers from the draws
// of DrawParameters (`draws`, D x estimate.size()). `evaluate` is called in
// a fixed order, which a simulating evaluator may key its random streams
// on: first at the estimate for all customers, then for each block of
// customers in order, at draws 0..D-1 in order.
absl::StatusOr<PredictionIntervals> IntervalsFromDraws(absl::Span<const double> estimate,
                                                       absl::Span<const double> draws,
                                                       size_t customers, DrawEvaluator evaluate,
                                                       const DrawOptions& options);

}  // namespace mitra::value

#endif  // MITRA_VALUE_PARAMETER_DRAWS_H_

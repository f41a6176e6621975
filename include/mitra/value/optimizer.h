// The one maximum-likelihood mechanism of the customer-value models: BFGS on
// the logarithms of the (positive) parameters, a strong-Wolfe line search
// (Nocedal & Wright, Numerical Optimization, 2nd ed., Alg. 3.5-3.6) and the
// model's exact gradient; standard errors from the Hessian.
#ifndef MITRA_VALUE_OPTIMIZER_H_
#define MITRA_VALUE_OPTIMIZER_H_

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "mitra/core/field_path.h"

namespace mitra::value {

struct FitOptions {
  // L2 penalty on the natural parameters, lifetimes' penalizer_coef: the fit
  // minimises -LL / W + penalizer * sum(theta^2), W = total weight.
  double penalizer = 0;  // finite, >= 0
  int max_iterations = 500;  // 1..10000: no fit holds a thread for minutes
  // Convergence: max |d objective / d log theta| below this, or (with that
  // norm below max(1e-6, 1000 * this)) a predicted or achieved decrease of
  // the objective below ~5e-14 of it, the rounding of a sum over many
  // customers, where no further step can be verified.
  double gradient_tolerance = 1e-9;
  // Starting point in natural parameters (each finite, > 0); empty = the
  // model's default.
  std::vector<double> initial;
  // Standard errors cost one extra gradient per parameter.
  bool standard_errors = true;
  // Threads for the likelihood sums (BG/NBD, MBG/NBD, Pareto/NBD); results
  // do not depend on it beyond the last bits of the sums. 1 = the calling
  // thread only. 1..256.
  int threads = 1;
  // Purchase-model fits without covariates (BG/NBD, MBG/NBD, Pareto/NBD):
  // rows with identical (x, t_x, T) merged into one weighted row first
  // (GroupIdentical) when that at least halves them. Exact: the likelihood
  // depends on a customer only through (x, t_x, T), so the optimum and the
  // standard errors are the same up to the rounding of the sums. false:
  // the rows as given.
  bool group_identical = true;
  // How the caller names these options in errors (empty: as here;
  // "initial[1]" for an entry of `initial`).
  FieldPath names;
};

// The validation of the options but `initial` (each fit runs it through
// MaximizeLikelihood, which checks the starting point it is given, named
// as options.initial's entries): INVALID_ARGUMENT naming the option in the
// caller's terms ("penalizer: must be finite and >= 0, got -1",
// "FitRequest.options.penalizer: ...").
absl::Status CheckFitOptions(const FitOptions& options);

struct FitReport {
  double log_likelihood = 0;  // sum of weight * ln L at the optimum, no penalty
  double objective = 0;       // -log_likelihood / W + penalty
  int iterations = 0;
  int evaluations = 0;       // likelihood + gradient evaluations
  double gradient_norm = 0;  // max |d objective / d log theta| at the end
  double total_weight = 0;   // W: number of customers the fit saw
  // Rows the likelihood summed over, after FitOptions::group_identical's
  // merging: set by the BG/NBD, MBG/NBD and Pareto/NBD fits, 0 by the others.
  int64_t rows = 0;
  // One per parameter, from the inverse of the Hessian of
  // -LL + W * penalizer * sum(theta^2) in natural parameters (forward
  // differences of the exact gradient). Empty when that Hessian is not
  // positive definite (a flat or boundary optimum): no made-up numbers.
  std::vector<double> standard_errors;
  // The asymptotic covariance of the log-parameters ln theta, row-major
  // (n x n, same order): the same inverse Hessian carried to ln theta,
  // Cov(ln a, ln b) = Cov(a, b) / (a b), so its diagonal is
  // (standard_error / theta)^2. Empty exactly when standard_errors is. What
  // prediction intervals draw from (prediction_intervals.h).
  std::vector<double> log_covariance;
  // An optimum that is not an interior maximum, which a host must not read
  // as a fit: the parameters (by index) that ran towards 0 (below 1e-6) or
  // infinity (above 1e8), where the likelihood keeps rising without a
  // maximum (nobody repeats, say, and r runs to 0), and whether the
  // Hessian there is not positive definite (a flat direction; no standard
  // errors). FitBoundaryReason says it in words.
  std::vector<size_t> boundary_parameters;
  bool flat = false;
  bool AtBoundary() const { return flat || !boundary_parameters.empty(); }
};

// Why the fit is at a boundary, naming the parameters by `names` (same
// order as `params`); empty for an interior optimum.
std::string FitBoundaryReason(const FitReport& report, absl::Span<const std::string> names,
                              absl::Span<const double> params);

struct MleResult {
  std::vector<double> params;  // natural parameters
  FitReport report;
};

// Sum of weighted log-likelihoods at natural parameters `params`; writes its
// gradient with respect to them to `grad`. A non-finite return value marks a
// point outside the model's domain.
using LogLikelihoodFn = absl::FunctionRef<double(const double* params, double* grad)>;

// A log-likelihood that someone else computes (a host adding up blocks of
// customers held elsewhere) and that may fail. Evaluate(f) runs f(&value)
// and returns the value; after the first failure f is not called again
// and NaN comes back, a point outside the domain that stops the optimiser
// soon. failed() then says so, and Aborted() at which evaluation.
class FallibleLikelihood {
 public:
  template <class F>
  double Evaluate(F&& f) {
    if (failed_) return std::numeric_limits<double>::quiet_NaN();
    ++calls_;
    double v = 0;
    if (!f(&v)) {
      failed_ = true;
      return std::numeric_limits<double>::quiet_NaN();
    }
    return v;
  }
  bool failed() const { return failed_; }
  absl::Status Aborted() const {
    return absl::AbortedError(absl::StrCat("the log-likelihood's evaluation ", calls_,
                                           " failed: the fit stopped"));
  }

 private:
  bool failed_ = false;
  int calls_ = 0;
};

// Maximises `log_likelihood` over positive parameters starting at `initial`
// (options.initial or the model's default; an entry that is not finite and
// > 0 is INVALID_ARGUMENT naming options.initial's entry: "initial[1]",
// "FitRequest.options.initial.alpha"), and INVALID_ARGUMENT for options
// CheckFitOptions refuses.
// Errors (never NaN parameters): FAILED_PRECONDITION when the likelihood is
// not finite at the start, when the line search cannot make progress away
// from an optimum, or when max_iterations pass without convergence; the
// message names the model, the iteration and the gradient norm.
absl::StatusOr<MleResult> MaximizeLikelihood(std::string_view model,
                                             absl::Span<const double> initial, double total_weight,
                                             LogLikelihoodFn log_likelihood,
                                             const FitOptions& options);

// Fits whose parameters are not all positive: regression coefficients of
// covariates (covariates.h) are real. The first `positive` parameters are
// > 0 and optimised on their logarithms as above; the rest are real and
// optimised as they are, with their own L2 penalty: the objective adds
// penalizer * sum(coefficient^2) (on the -LL / W scale of
// FitOptions::penalizer, which applies to the positive ones only).
struct RealParameters {
  size_t positive = 0;
  double penalizer = 0;  // finite, >= 0 (the caller checks it)
};

// MaximizeLikelihood with real parameters after the first real.positive:
// their entries of `initial` need only be finite; the report's
// log_covariance is then the covariance of (ln theta, coefficients), the
// coordinates the optimizer moves in, and boundary_parameters considers the
// positive parameters only (a coefficient has no boundary).
absl::StatusOr<MleResult> MaximizeLikelihood(std::string_view model,
                                             absl::Span<const double> initial, double total_weight,
                                             LogLikelihoodFn log_likelihood,
                                             const FitOptions& options,
                                             const RealParameters& real);

}  // namespace mitra::value

#endif  // MITRA_VALUE_OPTIMIZER_H_

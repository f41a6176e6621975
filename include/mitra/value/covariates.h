// Time-invariant covariates on the purchase and dropout processes of
// BG/NBD, MBG/NBD and Pareto/NBD, parametrised as CLVTools does
// (Bachmann, Meierer & Naef; Fader & Hardie 2007, "Incorporating
// time-invariant covariates into the Pareto/NBD and BG/NBD models"):
// customer i with purchase covariates z1_i and dropout covariates z2_i has
//   alpha_i = alpha exp(-gamma1' z1_i)                    (all three models)
//   a_i = a exp(gamma2' z2_i),  b_i = b exp(gamma2' z2_i) (BG/NBD, MBG/NBD)
//   beta_i = beta exp(-gamma2' z2_i)                      (Pareto/NBD)
// with r (and s) shared. A positive purchase coefficient raises the mean
// purchase rate r / alpha_i; a positive dropout coefficient of Pareto/NBD
// raises the mean dropout rate s / beta_i, and of the BG models scales a
// and b together, keeping the mean dropout probability a / (a + b) and
// making it less heterogeneous. Each customer's likelihood is the closed
// form without covariates at her own parameters.
#ifndef MITRA_VALUE_COVARIATES_H_
#define MITRA_VALUE_COVARIATES_H_

#include <array>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/core/field_path.h"
#include "mitra/value/clv.h"
#include "mitra/value/customer_data.h"
#include "mitra/value/optimizer.h"
#include "mitra/value/tracking.h"

namespace mitra::value {

enum class CovariateModel { kBgNbd, kMbgNbd, kParetoNbd };

// "BG/NBD", "MBG/NBD", "Pareto/NBD".
const char* CovariateModelName(CovariateModel model);

// K named columns for n customers, row-major: values[i * K + k] is column
// k of customer i (the order of CustomerData's rows). K = 0 is no
// covariates on that process.
struct CovariateColumns {
  std::vector<std::string> names;
  std::vector<double> values;
  size_t columns() const { return names.size(); }
};

struct Covariates {
  CovariateColumns purchase, dropout;
  // L2 penalty on the coefficients, on the scale of FitOptions::penalizer:
  // the fit minimises -LL / W + penalty * sum(gamma^2) (plus the
  // penalizer's term on the four model parameters). 0: maximum likelihood.
  double penalty = 0;  // finite, >= 0
  // How the caller names these fields in errors: "purchase_covariates",
  // "purchase_covariate_names", "dropout_covariates",
  // "dropout_covariate_names", "covariate_penalty" under this path.
  FieldPath names;
};

// INVALID_ARGUMENT naming the field unless: each set has names.size() * n
// values, all finite; names are non-empty and distinct within a set; and
// no column is constant or a linear combination of the others and the
// constant (its coefficient could not be told apart from alpha, a, b or
// beta: a singular fit). n = the number of customers.
absl::Status CheckCovariates(const Covariates& covariates, size_t n);
// The same without the identifiability check (`identified` false): what
// evaluating a likelihood or a prediction needs, even for one customer.
absl::Status CheckCovariateValues(const Covariates& covariates, size_t n, bool identified);

// Names non-empty and distinct: INVALID_ARGUMENT "<field>[j]: must not be
// empty" or "<field>[j]: \"x\" is also <noun> i".
absl::Status CheckDistinctNames(const std::vector<std::string>& names, const std::string& field,
                                const char* noun);

struct CovariateParams {
  // r, alpha, a, b (BG/NBD, MBG/NBD) or r, alpha, s, beta (Pareto/NBD): the
  // parameters of a customer whose covariates are all 0.
  std::array<double, 4> base = {1, 1, 1, 1};
  std::vector<double> purchase;  // gamma1, one per purchase column
  std::vector<double> dropout;   // gamma2, one per dropout column
};

// The likelihood-ratio test of the covariates: the fit against the model
// without them (every coefficient 0).
struct LikelihoodRatioTest {
  double statistic = 0;  // 2 (LL with - LL without), >= 0
  int degrees_of_freedom = 0;  // number of coefficients
  double p_value = 1;  // chi-square survival function of the statistic
  double restricted_log_likelihood = 0;  // LL of the model without covariates
  std::array<double, 4> restricted = {};  // its parameters
};

struct CovariateFit {
  CovariateModel model = CovariateModel::kBgNbd;
  CovariateParams params;
  // standard_errors (and log_covariance, of ln r, ln alpha, ln a / ln s,
  // ln b / ln beta, gamma1..., gamma2...) in the order of base, purchase,
  // dropout.
  FitReport report;
  LikelihoodRatioTest likelihood_ratio;
};

// The four parameters of customer i: base with alpha (and a, b or beta)
// moved by her covariates. Covariates checked, params sized to them.
std::array<double, 4> CustomerParams(CovariateModel model, const CovariateParams& params,
                                     const Covariates& covariates, size_t i);

// Sum over customers of weight * ln L at each customer's own parameters;
// `grad` (may be null) receives the gradient in the order of
// CovariateFit::report (4 parameters, then the coefficients). Parameters
// must be finite (base > 0) and sized to the columns.
absl::StatusOr<double> CovariateLogLikelihood(CovariateModel model, const CovariateParams& params,
                                              const CustomerData& data,
                                              const Covariates& covariates,
                                              double* grad = nullptr);

// Maximum likelihood of the four parameters and the coefficients, started
// from the fit without covariates (options.initial, if given, starts that
// one), with standard errors from the Hessian and the likelihood-ratio
// test. Columns are centred and scaled inside the fit (for conditioning;
// the results are in the caller's units). Errors as FitBgNbd and
// CheckCovariates.
absl::StatusOr<CovariateFit> FitWithCovariates(CovariateModel model, const CustomerData& data,
                                               const Covariates& covariates,
                                               const FitOptions& options = {});

// ---- The same fit over customers held elsewhere ---------------------------
// FitWithCovariates centres and scales each column by its mean and standard
// deviation over all customers, and maximises the sum of the customers'
// log-likelihoods. Both are sums over customers, so customers spread over
// several machines can be fitted exactly: each block of customers gives its
// column moments and, at each step of the optimiser, its share of the
// log-likelihood and gradient; the host adds them up (docs/SCALE.md,
// "Covariates: a distributed likelihood").

// A column set's centre and scale: z~ = (z - mean) / scale.
struct CovariateScaling {
  std::vector<double> mean, scale;
};
struct CovariateStandardisation {
  CovariateScaling purchase, dropout;
};

// The moments of one block of n rows of `columns` (row-major, n x k): the
// column sums (k), and about the centre sum / count of all blocks the
// cross-products sum over rows of (z - c)(z - c)' (k x k, row-major). Both
// add over blocks; one block of all the customers gives what the
// single-process fit computes. Values as CheckCovariateValues has them.
std::vector<double> CovariateColumnSums(const CovariateColumns& columns, size_t n);
std::vector<double> CovariateCrossProducts(const CovariateColumns& columns, size_t n,
                                           absl::Span<const double> sum, double count);

// The centre (sum / count) and scale (sqrt(diagonal of cross / count)) of
// `count` customers' columns from their summed moments, with the fit's
// identifiability check: INVALID_ARGUMENT naming `field` and the column
// when one is constant or a linear combination of the others and the
// constant. count = 0: centre 0, scale 1.
absl::StatusOr<CovariateScaling> CovariateScalingOf(const std::vector<std::string>& names,
                                                    double count, absl::Span<const double> sum,
                                                    absl::Span<const double> cross,
                                                    const std::string& field);

// CovariateLogLikelihood in the fit's own coordinates: each column centred
// and scaled by `scaling` (sized to the columns, scales > 0), params.base
// the parameters of a customer at the centre and the coefficients per
// scaled unit. What the fit's optimiser evaluates, for one block of rows:
// the sum over all blocks is the fit's log-likelihood and gradient.
absl::StatusOr<double> CovariateLogLikelihood(CovariateModel model, const CovariateParams& params,
                                              const CustomerData& data,
                                              const Covariates& covariates,
                                              const CovariateStandardisation& scaling,
                                              double* grad);

// The sum over all customers of weight * ln L and its gradient (4 + P + D
// entries) at params, in the coordinates of `scaling`
// (CovariateLogLikelihood with scaling over every block); false aborts the
// fit.
using CovariateLikelihoodFn =
    absl::FunctionRef<bool(const CovariateParams& params, double* log_likelihood, double* grad)>;

// FitWithCovariates with the sum over customers given by `log_likelihood`:
// `rows` are the customers' (x, t_x, T, weight) without covariates (merged
// into weighted rows or not: the restricted fit and the total weight come
// from them), `scaling` the CovariateScalingOf their columns' moments and
// penalty the L2 penalty on the coefficients (Covariates::penalty, named
// by `names`). When log_likelihood returns false the fit stops and returns
// ABORTED.
absl::StatusOr<CovariateFit> FitWithCovariateLikelihood(CovariateModel model,
                                                        const CustomerData& rows,
                                                        const CovariateStandardisation& scaling,
                                                        double penalty, const FieldPath& names,
                                                        CovariateLikelihoodFn log_likelihood,
                                                        const FitOptions& options = {});

// Customer i's purchase model (CustomerParams as clv.h's PurchaseModel),
// for ExpectedPurchases, CustomerLifetimeValue and the rest.
PurchaseModel CustomerModel(CovariateModel model, const CovariateParams& params,
                            const Covariates& covariates, size_t i);

enum class CovariatePrediction { kExpectedPurchases, kProbabilityAlive, kProbabilityAliveAt };

// Per customer, at her own parameters: E[Y(t) | x, t_x, T], P(alive at T)
// or P(alive at T + t) (clv.h's functions of the same names). Errors name
// the customer data's row or the covariate field; `out` has one slot per
// customer.
absl::Status PredictWithCovariates(CovariateModel model, const CovariateParams& params,
                                   const Covariates& covariates, const CustomerData& data,
                                   CovariatePrediction what, double t, absl::Span<double> out);

// Tracking (tracking.h's ExpectedCumulativeTransactions) with each
// customer's own parameters: out[k-1] = sum over i with birth[i] < k step of
// E[X(k step - birth[i])] at customer i's parameters, customer i being row i
// of `covariates`. Customers with the same parameters are evaluated
// together (distinct births once). Errors as PredictWithCovariates and
// ExpectedCumulativeTransactions.
absl::Status ExpectedCumulativeTransactionsWithCovariates(
    CovariateModel model, const CovariateParams& params, const Covariates& covariates,
    absl::Span<const double> birth, const TrackingGrid& grid, absl::Span<double> out);

}  // namespace mitra::value

#endif  // MITRA_VALUE_COVARIATES_H_

// The value models at the edges: mitra.v1 value messages <-> the C++ models.
// Used by the C ABI, the CLI and the report, so that they agree. Results go
// into a message the caller owns, so the C ABI can keep it on an Arena (see
// src/capi/capi_internal.h).
#ifndef MITRA_VALUE_MESSAGES_H_
#define MITRA_VALUE_MESSAGES_H_

#include "absl/status/statusor.h"
#include "mitra/core/workspace.h"
#include "mitra/v1/value.pb.h"
#include "mitra/value/clv.h"
#include "mitra/value/covariates.h"
#include "mitra/value/gamma_gamma.h"
#include "mitra/value/holdout.h"
#include "mitra/value/summary.h"

namespace mitra::value {

// Summaries of the workspace's transactions (customer ids as strings).
absl::Status SummarizeWorkspace(const Workspace& ws, const v1::SummaryRequest& request,
                                v1::CustomerSummaries* out);
// The same from transaction arrays; customer_id holds the keys in decimal.
absl::Status SummarizeArrays(absl::Span<const uint32_t> customer, absl::Span<const int64_t> time,
                             absl::Span<const double> amount, const v1::SummaryRequest& request,
                             v1::CustomerSummaries* out);
// The request's options, checked (period and unit > 0, holdout after
// calibration, times in range).
absl::StatusOr<SummaryOptions> SummaryOptionsFrom(const v1::SummaryRequest& request);

// Fits the requested model; errors name the request field at fault.
absl::Status Fit(const v1::FitRequest& request, v1::FittedModel* out);

// The parameters of a fitted purchase model (BG/NBD, MBG/NBD, Pareto/NBD) or
// spend model (Gamma-Gamma); INVALID_ARGUMENT names a missing or bad one.
absl::StatusOr<PurchaseModel> PurchaseModelFrom(const v1::FittedModel& model);
absl::StatusOr<GammaGammaParams> SpendModelFrom(const v1::FittedModel& model);

// One named parameter of a fitted model, finite and > 0; INVALID_ARGUMENT
// names "<where>.params.<name>" when it is missing or bad.
absl::StatusOr<double> Param(const v1::FittedModel& model, const std::string& name,
                             const std::string& where = "FittedModel");

// The purchase model of kind `model` (BG/NBD, MBG/NBD, else Pareto/NBD) at
// natural parameters p[0..3], in ParamNames order.
PurchaseModel PurchaseModelAt(v1::ValueModel model, absl::Span<const double> p);

// The parameter names of a model, in the papers' order.
std::vector<std::string> ParamNames(v1::ValueModel model);
// The model's name in messages ("BG/NBD", ..., "Gamma-Gamma").
const char* ModelName(v1::ValueModel model);

absl::Status Rfm(const v1::RfmRequest& request, v1::RfmResult* out);

// Holdout validation: the model's expected purchases over holdout_length
// against `actual` holdout purchases, by calibration frequency.
absl::Status Holdout(const PurchaseModel& model, const CustomerData& customers,
                     double holdout_length, absl::Span<const double> actual,
                     v1::HoldoutValidation* out);

// The spend check (ValidateSpendHoldout) in the same message: its rows hold
// mean spend per holdout transaction of the customers with holdout
// purchases, its totals the sums of those means over them.
absl::Status SpendHoldout(const GammaGammaParams& spend, const SpendData& calibration,
                          absl::Span<const double> holdout_x, absl::Span<const double> holdout_spend,
                          v1::HoldoutValidation* out);
// A holdout validation as its message.
void HoldoutMessage(const HoldoutValidation& validation, v1::HoldoutValidation* out);

// ---- Covariates (covariates.h) ------------------------------------------

// The covariate model of a purchase model kind; INVALID_ARGUMENT names
// `field` for any other kind.
absl::StatusOr<CovariateModel> CovariateModelOf(v1::ValueModel model, const std::string& field);

// A fit with covariates read back: the model, its base parameters and its
// coefficients in the order of `covariates`' columns. INVALID_ARGUMENT
// names "FittedModel.purchase_coefficients.<name>" (or dropout) when a
// column has no coefficient or a coefficient no column.
struct FittedCovariateModel {
  CovariateModel model = CovariateModel::kBgNbd;
  CovariateParams params;
};
absl::StatusOr<FittedCovariateModel> CovariateModelFrom(const v1::FittedModel& model,
                                                        const Covariates& covariates);

// The columns' moments summed over every block of customers
// (CovariateColumnSums, CovariateCrossProducts): count customers, the sums
// and the k x k cross-products of each process's columns.
struct CovariateMoments {
  double count = 0;
  absl::Span<const double> purchase_sum, purchase_cross, dropout_sum, dropout_cross;
};

// The sum over all customers in the coordinates of `scaling`
// (CovariateLogLikelihood with it over every block); false aborts.
using ScaledLikelihoodFn =
    absl::FunctionRef<bool(const CovariateStandardisation& scaling, const CovariateParams& params,
                           double* log_likelihood, double* grad)>;

// The FittedModel of Fit with covariates, its sum over customers given by
// `log_likelihood` (FitWithCovariateLikelihood): `request` as for Fit but
// without covariate values (its frequency, recency, T and weight: the
// customers without covariates, for the restricted fit and the total
// weight; its covariate names and penalty), `moments` those of the
// customers' columns. Errors name the request's fields and the moments'
// argument names (purchase_sum, ...) as given by `names`.
absl::Status FitWithCovariateLikelihood(const v1::FitRequest& request,
                                        const CovariateMoments& moments,
                                        ScaledLikelihoodFn log_likelihood, v1::FittedModel* out);

// ---- A fit over customers held elsewhere (no covariates) -------------------

// One block's log-likelihood under a model without covariates: the sum over
// its rows of weight * ln L at natural parameters `params` (ParamNames
// order, each finite and > 0, named "params[i]"), and its gradient by them
// into `grad` (may be null). Purchase models read rows.x, t_x and T;
// Gamma-Gamma reads rows.x and `monetary_value`, and its rows with x = 0
// add nothing. A block without such rows adds 0, so that any split of the
// customers sums to the whole.
absl::StatusOr<double> BlockLogLikelihood(v1::ValueModel model, absl::Span<const double> params,
                                          const CustomerData& rows,
                                          absl::Span<const double> monetary_value, double* grad);

// The sum over all customers at natural parameters (BlockLogLikelihood over
// every block); false aborts.
using LikelihoodSumFn =
    absl::FunctionRef<bool(absl::Span<const double> params, double* log_likelihood, double* grad)>;

// The FittedModel of Fit without covariates, its sum over customers given
// by `log_likelihood`: `request` holds the model, options and unit_seconds
// and no rows (they stay with the blocks); `count` is the total weight the
// sum covers (customers; Gamma-Gamma: those with frequency > 0), a whole
// number >= 1. The start is options.initial or the model's default, as Fit's.
// report.rows = count; Gamma-Gamma's spend_independence needs the rows and
// is left out.
absl::Status FitWithLikelihood(const v1::FitRequest& request, double count,
                               LikelihoodSumFn log_likelihood, v1::FittedModel* out);

// The covariate columns a workspace summary carries (SummaryRequest's
// covariate attributes), names under "CustomerSummaries".
Covariates CovariatesOf(const v1::CustomerSummaries& summaries);
// The same of a prediction intervals request, under "PredictIntervalsRequest".
Covariates CovariatesOf(const v1::PredictIntervalsRequest& request);

}  // namespace mitra::value

#endif  // MITRA_VALUE_MESSAGES_H_

// Per-customer prediction intervals of the value predictions (CLV, expected
// purchases, P(alive), expected spend) from the fitted models' parameter
// uncertainty, in message form (PredictIntervalsRequest in value.proto):
// the value models' use of the one mechanism of parameter_draws.h. Used by
// the C ABI, ScoreCustomers (so `mitra value` and the report) and Python.
#ifndef MITRA_VALUE_PREDICTION_INTERVALS_H_
#define MITRA_VALUE_PREDICTION_INTERVALS_H_

#include <string>

#include "absl/status/statusor.h"
#include "mitra/core/memory_budget.h"
#include "mitra/v1/value.pb.h"
#include "mitra/value/covariates.h"
#include "mitra/value/parameter_draws.h"

namespace mitra::value {

// A fitted model's parameters and log-parameter covariance (FitReport);
// errors name `where` ("PredictIntervalsRequest.purchase_model"): a missing
// parameter, or a covariance that is absent (FAILED_PRECONDITION: fit with
// standard errors) or does not match the parameters.
// With `covariates` (the columns of the customers predicted for), a fit
// with covariates: its parameters then the coefficients in the columns'
// order (on the real line), with their joint covariance.
absl::StatusOr<UncertainParameters> UncertaintyFrom(const v1::FittedModel& model,
                                                    const std::string& where,
                                                    const Covariates* covariates = nullptr);

// The intervals the request asks for. INVALID_ARGUMENT names the request
// field at fault (draws, level, horizon, clv_period_length, a column of the
// wrong length, a customer's bad row); RESOURCE_EXHAUSTED names `draws`
// past the memory budget (`memory`, nullptr: the process's).
absl::Status PredictIntervals(const v1::PredictIntervalsRequest& request,
                              v1::PredictIntervalsResponse* out, MemoryBudget* memory = nullptr);

}  // namespace mitra::value

#endif  // MITRA_VALUE_PREDICTION_INTERVALS_H_

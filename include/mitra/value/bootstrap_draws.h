// Parameter draws by the bootstrap over customers (CLVTools' uncertainty =
// "boots"): resample the customers with replacement, refit, and take each
// refit's parameters as one draw, for the intervals of parameter_draws.h
// (IntervalsFromDraws) in place of the asymptotic normal. It needs no
// covariance and no normality of the estimates, and costs one fit per draw.
//
// A resample is a multinomial weight per customer (how often she was
// drawn), so a refit reads the original columns with weights and never
// copies them. Refits start at the estimate, unpenalised, without standard
// errors. A refit that fails, runs to a boundary or is refused by `accept`
// is replaced by a new resample and counted in *redrawn; more of those
// than D is FAILED_PRECONDITION.
#ifndef MITRA_VALUE_BOOTSTRAP_DRAWS_H_
#define MITRA_VALUE_BOOTSTRAP_DRAWS_H_

#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/v1/value.pb.h"
#include "mitra/value/covariates.h"
#include "mitra/value/customer_data.h"
#include "mitra/value/parameter_draws.h"

namespace mitra::value {

// D x k draws (k = the purchase model's parameters, then Gamma-Gamma's p,
// q, gamma when `monetary` is not empty), from options.draws refits of
// `model` (BG/NBD, MBG/NBD or Pareto/NBD) and of Gamma-Gamma on the same
// resample. `estimate` (k values) is where refits start. RESOURCE_EXHAUSTED
// names `draws` (options.names) when the refits' memory passes the budget
// or their work (draws x customers) passes kMaxBootstrapWork.
//
// With `covariates` (one row per customer of `data`), the purchase model is
// refitted with them (FitWithCovariates), each customer resampled with her
// rows, and its parameters are the four base ones then the purchase and
// the dropout coefficients (covariates.h's order), before Gamma-Gamma's.
absl::StatusOr<std::vector<double>> BootstrapParameters(
    v1::ValueModel model, const CustomerData& data, absl::Span<const double> monetary,
    absl::Span<const double> estimate, const DrawOptions& options,
    absl::FunctionRef<bool(absl::Span<const double>)> accept, int* redrawn,
    const Covariates* covariates = nullptr);

// Refits times customers that one request may ask for: about 20 s of
// BG/NBD fits on one core (2,000 customers fit in about 10 ms).
inline constexpr double kMaxBootstrapWork = 2e7;

}  // namespace mitra::value

#endif  // MITRA_VALUE_BOOTSTRAP_DRAWS_H_

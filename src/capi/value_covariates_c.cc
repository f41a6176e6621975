// The C ABI of fits and predictions with covariates (mitra.h, "Customer
// value: covariates"): every input a plain array, no message per customer.
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "capi_internal.h"
#include "mitra/mitra.h"
#include "mitra/value/covariates.h"
#include "mitra/value/messages.h"

using namespace mitra::capi;  // NOLINT: the C ABI files share these helpers

namespace {

namespace value = mitra::value;

absl::StatusOr<value::CovariateModel> ModelOf(const mitra_value_covariate_model& model) {
  switch (EnumValue(model)) {
    case MITRA_VALUE_COVARIATE_BG_NBD: return value::CovariateModel::kBgNbd;
    case MITRA_VALUE_COVARIATE_MBG_NBD: return value::CovariateModel::kMbgNbd;
    case MITRA_VALUE_COVARIATE_PARETO_NBD: return value::CovariateModel::kParetoNbd;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("model: unknown mitra_value_covariate_model ", EnumValue(model)));
}

// One process's matrix, `len` values of `columns` columns named "0", "1",
// ...; the core checks len = n * columns and the values, naming the C
// argument (`field`).
absl::Status Matrix(const double* values, size_t len, size_t columns, const char* field,
                    value::CovariateColumns* out) {
  if (len > 0 && values == nullptr) return Null(field);
  if (columns > (size_t{1} << 20))
    return absl::InvalidArgumentError(
        absl::StrCat(field, "_columns: at most 1048576, got ", columns));
  for (size_t j = 0; j < columns; ++j) out->names.push_back(absl::StrCat(j));
  out->values.assign(values, values + len);
  return absl::OkStatus();
}

absl::StatusOr<value::Covariates> CovariatesFrom(const double* purchase, size_t purchase_len,
                                                 size_t purchase_columns, const double* dropout,
                                                 size_t dropout_len, size_t dropout_columns) {
  value::Covariates cov;
  if (absl::Status s = Matrix(purchase, purchase_len, purchase_columns, "purchase", &cov.purchase);
      !s.ok())
    return s;
  if (absl::Status s = Matrix(dropout, dropout_len, dropout_columns, "dropout", &cov.dropout); !s.ok())
    return s;
  // The core's field names, as this function's arguments call them.
  cov.names.Rename("purchase_covariates", "purchase")
      .Rename("dropout_covariates", "dropout")
      .Rename("covariate_penalty", "penalty");
  return cov;
}

// params[4] and coefficients[P + D] (the purchase ones first), checked.
absl::StatusOr<value::CovariateParams> ParamsFrom(const double* params, const double* coefficients,
                                                  size_t purchase_columns, size_t dropout_columns) {
  if (params == nullptr) return Null("params");
  if (purchase_columns + dropout_columns > 0 && coefficients == nullptr) return Null("coefficients");
  value::CovariateParams p;
  for (size_t i = 0; i < 4; ++i) {
    if (!(std::isfinite(params[i]) && params[i] > 0))
      return absl::InvalidArgumentError(
          absl::StrCat("params[", i, "]: must be finite and > 0, got ", params[i]));
    p.base[i] = params[i];
  }
  for (size_t j = 0; j < purchase_columns + dropout_columns; ++j) {
    if (!std::isfinite(coefficients[j]))
      return absl::InvalidArgumentError(
          absl::StrCat("coefficients[", j, "]: must be finite, got ", coefficients[j]));
    (j < purchase_columns ? p.purchase : p.dropout).push_back(coefficients[j]);
  }
  return p;
}

// A fit with covariates from the C arguments: the model, the covariate
// matrices and the parameters, each checked.
struct Fitted {
  value::CovariateModel kind;
  value::Covariates cov;
  value::CovariateParams params;
};
absl::StatusOr<Fitted> FittedFrom(const mitra_value_covariate_model& model, const double* params,
                                  const double* coefficients, const double* purchase,
                                  size_t purchase_len, size_t purchase_columns,
                                  const double* dropout, size_t dropout_len,
                                  size_t dropout_columns) {
  absl::StatusOr<value::CovariateModel> kind = ModelOf(model);
  if (!kind.ok()) return kind.status();
  absl::StatusOr<value::Covariates> cov = CovariatesFrom(purchase, purchase_len, purchase_columns,
                                                         dropout, dropout_len, dropout_columns);
  if (!cov.ok()) return cov.status();
  absl::StatusOr<value::CovariateParams> p =
      ParamsFrom(params, coefficients, purchase_columns, dropout_columns);
  if (!p.ok()) return p.status();
  return Fitted{*kind, *std::move(cov), *std::move(p)};
}

// center[P + D] and scale[P + D] as the fit's standardisation.
absl::StatusOr<value::CovariateStandardisation> ScalingFrom(const double* center,
                                                            const double* scale, size_t p,
                                                            size_t d) {
  if ((center == nullptr) != (scale == nullptr))
    return absl::InvalidArgumentError(
        absl::StrCat(center == nullptr ? "center" : "scale", " is NULL but ",
                     center == nullptr ? "scale" : "center", " is not: give both or neither"));
  value::CovariateStandardisation out;
  for (size_t j = 0; j < p + d; ++j) {
    if (!std::isfinite(center[j]))
      return absl::InvalidArgumentError(
          absl::StrCat("center[", j, "]: must be finite, got ", center[j]));
    if (!(std::isfinite(scale[j]) && scale[j] > 0))
      return absl::InvalidArgumentError(
          absl::StrCat("scale[", j, "]: must be finite and > 0, got ", scale[j]));
    value::CovariateScaling& s = j < p ? out.purchase : out.dropout;
    s.mean.push_back(center[j]);
    s.scale.push_back(scale[j]);
  }
  return out;
}

}  // namespace

extern "C" {

mitra_status mitra_value_fit_covariates(mitra_value_covariate_model model, const double* x,
                                        const double* t_x, const double* T, size_t n,
                                        const double* purchase, size_t purchase_len,
                                        size_t purchase_columns, const double* dropout,
                                        size_t dropout_len, size_t dropout_columns, double penalty,
                                        double* params, double* coefficients,
                                        double* standard_errors, mitra_value_covariate_test* test,
                                        mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (params == nullptr) return Null("params");
    if (purchase_columns + dropout_columns > 0 && coefficients == nullptr) return Null("coefficients");
    if (standard_errors == nullptr) return Null("standard_errors");
    if (test == nullptr) return Null("test");
    if (absl::Status s = Arrays(n, {{x, "x"}, {t_x, "t_x"}, {T, "T"}}); !s.ok()) return s;
    if (n == 0) return absl::InvalidArgumentError("n: no customers to fit");
    absl::StatusOr<value::CovariateModel> kind = ModelOf(model);
    if (!kind.ok()) return kind.status();
    absl::StatusOr<value::Covariates> cov = CovariatesFrom(purchase, purchase_len, purchase_columns,
                                                           dropout, dropout_len, dropout_columns);
    if (!cov.ok()) return cov.status();
    cov->penalty = penalty;
    value::CustomerData data{In(x, n), In(t_x, n), In(T, n), {}};
    data.name = "customer data";
    absl::StatusOr<value::CovariateFit> fit = value::FitWithCovariates(*kind, data, *cov);
    if (!fit.ok()) return fit.status();
    // Written only now: a failed fit leaves the caller's arrays as they were.
    const size_t k = purchase_columns + dropout_columns;
    std::copy(fit->params.base.begin(), fit->params.base.end(), params);
    std::copy(fit->params.purchase.begin(), fit->params.purchase.end(), coefficients);
    std::copy(fit->params.dropout.begin(), fit->params.dropout.end(), coefficients + purchase_columns);
    const std::vector<double>& se = fit->report.standard_errors;
    for (size_t i = 0; i < 4 + k; ++i)
      standard_errors[i] = i < se.size() ? se[i] : std::numeric_limits<double>::quiet_NaN();
    test->log_likelihood = fit->report.log_likelihood;
    test->statistic = fit->likelihood_ratio.statistic;
    test->degrees_of_freedom = fit->likelihood_ratio.degrees_of_freedom;
    test->p_value = fit->likelihood_ratio.p_value;
    test->restricted_log_likelihood = fit->likelihood_ratio.restricted_log_likelihood;
    return absl::OkStatus();
  });
}

mitra_status mitra_value_predict_covariates(mitra_value_covariate_model model, const double* params,
                                            const double* coefficients,
                                            mitra_value_quantity quantity, double t,
                                            const double* x, const double* t_x, const double* T,
                                            size_t n, const double* purchase, size_t purchase_len,
                                            size_t purchase_columns, const double* dropout,
                                            size_t dropout_len, size_t dropout_columns,
                                            double* out, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (params == nullptr) return Null("params");
    if (purchase_columns + dropout_columns > 0 && coefficients == nullptr) return Null("coefficients");
    if (absl::Status s = Arrays(n, {{x, "x"}, {t_x, "t_x"}, {T, "T"}, {out, "out"}}); !s.ok())
      return s;
    absl::StatusOr<Fitted> f = FittedFrom(model, params, coefficients, purchase, purchase_len,
                                          purchase_columns, dropout, dropout_len, dropout_columns);
    if (!f.ok()) return f.status();
    value::CovariatePrediction what;
    switch (EnumValue(quantity)) {
      case MITRA_VALUE_EXPECTED_PURCHASES: what = value::CovariatePrediction::kExpectedPurchases; break;
      case MITRA_VALUE_PROBABILITY_ALIVE: what = value::CovariatePrediction::kProbabilityAlive; break;
      case MITRA_VALUE_PROBABILITY_ALIVE_AT: what = value::CovariatePrediction::kProbabilityAliveAt; break;
      default:
        return absl::InvalidArgumentError(
            absl::StrCat("quantity: unknown mitra_value_quantity ", EnumValue(quantity)));
    }
    if (what != value::CovariatePrediction::kProbabilityAlive && !(std::isfinite(t) && t >= 0))
      return absl::InvalidArgumentError(absl::StrCat("t: must be finite and >= 0, got ", t));
    value::CustomerData data{In(x, n), In(t_x, n), In(T, n), {}};
    data.name = "customer data";
    return value::PredictWithCovariates(f->kind, f->params, f->cov, data, what, t,
                                        {out, out ? n : 0});
  });
}

mitra_status mitra_value_expected_cumulative_transactions_covariates(
    mitra_value_covariate_model model, const double* params, const double* coefficients,
    const double* birth, size_t n, const double* purchase, size_t purchase_len,
    size_t purchase_columns, const double* dropout, size_t dropout_len, size_t dropout_columns,
    double step, int32_t periods, double* out, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = Arrays(n, {{birth, "birth"}}); !s.ok()) return s;
    if (out == nullptr) return Null("out");
    absl::StatusOr<Fitted> f = FittedFrom(model, params, coefficients, purchase, purchase_len,
                                          purchase_columns, dropout, dropout_len, dropout_columns);
    if (!f.ok()) return f.status();
    // Computed whole before `out` is written: a failing call changes nothing.
    std::vector<double> result(periods > 0 ? static_cast<size_t>(periods) : 0);
    if (absl::Status s = value::ExpectedCumulativeTransactionsWithCovariates(
            f->kind, f->params, f->cov, In(birth, n), {step, periods}, absl::MakeSpan(result));
        !s.ok())
      return s;
    std::copy(result.begin(), result.end(), out);
    return absl::OkStatus();
  });
}

mitra_status mitra_value_covariate_moments(const double* values, size_t n, size_t columns,
                                           const double* sum, double count, double* out,
                                           mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (columns > (size_t{1} << 20))
      return absl::InvalidArgumentError(absl::StrCat("columns: at most 1048576, got ", columns));
    if (n > 0 && columns > 0 && values == nullptr) return Null("values");
    if (columns > 0 && out == nullptr) return Null("out");
    if (columns > 0 && n > std::numeric_limits<size_t>::max() / columns)
      return absl::InvalidArgumentError("n: n * columns overflows");
    value::CovariateColumns c;
    for (size_t j = 0; j < columns; ++j) c.names.push_back(absl::StrCat(j));
    c.values.assign(values, values + (columns > 0 ? n * columns : 0));
    for (size_t i = 0; i < c.values.size(); ++i)
      if (!std::isfinite(c.values[i]))
        return absl::InvalidArgumentError(absl::StrCat("values[", i, "]: must be finite, got ",
                                                       c.values[i], " (row ", i / columns,
                                                       ", column ", i % columns, ")"));
    std::vector<double> result;
    if (sum == nullptr) {
      result = value::CovariateColumnSums(c, n);
    } else {
      if (!(count >= 1 && std::isfinite(count)))
        return absl::InvalidArgumentError(
            absl::StrCat("count: must be finite and >= 1 with sum, got ", count));
      for (size_t j = 0; j < columns; ++j)
        if (!std::isfinite(sum[j]))
          return absl::InvalidArgumentError(absl::StrCat("sum[", j, "]: must be finite, got ", sum[j]));
      result = value::CovariateCrossProducts(c, n, {sum, columns}, count);
    }
    std::copy(result.begin(), result.end(), out);
    return absl::OkStatus();
  });
}

mitra_status mitra_value_covariate_log_likelihood(
    mitra_value_covariate_model model, const double* params, const double* coefficients,
    const double* center, const double* scale, const double* x, const double* t_x,
    const double* T, const double* weight, size_t n, const double* purchase, size_t purchase_len,
    size_t purchase_columns, const double* dropout, size_t dropout_len, size_t dropout_columns,
    double* log_likelihood, double* gradient, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (log_likelihood == nullptr) return Null("log_likelihood");
    if (absl::Status s = Arrays(n, {{x, "x"}, {t_x, "t_x"}, {T, "T"}}); !s.ok()) return s;
    absl::StatusOr<Fitted> f = FittedFrom(model, params, coefficients, purchase, purchase_len,
                                          purchase_columns, dropout, dropout_len, dropout_columns);
    if (!f.ok()) return f.status();
    value::CustomerData data{In(x, n), In(t_x, n), In(T, n), In(weight, n)};
    data.name = "customer data";
    std::vector<double> grad(4 + purchase_columns + dropout_columns);
    absl::StatusOr<double> ll;
    if (center == nullptr && scale == nullptr) {
      ll = value::CovariateLogLikelihood(f->kind, f->params, data, f->cov, grad.data());
    } else {
      absl::StatusOr<value::CovariateStandardisation> scaling =
          ScalingFrom(center, scale, purchase_columns, dropout_columns);
      if (!scaling.ok()) return scaling.status();
      ll = value::CovariateLogLikelihood(f->kind, f->params, data, f->cov, *scaling, grad.data());
    }
    if (!ll.ok()) return ll.status();
    *log_likelihood = *ll;
    if (gradient != nullptr) std::copy(grad.begin(), grad.end(), gradient);
    return absl::OkStatus();
  });
}

mitra_status mitra_value_fit_covariates_callback(
    const uint8_t* request, size_t request_len, double count, const double* purchase_sum,
    const double* purchase_cross, const double* dropout_sum, const double* dropout_cross,
    mitra_value_covariate_likelihood log_likelihood, void* user, uint8_t** out, size_t* out_len,
    mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = CheckOut(out, out_len); !s.ok()) return s;
    if (log_likelihood == nullptr) return Null("log_likelihood");
    google::protobuf::Arena arena;
    auto* req = NewMessage<mitra::v1::FitRequest>(arena);
    if (absl::Status s = ParseMessage(request, request_len, req, "request"); !s.ok()) return s;
    const size_t p = static_cast<size_t>(req->purchase_covariate_names_size());
    const size_t d = static_cast<size_t>(req->dropout_covariate_names_size());
    for (auto [ptr, name] : {std::pair{purchase_sum, "purchase_sum"},
                             std::pair{purchase_cross, "purchase_cross"}})
      if (p > 0 && ptr == nullptr) return Null(name);
    for (auto [ptr, name] : {std::pair{dropout_sum, "dropout_sum"},
                             std::pair{dropout_cross, "dropout_cross"}})
      if (d > 0 && ptr == nullptr) return Null(name);
    const value::CovariateMoments moments{count, In(purchase_sum, p), In(purchase_cross, p * p),
                                          In(dropout_sum, d), In(dropout_cross, d * d)};
    // The host's sum, in the C arguments' layout; its failure stops the fit.
    int failure = 0, calls = 0;
    std::vector<double> coef, center, scale;
    auto host = [&](const value::CovariateStandardisation& z, const value::CovariateParams& at,
                    double* ll, double* grad) {
      coef.assign(at.purchase.begin(), at.purchase.end());
      coef.insert(coef.end(), at.dropout.begin(), at.dropout.end());
      center.assign(z.purchase.mean.begin(), z.purchase.mean.end());
      center.insert(center.end(), z.dropout.mean.begin(), z.dropout.mean.end());
      scale.assign(z.purchase.scale.begin(), z.purchase.scale.end());
      scale.insert(scale.end(), z.dropout.scale.begin(), z.dropout.scale.end());
      ++calls;
      failure = log_likelihood(at.base.data(), coef.data(), center.data(), scale.data(), ll, grad,
                               user);
      return failure == 0;
    };
    auto* fitted = NewMessage<mitra::v1::FittedModel>(arena);
    absl::Status s = value::FitWithCovariateLikelihood(*req, moments, host, fitted);
    if (s = HostFitStatus(std::move(s), failure, calls); !s.ok()) return s;
    return EmitMessage(*fitted, out, out_len);
  });
}

}  // extern "C"

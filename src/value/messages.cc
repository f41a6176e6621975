#include "mitra/value/messages.h"

#include <algorithm>
#include <memory>
#include <cmath>

#include "common/request_errors.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "mitra/core/time_format.h"
#include "mitra/value/attribute_covariates.h"
#include "mitra/value/bgnbd.h"
#include "mitra/value/covariates.h"
#include "mitra/value/customer_data.h"
#include "mitra/value/holdout.h"
#include "mitra/value/mbgnbd.h"
#include "mitra/value/pareto_nbd.h"
#include "mitra/value/rfm.h"

namespace mitra::value {
namespace {

template <typename Field>
absl::Span<const double> Column(const Field& f) {
  return absl::Span<const double>(f.data(), static_cast<size_t>(f.size()));
}

// The request's options, named in its terms: the fit's one validation
// (CheckFitOptions, through MaximizeLikelihood) checks them. The wire's 0 is
// "not given" for max_iterations (500), gradient_tolerance and threads (1).
absl::StatusOr<FitOptions> FitOptionsFrom(const v1::FitRequest& r) {
  const v1::FitOptions& o = r.options();
  FitOptions out;
  out.names = FieldPath("FitRequest.options");
  out.penalizer = o.penalizer();
  if (o.max_iterations() != 0) out.max_iterations = o.max_iterations();
  if (o.gradient_tolerance() != 0) out.gradient_tolerance = o.gradient_tolerance();
  out.threads = o.threads() != 0 ? o.threads() : 1;
  out.standard_errors = !o.skip_standard_errors();
  out.group_identical = !o.no_grouping();
  if (!o.initial().empty()) {
    const std::vector<std::string> names = ParamNames(r.model());
    for (const auto& [name, value] : o.initial()) {
      if (std::find(names.begin(), names.end(), name) == names.end())
        return Invalid(absl::StrCat("FitRequest.options.initial.", name),
                       absl::StrCat("not a parameter of this model (", absl::StrJoin(names, ", "), ")"));
    }
    for (size_t i = 0; i < names.size(); ++i) {
      auto it = o.initial().find(names[i]);
      out.initial.push_back(it == o.initial().end() ? 1.0 : it->second);
      out.names.Rename(absl::StrCat("initial[", i, "]"), absl::StrCat("FitRequest.options.initial.", names[i]));
    }
  }
  return out;
}

// Fills the message's params and report from a fit.
template <typename FitT>
absl::Status ToMessage(v1::ValueModel model, const std::vector<double>& params, const FitT& fit,
                       int64_t rows, v1::FittedModel* out) {
  const int64_t unit = out->unit_seconds();  // set by Fit from the request
  out->Clear();
  out->set_model(model);
  out->set_unit_seconds(unit);
  const std::vector<std::string> names = ParamNames(model);
  for (size_t i = 0; i < names.size(); ++i) (*out->mutable_params())[names[i]] = params[i];
  v1::FitReport* r = out->mutable_report();
  r->set_log_likelihood(fit.report.log_likelihood);
  r->set_iterations(fit.report.iterations);
  r->set_evaluations(fit.report.evaluations);
  r->set_gradient_norm(fit.report.gradient_norm);
  r->set_total_weight(fit.report.total_weight);
  r->set_rows(rows);
  for (size_t i = 0; i < fit.report.standard_errors.size() && i < names.size(); ++i)
    (*r->mutable_standard_errors())[names[i]] = fit.report.standard_errors[i];
  if (fit.report.log_covariance.size() == names.size() * names.size()) {
    for (const std::string& name : names) r->add_covariance_parameters(name);
    r->mutable_log_covariance()->Add(fit.report.log_covariance.begin(), fit.report.log_covariance.end());
  }
  if (fit.report.AtBoundary()) {
    r->set_at_boundary(true);
    r->set_boundary_reason(FitBoundaryReason(fit.report, names, params));
  }
  return absl::OkStatus();
}

// The covariate fields a message shares with FitRequest, errors named under
// `path`.
template <typename Message>
Covariates CovariateFields(const Message& m, const char* path) {
  Covariates cov;
  cov.names = FieldPath(path);
  cov.purchase.names.assign(m.purchase_covariate_names().begin(), m.purchase_covariate_names().end());
  cov.purchase.values.assign(m.purchase_covariates().begin(), m.purchase_covariates().end());
  cov.dropout.names.assign(m.dropout_covariate_names().begin(), m.dropout_covariate_names().end());
  cov.dropout.values.assign(m.dropout_covariates().begin(), m.dropout_covariates().end());
  return cov;
}

// The message of a fit with covariates whose columns are `cov`'s, over
// `rows` customers.
absl::Status CovariateFitMessage(const v1::FitRequest& r, const Covariates& cov,
                                 const CovariateFit& fit, int64_t rows, v1::FittedModel* out) {
  const std::vector<double> base(fit.params.base.begin(), fit.params.base.end());
  // ToMessage writes the covariance of the model's own four parameters
  // only; the joint one, with the coefficients, follows here.
  CovariateFit shown = fit;
  shown.report.log_covariance.clear();
  if (absl::Status s = ToMessage(r.model(), base, shown, rows, out); !s.ok()) return s;
  v1::FitReport* report = out->mutable_report();
  const std::vector<double>& cov_all = fit.report.log_covariance;
  if (!cov_all.empty()) {
    for (const std::string& name : ParamNames(r.model())) report->add_covariance_parameters(name);
    for (const std::string& name : cov.purchase.names)
      report->add_covariance_parameters(absl::StrCat("purchase_coefficients.", name));
    for (const std::string& name : cov.dropout.names)
      report->add_covariance_parameters(absl::StrCat("dropout_coefficients.", name));
    report->mutable_log_covariance()->Add(cov_all.begin(), cov_all.end());
  }
  const std::vector<double>& se = fit.report.standard_errors;
  const size_t k1 = cov.purchase.columns();
  for (size_t j = 0; j < k1; ++j) {
    (*out->mutable_purchase_coefficients())[cov.purchase.names[j]] = fit.params.purchase[j];
    if (!se.empty()) (*report->mutable_purchase_coefficient_errors())[cov.purchase.names[j]] = se[4 + j];
  }
  for (size_t j = 0; j < cov.dropout.columns(); ++j) {
    (*out->mutable_dropout_coefficients())[cov.dropout.names[j]] = fit.params.dropout[j];
    if (!se.empty())
      (*report->mutable_dropout_coefficient_errors())[cov.dropout.names[j]] = se[4 + k1 + j];
  }
  v1::LikelihoodRatioTest* lr = report->mutable_likelihood_ratio();
  lr->set_statistic(fit.likelihood_ratio.statistic);
  lr->set_degrees_of_freedom(fit.likelihood_ratio.degrees_of_freedom);
  lr->set_p_value(fit.likelihood_ratio.p_value);
  lr->set_restricted_log_likelihood(fit.likelihood_ratio.restricted_log_likelihood);
  return absl::OkStatus();
}

// A purchase model with covariates (covariates.h), on the rows as given.
absl::Status FitCovariates(const v1::FitRequest& r, const CustomerData& data,
                           const FitOptions& options, v1::FittedModel* out) {
  absl::StatusOr<CovariateModel> kind = CovariateModelOf(r.model(), "FitRequest.purchase_covariate_names");
  if (!kind.ok()) return kind.status();
  Covariates cov = CovariateFields(r, "FitRequest");
  cov.penalty = r.covariate_penalty();
  absl::StatusOr<CovariateFit> fit = FitWithCovariates(*kind, data, cov, options);
  if (!fit.ok()) return fit.status();
  return CovariateFitMessage(r, cov, *fit, static_cast<int64_t>(data.x.size()), out);
}

}  // namespace

absl::StatusOr<CovariateModel> CovariateModelOf(v1::ValueModel model, const std::string& field) {
  switch (model) {
    case v1::VALUE_MODEL_BG_NBD: return CovariateModel::kBgNbd;
    case v1::VALUE_MODEL_MBG_NBD: return CovariateModel::kMbgNbd;
    case v1::VALUE_MODEL_PARETO_NBD: return CovariateModel::kParetoNbd;
    default: return Invalid(field, "covariates apply to BG/NBD, MBG/NBD and Pareto/NBD only");
  }
}

namespace {

// Coefficients by column name, each column having one and each one a column.
absl::Status CoefficientsInOrder(const google::protobuf::Map<std::string, double>& by_name,
                                 const std::vector<std::string>& columns, const char* field,
                                 std::vector<double>* out) {
  for (const std::string& name : columns) {
    auto it = by_name.find(name);
    if (it == by_name.end())
      return Invalid(absl::StrCat("FittedModel.", field, ".", name),
                     "missing: the model was fitted without this covariate");
    out->push_back(it->second);
  }
  for (const auto& [name, value] : by_name) {
    if (std::find(columns.begin(), columns.end(), name) == columns.end())
      return Invalid(absl::StrCat("FittedModel.", field, ".", name),
                     "no covariate column of this name to apply it to");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<FittedCovariateModel> CovariateModelFrom(const v1::FittedModel& m,
                                                        const Covariates& covariates) {
  FittedCovariateModel out;
  absl::StatusOr<CovariateModel> kind = CovariateModelOf(m.model(), "FittedModel.model");
  if (!kind.ok()) return kind.status();
  out.model = *kind;
  const std::vector<std::string> names = ParamNames(m.model());
  for (size_t i = 0; i < 4; ++i) {
    absl::StatusOr<double> p = Param(m, names[i]);
    if (!p.ok()) return p.status();
    out.params.base[i] = *p;
  }
  if (absl::Status s = CoefficientsInOrder(m.purchase_coefficients(), covariates.purchase.names,
                                           "purchase_coefficients", &out.params.purchase);
      !s.ok())
    return s;
  if (absl::Status s = CoefficientsInOrder(m.dropout_coefficients(), covariates.dropout.names,
                                           "dropout_coefficients", &out.params.dropout);
      !s.ok())
    return s;
  return out;
}

Covariates CovariatesOf(const v1::CustomerSummaries& S) {
  return CovariateFields(S, "CustomerSummaries");
}

Covariates CovariatesOf(const v1::PredictIntervalsRequest& r) {
  return CovariateFields(r, "PredictIntervalsRequest");
}

absl::StatusOr<double> Param(const v1::FittedModel& m, const std::string& name,
                             const std::string& where) {
  auto it = m.params().find(name);
  if (it == m.params().end())
    return Invalid(absl::StrCat(where, ".params.", name), "missing");
  if (!std::isfinite(it->second) || it->second <= 0)
    return Invalid(absl::StrCat(where, ".params.", name),
                   absl::StrCat("must be finite and > 0, got ", it->second));
  return it->second;
}

PurchaseModel PurchaseModelAt(v1::ValueModel model, absl::Span<const double> p) {
  switch (model) {
    case v1::VALUE_MODEL_BG_NBD: return BgNbdParams{p[0], p[1], p[2], p[3]};
    case v1::VALUE_MODEL_MBG_NBD: return MbgNbdParams{p[0], p[1], p[2], p[3]};
    default: return ParetoNbdParams{p[0], p[1], p[2], p[3]};
  }
}

const char* ModelName(v1::ValueModel model) {
  switch (model) {
    case v1::VALUE_MODEL_BG_NBD: return "BG/NBD";
    case v1::VALUE_MODEL_MBG_NBD: return "MBG/NBD";
    case v1::VALUE_MODEL_PARETO_NBD: return "Pareto/NBD";
    default: return "Gamma-Gamma";
  }
}

std::vector<std::string> ParamNames(v1::ValueModel model) {
  switch (model) {
    case v1::VALUE_MODEL_BG_NBD:
    case v1::VALUE_MODEL_MBG_NBD: return {"r", "alpha", "a", "b"};
    case v1::VALUE_MODEL_PARETO_NBD: return {"r", "alpha", "s", "beta"};
    case v1::VALUE_MODEL_GAMMA_GAMMA: return {"p", "q", "gamma"};
    default: return {};
  }
}

absl::StatusOr<SummaryOptions> SummaryOptionsFrom(const v1::SummaryRequest& r) {
  SummaryOptions o;
  if (r.period_seconds() <= 0)
    return Invalid("SummaryRequest.period_seconds", "required, > 0 (e.g. 86400 for days)");
  if (r.unit_seconds() <= 0)
    return Invalid("SummaryRequest.unit_seconds", "required, > 0 (e.g. 604800 for weeks)");
  if (std::string p = TimeProblem(r.calibration_end_unix_seconds()); !p.empty())
    return Invalid("SummaryRequest.calibration_end_unix_seconds", p);
  o.calibration_end = r.calibration_end_unix_seconds();
  if (r.has_holdout_end_unix_seconds()) {
    if (std::string p = TimeProblem(r.holdout_end_unix_seconds()); !p.empty())
      return Invalid("SummaryRequest.holdout_end_unix_seconds", p);
    if (r.holdout_end_unix_seconds() < r.calibration_end_unix_seconds())
      return Invalid("SummaryRequest.holdout_end_unix_seconds", "before the calibration end");
    o.holdout_end = r.holdout_end_unix_seconds();
  }
  if (std::string p = TimeProblem(r.origin_unix_seconds()); !p.empty())
    return Invalid("SummaryRequest.origin_unix_seconds", p);
  o.period = TimeUnit::Seconds(r.period_seconds());
  o.unit = TimeUnit::Seconds(r.unit_seconds());
  o.origin = r.origin_unix_seconds();
  return o;
}

namespace {

// Summaries of transaction columns as a message; id(k) names customer key k.
template <typename IdOf>
absl::Status SummariesMessage(absl::Span<const uint32_t> customer, absl::Span<const int64_t> time,
                              absl::Span<const double> amount, const v1::SummaryRequest& request,
                              IdOf&& id, v1::CustomerSummaries* msg) {
  absl::StatusOr<SummaryOptions> options = SummaryOptionsFrom(request);
  if (!options.ok()) return options.status();
  absl::StatusOr<CustomerSummaries> s = Summarize(customer, time, amount, *options);
  if (!s.ok()) return s.status();
  v1::CustomerSummaries& out = *msg;
  out.Clear();
  out.set_unit_seconds(request.unit_seconds());
  out.set_holdout_length(s->holdout_length);
  // Each id is made before protobuf sees it: Debian's protobuf (3.21)
  // counts a new element of a repeated string before allocating it, so an
  // allocation failure inside add_customer_id leaves a slot the message's
  // destructor frees as garbage. With the pointers reserved, AddAllocated
  // allocates nothing.
  out.mutable_customer_id()->Reserve(static_cast<int>(s->size()));
  for (size_t i = 0; i < s->size(); ++i) {
    auto text = std::make_unique<std::string>(id(s->customer[i]));
    out.mutable_customer_id()->AddAllocated(text.release());
  }
  out.mutable_frequency()->Add(s->x.begin(), s->x.end());
  out.mutable_recency()->Add(s->t_x.begin(), s->t_x.end());
  out.mutable_t()->Add(s->T.begin(), s->T.end());
  out.mutable_monetary_value()->Add(s->monetary.begin(), s->monetary.end());
  out.mutable_holdout_frequency()->Add(s->holdout_x.begin(), s->holdout_x.end());
  out.mutable_holdout_spend()->Add(s->holdout_spend.begin(), s->holdout_spend.end());
  return absl::OkStatus();
}

}  // namespace

absl::Status SummarizeWorkspace(const Workspace& ws, const v1::SummaryRequest& request,
                                v1::CustomerSummaries* out) {
  const TransactionTable& t = ws.tables().transactions;
  if (absl::Status s = SummariesMessage(t.customer, t.time, t.amount, request,
                                        [&](uint32_t c) { return ws.tables().customers.ids.Id(c); },
                                        out);
      !s.ok())
    return s;
  AttributeCovariateKeys keys;
  keys.purchase.assign(request.purchase_covariate_attributes().begin(),
                       request.purchase_covariate_attributes().end());
  keys.dropout.assign(request.dropout_covariate_attributes().begin(),
                      request.dropout_covariate_attributes().end());
  if (keys.empty()) return absl::OkStatus();
  keys.names = FieldPath("SummaryRequest");
  std::vector<uint32_t> customers;
  customers.reserve(static_cast<size_t>(out->customer_id_size()));
  for (const std::string& id : out->customer_id())
    customers.push_back(*ws.tables().customers.ids.Find(id));  // summarised, so present
  absl::StatusOr<Covariates> cov = CovariatesFromAttributes(ws, customers, keys);
  if (!cov.ok()) {
    out->Clear();
    return cov.status();
  }
  for (const std::string& name : cov->purchase.names) out->add_purchase_covariate_names(name);
  out->mutable_purchase_covariates()->Add(cov->purchase.values.begin(), cov->purchase.values.end());
  for (const std::string& name : cov->dropout.names) out->add_dropout_covariate_names(name);
  out->mutable_dropout_covariates()->Add(cov->dropout.values.begin(), cov->dropout.values.end());
  return absl::OkStatus();
}

absl::Status SummarizeArrays(absl::Span<const uint32_t> customer, absl::Span<const int64_t> time,
                             absl::Span<const double> amount, const v1::SummaryRequest& request,
                             v1::CustomerSummaries* out) {
  if (request.purchase_covariate_attributes_size() > 0)
    return Invalid("SummaryRequest.purchase_covariate_attributes",
                   "customer attributes need a workspace (transaction arrays have none)");
  if (request.dropout_covariate_attributes_size() > 0)
    return Invalid("SummaryRequest.dropout_covariate_attributes",
                   "customer attributes need a workspace (transaction arrays have none)");
  // A workspace's times were checked on ingestion; raw arrays are checked
  // here (an out-of-range time would overflow the period arithmetic).
  for (size_t i = 0; i < time.size(); ++i) {
    if (std::string p = TimeProblem(time[i]); !p.empty()) return Invalid(absl::StrCat("time[", i, "]"), p);
  }
  return SummariesMessage(customer, time, amount, request,
                          [](uint32_t c) { return std::to_string(c); }, out);
}

absl::Status Fit(const v1::FitRequest& r, v1::FittedModel* out) {
  if (r.unit_seconds() < 0) return Invalid("FitRequest.unit_seconds", "must be >= 0");
  out->Clear();
  out->set_unit_seconds(r.unit_seconds());
  absl::StatusOr<FitOptions> options = FitOptionsFrom(r);
  if (!options.ok()) return options.status();
  const size_t n = static_cast<size_t>(r.frequency_size());
  auto same_length = [&](const char* field, int size) -> absl::Status {
    if (static_cast<size_t>(size) != n)
      return Invalid(absl::StrCat("FitRequest.", field),
                     absl::StrCat(size, " values, but frequency has ", n));
    return absl::OkStatus();
  };
  if (n == 0) return Invalid("FitRequest.frequency", "no customers to fit");
  if (r.weight_size() > 0) {
    if (absl::Status s = same_length("weight", r.weight_size()); !s.ok()) return s;
  }

  if (r.model() == v1::VALUE_MODEL_GAMMA_GAMMA) {
    if (r.purchase_covariate_names_size() > 0 || r.dropout_covariate_names_size() > 0 ||
        r.purchase_covariates_size() > 0 || r.dropout_covariates_size() > 0)
      return Invalid("FitRequest.purchase_covariate_names",
                     "covariates apply to BG/NBD, MBG/NBD and Pareto/NBD only");
    if (absl::Status s = same_length("monetary_value", r.monetary_value_size()); !s.ok()) return s;
    SpendData data{Column(r.frequency()), Column(r.monetary_value()), Column(r.weight())};
    data.name = "FitRequest: spend data";
    absl::StatusOr<GammaGammaFit> fit = FitGammaGamma(data, *options);
    if (!fit.ok()) return fit.status();
    const GammaGammaParams& p = fit->params;
    int64_t spend_rows = 0;
    for (double x : r.frequency()) spend_rows += x > 0;
    if (absl::Status s = ToMessage(r.model(), {p.p, p.q, p.gamma}, *fit, spend_rows, out); !s.ok())
      return s;
    absl::StatusOr<SpendFrequencyCorrelation> check = CheckSpendIndependence(data);
    if (!check.ok()) return check.status();
    v1::SpendIndependence* m = out->mutable_report()->mutable_spend_independence();
    m->set_repeat_buyers(check->repeat_buyers);
    m->set_correlation(check->correlation);
    m->set_p_value(check->p_value);
    return absl::OkStatus();
  }
  if (absl::Status s = same_length("recency", r.recency_size()); !s.ok()) return s;
  if (absl::Status s = same_length("T", r.t_size()); !s.ok()) return s;
  CustomerData raw{Column(r.frequency()), Column(r.recency()), Column(r.t()), Column(r.weight())};
  raw.name = "FitRequest: customer data";
  if (r.purchase_covariate_names_size() > 0 || r.dropout_covariate_names_size() > 0 ||
      r.purchase_covariates_size() > 0 || r.dropout_covariates_size() > 0) {
    if (absl::Status s = ValidateCustomerData(raw, nullptr); !s.ok()) return s;
    return FitCovariates(r, raw, *options, out);
  }
  // The fits check the rows as given (naming them by raw.name), merge
  // identical ones into weighted rows (options->group_identical) and report
  // the rows they summed over.
  const CustomerData& data = raw;
  switch (r.model()) {
    case v1::VALUE_MODEL_BG_NBD: {
      absl::StatusOr<BgNbdFit> fit = FitBgNbd(data, *options);
      if (!fit.ok()) return fit.status();
      const auto& p = fit->params;
      return ToMessage(r.model(), {p.r, p.alpha, p.a, p.b}, *fit, fit->report.rows, out);
    }
    case v1::VALUE_MODEL_MBG_NBD: {
      absl::StatusOr<MbgNbdFit> fit = FitMbgNbd(data, *options);
      if (!fit.ok()) return fit.status();
      const auto& p = fit->params;
      return ToMessage(r.model(), {p.r, p.alpha, p.a, p.b}, *fit, fit->report.rows, out);
    }
    case v1::VALUE_MODEL_PARETO_NBD: {
      absl::StatusOr<ParetoNbdFit> fit = FitParetoNbd(data, *options);
      if (!fit.ok()) return fit.status();
      const auto& p = fit->params;
      return ToMessage(r.model(), {p.r, p.alpha, p.s, p.beta}, *fit, fit->report.rows, out);
    }
    default:
      return Invalid("FitRequest.model", absl::StrCat("unknown or unspecified model ", r.model()));
  }
}

namespace {

// One process's summed moments, checked and turned into its scaling.
absl::StatusOr<CovariateScaling> ScalingOf(const std::vector<std::string>& names, double count,
                                           absl::Span<const double> sum,
                                           absl::Span<const double> cross, const char* process) {
  const size_t k = names.size();
  const std::string sum_field = absl::StrCat(process, "_sum");
  const std::string cross_field = absl::StrCat(process, "_cross");
  if (sum.size() != k || cross.size() != k * k)
    return Invalid(sum_field, absl::StrCat(sum.size(), " sums and ", cross.size(),
                                           " cross-products for ", k, " columns (expected ", k,
                                           " and ", k * k, ")"));
  for (size_t j = 0; j < k; ++j)
    if (!std::isfinite(sum[j])) return Invalid(absl::StrCat(sum_field, "[", j, "]"), "must be finite");
  for (size_t j = 0; j < k * k; ++j)
    if (!std::isfinite(cross[j]) || (j % (k + 1) == 0 && cross[j] < 0))
      return Invalid(absl::StrCat(cross_field, "[", j, "]"),
                     "must be finite (and >= 0 on the diagonal)");
  return CovariateScalingOf(names, count, sum, cross,
                            absl::StrCat("FitRequest.", process, "_covariates"));
}

}  // namespace

absl::Status FitWithCovariateLikelihood(const v1::FitRequest& r, const CovariateMoments& moments,
                                        ScaledLikelihoodFn log_likelihood, v1::FittedModel* out) {
  if (r.unit_seconds() < 0) return Invalid("FitRequest.unit_seconds", "must be >= 0");
  out->Clear();
  out->set_unit_seconds(r.unit_seconds());
  absl::StatusOr<CovariateModel> kind = CovariateModelOf(r.model(), "FitRequest.model");
  if (!kind.ok()) return kind.status();
  absl::StatusOr<FitOptions> options = FitOptionsFrom(r);
  if (!options.ok()) return options.status();
  for (auto [size, field] : {std::pair{r.purchase_covariates_size(), "purchase_covariates"},
                             std::pair{r.dropout_covariates_size(), "dropout_covariates"}})
    if (size > 0)
      return Invalid(absl::StrCat("FitRequest.", field),
                     "the covariate values stay with the log-likelihood's blocks: give their "
                     "moments, not the values");
  const size_t n = static_cast<size_t>(r.frequency_size());
  if (n == 0) return Invalid("FitRequest.frequency", "no customers to fit");
  for (auto [size, field] : {std::pair{r.recency_size(), "recency"}, std::pair{r.t_size(), "T"},
                             std::pair{r.weight_size(), "weight"}})
    if (static_cast<size_t>(size) != n && !(size == 0 && std::string(field) == "weight"))
      return Invalid(absl::StrCat("FitRequest.", field),
                     absl::StrCat(size, " values, but frequency has ", n));
  CustomerData rows{Column(r.frequency()), Column(r.recency()), Column(r.t()), Column(r.weight())};
  rows.name = "FitRequest: customer data";
  if (absl::Status s = ValidateCustomerData(rows, nullptr); !s.ok()) return s;
  Covariates cov = CovariateFields(r, "FitRequest");
  if (absl::Status s = CheckDistinctNames(cov.purchase.names, "FitRequest.purchase_covariate_names",
                                          "column");
      !s.ok())
    return s;
  if (absl::Status s = CheckDistinctNames(cov.dropout.names, "FitRequest.dropout_covariate_names",
                                          "column");
      !s.ok())
    return s;
  if (!(moments.count >= 1 && moments.count <= 9007199254740992.0 &&
        moments.count == std::floor(moments.count)))
    return Invalid("count", absl::StrCat("must be a whole number of customers >= 1, got ",
                                         moments.count));
  CovariateStandardisation scaling;
  absl::StatusOr<CovariateScaling> z1 = ScalingOf(cov.purchase.names, moments.count,
                                                  moments.purchase_sum, moments.purchase_cross,
                                                  "purchase");
  if (!z1.ok()) return z1.status();
  scaling.purchase = *std::move(z1);
  absl::StatusOr<CovariateScaling> z2 = ScalingOf(cov.dropout.names, moments.count,
                                                  moments.dropout_sum, moments.dropout_cross,
                                                  "dropout");
  if (!z2.ok()) return z2.status();
  scaling.dropout = *std::move(z2);
  auto sum = [&](const CovariateParams& p, double* ll, double* grad) {
    return log_likelihood(scaling, p, ll, grad);
  };
  absl::StatusOr<CovariateFit> fit = value::FitWithCovariateLikelihood(
      *kind, rows, scaling, r.covariate_penalty(), cov.names, sum, *options);
  if (!fit.ok()) return fit.status();
  return CovariateFitMessage(r, cov, *fit, static_cast<int64_t>(moments.count), out);
}

absl::StatusOr<double> BlockLogLikelihood(v1::ValueModel model, absl::Span<const double> params,
                                          const CustomerData& rows,
                                          absl::Span<const double> monetary_value, double* grad) {
  const std::vector<std::string> names = ParamNames(model);
  if (names.empty())
    return Invalid("model", absl::StrCat("must be BG/NBD (1), MBG/NBD (2), Pareto/NBD (3) or "
                                         "Gamma-Gamma (4), got ", static_cast<int>(model)));
  if (params.size() != names.size())
    return Invalid("params", absl::StrCat("needs ", names.size(), " values for ", ModelName(model),
                                          " (", absl::StrJoin(names, ", "), "), got ",
                                          params.size()));
  for (size_t i = 0; i < params.size(); ++i)
    if (!(params[i] > 0 && std::isfinite(params[i])))
      return Invalid(absl::StrCat("params[", i, "]"),
                     absl::StrCat("must be finite and > 0, got ", params[i]));
  if (grad != nullptr) std::fill(grad, grad + names.size(), 0.0);
  if (model == v1::VALUE_MODEL_GAMMA_GAMMA) {
    SpendData data{rows.x, monetary_value, rows.weight};
    data.name = rows.name;
    if (absl::Status s = ValidateSpendData(data); !s.ok()) return s;
    // The fit's sums skip the rows without a repeat purchase (or weight); a
    // block of only those adds nothing.
    bool any = false;
    for (size_t i = 0; i < data.x.size() && !any; ++i)
      any = data.x[i] > 0 && (data.weight.empty() || data.weight[i] > 0);
    if (!any) return 0.0;
    return GammaGammaLogLikelihood({params[0], params[1], params[2]}, data, grad);
  }
  // The purchase models check the rows themselves; no rows sum to 0.
  switch (model) {
    case v1::VALUE_MODEL_BG_NBD:
      return BgNbdLogLikelihood({params[0], params[1], params[2], params[3]}, rows, grad);
    case v1::VALUE_MODEL_MBG_NBD:
      return MbgNbdLogLikelihood({params[0], params[1], params[2], params[3]}, rows, grad);
    default:
      return ParetoNbdLogLikelihood({params[0], params[1], params[2], params[3]}, rows, grad);
  }
}

absl::Status FitWithLikelihood(const v1::FitRequest& r, double count,
                               LikelihoodSumFn log_likelihood, v1::FittedModel* out) {
  if (r.unit_seconds() < 0) return Invalid("FitRequest.unit_seconds", "must be >= 0");
  out->Clear();
  out->set_unit_seconds(r.unit_seconds());
  const std::vector<std::string> names = ParamNames(r.model());
  if (names.empty())
    return Invalid("FitRequest.model", "BG/NBD, MBG/NBD, Pareto/NBD or Gamma-Gamma expected");
  if (r.purchase_covariate_names_size() > 0 || r.dropout_covariate_names_size() > 0 ||
      r.purchase_covariates_size() > 0 || r.dropout_covariates_size() > 0)
    return Invalid("FitRequest.purchase_covariate_names",
                   "a fit with covariates over blocks takes the covariate likelihood and the "
                   "columns' moments");
  for (auto [size, field] :
       {std::pair{r.frequency_size(), "frequency"}, std::pair{r.recency_size(), "recency"},
        std::pair{r.t_size(), "T"}, std::pair{r.monetary_value_size(), "monetary_value"},
        std::pair{r.weight_size(), "weight"}})
    if (size > 0)
      return Invalid(absl::StrCat("FitRequest.", field),
                     "the rows stay with the log-likelihood's blocks: give their count, not "
                     "the rows");
  absl::StatusOr<FitOptions> options = FitOptionsFrom(r);
  if (!options.ok()) return options.status();
  if (!(count >= 1 && count <= 9007199254740992.0 && count == std::floor(count)))
    return Invalid("count", absl::StrCat("must be a whole number of customers >= 1, got ", count));
  std::vector<double> start = options->initial;
  if (start.empty()) start.assign(names.size(), 1.0);  // the fits' default start
  FallibleLikelihood host;
  auto ll = [&](const double* th, double* g) {
    return host.Evaluate(
        [&](double* v) { return log_likelihood(absl::MakeConstSpan(th, names.size()), v, g); });
  };
  absl::StatusOr<MleResult> mle = MaximizeLikelihood(ModelName(r.model()), start, count, ll,
                                                     *options);
  if (host.failed()) return host.Aborted();
  if (!mle.ok()) return mle.status();
  struct {
    FitReport report;
  } fit{std::move(mle->report)};
  return ToMessage(r.model(), mle->params, fit, static_cast<int64_t>(count), out);
}

absl::StatusOr<PurchaseModel> PurchaseModelFrom(const v1::FittedModel& m) {
  if (m.purchase_coefficients_size() > 0 || m.dropout_coefficients_size() > 0)
    return Invalid("FittedModel.purchase_coefficients",
                   "a model with covariates: its parameters differ per customer, and this "
                   "request carries no covariates to compute them");
  const std::vector<std::string> names = ParamNames(m.model());
  if (m.model() == v1::VALUE_MODEL_GAMMA_GAMMA || names.empty())
    return Invalid("FittedModel.model", "not a purchase model (BG/NBD, MBG/NBD or Pareto/NBD)");
  double v[4];
  for (int i = 0; i < 4; ++i) {
    absl::StatusOr<double> p = Param(m, names[i]);
    if (!p.ok()) return p.status();
    v[i] = *p;
  }
  return PurchaseModelAt(m.model(), v);
}

absl::StatusOr<GammaGammaParams> SpendModelFrom(const v1::FittedModel& m) {
  if (m.model() != v1::VALUE_MODEL_GAMMA_GAMMA)
    return Invalid("FittedModel.model", "not a spend model (Gamma-Gamma)");
  GammaGammaParams out;
  for (auto [name, slot] : {std::pair{"p", &out.p}, {"q", &out.q}, {"gamma", &out.gamma}}) {
    absl::StatusOr<double> p = Param(m, name);
    if (!p.ok()) return p.status();
    *slot = *p;
  }
  return out;
}

absl::Status Rfm(const v1::RfmRequest& r, v1::RfmResult* result) {
  if (r.frequency_size() != r.recency_age_size())
    return Invalid("RfmRequest.frequency", absl::StrCat(r.frequency_size(), " values, but recency_age has ",
                                                        r.recency_age_size()));
  if (r.monetary_value_size() != r.recency_age_size())
    return Invalid("RfmRequest.monetary_value", absl::StrCat(r.monetary_value_size(),
                                                             " values, but recency_age has ",
                                                             r.recency_age_size()));
  const int bins = r.bins() == 0 ? 5 : r.bins();
  if (bins < 2 || bins > 10) return Invalid("RfmRequest.bins", "must be 2..10");
  absl::StatusOr<RfmScores> scores;
  if (r.has_reference()) {
    RfmReference ref;
    const struct {
      const char* name;
      const v1::RfmValueCounts& m;
      ValueCounts& out;
    } dims[] = {{"recency_age", r.reference().recency_age(), ref.recency_age},
                {"frequency", r.reference().frequency(), ref.frequency},
                {"monetary_value", r.reference().monetary_value(), ref.monetary}};
    for (const auto& d : dims) {
      const std::string where = absl::StrCat("RfmRequest.reference.", d.name);
      if (d.m.values_size() == 0)
        return Invalid(where + ".values", "empty: every dimension needs its distribution");
      d.out.values.assign(d.m.values().begin(), d.m.values().end());
      d.out.counts.assign(d.m.counts().begin(), d.m.counts().end());
      if (absl::Status s = CheckValueCounts(d.out, where); !s.ok()) return s;
    }
    scores = ScoreRfmAgainst(Column(r.recency_age()), Column(r.frequency()),
                             Column(r.monetary_value()), ref, bins);
  } else {
    scores = ScoreRfm(Column(r.recency_age()), Column(r.frequency()), Column(r.monetary_value()),
                      bins);
  }
  if (!scores.ok()) return scores.status();
  std::vector<SegmentRule> rules;
  if (r.segments().empty()) {
    if (bins != 5) return Invalid("RfmRequest.segments", "the default table is for 5 bins: give segments");
    rules = DefaultSegmentRules();
  } else {
    for (int i = 0; i < r.segments_size(); ++i) {
      const v1::RfmSegmentRule& s = r.segments(i);
      const std::string where = absl::StrCat("RfmRequest.segments[", i, "]");
      auto in_range = [&](int v) { return v >= 1 && v <= bins; };
      const bool any_m = s.m_min() == 0 && s.m_max() == 0;
      if (s.name().empty()) return Invalid(where + ".name", "required");
      if (!in_range(s.r_min()) || !in_range(s.r_max()) || s.r_min() > s.r_max() ||
          !in_range(s.f_min()) || !in_range(s.f_max()) || s.f_min() > s.f_max() ||
          (!any_m && (!in_range(s.m_min()) || !in_range(s.m_max()) || s.m_min() > s.m_max())))
        return Invalid(where, absl::StrCat("score ranges must satisfy 1 <= min <= max <= ", bins));
      rules.push_back(SegmentRule{s.name(), static_cast<uint8_t>(s.r_min()), static_cast<uint8_t>(s.r_max()),
                                  static_cast<uint8_t>(s.f_min()), static_cast<uint8_t>(s.f_max()),
                                  static_cast<uint8_t>(any_m ? 1 : s.m_min()),
                                  static_cast<uint8_t>(any_m ? bins : s.m_max())});
    }
  }
  absl::StatusOr<std::vector<uint16_t>> seg = AssignSegments(*scores, rules);
  if (!seg.ok()) return seg.status();
  v1::RfmResult& out = *result;
  out.Clear();
  out.mutable_r()->Add(scores->r.begin(), scores->r.end());
  out.mutable_f()->Add(scores->f.begin(), scores->f.end());
  out.mutable_m()->Add(scores->m.begin(), scores->m.end());
  for (uint16_t s : *seg) out.add_segment(s == rules.size() ? -1 : s);
  for (const SegmentRule& rule : rules) {
    v1::RfmSegmentRule* m = out.add_segments();
    m->set_name(rule.name);
    m->set_r_min(rule.r_min);
    m->set_r_max(rule.r_max);
    m->set_f_min(rule.f_min);
    m->set_f_max(rule.f_max);
    m->set_m_min(rule.m_min);
    m->set_m_max(rule.m_max);
  }
  return absl::OkStatus();
}

absl::Status Holdout(const PurchaseModel& model, const CustomerData& customers,
                     double holdout_length, absl::Span<const double> actual,
                     v1::HoldoutValidation* out) {
  std::vector<double> predicted(customers.x.size());
  if (absl::Status s = ExpectedPurchases(model, customers, holdout_length, absl::MakeSpan(predicted));
      !s.ok())
    return s;
  absl::StatusOr<HoldoutValidation> v = ValidateHoldout(customers.x, predicted, actual);
  if (!v.ok()) return v.status();
  HoldoutMessage(*v, out);
  return absl::OkStatus();
}

void HoldoutMessage(const HoldoutValidation& validation, v1::HoldoutValidation* out) {
  const HoldoutValidation* v = &validation;
  out->Clear();
  for (const FrequencyGroup& g : v->by_frequency) {
    auto* row = out->add_by_frequency();
    row->set_calibration_frequency(g.x);
    row->set_customers(static_cast<int64_t>(g.customers));
    row->set_actual_mean(g.actual_mean);
    row->set_predicted_mean(g.predicted_mean);
  }
  out->set_mae(v->mae);
  out->set_rmse(v->rmse);
  out->set_bias(v->bias);
  out->set_total_actual(v->actual_total);
  out->set_total_predicted(v->predicted_total);
}

absl::Status SpendHoldout(const GammaGammaParams& spend, const SpendData& calibration,
                          absl::Span<const double> holdout_x, absl::Span<const double> holdout_spend,
                          v1::HoldoutValidation* out) {
  absl::StatusOr<HoldoutValidation> v = ValidateSpendHoldout(spend, calibration, holdout_x, holdout_spend);
  if (!v.ok()) return v.status();
  HoldoutMessage(*v, out);
  return absl::OkStatus();
}

}  // namespace mitra::value

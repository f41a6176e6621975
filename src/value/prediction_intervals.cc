#include "mitra/value/prediction_intervals.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/money_basis_message.h"
#include "common/request_errors.h"
#include "mitra/core/money_basis.h"
#include "common/random.h"
#include "mitra/value/bootstrap_draws.h"
#include "mitra/value/clv.h"
#include "mitra/value/covariates.h"
#include "mitra/value/messages.h"
#include "mitra/value/realised_draws.h"

namespace mitra::value {
namespace {

template <typename Field>
absl::Span<const double> Column(const Field& f) {
  return {f.data(), static_cast<size_t>(f.size())};
}

bool NeedsSpend(v1::ValuePrediction p) {
  return p == v1::VALUE_PREDICTION_CLV || p == v1::VALUE_PREDICTION_EXPECTED_SPEND;
}

// The simulated futures' streams, apart from the parameter draws' (0) and
// the bootstrap's (2): one per call of the evaluator.
constexpr uint64_t kRealisedStream = uint64_t{1} << 40;

// A fitted model's parameters in ParamNames order, each finite and > 0.
absl::StatusOr<std::vector<double>> EstimateFrom(const v1::FittedModel& m, const std::string& where) {
  const std::vector<std::string> names = ParamNames(m.model());
  if (names.empty()) return Invalid(where + ".model", "unknown or unspecified model");
  std::vector<double> out;
  for (const std::string& name : names) {
    absl::StatusOr<double> v = Param(m, name, where);
    if (!v.ok()) return v.status();
    out.push_back(*v);
  }
  return out;
}

}  // namespace

absl::StatusOr<UncertainParameters> UncertaintyFrom(const v1::FittedModel& m,
                                                    const std::string& where,
                                                    const Covariates* covariates) {
  absl::StatusOr<std::vector<double>> estimate = EstimateFrom(m, where);
  if (!estimate.ok()) return estimate.status();
  std::vector<std::string> names = ParamNames(m.model());
  UncertainParameters out;
  out.estimate = *std::move(estimate);
  if (covariates != nullptr) {
    absl::StatusOr<FittedCovariateModel> fitted = CovariateModelFrom(m, *covariates);
    if (!fitted.ok()) return fitted.status();
    const CovariateParams& p = fitted->params;
    out.estimate.insert(out.estimate.end(), p.purchase.begin(), p.purchase.end());
    out.estimate.insert(out.estimate.end(), p.dropout.begin(), p.dropout.end());
    for (const std::string& c : covariates->purchase.names)
      names.push_back(absl::StrCat("purchase_coefficients.", c));
    for (const std::string& c : covariates->dropout.names)
      names.push_back(absl::StrCat("dropout_coefficients.", c));
    out.real_line.assign(names.size(), true);
    std::fill(out.real_line.begin(), out.real_line.begin() + 4, false);
  }
  const v1::FitReport& r = m.report();
  if (r.log_covariance().empty())
    return absl::FailedPreconditionError(absl::StrCat(
        where, ".report.log_covariance: empty; intervals need a fit with standard errors "
               "(the Hessian was not positive definite or standard errors were skipped)"));
  const size_t n = names.size();
  // Where each parameter is in the report's order (the covariates' columns
  // may come in another order than at the fit).
  std::vector<size_t> at(n);
  bool found = static_cast<size_t>(r.covariance_parameters_size()) == n;
  for (size_t i = 0; i < n && found; ++i) {
    const auto it = std::find(r.covariance_parameters().begin(), r.covariance_parameters().end(), names[i]);
    found = it != r.covariance_parameters().end();
    if (found) at[i] = static_cast<size_t>(it - r.covariance_parameters().begin());
  }
  if (!found)
    return Invalid(where + ".report.covariance_parameters",
                   absl::StrCat("must be the model's parameters", covariates ? " and coefficients" : "",
                                " (", absl::StrJoin(names, ", "), ")"));
  if (static_cast<size_t>(r.log_covariance_size()) != n * n)
    return Invalid(where + ".report.log_covariance",
                   absl::StrCat(r.log_covariance_size(), " values for ", n, " parameters (needs ", n * n, ")"));
  for (int i = 0; i < r.log_covariance_size(); ++i)
    if (!std::isfinite(r.log_covariance(i)))
      return Invalid(absl::StrCat(where, ".report.log_covariance[", i, "]"), "not finite");
  out.log_covariance.resize(n * n);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j)
      out.log_covariance[i * n + j] = r.log_covariance(static_cast<int>(at[i] * n + at[j]));
  return out;
}

absl::Status PredictIntervals(const v1::PredictIntervalsRequest& r,
                              v1::PredictIntervalsResponse* out, MemoryBudget* memory) {
  const std::string req = "PredictIntervalsRequest";
  DrawOptions o;
  o.names = FieldPath(req);
  if (r.has_draws()) o.draws = r.draws();
  if (r.has_level()) o.level = r.level();
  o.seed = r.seed();
  o.memory = memory;
  if (absl::Status s = CheckDrawOptions(o); !s.ok()) return s;

  const v1::ValueModel kind = r.purchase_model().model();
  if (kind != v1::VALUE_MODEL_BG_NBD && kind != v1::VALUE_MODEL_MBG_NBD &&
      kind != v1::VALUE_MODEL_PARETO_NBD)
    return Invalid(req + ".purchase_model.model", "must be BG/NBD, MBG/NBD or Pareto/NBD");
  const bool has_spend = r.has_spend_model();
  const bool bootstrap = r.method() == v1::INTERVAL_METHOD_BOOTSTRAP;
  if (r.method() != v1::INTERVAL_METHOD_UNSPECIFIED &&
      r.method() != v1::INTERVAL_METHOD_ASYMPTOTIC_NORMAL && !bootstrap)
    return Invalid(req + ".method", absl::StrCat("unknown interval method ", static_cast<int>(r.method())));
  // predictions() holds enum values as ints; an unknown one is refused below.
  std::vector<v1::ValuePrediction> predictions;
  for (int p : r.predictions()) predictions.push_back(static_cast<v1::ValuePrediction>(p));
  if (predictions.empty()) {
    if (has_spend) predictions.push_back(v1::VALUE_PREDICTION_CLV);
    predictions.push_back(v1::VALUE_PREDICTION_EXPECTED_PURCHASES);
    predictions.push_back(v1::VALUE_PREDICTION_PROBABILITY_ALIVE);
    if (has_spend) predictions.push_back(v1::VALUE_PREDICTION_EXPECTED_SPEND);
  }
  bool spend_needed = false, clv_needed = false;
  for (size_t i = 0; i < predictions.size(); ++i) {
    const v1::ValuePrediction p = predictions[i];
    if (p < v1::VALUE_PREDICTION_CLV || p > v1::VALUE_PREDICTION_EXPECTED_SPEND)
      return Invalid(absl::StrCat(req, ".predictions[", i, "]"),
                     absl::StrCat("unknown or unspecified prediction ", static_cast<int>(p)));
    spend_needed |= NeedsSpend(p);
    clv_needed |= p == v1::VALUE_PREDICTION_CLV;
  }
  if (spend_needed && !has_spend)
    return Invalid(req + ".spend_model", "required for CLV and expected spend (a Gamma-Gamma fit)");
  // Realised purchases with expected purchases over a horizon; their revenue
  // too when a spend model and spends are given.
  const bool realised = !r.skip_realised() && r.horizon() > 0 &&
                        std::find(predictions.begin(), predictions.end(),
                                  v1::VALUE_PREDICTION_EXPECTED_PURCHASES) != predictions.end();
  const bool revenue = realised && has_spend && (spend_needed || r.monetary_value_size() > 0);
  const bool with_spend = spend_needed || revenue;
  if (with_spend && r.spend_model().model() != v1::VALUE_MODEL_GAMMA_GAMMA)
    return Invalid(req + ".spend_model.model", "must be Gamma-Gamma");
  if (absl::Status s = CheckRange(r.horizon(), req + ".horizon", r.horizon() >= 0, "finite and >= 0");
      !s.ok())
    return s;
  ClvOptions clv{r.clv_periods() == 0 ? 12 : r.clv_periods(), r.clv_period_length(),
                 r.clv_discount_rate()};
  if (clv_needed) {
    if (absl::Status s = CheckCount(clv.periods, 1, 100000, req + ".clv_periods"); !s.ok()) return s;
    if (absl::Status s = CheckRange(clv.period_length, req + ".clv_period_length",
                                    clv.period_length > 0, "finite and > 0");
        !s.ok())
      return s;
    if (absl::Status s = CheckRange(clv.discount_rate, req + ".clv_discount_rate",
                                    clv.discount_rate >= 0, "finite and >= 0");
        !s.ok())
      return s;
  }

  const size_t n = static_cast<size_t>(r.frequency_size());
  auto same_length = [&](const char* field, int size) -> absl::Status {
    if (static_cast<size_t>(size) != n)
      return Invalid(absl::StrCat(req, ".", field), absl::StrCat(size, " values, but frequency has ", n));
    return absl::OkStatus();
  };
  if (absl::Status s = same_length("recency", r.recency_size()); !s.ok()) return s;
  if (absl::Status s = same_length("T", r.t_size()); !s.ok()) return s;
  if (with_spend) {
    if (absl::Status s = same_length("monetary_value", r.monetary_value_size()); !s.ok()) return s;
  }
  CustomerData data{Column(r.frequency()), Column(r.recency()), Column(r.t()), {}};
  const std::string rows = req + ": customer";
  data.name = rows;
  if (absl::Status s = ValidateCustomerData(data, nullptr); !s.ok()) return s;
  const absl::Span<const double> monetary = Column(r.monetary_value());
  if (with_spend) {
    for (size_t i = 0; i < n; ++i)
      if (!std::isfinite(monetary[i]) || monetary[i] < 0 || (data.x[i] > 0 && !(monetary[i] > 0)))
        return Invalid(absl::StrCat(req, ".monetary_value[", i, "]"),
                       absl::StrCat("must be finite, > 0 for a repeat buyer and >= 0 otherwise, got ",
                                    monetary[i]));
  }

  // A purchase model with covariates: each customer's parameters from the
  // base ones and the coefficients, which follow them in every draw.
  const v1::FittedModel& pm = r.purchase_model();
  std::optional<Covariates> cov;
  CovariateModel cov_kind = CovariateModel::kBgNbd;
  if (r.purchase_covariate_names_size() > 0 || r.dropout_covariate_names_size() > 0) {
    cov = CovariatesOf(r);
    if (absl::Status s = CheckCovariateValues(*cov, n, false); !s.ok()) return s;
    absl::StatusOr<CovariateModel> k = CovariateModelOf(kind, req + ".purchase_model.model");
    if (!k.ok()) return k.status();
    cov_kind = *k;
  } else if (pm.purchase_coefficients_size() > 0 || pm.dropout_coefficients_size() > 0) {
    return Invalid(req + ".purchase_covariate_names",
                   "the purchase model was fitted with covariates: give the customers' "
                   "purchase and dropout covariates (each has her own parameters)");
  }
  const size_t k1 = cov ? cov->purchase.columns() : 0, kp = 4 + k1 + (cov ? cov->dropout.columns() : 0);
  // What the money bases name as the model: with covariates, how many.
  const std::string model_name =
      cov ? absl::StrCat(ModelName(kind), " with ", k1, " purchase and ", kp - 4 - k1,
                         " dropout covariates")
          : std::string(ModelName(kind));

  // The bootstrap needs the estimates only; the normal draws their covariance.
  UncertainParameters joint;
  if (bootstrap) {
    absl::StatusOr<std::vector<double>> purchase = EstimateFrom(pm, req + ".purchase_model");
    if (!purchase.ok()) return purchase.status();
    joint.estimate = *purchase;
    if (cov) {
      absl::StatusOr<FittedCovariateModel> fitted = CovariateModelFrom(pm, *cov);
      if (!fitted.ok()) return fitted.status();
      joint.estimate.insert(joint.estimate.end(), fitted->params.purchase.begin(), fitted->params.purchase.end());
      joint.estimate.insert(joint.estimate.end(), fitted->params.dropout.begin(), fitted->params.dropout.end());
    }
    if (with_spend) {
      absl::StatusOr<std::vector<double>> spend = EstimateFrom(r.spend_model(), req + ".spend_model");
      if (!spend.ok()) return spend.status();
      joint.estimate.insert(joint.estimate.end(), spend->begin(), spend->end());
    }
  } else {
    absl::StatusOr<UncertainParameters> purchase =
        UncertaintyFrom(pm, req + ".purchase_model", cov ? &*cov : nullptr);
    if (!purchase.ok()) return purchase.status();
    joint = *purchase;
    if (with_spend) {
      absl::StatusOr<UncertainParameters> spend = UncertaintyFrom(r.spend_model(), req + ".spend_model");
      if (!spend.ok()) return spend.status();
      joint = JoinIndependent(*purchase, *spend);
    }
  }
  // Gamma-Gamma's mean spend exists for q > 1 only (p, q, gamma follow the
  // purchase model's parameters and coefficients).
  int redrawn = 0;
  auto accept = [&](absl::Span<const double> p) { return !with_spend || p[kp + 1] > 1; };
  absl::StatusOr<std::vector<double>> draws =
      bootstrap ? BootstrapParameters(kind, data, with_spend ? monetary : absl::Span<const double>(),
                                      joint.estimate, o, accept, &redrawn, cov ? &*cov : nullptr)
                : DrawParameters(joint, o, accept, &redrawn);
  if (!draws.ok()) return draws.status();

  // Calls fn(params, b', e', out') on customers [b, e) with `params` the
  // purchase model's four parameters (then Gamma-Gamma's three) of a draw
  // `th`: once for the block without covariates, and with them once per
  // customer at her own parameters.
  std::vector<double> own(7);
  auto each = [&](absl::Span<const double> th, size_t b, size_t e, absl::Span<double> res,
                  auto&& fn) -> absl::Status {
    if (!cov) return fn(th, b, e, res);
    CovariateParams at;
    std::copy(th.begin(), th.begin() + 4, at.base.begin());
    at.purchase.assign(th.begin() + 4, th.begin() + 4 + k1);
    at.dropout.assign(th.begin() + 4 + k1, th.begin() + kp);
    if (with_spend) std::copy(th.begin() + kp, th.begin() + kp + 3, own.begin() + 4);
    for (size_t i = b; i < e; ++i) {
      const std::array<double, 4> p = CustomerParams(cov_kind, at, *cov, i);
      std::copy(p.begin(), p.end(), own.begin());
      if (absl::Status s = fn(absl::MakeConstSpan(own), i, i + 1, res.subspan(i - b, 1)); !s.ok())
        return absl::Status(s.code(), absl::StrCat("customer ", i, " at her own parameters: ", s.message()));
    }
    return absl::OkStatus();
  };

  auto sub = [&](size_t b, size_t e) {
    CustomerData d{data.x.subspan(b, e - b), data.t_x.subspan(b, e - b), data.T.subspan(b, e - b), {}};
    d.name = rows;
    return d;
  };
  auto spend_at = [](absl::Span<const double> p) { return GammaGammaParams{p[4], p[5], p[6]}; };
  out->Clear();
  out->set_draws(o.draws);
  out->set_level(o.level);
  out->set_redrawn(redrawn);
  out->set_method(bootstrap ? v1::INTERVAL_METHOD_BOOTSTRAP : v1::INTERVAL_METHOD_ASYMPTOTIC_NORMAL);
  const std::string method =
      bootstrap ? absl::StrCat(o.draws, " bootstrap refits over the customers")
                : absl::StrCat(o.draws, " draws from the fitted covariance");
  for (const v1::ValuePrediction p : predictions) {
    auto one = [&](absl::Span<const double> th, size_t b, size_t e,
                   absl::Span<double> res) -> absl::Status {
      const CustomerData d = sub(b, e);
      switch (p) {
        case v1::VALUE_PREDICTION_CLV:
          return CustomerLifetimeValue(PurchaseModelAt(kind, th), spend_at(th), d,
                                       monetary.subspan(b, e - b), clv, res);
        case v1::VALUE_PREDICTION_EXPECTED_PURCHASES:
          return ExpectedPurchases(PurchaseModelAt(kind, th), d, r.horizon(), res);
        case v1::VALUE_PREDICTION_PROBABILITY_ALIVE:
          return ProbabilityAlive(PurchaseModelAt(kind, th), d, res);
        default:
          return GammaGammaExpectedSpend(spend_at(th), SpendData{d.x, monetary.subspan(b, e - b), {}},
                                         res);
      }
    };
    auto evaluate = [&](absl::Span<const double> th, size_t b, size_t e,
                        absl::Span<double> res) { return each(th, b, e, res, one); };
    absl::StatusOr<PredictionIntervals> iv = IntervalsFromDraws(joint.estimate, *draws, n, evaluate, o);
    if (!iv.ok()) return iv.status();
    v1::PredictionInterval* m = out->add_intervals();
    m->set_prediction(p);
    m->mutable_estimate()->Add(iv->estimate.begin(), iv->estimate.end());
    m->mutable_low()->Add(iv->low.begin(), iv->low.end());
    m->mutable_high()->Add(iv->high.begin(), iv->high.end());
    m->set_total(iv->total);
    m->set_total_low(iv->total_low);
    m->set_total_high(iv->total_high);
    m->set_kind(v1::INTERVAL_KIND_CONFIDENCE);
    if (p == v1::VALUE_PREDICTION_CLV) {
      ToMessage(MoneyBasis::Estimated(
                    iv->total_low, iv->total_high, o.level,
                    absl::StrCat(model_name, " + Gamma-Gamma parameter uncertainty, ", method,
                                 ", ", n, " customers")),
                out->mutable_clv_basis());
    }
  }
  if (!realised) return absl::OkStatus();

  // Realised purchases and revenue: the expectation at the estimate (the
  // evaluator's first call), then one simulated future per draw.
  out->set_horizon(r.horizon());
  std::vector<double> scratch;
  for (const bool money : {false, true}) {
    if (money && !revenue) break;
    DrawOptions ro = o;
    ro.discrete = !money;
    uint64_t call = 0;
    auto evaluate = [&](absl::Span<const double> draw, size_t block_begin, size_t block_end,
                        absl::Span<double> block_res) -> absl::Status {
      const bool at_estimate = call++ == 0;
      Rng rng(r.seed(), kRealisedStream + call);
      auto one = [&](absl::Span<const double> th, size_t b, size_t e,
                     absl::Span<double> res) -> absl::Status {
        const CustomerData d = sub(b, e);
        const absl::Span<const double> z = with_spend ? monetary.subspan(b, e - b) : monetary;
        scratch.resize(e - b);
        if (at_estimate) {
          if (absl::Status s = ExpectedPurchases(PurchaseModelAt(kind, th), d, r.horizon(), res);
              !s.ok())
            return s;
          if (!money) return absl::OkStatus();
          if (absl::Status s = GammaGammaExpectedSpend(spend_at(th), SpendData{d.x, z, {}},
                                                       absl::MakeSpan(scratch));
              !s.ok())
            return s;
          for (size_t i = 0; i < res.size(); ++i) res[i] *= scratch[i];
          return absl::OkStatus();
        }
        return SimulateFutures(kind, th, d, z, r.horizon(), rng,
                               money ? absl::MakeSpan(scratch) : res,
                               money ? res : absl::Span<double>());
      };
      return each(draw, block_begin, block_end, block_res, one);
    };
    absl::StatusOr<PredictionIntervals> iv = IntervalsFromDraws(joint.estimate, *draws, n, evaluate, ro);
    if (!iv.ok()) return iv.status();
    v1::RealisedInterval* m = out->add_realised();
    m->set_quantity(money ? v1::REALISED_QUANTITY_REVENUE : v1::REALISED_QUANTITY_PURCHASES);
    m->set_kind(v1::INTERVAL_KIND_PREDICTION);
    m->mutable_estimate()->Add(iv->estimate.begin(), iv->estimate.end());
    m->mutable_low()->Add(iv->low.begin(), iv->low.end());
    m->mutable_high()->Add(iv->high.begin(), iv->high.end());
    if (money) {
      m->mutable_low_share()->Resize(static_cast<int>(n), 1.0);
      m->mutable_high_share()->Resize(static_cast<int>(n), 1.0);
    } else {
      m->mutable_low_share()->Add(iv->low_share.begin(), iv->low_share.end());
      m->mutable_high_share()->Add(iv->high_share.begin(), iv->high_share.end());
    }
    m->set_total(iv->total);
    m->set_total_low(iv->total_low);
    m->set_total_high(iv->total_high);
    if (money) {
      ToMessage(MoneyBasis::Estimated(
                    iv->total_low, iv->total_high, o.level,
                    absl::StrCat(model_name, " + Gamma-Gamma, a prediction interval of the "
                                 "realised revenue over ", r.horizon(),
                                 " units (each customer's purchases and spend simulated given her "
                                 "history), parameter uncertainty by ",
                                 method, ", ", n, " customers")),
                out->mutable_revenue_basis());
    }
  }
  return absl::OkStatus();
}

}  // namespace mitra::value

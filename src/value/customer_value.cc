#include "mitra/value/customer_value.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/request_errors.h"
#include "mitra/value/attribute_covariates.h"
#include "mitra/value/covariates.h"
#include "mitra/value/customer_data.h"
#include "mitra/value/gamma_gamma.h"
#include "mitra/value/messages.h"
#include "mitra/value/prediction_intervals.h"

namespace mitra::value {
namespace {

template <typename Field>
absl::Span<const double> Col(const Field& f) {
  return {f.data(), static_cast<size_t>(f.size())};
}

// The purchase model's predictions for the summarised customers: one
// model for all, or with covariates each customer's own (covariates.h).
class Predictions {
 public:
  explicit Predictions(const CustomerData& data) : data_(data) {}

  // From the fitted model; covariates from the summaries when it has them.
  absl::Status Set(const v1::FittedModel& fitted, const v1::CustomerSummaries& S) {
    if (S.purchase_covariate_names_size() == 0 && S.dropout_covariate_names_size() == 0) {
      absl::StatusOr<PurchaseModel> m = PurchaseModelFrom(fitted);
      if (!m.ok()) return m.status();
      model_ = *m;
      return absl::OkStatus();
    }
    covariates_ = CovariatesOf(S);
    absl::StatusOr<FittedCovariateModel> m = CovariateModelFrom(fitted, *covariates_);
    if (!m.ok()) return m.status();
    fitted_ = *std::move(m);
    return absl::OkStatus();
  }
  const PurchaseModel* shared() const { return model_ ? &*model_ : nullptr; }
  const FittedCovariateModel& fitted() const { return fitted_; }

  absl::Status Alive(absl::Span<double> out) const {
    if (model_) return ProbabilityAlive(*model_, data_, out);
    return PredictWithCovariates(fitted_.model, fitted_.params, *covariates_, data_,
                                 CovariatePrediction::kProbabilityAlive, 0, out);
  }
  absl::Status Purchases(double t, absl::Span<double> out) const {
    if (model_) return ExpectedPurchases(*model_, data_, t, out);
    return PredictWithCovariates(fitted_.model, fitted_.params, *covariates_, data_,
                                 CovariatePrediction::kExpectedPurchases, t, out);
  }
  absl::Status Clv(const GammaGammaParams& spend, absl::Span<const double> monetary,
                   const ClvOptions& options, absl::Span<double> out) const {
    if (model_) return CustomerLifetimeValue(*model_, spend, data_, monetary, options, out);
    for (size_t i = 0; i < out.size(); ++i) {
      const CustomerData row{data_.x.subspan(i, 1), data_.t_x.subspan(i, 1), data_.T.subspan(i, 1),
                             {}, data_.name};
      if (absl::Status s = CustomerLifetimeValue(CustomerModel(fitted_.model, fitted_.params,
                                                               *covariates_, i),
                                                 spend, row, monetary.subspan(i, 1), options,
                                                 out.subspan(i, 1));
          !s.ok())
        return absl::Status(s.code(), absl::StrCat("customer ", i, ": ", s.message()));
    }
    return absl::OkStatus();
  }

 private:
  const CustomerData& data_;
  std::optional<PurchaseModel> model_;
  std::optional<Covariates> covariates_;
  FittedCovariateModel fitted_;
};

}  // namespace

absl::StatusOr<CustomerValueTable> ScoreCustomers(const Workspace& ws,
                                                  const CustomerValueOptions& options) {
  CustomerValueTable out;
  if (absl::Status s = SummarizeWorkspace(ws, options.summary, &out.summaries); !s.ok()) return s;
  const v1::CustomerSummaries& S = out.summaries;
  const size_t n = static_cast<size_t>(S.frequency_size());
  if (n == 0) return absl::FailedPreconditionError("no customer bought before the calibration end");
  const bool covariates = S.purchase_covariate_names_size() > 0 || S.dropout_covariate_names_size() > 0;

  v1::FitRequest fit;
  fit.set_model(options.model);
  *fit.mutable_frequency() = S.frequency();
  *fit.mutable_recency() = S.recency();
  *fit.mutable_t() = S.t();
  fit.mutable_options()->set_threads(options.threads);
  fit.set_unit_seconds(options.summary.unit_seconds());
  if (covariates) {
    *fit.mutable_purchase_covariate_names() = S.purchase_covariate_names();
    *fit.mutable_purchase_covariates() = S.purchase_covariates();
    *fit.mutable_dropout_covariate_names() = S.dropout_covariate_names();
    *fit.mutable_dropout_covariates() = S.dropout_covariates();
    fit.set_covariate_penalty(options.covariate_penalty);
  }
  if (absl::Status s = Fit(fit, &out.purchase_model); !s.ok()) return s;
  const CustomerData data{Col(S.frequency()), Col(S.recency()), Col(S.t()), {}};
  Predictions model(data);
  if (absl::Status s = model.Set(out.purchase_model, S); !s.ok()) return s;

  out.p_alive.resize(n);
  out.expected_purchases.resize(n);
  if (absl::Status s = model.Alive(absl::MakeSpan(out.p_alive)); !s.ok()) return s;
  if (absl::Status s = model.Purchases(options.horizon, absl::MakeSpan(out.expected_purchases));
      !s.ok())
    return s;

  v1::FitRequest spend;
  spend.set_model(v1::VALUE_MODEL_GAMMA_GAMMA);
  *spend.mutable_frequency() = S.frequency();
  *spend.mutable_monetary_value() = S.monetary_value();
  v1::FittedModel spend_model;
  if (absl::Status s = Fit(spend, &spend_model); !s.ok()) {
    out.spend_error = std::string(s.message());
  } else {
    absl::StatusOr<GammaGammaParams> gg = SpendModelFrom(spend_model);
    if (!gg.ok()) return gg.status();
    out.expected_spend.resize(n);
    out.clv.resize(n);
    if (absl::Status s = GammaGammaExpectedSpend(*gg, SpendData{Col(S.frequency()), Col(S.monetary_value()), {}},
                                                 absl::MakeSpan(out.expected_spend));
        !s.ok())
      return s;
    if (absl::Status s = model.Clv(*gg, Col(S.monetary_value()), options.clv, absl::MakeSpan(out.clv));
        !s.ok())
      return s;
    if (options.intervals) {
      v1::PredictIntervalsRequest req;
      *req.mutable_purchase_model() = out.purchase_model;
      *req.mutable_spend_model() = spend_model;
      *req.mutable_frequency() = S.frequency();
      *req.mutable_recency() = S.recency();
      *req.mutable_t() = S.t();
      *req.mutable_monetary_value() = S.monetary_value();
      *req.mutable_purchase_covariate_names() = S.purchase_covariate_names();
      *req.mutable_purchase_covariates() = S.purchase_covariates();
      *req.mutable_dropout_covariate_names() = S.dropout_covariate_names();
      *req.mutable_dropout_covariates() = S.dropout_covariates();
      req.add_predictions(v1::VALUE_PREDICTION_CLV);
      req.set_clv_periods(options.clv.periods);
      req.set_clv_period_length(options.clv.period_length);
      req.set_clv_discount_rate(options.clv.discount_rate);
      req.set_draws(options.intervals->draws);
      req.set_level(options.intervals->level);
      req.set_seed(options.intervals->seed);
      req.set_method(options.interval_method);
      if (options.horizon > 0) {
        req.add_predictions(v1::VALUE_PREDICTION_EXPECTED_PURCHASES);
        req.set_horizon(options.horizon);
      }
      v1::PredictIntervalsResponse iv;
      if (absl::Status s = PredictIntervals(req, &iv, &ws.memory_budget()); s.ok()) {
        const v1::PredictionInterval& c = iv.intervals(0);
        out.clv_low.assign(c.low().begin(), c.low().end());
        out.clv_high.assign(c.high().begin(), c.high().end());
        out.clv_basis = iv.clv_basis();
        if (iv.intervals_size() > 1) out.purchases_interval = iv.intervals(1);
        for (const v1::RealisedInterval& r : iv.realised()) {
          if (r.quantity() == v1::REALISED_QUANTITY_PURCHASES) out.realised_purchases = r;
          if (r.quantity() == v1::REALISED_QUANTITY_REVENUE) out.realised_revenue = r;
        }
        if (iv.has_revenue_basis()) out.revenue_basis = iv.revenue_basis();
      } else if (absl::IsFailedPrecondition(s)) {
        out.interval_error = std::string(s.message());  // no covariance: the table stands
      } else {
        return s;
      }
    }
    out.spend_model = std::move(spend_model);
  }

  v1::RfmRequest rfm;
  for (size_t i = 0; i < n; ++i) rfm.add_recency_age(S.t(i) - S.recency(i));
  *rfm.mutable_frequency() = S.frequency();
  *rfm.mutable_monetary_value() = S.monetary_value();
  if (absl::Status s = Rfm(rfm, &out.rfm); !s.ok()) return s;

  if (options.summary.has_holdout_end_unix_seconds()) {
    std::vector<double> predicted(n);
    if (absl::Status s = model.Purchases(S.holdout_length(), absl::MakeSpan(predicted)); !s.ok())
      return s;
    absl::StatusOr<HoldoutValidation> v = ValidateHoldout(data.x, predicted, Col(S.holdout_frequency()));
    if (!v.ok()) return v.status();
    HoldoutMessage(*v, &out.holdout.emplace());
    if (out.spend_model) {
      absl::StatusOr<GammaGammaParams> gg = SpendModelFrom(*out.spend_model);
      if (!gg.ok()) return gg.status();
      if (absl::Status s = SpendHoldout(*gg, SpendData{Col(S.frequency()), Col(S.monetary_value()), {}},
                                        Col(S.holdout_frequency()), Col(S.holdout_spend()),
                                        &out.spend_holdout.emplace());
          !s.ok())
        return s;
    }
  }
  if (options.tracking) {
    absl::StatusOr<SummaryOptions> clock = SummaryOptionsFrom(options.summary);
    if (!clock.ok()) return clock.status();
    const TransactionTable& t = ws.tables().transactions;
    if (model.shared() != nullptr) {
      absl::StatusOr<Tracking> tracking = Track(*model.shared(), t.customer, t.time, *clock, *options.tracking);
      if (!tracking.ok()) return tracking.status();
      out.tracking = *std::move(tracking);
    } else {
      // Every tracked customer at her own parameters, those born after the
      // calibration end too: her covariates from the attributes the
      // summaries read.
      absl::StatusOr<RepeatTransactions> repeat =
          TrackRepeatTransactions(t.customer, t.time, *clock, *options.tracking);
      if (!repeat.ok()) return repeat.status();
      AttributeCovariateKeys keys;
      keys.purchase.assign(options.summary.purchase_covariate_attributes().begin(),
                           options.summary.purchase_covariate_attributes().end());
      keys.dropout.assign(options.summary.dropout_covariate_attributes().begin(),
                          options.summary.dropout_covariate_attributes().end());
      keys.names = FieldPath("SummaryRequest");
      absl::StatusOr<Covariates> tracked = CovariatesFromAttributes(ws, repeat->customer, keys);
      if (!tracked.ok()) return tracked.status();
      Tracking& tracking = out.tracking.emplace();
      tracking.actual = std::move(repeat->actual);
      tracking.expected.resize(tracking.actual.size());
      if (absl::Status s = ExpectedCumulativeTransactionsWithCovariates(
              model.fitted().model, model.fitted().params, *tracked, repeat->birth,
              *options.tracking, absl::MakeSpan(tracking.expected));
          !s.ok())
        return s;
    }
  }
  return out;
}

}  // namespace mitra::value

#include "mitra/value/customer_value.h"

#include <utility>

#include "absl/strings/str_cat.h"
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

}  // namespace

absl::StatusOr<CustomerValueTable> ScoreCustomers(const Workspace& ws,
                                                  const CustomerValueOptions& options) {
  CustomerValueTable out;
  if (absl::Status s = SummarizeWorkspace(ws, options.summary, &out.summaries); !s.ok()) return s;
  const v1::CustomerSummaries& S = out.summaries;
  const size_t n = static_cast<size_t>(S.frequency_size());
  if (n == 0) return absl::FailedPreconditionError("no customer bought before the calibration end");

  v1::FitRequest fit;
  fit.set_model(options.model);
  *fit.mutable_frequency() = S.frequency();
  *fit.mutable_recency() = S.recency();
  *fit.mutable_t() = S.t();
  fit.mutable_options()->set_threads(options.threads);
  fit.set_unit_seconds(options.summary.unit_seconds());
  if (absl::Status s = Fit(fit, &out.purchase_model); !s.ok()) return s;
  absl::StatusOr<PurchaseModel> model = PurchaseModelFrom(out.purchase_model);
  if (!model.ok()) return model.status();

  const CustomerData data{Col(S.frequency()), Col(S.recency()), Col(S.t()), {}};
  out.p_alive.resize(n);
  out.expected_purchases.resize(n);
  if (absl::Status s = ProbabilityAlive(*model, data, absl::MakeSpan(out.p_alive)); !s.ok()) return s;
  if (absl::Status s = ExpectedPurchases(*model, data, options.horizon,
                                         absl::MakeSpan(out.expected_purchases));
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
    if (absl::Status s = CustomerLifetimeValue(*model, *gg, data, Col(S.monetary_value()), options.clv,
                                               absl::MakeSpan(out.clv));
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
    if (absl::Status s = Holdout(*model, data, S.holdout_length(), Col(S.holdout_frequency()),
                                 &out.holdout.emplace());
        !s.ok())
      return s;
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
    absl::StatusOr<Tracking> tracking = Track(*model, t.customer, t.time, *clock, *options.tracking);
    if (!tracking.ok()) return tracking.status();
    out.tracking = *std::move(tracking);
  }
  return out;
}

}  // namespace mitra::value

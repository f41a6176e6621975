// The C ABI of the customer-value models (mitra.h, "Customer value").
// Requests and models are messages; per-customer data are caller arrays.
#include <algorithm>
#include <cmath>
#include <shared_mutex>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capi_internal.h"
#include "mitra/mitra.h"
#include "mitra/value/bgnbd.h"
#include "mitra/value/mbgnbd.h"
#include "mitra/value/messages.h"
#include "mitra/value/pareto_nbd.h"
#include "mitra/value/prediction_intervals.h"
#include "mitra/value/purchase_counts.h"
#include "mitra/value/tracking.h"

using namespace mitra::capi;  // NOLINT: the C ABI files share these helpers

namespace {

namespace v1 = mitra::v1;
namespace value = mitra::value;

// A FittedModel on `arena`, parsed from the caller's bytes.
absl::StatusOr<v1::FittedModel*> Model(google::protobuf::Arena& arena, const uint8_t* data,
                                       size_t len, const char* what = "model") {
  auto* m = NewMessage<v1::FittedModel>(arena);
  if (absl::Status s = ParseMessage(data, len, m, what); !s.ok()) return s;
  return m;
}

absl::StatusOr<value::PurchaseModel> PurchaseModel(const uint8_t* data, size_t len,
                                                   const char* what = "model") {
  google::protobuf::Arena arena;
  absl::StatusOr<v1::FittedModel*> m = Model(arena, data, len, what);
  if (!m.ok()) return m.status();
  return value::PurchaseModelFrom(**m);
}

absl::StatusOr<value::GammaGammaParams> SpendModel(const uint8_t* data, size_t len,
                                                   const char* what = "model") {
  google::protobuf::Arena arena;
  absl::StatusOr<v1::FittedModel*> m = Model(arena, data, len, what);
  if (!m.ok()) return m.status();
  return value::SpendModelFrom(**m);
}

absl::Status FiniteTime(double t, const char* name) {
  if (!std::isfinite(t) || t < 0)
    return absl::InvalidArgumentError(absl::StrCat(name, ": must be finite and >= 0, got ", t));
  return absl::OkStatus();
}

// The tracking clock from C arguments; the library checks its ranges.
value::SummaryOptions TrackingClock(int64_t origin, int64_t period_seconds, int64_t unit_seconds) {
  value::SummaryOptions o;
  o.origin = origin;
  o.period = value::TimeUnit::Seconds(period_seconds);
  o.unit = value::TimeUnit::Seconds(unit_seconds);
  return o;
}

// Both tracking series into the caller's arrays of `periods` entries.
absl::Status EmitTracking(const uint8_t* model, size_t model_len, absl::Span<const uint32_t> customer,
                          absl::Span<const int64_t> time, int64_t origin, int64_t period_seconds,
                          int64_t unit_seconds, double step, int32_t periods, double* expected,
                          double* actual) {
  if (expected == nullptr) return Null("expected");
  if (actual == nullptr) return Null("actual");
  absl::StatusOr<value::PurchaseModel> m = PurchaseModel(model, model_len);
  if (!m.ok()) return m.status();
  absl::StatusOr<value::Tracking> t =
      value::Track(*m, customer, time, TrackingClock(origin, period_seconds, unit_seconds), {step, periods});
  if (!t.ok()) return t.status();
  std::copy(t->expected.begin(), t->expected.end(), expected);
  std::copy(t->actual.begin(), t->actual.end(), actual);
  return absl::OkStatus();
}

}  // namespace

extern "C" {

mitra_status mitra_workspace_value_summary(const mitra_workspace* workspace,
                                           const uint8_t* request, size_t request_len,
                                           uint8_t** out, size_t* out_len,
                                           mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    google::protobuf::Arena arena;
    auto* req = NewMessage<v1::SummaryRequest>(arena);
    if (absl::Status s = ParseMessage(request, request_len, req, "request"); !s.ok()) return s;
    return ReadInto(workspace, out, out_len, [&](const mitra::Workspace& ws) -> absl::Status {
      auto* summaries = NewMessage<v1::CustomerSummaries>(arena);
      if (absl::Status s = value::SummarizeWorkspace(ws, *req, summaries); !s.ok()) return s;
      return EmitMessage(*summaries, out, out_len);
    });
  });
}

mitra_status mitra_value_summarize(const uint32_t* customer, const int64_t* time,
                                   const double* amount, size_t n, const uint8_t* request,
                                   size_t request_len, uint8_t** out, size_t* out_len,
                                   mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = CheckOut(out, out_len); !s.ok()) return s;
    if (absl::Status s = Arrays(n, {{customer, "customer"}, {time, "time"}, {amount, "amount"}});
        !s.ok())
      return s;
    google::protobuf::Arena arena;
    auto* req = NewMessage<v1::SummaryRequest>(arena);
    if (absl::Status s = ParseMessage(request, request_len, req, "request"); !s.ok()) return s;
    auto* summaries = NewMessage<v1::CustomerSummaries>(arena);
    if (absl::Status s = value::SummarizeArrays({customer, customer ? n : 0}, {time, time ? n : 0},
                                                In(amount, n), *req, summaries);
        !s.ok())
      return s;
    return EmitMessage(*summaries, out, out_len);
  });
}

mitra_status mitra_value_fit(const uint8_t* request, size_t request_len, uint8_t** out,
                             size_t* out_len, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = CheckOut(out, out_len); !s.ok()) return s;
    google::protobuf::Arena arena;
    auto* req = NewMessage<v1::FitRequest>(arena);
    if (absl::Status s = ParseMessage(request, request_len, req, "request"); !s.ok()) return s;
    auto* fitted = NewMessage<v1::FittedModel>(arena);
    if (absl::Status s = value::Fit(*req, fitted); !s.ok()) return s;
    return EmitMessage(*fitted, out, out_len);
  });
}

mitra_status mitra_value_log_likelihood(int32_t model, const double* params, size_t params_len,
                                        const double* frequency, const double* recency,
                                        const double* T, const double* monetary_value,
                                        const double* weight, size_t n, double* log_likelihood,
                                        double* gradient, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (log_likelihood == nullptr) return Null("log_likelihood");
    if (params_len > 0 && params == nullptr) return Null("params");
    const bool spend = model == v1::VALUE_MODEL_GAMMA_GAMMA;
    if (absl::Status s = spend ? Arrays(n, {{frequency, "frequency"},
                                            {monetary_value, "monetary_value"}})
                               : Arrays(n, {{frequency, "frequency"}, {recency, "recency"}, {T, "T"}});
        !s.ok())
      return s;
    value::CustomerData rows{In(frequency, n), In(recency, spend ? 0 : n), In(T, spend ? 0 : n),
                             In(weight, n)};
    rows.name = "block";  // "block row 3: x = 1.5 is not a whole number ..."
    std::vector<double> grad(params_len);
    absl::StatusOr<double> ll = value::BlockLogLikelihood(
        static_cast<v1::ValueModel>(model), In(params, params_len), rows,
        In(monetary_value, spend ? n : 0), grad.data());
    if (!ll.ok()) return ll.status();
    *log_likelihood = *ll;
    if (gradient != nullptr) std::copy(grad.begin(), grad.end(), gradient);
    return absl::OkStatus();
  });
}

mitra_status mitra_value_fit_callback(const uint8_t* request, size_t request_len, double count,
                                      mitra_value_likelihood log_likelihood, void* user,
                                      uint8_t** out, size_t* out_len, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = CheckOut(out, out_len); !s.ok()) return s;
    if (log_likelihood == nullptr) return Null("log_likelihood");
    google::protobuf::Arena arena;
    auto* req = NewMessage<v1::FitRequest>(arena);
    if (absl::Status s = ParseMessage(request, request_len, req, "request"); !s.ok()) return s;
    int failure = 0, calls = 0;
    auto host = [&](absl::Span<const double> params, double* ll, double* grad) {
      ++calls;
      failure = log_likelihood(params.data(), ll, grad, user);
      return failure == 0;
    };
    auto* fitted = NewMessage<v1::FittedModel>(arena);
    absl::Status s = value::FitWithLikelihood(*req, count, host, fitted);
    if (s = HostFitStatus(std::move(s), failure, calls); !s.ok()) return s;
    return EmitMessage(*fitted, out, out_len);
  });
}

mitra_status mitra_value_predict(const uint8_t* model, size_t model_len,
                                 mitra_value_quantity quantity, double t,
                                 const double* frequency, const double* recency, const double* T,
                                 size_t n, double* out, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = Arrays(n, {{frequency, "frequency"}, {recency, "recency"}, {T, "T"}, {out, "out"}});
        !s.ok())
      return s;
    absl::StatusOr<value::PurchaseModel> m = PurchaseModel(model, model_len);
    if (!m.ok()) return m.status();
    const value::CustomerData data{In(frequency, n), In(recency, n), In(T, n), {}};
    const absl::Span<double> result(out, out ? n : 0);
    const int q = EnumValue(quantity);
    switch (q) {
      case MITRA_VALUE_EXPECTED_PURCHASES:
        if (absl::Status s = FiniteTime(t, "t"); !s.ok()) return s;
        return value::ExpectedPurchases(*m, data, t, result);
      case MITRA_VALUE_PROBABILITY_ALIVE:
        return value::ProbabilityAlive(*m, data, result);
      case MITRA_VALUE_PROBABILITY_ALIVE_AT:
        if (absl::Status s = FiniteTime(t, "t"); !s.ok()) return s;
        return value::ProbabilityAliveAt(*m, data, t, result);
    }
    return absl::InvalidArgumentError(
        absl::StrCat("quantity: unknown mitra_value_quantity ", q));
  });
}

mitra_status mitra_value_expected_purchases_new(const uint8_t* model, size_t model_len,
                                                const double* t, size_t n, double* out,
                                                mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = Arrays(n, {{t, "t"}, {out, "out"}}); !s.ok()) return s;
    absl::StatusOr<value::PurchaseModel> m = PurchaseModel(model, model_len);
    if (!m.ok()) return m.status();
    for (size_t i = 0; i < n; ++i) {
      if (absl::Status s = FiniteTime(t[i], "t"); !s.ok()) return s;
      absl::StatusOr<double> v = std::visit(
          [&](const auto& p) -> absl::StatusOr<double> {
            using P = std::decay_t<decltype(p)>;
            if constexpr (std::is_same_v<P, value::BgNbdParams>)
              return value::BgNbdExpectedPurchasesNew(p, t[i]);
            else if constexpr (std::is_same_v<P, value::MbgNbdParams>)
              return value::MbgNbdExpectedPurchasesNew(p, t[i]);
            else
              return value::ParetoNbdExpectedPurchasesNew(p, t[i]);
          },
          *m);
      if (!v.ok()) return v.status();
      out[i] = *v;
    }
    return absl::OkStatus();
  });
}

mitra_status mitra_value_probability_of_purchases(const uint8_t* model, size_t model_len,
                                                  double t, const int32_t* count, size_t n,
                                                  double* out, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = Arrays(n, {{count, "count"}, {out, "out"}}); !s.ok()) return s;
    if (absl::Status s = FiniteTime(t, "t"); !s.ok()) return s;
    absl::StatusOr<value::PurchaseModel> m = PurchaseModel(model, model_len);
    if (!m.ok()) return m.status();
    if (std::holds_alternative<value::ParetoNbdParams>(*m))
      return absl::UnimplementedError("P(X(t) = n) is given for BG/NBD and MBG/NBD only");
    for (size_t i = 0; i < n; ++i) {
      if (count[i] < 0)
        return absl::InvalidArgumentError(absl::StrCat("count[", i, "]: must be >= 0"));
      absl::StatusOr<double> v =
          std::holds_alternative<value::BgNbdParams>(*m)
              ? value::BgNbdProbabilityOfPurchases(std::get<value::BgNbdParams>(*m), t, count[i])
              : value::MbgNbdProbabilityOfPurchases(std::get<value::MbgNbdParams>(*m), t, count[i]);
      if (!v.ok()) return v.status();
      out[i] = *v;
    }
    return absl::OkStatus();
  });
}

mitra_status mitra_value_expected_spend(const uint8_t* model, size_t model_len,
                                        const double* frequency, const double* monetary_value,
                                        size_t n, double* out, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = Arrays(n, {{frequency, "frequency"}, {monetary_value, "monetary_value"}, {out, "out"}});
        !s.ok())
      return s;
    absl::StatusOr<value::GammaGammaParams> m = SpendModel(model, model_len);
    if (!m.ok()) return m.status();
    return value::GammaGammaExpectedSpend(
        *m, value::SpendData{In(frequency, n), In(monetary_value, n), {}}, {out, out ? n : 0});
  });
}

mitra_status mitra_value_clv(const uint8_t* purchase_model, size_t purchase_model_len,
                             const uint8_t* spend_model, size_t spend_model_len, int32_t periods,
                             double period_length, double discount_rate, const double* frequency,
                             const double* recency, const double* T,
                             const double* monetary_value, size_t n, double* out,
                             mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = Arrays(n, {{frequency, "frequency"}, {recency, "recency"}, {T, "T"},
                                    {monetary_value, "monetary_value"}, {out, "out"}});
        !s.ok())
      return s;
    absl::StatusOr<value::PurchaseModel> m = PurchaseModel(purchase_model, purchase_model_len, "purchase_model");
    if (!m.ok()) return m.status();
    absl::StatusOr<value::GammaGammaParams> spend = SpendModel(spend_model, spend_model_len, "spend_model");
    if (!spend.ok()) return spend.status();
    const value::ClvOptions options{periods, period_length, discount_rate};
    return value::CustomerLifetimeValue(*m, *spend,
                                        value::CustomerData{In(frequency, n), In(recency, n), In(T, n), {}},
                                        In(monetary_value, n), options, {out, out ? n : 0});
  });
}

mitra_status mitra_value_predict_intervals(const uint8_t* request, size_t request_len,
                                           uint8_t** out, size_t* out_len,
                                           mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = CheckOut(out, out_len); !s.ok()) return s;
    google::protobuf::Arena arena;
    auto* req = NewMessage<v1::PredictIntervalsRequest>(arena);
    if (absl::Status s = ParseMessage(request, request_len, req, "request"); !s.ok()) return s;
    auto* result = NewMessage<v1::PredictIntervalsResponse>(arena);
    if (absl::Status s = value::PredictIntervals(*req, result); !s.ok()) return s;
    return EmitMessage(*result, out, out_len);
  });
}

mitra_status mitra_value_holdout(const uint8_t* model, size_t model_len, double holdout_length,
                                 const double* frequency, const double* recency, const double* T,
                                 const double* holdout_frequency, size_t n, uint8_t** out,
                                 size_t* out_len, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = CheckOut(out, out_len); !s.ok()) return s;
    if (absl::Status s = Arrays(n, {{frequency, "frequency"}, {recency, "recency"}, {T, "T"},
                                    {holdout_frequency, "holdout_frequency"}});
        !s.ok())
      return s;
    if (absl::Status s = FiniteTime(holdout_length, "holdout_length"); !s.ok()) return s;
    absl::StatusOr<value::PurchaseModel> m = PurchaseModel(model, model_len);
    if (!m.ok()) return m.status();
    google::protobuf::Arena arena;
    auto* msg = NewMessage<v1::HoldoutValidation>(arena);
    const value::CustomerData data{In(frequency, n), In(recency, n), In(T, n), {}};
    if (absl::Status s = value::Holdout(*m, data, holdout_length, In(holdout_frequency, n), msg); !s.ok())
      return s;
    return EmitMessage(*msg, out, out_len);
  });
}

mitra_status mitra_value_rfm(const uint8_t* request, size_t request_len, uint8_t** out,
                             size_t* out_len, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = CheckOut(out, out_len); !s.ok()) return s;
    google::protobuf::Arena arena;
    auto* req = NewMessage<v1::RfmRequest>(arena);
    if (absl::Status s = ParseMessage(request, request_len, req, "request"); !s.ok()) return s;
    auto* result = NewMessage<v1::RfmResult>(arena);
    if (absl::Status s = value::Rfm(*req, result); !s.ok()) return s;
    return EmitMessage(*result, out, out_len);
  });
}

mitra_status mitra_value_expected_cumulative_transactions(const uint8_t* model, size_t model_len,
                                                         const double* birth, size_t n, double step,
                                                         int32_t periods, double* out,
                                                         mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = Arrays(n, {{birth, "birth"}}); !s.ok()) return s;
    if (out == nullptr) return Null("out");
    absl::StatusOr<value::PurchaseModel> m = PurchaseModel(model, model_len);
    if (!m.ok()) return m.status();
    const size_t len = periods > 0 ? static_cast<size_t>(periods) : 0;
    // Computed whole before `out` is written: a failing call (extreme
    // parameters are refused) changes nothing.
    std::vector<double> result(len);
    if (absl::Status s = value::ExpectedCumulativeTransactions(*m, In(birth, n), {step, periods},
                                                               absl::MakeSpan(result));
        !s.ok())
      return s;
    std::copy(result.begin(), result.end(), out);
    return absl::OkStatus();
  });
}

mitra_status mitra_value_tracking(const uint8_t* model, size_t model_len, const uint32_t* customer,
                                  const int64_t* time, size_t n, int64_t origin_unix_seconds,
                                  int64_t period_seconds, int64_t unit_seconds, double step,
                                  int32_t periods, double* expected, double* actual,
                                  mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = Arrays(n, {{customer, "customer"}, {time, "time"}}); !s.ok()) return s;
    return EmitTracking(model, model_len, {customer, customer ? n : 0}, {time, time ? n : 0},
                        origin_unix_seconds, period_seconds, unit_seconds, step, periods, expected,
                        actual);
  });
}

mitra_status mitra_workspace_value_tracking(const mitra_workspace* workspace, const uint8_t* model,
                                            size_t model_len, int64_t origin_unix_seconds,
                                            int64_t period_seconds, int64_t unit_seconds,
                                            double step, int32_t periods, double* expected,
                                            double* actual, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = CheckWorkspace(workspace); !s.ok()) return s;
    std::shared_lock lock(workspace->mu);
    const mitra::TransactionTable& t = workspace->ws->tables().transactions;
    return EmitTracking(model, model_len, t.customer, t.time, origin_unix_seconds, period_seconds,
                        unit_seconds, step, periods, expected, actual);
  });
}

mitra_status mitra_value_probability_alive_path(const uint8_t* model, size_t model_len,
                                                const double* purchase_times, size_t n_purchases,
                                                const double* times, size_t n_times, double* out,
                                                mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = Arrays(n_purchases, {{purchase_times, "purchase_times"}}); !s.ok()) return s;
    if (absl::Status s = Arrays(n_times, {{times, "times"}, {out, "out"}}); !s.ok()) return s;
    absl::StatusOr<value::PurchaseModel> m = PurchaseModel(model, model_len);
    if (!m.ok()) return m.status();
    return value::ProbabilityAlivePath(*m, In(purchase_times, n_purchases), In(times, n_times),
                                       {out, out ? n_times : 0});
  });
}

mitra_status mitra_value_purchase_count_probability(const uint8_t* model, size_t model_len, double t,
                                                    const int32_t* count, const double* frequency,
                                                    const double* recency, const double* T,
                                                    size_t n, double* out,
                                                    mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = Arrays(n, {{count, "count"}, {out, "out"}}); !s.ok()) return s;
    const bool given = frequency != nullptr || recency != nullptr || T != nullptr;
    if (given) {
      if (absl::Status s = Arrays(n, {{frequency, "frequency"}, {recency, "recency"}, {T, "T"}}); !s.ok())
        return s;
    }
    if (absl::Status s = FiniteTime(t, "t"); !s.ok()) return s;
    absl::StatusOr<value::PurchaseModel> m = PurchaseModel(model, model_len);
    if (!m.ok()) return m.status();
    const absl::Span<const int> counts(count, count ? n : 0);
    if (given) {
      return value::ProbabilityOfPurchasesGiven(
          *m, value::CustomerData{In(frequency, n), In(recency, n), In(T, n), {}}, t, counts,
          {out, out ? n : 0});
    }
    for (size_t i = 0; i < n; ++i) {
      if (count[i] < 0)
        return absl::InvalidArgumentError(absl::StrCat("count[", i, "]: must be >= 0, got ", count[i]));
    }
    for (size_t i = 0; i < n; ++i) {
      absl::StatusOr<double> v = value::ProbabilityOfPurchasesNew(*m, t, count[i]);
      if (!v.ok()) return v.status();
      out[i] = *v;
    }
    return absl::OkStatus();
  });
}

mitra_status mitra_value_spend_holdout(const uint8_t* spend_model, size_t spend_model_len,
                                       const double* frequency, const double* monetary_value,
                                       const double* holdout_frequency, const double* holdout_spend,
                                       size_t n, uint8_t** out, size_t* out_len,
                                       mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = CheckOut(out, out_len); !s.ok()) return s;
    if (absl::Status s = Arrays(n, {{frequency, "frequency"}, {monetary_value, "monetary_value"},
                                    {holdout_frequency, "holdout_frequency"},
                                    {holdout_spend, "holdout_spend"}});
        !s.ok())
      return s;
    absl::StatusOr<value::GammaGammaParams> spend = SpendModel(spend_model, spend_model_len, "spend_model");
    if (!spend.ok()) return spend.status();
    google::protobuf::Arena arena;
    auto* msg = NewMessage<v1::HoldoutValidation>(arena);
    if (absl::Status s = value::SpendHoldout(*spend, value::SpendData{In(frequency, n), In(monetary_value, n), {}},
                                             In(holdout_frequency, n), In(holdout_spend, n), msg);
        !s.ok())
      return s;
    return EmitMessage(*msg, out, out_len);
  });
}

}  // extern "C"

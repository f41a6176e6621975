// The C ABI of the customer-value models (mitra.h, "Customer value").
// Requests and models are messages; per-customer data are caller arrays.
#include <cmath>
#include <variant>

#include "capi_internal.h"
#include "mitra/mitra.h"
#include "mitra/value/bgnbd.h"
#include "mitra/value/mbgnbd.h"
#include "mitra/value/messages.h"
#include "mitra/value/pareto_nbd.h"
#include "mitra/value/prediction_intervals.h"

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
    switch (quantity) {
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
        absl::StrCat("quantity: unknown mitra_value_quantity ", static_cast<int>(quantity)));
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

}  // extern "C"

// The C ABI of the discrete-time value models (mitra.h, "Contract renewals
// and discrete opportunities"): sBG and BG/BB. Requests and models are
// messages; per-customer and per-period data are caller arrays.
#include <cmath>

#include "capi_internal.h"
#include "mitra/mitra.h"
#include "mitra/value/discrete_messages.h"
#include "value/model_driver.h"

using namespace mitra::capi;  // NOLINT: the C ABI files share these helpers

namespace {

namespace v1 = mitra::v1;
namespace value = mitra::value;

template <typename M, typename Params, typename From>
absl::StatusOr<Params> ParamsOf(const uint8_t* data, size_t len, From&& from) {
  google::protobuf::Arena arena;
  auto* m = NewMessage<M>(arena);
  if (absl::Status s = ParseMessage(data, len, m, "model"); !s.ok()) return s;
  return from(*m);
}

// The longest period count a caller array may ask about (sbg.h: a century
// of months is the longest cohort fitted; predictions reach further).
constexpr int32_t kMaxPeriods = 1000000;

}  // namespace

extern "C" {

mitra_status mitra_value_sbg_fit(const uint8_t* request, size_t request_len, uint8_t** out,
                                 size_t* out_len, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = CheckOut(out, out_len); !s.ok()) return s;
    google::protobuf::Arena arena;
    auto* req = NewMessage<v1::SbgFitRequest>(arena);
    if (absl::Status s = ParseMessage(request, request_len, req, "request"); !s.ok()) return s;
    auto* result = NewMessage<v1::SbgFitResult>(arena);
    if (absl::Status s = value::FitSbgCohorts(*req, result); !s.ok()) return s;
    return EmitMessage(*result, out, out_len);
  });
}

mitra_status mitra_value_sbg_predict(const uint8_t* model, size_t model_len,
                                     mitra_value_sbg_quantity quantity, double discount_rate,
                                     const int32_t* t, size_t n, double* out,
                                     mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = Arrays(n, {{t, "t"}, {out, "out"}}); !s.ok()) return s;
    absl::StatusOr<value::SbgParams> p = ParamsOf<v1::SbgModel, value::SbgParams>(
        model, model_len, [](const v1::SbgModel& m) { return value::SbgParamsFrom(m); });
    if (!p.ok()) return p.status();
    const int q = EnumValue(quantity);
    if (q < MITRA_VALUE_SBG_SURVIVAL || q > MITRA_VALUE_SBG_ELASTICITY)
      return absl::InvalidArgumentError(
          absl::StrCat("quantity: unknown mitra_value_sbg_quantity ", q));
    const bool discounted = q == MITRA_VALUE_SBG_DERL || q == MITRA_VALUE_SBG_ELASTICITY;
    if (discounted && !(std::isfinite(discount_rate) && discount_rate > 0))
      return absl::InvalidArgumentError(
          absl::StrCat("discount_rate: must be finite and > 0, got ", discount_rate));
    const int32_t least = q == MITRA_VALUE_SBG_RETENTION ? 1 : 0;
    for (size_t i = 0; i < n; ++i) {
      if (t[i] < least || t[i] > kMaxPeriods)
        return absl::InvalidArgumentError(absl::StrCat("t[", i, "]: must be ", least, "..",
                                                       kMaxPeriods, ", got ", t[i]));
    }
    // Computed whole before `out` is written: a failing call changes nothing.
    std::vector<double> result(n);
    for (size_t i = 0; i < n; ++i) {
      switch (q) {
        case MITRA_VALUE_SBG_SURVIVAL: result[i] = value::SbgSurvival(*p, t[i]); break;
        case MITRA_VALUE_SBG_RETENTION: result[i] = value::SbgRetentionRate(*p, t[i]); break;
        default: {
          absl::StatusOr<double> v =
              q == MITRA_VALUE_SBG_DERL
                  ? value::SbgDiscountedResidualLifetime(*p, discount_rate, t[i])
                  : value::SbgRetentionElasticity(*p, discount_rate, t[i]);
          if (!v.ok()) return v.status();
          result[i] = *v;
        }
      }
    }
    // Extreme parameters (alpha = 1e-77, beta = 1e-216, found by fuzzing)
    // leave the formulas' range: say so rather than hand out NaN.
    const bool probability = q == MITRA_VALUE_SBG_SURVIVAL || q == MITRA_VALUE_SBG_RETENTION;
    if (absl::Status s = value::ValuesInRange(
            absl::MakeSpan(result),
            probability ? value::ValueRange::kProbability : value::ValueRange::kNonNegative,
            absl::StrCat("sBG quantity ", q, " with alpha = ", p->alpha, ", beta = ", p->beta));
        !s.ok())
      return s;
    std::copy(result.begin(), result.end(), out);
    return absl::OkStatus();
  });
}

mitra_status mitra_value_bgbb_fit(const double* x, const double* t_x, const double* opportunities,
                                  const double* weight, size_t n, const uint8_t* options,
                                  size_t options_len, uint8_t** out, size_t* out_len,
                                  mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = CheckOut(out, out_len); !s.ok()) return s;
    if (absl::Status s = Arrays(n, {{x, "x"}, {t_x, "t_x"}, {opportunities, "opportunities"}});
        !s.ok())
      return s;
    if (n == 0) return absl::InvalidArgumentError("n: no histories to fit");
    google::protobuf::Arena arena;
    auto* opts = NewMessage<v1::FitOptions>(arena);
    if (absl::Status s = ParseMessage(options, options_len, opts, "options"); !s.ok()) return s;
    value::OpportunityData data{In(x, n), In(t_x, n), In(opportunities, n), In(weight, n)};
    auto* model = NewMessage<v1::BgBbModel>(arena);
    if (absl::Status s = value::FitBgBbColumns(data, *opts, "options", model); !s.ok()) return s;
    return EmitMessage(*model, out, out_len);
  });
}

mitra_status mitra_value_bgbb_predict(const uint8_t* model, size_t model_len,
                                      mitra_value_bgbb_quantity quantity, int32_t m,
                                      const double* x, const double* t_x,
                                      const double* opportunities, size_t n, double* out,
                                      mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = Arrays(n, {{x, "x"}, {t_x, "t_x"}, {opportunities, "opportunities"},
                                    {out, "out"}});
        !s.ok())
      return s;
    absl::StatusOr<value::BgBbParams> p = ParamsOf<v1::BgBbModel, value::BgBbParams>(
        model, model_len, [](const v1::BgBbModel& msg) { return value::BgBbParamsFrom(msg); });
    if (!p.ok()) return p.status();
    const value::OpportunityData data{In(x, n), In(t_x, n), In(opportunities, n)};
    std::vector<double> result(n);
    absl::Status s;
    const int q = EnumValue(quantity);
    switch (q) {
      case MITRA_VALUE_BGBB_PROBABILITY_ALIVE:
        s = value::BgBbProbabilityAlive(*p, data, m, absl::MakeSpan(result));
        break;
      case MITRA_VALUE_BGBB_EXPECTED_TRANSACTIONS:
        s = value::BgBbConditionalExpectedTransactions(*p, data, m, absl::MakeSpan(result));
        break;
      default:
        return absl::InvalidArgumentError(absl::StrCat(
            "quantity: unknown mitra_value_bgbb_quantity ", q));
    }
    if (!s.ok()) return s;
    std::copy(result.begin(), result.end(), out);
    return absl::OkStatus();
  });
}

mitra_status mitra_value_bgbb_distribution(const uint8_t* model, size_t model_len,
                                           int32_t opportunities, double* out,
                                           mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (out == nullptr) return Null("out");
    absl::StatusOr<value::BgBbParams> p = ParamsOf<v1::BgBbModel, value::BgBbParams>(
        model, model_len, [](const v1::BgBbModel& msg) { return value::BgBbParamsFrom(msg); });
    if (!p.ok()) return p.status();
    if (opportunities < 1 || opportunities > 10000)
      return absl::InvalidArgumentError(
          absl::StrCat("opportunities: must be 1..10000, got ", opportunities));
    std::vector<double> result(static_cast<size_t>(opportunities) + 1);
    if (absl::Status s = value::BgBbTransactionDistribution(*p, opportunities, absl::MakeSpan(result));
        !s.ok())
      return s;
    std::copy(result.begin(), result.end(), out);
    return absl::OkStatus();
  });
}

mitra_status mitra_workspace_value_sbg(const mitra_workspace* workspace, const uint8_t* request,
                                       size_t request_len, uint8_t** out, size_t* out_len,
                                       mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return RunWorkspaceRequest<v1::WorkspaceSbgRequest, v1::SbgFitResult>(
        workspace, request, request_len, out, out_len, value::WorkspaceSbg);
  });
}

mitra_status mitra_workspace_value_bgbb(const mitra_workspace* workspace, const uint8_t* request,
                                        size_t request_len, uint8_t** out, size_t* out_len,
                                        mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return RunWorkspaceRequest<v1::WorkspaceBgBbRequest, v1::WorkspaceBgBbResult>(
        workspace, request, request_len, out, out_len, value::WorkspaceBgBb);
  });
}

}  // extern "C"

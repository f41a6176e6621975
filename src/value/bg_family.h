// BG/NBD and MBG/NBD in one implementation. MBG/NBD is BG/NBD in which a
// customer may also drop out right after her first purchase: x + 1 chances
// to drop out instead of x, which puts b + 1 where BG/NBD has b in the
// closed forms (bg_common.h). BgTraits<Params>::kExtraDropout (0 for BG/NBD,
// 1 for MBG/NBD) is the whole difference; the likelihood (bg_likelihood.cc)
// and the predictions (bg_predictions.cc) are written once in terms of it.
#ifndef MITRA_SRC_VALUE_BG_FAMILY_H_
#define MITRA_SRC_VALUE_BG_FAMILY_H_

#include <cmath>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "bg_common.h"
#include "mitra/value/bgnbd.h"
#include "mitra/value/customer_data.h"
#include "mitra/value/mbgnbd.h"
#include "mitra/value/optimizer.h"

namespace mitra::value {

template <class Params>
struct BgTraits;
template <>
struct BgTraits<BgNbdParams> {
  static constexpr int kExtraDropout = 0;
  static constexpr const char* kName = "BG/NBD";
  using Fit = BgNbdFit;
};
template <>
struct BgTraits<MbgNbdParams> {
  static constexpr int kExtraDropout = 1;
  static constexpr const char* kName = "MBG/NBD";
  using Fit = MbgNbdFit;
};

// "<model> parameters r, alpha, a, b must be finite and > 0" unless they are.
template <class Params>
absl::Status CheckBgParams(const Params& p) {
  if (p.r > 0 && p.alpha > 0 && p.a > 0 && p.b > 0 && std::isfinite(p.r) &&
      std::isfinite(p.alpha) && std::isfinite(p.a) && std::isfinite(p.b)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat(BgTraits<Params>::kName, " parameters r, alpha, a, b must be finite and > 0"));
}

// BgConditionalNumerator with the model's b: (P(alive) times) E[Y(t) | x, T].
template <class Params>
absl::StatusOr<double> BgFamilyNumerator(const Params& p, double x, double T, double t) {
  return BgConditionalNumerator(p.r, p.alpha, p.a, p.b + BgTraits<Params>::kExtraDropout, x, T, t);
}

// The log-likelihood, its gradient and the fit (bg_likelihood.cc).
template <class Params>
struct BgLikelihood {
  using Fit = typename BgTraits<Params>::Fit;
  static absl::StatusOr<double> LogLikelihood(const Params& p, const CustomerData& data,
                                              double* grad);
  static absl::StatusOr<Fit> FitParams(const CustomerData& data, const FitOptions& options);
};

// The per-customer and new-customer predictions (bg_predictions.cc).
template <class Params>
struct BgPredictions {
  static absl::Status ProbabilityAlive(const Params& p, const CustomerData& data,
                                       absl::Span<double> out);
  static absl::Status ExpectedPurchases(const Params& p, const CustomerData& data, double t,
                                        absl::Span<double> out);
  static absl::Status ProbabilityAliveAt(const Params& p, const CustomerData& data, double t,
                                         absl::Span<double> out);
  static absl::StatusOr<double> ExpectedPurchasesNew(const Params& p, double t);
  static absl::StatusOr<double> ProbabilityOfPurchases(const Params& p, double t, int n);
};

}  // namespace mitra::value

#endif  // MITRA_SRC_VALUE_BG_FAMILY_H_

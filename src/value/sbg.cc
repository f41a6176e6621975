#include "mitra/value/sbg.h"

#include <cmath>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/request_errors.h"
#include "common/special.h"

namespace mitra::value {
namespace {

// Periods a cohort can be followed: a century of months.
constexpr size_t kMaxPeriods = 1200;

absl::Status CheckParams(const SbgParams& p) {
  if (p.alpha > 0 && p.beta > 0 && std::isfinite(p.alpha) && std::isfinite(p.beta))
    return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("sBG parameters alpha, beta must be finite and > 0, got ", p.alpha, ", ",
                   p.beta));
}

absl::Status CheckCohort(const CohortSurvival& c) {
  const size_t n = c.alive.size();
  if (n < 2 || n > kMaxPeriods + 1) {
    return Invalid(c.name, absl::StrCat("needs the cohort's size and 1..", kMaxPeriods,
                                        " periods of survivors, got ", n, " counts"));
  }
  for (size_t t = 0; t < n; ++t) {
    const double a = c.alive[t];
    const std::string at = absl::StrCat(c.name, c.column, "[", t, "]");
    if (!(std::isfinite(a) && a >= 0)) return Invalid(at, absl::StrCat("must be finite and >= 0, got ", a));
    if (t == 0 && !(a > 0)) return Invalid(at, "the cohort's size must be > 0");
    if (t > 0 && a > c.alive[t - 1]) {
      return Invalid(at, absl::StrCat(a, " customers is more than the ", c.alive[t - 1],
                                      " of the period before: survivors never rise"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckHorizon(double discount_rate, int renewals) {
  if (!(std::isfinite(discount_rate) && discount_rate > 0)) {
    return Invalid("discount_rate", absl::StrCat("must be finite and > 0, got ", discount_rate));
  }
  if (renewals < 0 || renewals > 1000000) {
    return Invalid("renewals", absl::StrCat("must be in 0..1000000, got ", renewals));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<double> SbgLogLikelihood(const SbgParams& p, const CohortSurvival& c,
                                        double* grad) {
  if (absl::Status s = CheckParams(p); !s.ok()) return s;
  if (absl::Status s = CheckCohort(c); !s.ok()) return s;
  // ln P(T = t) = ln a + sum_{k<t-1} ln(b + k) - sum_{k<t} ln(a + b + k) and
  // ln S(t) = sum_{k<t} [ln(b + k) - ln(a + b + k)], kept as running sums
  // with their derivatives: no special functions, exact in O(periods).
  const double a = p.alpha, b = p.beta;
  double ln_b = 0, ln_ab = 0;  // sum_{k<t-1} ln(b + k), sum_{k<t} ln(a + b + k)
  double d_b = 0, d_ab = 0;    // their derivatives in b and in (a + b)
  double ll = 0, ga = 0, gb = 0;
  for (size_t t = 1; t < c.alive.size(); ++t) {
    ln_ab += std::log(a + b + static_cast<double>(t - 1));
    d_ab += 1 / (a + b + static_cast<double>(t - 1));
    const double left = c.alive[t - 1] - c.alive[t];
    if (left > 0) {
      ll += left * (std::log(a) + ln_b - ln_ab);
      ga += left * (1 / a - d_ab);
      gb += left * (d_b - d_ab);
    }
    ln_b += std::log(b + static_cast<double>(t - 1));
    d_b += 1 / (b + static_cast<double>(t - 1));
  }
  const double still = c.alive.back();
  if (still > 0) {  // ln S(last) = ln_b - ln_ab now that ln_b runs to last - 1
    ll += still * (ln_b - ln_ab);
    ga += still * -d_ab;
    gb += still * (d_b - d_ab);
  }
  if (grad != nullptr) grad[0] = ga, grad[1] = gb;
  return ll;
}

absl::StatusOr<SbgFit> FitSbg(const CohortSurvival& c, const FitOptions& options) {
  if (absl::Status s = CheckCohort(c); !s.ok()) return s;
  const std::vector<double> init = options.initial.empty() ? std::vector<double>{1.0, 1.0}
                                                           : options.initial;
  if (init.size() != 2) {
    return Invalid(options.names("initial"),
                   absl::StrCat("needs 2 values for sBG (alpha, beta), got ", init.size()));
  }
  auto ll = [&](const double* th, double* g) {
    absl::StatusOr<double> v = SbgLogLikelihood(SbgParams{th[0], th[1]}, c, g);
    return v.ok() ? *v : std::nan("");
  };
  absl::StatusOr<MleResult> mle = MaximizeLikelihood("sBG", init, c.alive[0], ll, options);
  if (!mle.ok()) return mle.status();
  SbgFit fit;
  fit.params = {mle->params[0], mle->params[1]};
  fit.report = std::move(mle->report);
  return fit;
}

double SbgSurvival(const SbgParams& p, int t) {
  double s = 1;
  for (int k = 0; k < t; ++k) s *= (p.beta + k) / (p.alpha + p.beta + k);
  return s;
}

double SbgRetentionRate(const SbgParams& p, int t) {
  return (p.beta + t - 1) / (p.alpha + p.beta + t - 1);
}

absl::StatusOr<double> SbgDiscountedResidualLifetime(const SbgParams& p, double discount_rate,
                                                     int renewals) {
  if (absl::Status s = CheckParams(p); !s.ok()) return s;
  if (absl::Status s = CheckHorizon(discount_rate, renewals); !s.ok()) return s;
  const double n = renewals + 1.0, z = 1 / (1 + discount_rate);
  absl::StatusOr<double> log_f = LogHyp2F1Positive(1, p.beta + n, p.alpha + p.beta + n, z);
  if (!log_f.ok()) return log_f.status();
  return SbgRetentionRate(p, static_cast<int>(n)) * std::exp(*log_f);
}

absl::StatusOr<double> SbgRetentionElasticity(const SbgParams& p, double discount_rate,
                                              int renewals) {
  if (absl::Status s = CheckParams(p); !s.ok()) return s;
  if (absl::Status s = CheckHorizon(discount_rate, renewals); !s.ok()) return s;
  const double n = renewals + 1.0, z = 1 / (1 + discount_rate);
  const double b = p.beta + n, c = p.alpha + p.beta + n;
  absl::StatusOr<double> log_f = LogHyp2F1Positive(1, b, c, z);
  if (!log_f.ok()) return log_f.status();
  absl::StatusOr<double> log_d = LogHyp2F1Positive(2, b + 1, c + 1, z);
  if (!log_d.ok()) return log_d.status();
  return 1 + z * b / c * std::exp(*log_d - *log_f);
}

}  // namespace mitra::value

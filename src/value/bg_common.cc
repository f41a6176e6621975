#include "bg_common.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/special.h"

namespace mitra::value {
namespace {

// Pfaff: (1-z)^A 2F1(A, b+x; c; z) = 2F1(A, a-1; c; -y). Subtracting the
// n = 0 term and dividing by a-1 analytically leaves an alternating series
// c * sum_n>=1 (A)_n (a)_(n-1) / ((c)_n n!) (-y)^n with no cancellation in
// its factor and no singularity at a = 1. It is summed while its terms fall
// at least by half (always so when y (A + 1) < 1; for a large b, long
// before the terms turn); false when they stop falling first.
bool PfaffSeries(double A, double a, double c, double y, bool always, double* out) {
  double v = A * y / c, sum = v;
  for (int n = 1; n < 10000; ++n) {
    const double ratio = (A + n) * (a + (n - 1)) / ((c + n) * (n + 1.0)) * y;
    if (!always && !(std::fabs(ratio) <= 0.5)) return false;
    v *= -ratio;
    sum += v;
    if (std::fabs(v) <= 1e-17 * std::fabs(sum)) break;
  }
  *out = c * sum;
  return true;
}

absl::StatusOr<double> NumeratorAt(double r, double alpha, double a, double b, double x, double T,
                                   double t) {
  const double c = a + b + (x - 1), A = r + x, y = t / (alpha + T);
  double series = 0;
  if (PfaffSeries(A, a, c, y, y * (A + 1) < 1, &series)) return series;
  // The closed form; its factor c / (a - 1) magnifies the rounding of
  // 1 - q, which is why a large c (a large b) takes the series above.
  const double z = t / (alpha + T + t);
  absl::StatusOr<double> log_f = LogHyp2F1Positive(A, b + x, c, z);
  if (!log_f.ok()) return log_f.status();
  const double q = std::exp(A * std::log1p(-z) + *log_f);
  return c / (a - 1) * (1 - q);
}

// For c = a + b + x - 1 in (-1, 0], where the series of 2F1(A, b+x; c; z)
// is undefined though the numerator is not (it is E[(1 - ((alpha+T) /
// (alpha+T+p t))^A) / p] over p ~ Beta(a, b+x), finite for every a, b > 0),
// c 2F1(c) comes from Gauss's contiguous relation in c with g = c + 1 > 0:
//   g c (z-1) F(c) + g [c - (2g - A - B - 1) z] F(g) + (g - A)(g - B) z F(g+1) = 0,
// so the numerator [c - (1-z)^A c F(c)] / (a - 1) needs no division by c.
// Fitted referral or purchase models with a + b < 1 (many customers who
// never repeat) land here for x = 0.
absl::StatusOr<double> NumeratorByRecurrence(double r, double alpha, double a, double b, double x,
                                             double T, double t) {
  const double c = a + b + (x - 1), A = r + x, B = b + x, g = c + 1;
  const double z = t / (alpha + T + t);
  absl::StatusOr<double> log_f1 = LogHyp2F1Positive(A, B, g, z);
  if (!log_f1.ok()) return log_f1.status();
  absl::StatusOr<double> log_f2 = LogHyp2F1Positive(A, B, g + 1, z);
  if (!log_f2.ok()) return log_f2.status();
  // (1-z)^A F(g) and (1-z)^A F(g+1), each in range.
  const double f1 = std::exp(A * std::log1p(-z) + *log_f1);
  const double f2 = std::exp(A * std::log1p(-z) + *log_f2);
  const double cf = -(g * (c - (2 * g - A - B - 1) * z) * f1 + (g - A) * (g - B) * z * f2) /
                    (g * (z - 1));
  // A mean of non-negative terms; c and c F(c) nearly cancel when it is
  // near 0 (r + x tiny), and rounding must not make it negative.
  return std::max(0.0, (c - cf) / (a - 1));
}

}  // namespace

absl::StatusOr<double> BgConditionalNumerator(double r, double alpha, double a, double b, double x,
                                              double T, double t) {
  if (t <= 0) return 0.0;
  if (!(a + b + (x - 1) > 0)) {
    absl::StatusOr<double> v = NumeratorByRecurrence(r, alpha, a, b, x, T, t);
    if (v.ok() && !std::isfinite(*v))
      return absl::InvalidArgumentError(
          "expected purchases are not finite (parameters out of range)");
    return v;
  }
  const double y = t / (alpha + T);
  if (y * (r + x + 1) >= 1 && std::fabs(a - 1) < 1e-7) {
    // The closed form is 0/0 at a = 1 but smooth in a: average a +- h.
    absl::StatusOr<double> lo = NumeratorAt(r, alpha, 1 - 1e-5, b, x, T, t);
    absl::StatusOr<double> hi = NumeratorAt(r, alpha, 1 + 1e-5, b, x, T, t);
    if (!lo.ok()) return lo;
    if (!hi.ok()) return hi;
    return 0.5 * (*lo + *hi);
  }
  absl::StatusOr<double> v = NumeratorAt(r, alpha, a, b, x, T, t);
  if (v.ok() && !std::isfinite(*v)) {
    return absl::InvalidArgumentError(
        "expected purchases are not finite (parameters out of range)");
  }
  return v;
}

absl::StatusOr<double> BgAliveDecay(double r, double alpha, double a, double b, double x, double T,
                                    double t) {
  if (t <= 0) return 1.0;
  const double z = t / (alpha + T + t);
  absl::StatusOr<double> log_f = LogHyp2F1Positive(r + x, b + x, a + b + x, z);
  if (!log_f.ok()) return log_f.status();
  const double v = std::exp((r + x) * std::log1p(-z) + *log_f);
  if (!std::isfinite(v)) {
    return absl::InvalidArgumentError("P(alive at T + t) is not finite (parameters out of range)");
  }
  return v;
}

double BgNbdPmf(double r, double alpha, double a, double b, double t, int n) {
  const double lp0 = r * std::log(alpha / (alpha + t));  // ln of NBD P(0)
  const double lq = std::log(t / (alpha + t));
  const double lbeta_ab = LogGamma(a) + LogGamma(b) - LogGamma(a + b);
  auto nbd_log = [&](int j) {
    return LogGamma(r + j) - LogGamma(r) - LogGamma(j + 1.0) + lp0 + j * lq;
  };
  const double lb1 = LogGamma(a) + LogGamma(b + n) - LogGamma(a + b + n) - lbeta_ab;
  double p = std::exp(lb1 + nbd_log(n));
  if (n > 0) {
    // 1 - sum_{j<n} NBD(j), or the upper tail directly when it is small.
    double cdf = 0;
    for (int j = 0; j < n; ++j) cdf += std::exp(nbd_log(j));
    double tail = 1 - cdf;
    if (cdf > 0.5) {
      tail = 0;
      double term = std::exp(nbd_log(n));
      for (int j = n; j < n + 100000; ++j) {
        tail += term;
        term *= (r + j) / (j + 1.0) * (t / (alpha + t));
        if (term < 1e-18 * tail && (r + j) / (j + 1.0) * (t / (alpha + t)) < 0.9) break;
      }
    }
    const double lb2 = LogGamma(a + 1) + LogGamma(b + (n - 1)) - LogGamma(a + b + n) - lbeta_ab;
    p += std::exp(lb2) * tail;
  }
  return p;
}

}  // namespace mitra::value

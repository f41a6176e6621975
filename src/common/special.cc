#include "common/special.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace mitra {

double LogGamma(double x) {
#if defined(__GLIBC__)
  int sign;
  return ::lgamma_r(x, &sign);
#else
  return std::lgamma(x);
#endif
}

double LogBeta(double a, double b) { return LogGamma(a) + LogGamma(b) - LogGamma(a + b); }

double Digamma(double x) {
  double result = 0;
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  const double f = 1 / (x * x);
  // A&S 6.3.18: ln x - 1/2x - sum B_2n / (2n x^2n).
  const double series =
      f *
      (1.0 / 12 -
       f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132 - f * 691.0 / 32760)))));
  return result + std::log(x) - 0.5 / x - series;
}

namespace {

// Stirling's series past its leading terms, sum B_2n / (2n (2n-1) z^(2n-1)),
// and the matching digamma series, for z >= 10 (A&S 6.1.41, 6.3.18).
double StirlingTail(double z) {
  const double f = 1 / (z * z);
  return (1.0 / 12 - f * (1.0 / 360 - f * (1.0 / 1260 - f * (1.0 / 1680 - f * (1.0 / 1188))))) / z;
}
double DigammaTail(double z) {
  const double f = 1 / (z * z);
  return f * (1.0 / 12 -
              f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))));
}

}  // namespace

double LogRising(double a, double x, double* d_da) {
  double log_sum = 0, inv_sum = 0;
  // Small x: the sum itself. Then lift a past 10 term by term, where the
  // series are accurate.
  while (x > 0 && (x <= 16 || a < 10)) {
    log_sum += std::log(a);
    inv_sum += 1 / a;
    a += 1;
    x -= 1;
  }
  if (x > 0) {
    // ln G(a+x) - ln G(a) = (a - 1/2) ln(1 + x/a) + x ln(a + x) - x + tail
    // difference, with no two large terms subtracted.
    const double b = a + x, l1p = std::log1p(x / a);
    log_sum += (a - 0.5) * l1p + x * (std::log(b) - 1) + (StirlingTail(b) - StirlingTail(a));
    // psi(b) - psi(a) = ln(b/a) - 1/(2b) + 1/(2a) - tails.
    inv_sum += l1p + 0.5 * x / (a * b) - (DigammaTail(b) - DigammaTail(a));
  }
  if (d_da != nullptr) *d_da = inv_sum;
  return log_sum;
}

absl::StatusOr<double> LogHyp2F1Positive(double a, double b, double c, double z, int max_terms) {
  if (!(a > 0 && b > 0 && c > 0 && z >= 0 && z < 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("2F1 series needs a, b, c > 0 and 0 <= z < 1 (a=", a, ", b=", b, ", c=", c,
                     ", z=", z, ")"));
  }
  // term_{n+1} = term_n (a+n)(b+n) / ((c+n)(n+1)) z; the ratios tend to z,
  // so once they are below one the tail after term_n is at most
  // term_n R / (1 - R) with R = max(ratio_n, z).
  double term = 1, sum = 1, log_scale = 0;
  for (int n = 0; n < max_terms; ++n) {
    const double ratio = (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;
    term *= ratio;
    sum += term;
    if (sum > 1e200) {  // rescale: the value may exceed a double
      term *= 1e-200;
      sum *= 1e-200;
      log_scale += 200 * M_LN10;
    }
    const double bound = ratio > z ? ratio : z;
    if (bound < 1 && term * bound <= 1e-17 * (1 - bound) * sum) {
      return std::log(sum) + log_scale;
    }
  }
  return absl::OutOfRangeError(
      absl::StrCat("2F1 series did not converge in ", max_terms, " terms (z=", z, ")"));
}

double RegularizedGammaQ(double a, double x) {
  if (!(a > 0) || !(x >= 0) || !std::isfinite(a)) return std::nan("");
  if (x == 0) return 1;
  if (std::isinf(x)) return 0;
  // ln(x^a e^-x / Gamma(a)), the common factor of both expansions.
  const double front = a * std::log(x) - x - LogGamma(a);
  if (x < a + 1) {
    // P = x^a e^-x / Gamma(a + 1) sum_n x^n / ((a+1)...(a+n)): terms fall
    // once n > x - a, so the loop ends within a few hundred terms here.
    double term = 1 / a, sum = term;
    for (int n = 1; n < 10000; ++n) {
      term *= x / (a + n);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return 1 - std::exp(front + std::log(sum));
  }
  // Q = x^a e^-x / Gamma(a) * 1/(x+1-a- 1(1-a)/(x+3-a- 2(2-a)/(x+5-a- ...)))
  // by the modified Lentz method.
  constexpr double kTiny = 1e-300;
  double b = x + 1 - a, c = 1 / kTiny, d = 1 / b, f = d;
  for (int n = 1; n < 10000; ++n) {
    const double an = -n * (n - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double step = d * c;
    f *= step;
    if (std::fabs(step - 1) < 1e-16) break;
  }
  return std::exp(front + std::log(f));
}

}  // namespace mitra

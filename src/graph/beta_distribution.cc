#include "graph/beta_distribution.h"

#include <algorithm>
#include <cmath>

#include "common/special.h"

namespace mitra::graph {
namespace {

// The series, for x < (a + 1) / (a + b + 2): its first term ratio
// (a + b) x / (a + 1) is then below 1 and the ratios fall towards x.
// log_beta = ln B(a, b) = ln B(b, a), computed once per distribution.
double LowerSeries(double a, double b, double x, double log_beta) {
  if (x <= 0) return 0;
  auto log_f = LogHyp2F1Positive(a + b, 1, a + 1, x);
  if (!log_f.ok()) return NAN;
  return std::exp(a * std::log(x) + b * std::log1p(-x) - std::log(a) - log_beta + *log_f);
}

double Cdf(double a, double b, double x, double log_beta) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x < (a + 1) / (a + b + 2)) return std::min(1.0, LowerSeries(a, b, x, log_beta));
  return std::max(0.0, 1 - LowerSeries(b, a, 1 - x, log_beta));
}

}  // namespace

double BetaCdf(double a, double b, double x) {
  if (!(a > 0) || !(b > 0) || std::isnan(x)) return NAN;
  return Cdf(a, b, x, LogBeta(a, b));
}

double BetaQuantile(double a, double b, double q) {
  if (!(a > 0) || !(b > 0) || !(q >= 0 && q <= 1)) return NAN;
  if (q == 0) return 0;
  if (q == 1) return 1;
  const double log_beta = LogBeta(a, b);
  double lo = 0, hi = 1;
  // Start at the mean: Newton from there moves monotonically on the
  // concave/convex sides, and the bracket catches the rest.
  double x = a / (a + b);
  for (int it = 0; it < 200; ++it) {
    const double f = Cdf(a, b, x, log_beta) - q;
    if (f == 0) return x;
    (f < 0 ? lo : hi) = x;
    const double density =
        std::exp((a - 1) * std::log(x) + (b - 1) * std::log1p(-x) - log_beta);
    double next = x - f / density;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::fabs(next - x) <= 1e-13 * std::max(1e-3, x) || hi - lo <= 1e-15) return next;
    x = next;
  }
  return x;
}

}  // namespace mitra::graph

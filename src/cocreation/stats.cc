#include "mitra/cocreation/stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "common/special.h"

namespace mitra::cocreation {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// The continued fraction of I_x(a, b) (Numerical Recipes' betacf, modified
// Lentz). It converges fast for x < (a + 1) / (a + b + 2), in about
// sqrt(max(a, b)) steps.
double BetaContinuedFraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300, kEps = 1e-16;
  const double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  const int max_steps = 1000 + static_cast<int>(20 * std::sqrt(std::max(a, b)));
  for (int m = 1; m <= max_steps; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < kEps) break;
  }
  return h;
}

// I_x(a, b) given both x and y = 1 - x (the caller may know y more exactly
// than 1 - x, as for the t distribution's tails).
double IncompleteBeta(double a, double b, double x, double y) {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  // log x and log y through log1p when near 1 (large df puts x near 1).
  const double log_x = x > 0.5 ? std::log1p(-y) : std::log(x);
  const double log_y = y > 0.5 ? std::log1p(-x) : std::log(y);
  const double log_front =
      LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * log_x + b * log_y;
  const double front = std::exp(log_front);
  if (x < (a + 1) / (a + b + 2)) return front * BetaContinuedFraction(a, b, x) / a;
  return 1 - front * BetaContinuedFraction(b, a, y) / b;
}

}  // namespace

double NormalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

double NormalQuantile(double p) {
  if (std::isnan(p) || p < 0 || p > 1) return kNaN;
  if (p == 0) return -kInf;
  if (p == 1) return kInf;
  // Wichura (1988), Algorithm AS 241, PPND16.
  const double q = p - 0.5;
  double x;
  if (std::fabs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    x = q *
        (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r +
             45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
          133.14166789178437745) * r + 3.387132872796366608) /
        (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r +
             21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
          42.313330701600911252) * r + 1.0);
  } else {
    double r = q < 0 ? p : 1 - p;
    r = std::sqrt(-std::log(r));
    if (r <= 5) {
      r -= 1.6;
      x = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r +
                0.24178072517745061177) * r + 1.27045825245236838258) * r +
              3.64784832476320460504) * r + 5.7694972214606914055) * r +
            4.6303378461565452959) * r + 1.42343711074968357734) /
          (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r +
                0.0151986665636164571966) * r + 0.14810397642748007459) * r +
              0.68976733498510000455) * r + 1.6763848301838038494) * r +
            2.05319162663775882187) * r + 1.0);
    } else {
      r -= 5;
      x = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r +
                0.0012426609473880784386) * r + 0.026532189526576123093) * r +
              0.29656057182850489123) * r + 1.7848265399172913358) * r +
            5.4637849111641143699) * r + 6.6579046435011037772) /
          (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r +
                1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
              0.0148753612908506148525) * r + 0.13692988092273580531) * r +
            0.59983220655588793769) * r + 1.0);
    }
    if (q < 0) x = -x;
  }
  // One Halley step on e(x) = Phi(x) - p (erfc is accurate in both tails).
  if (std::isfinite(x) && std::fabs(x) < 37) {
    const double e = (x < 0 ? 0.5 * std::erfc(-x / std::sqrt(2.0))
                            : 1 - 0.5 * std::erfc(x / std::sqrt(2.0))) - p;
    const double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
    x = x - u / (1 + x * u / 2);
  }
  return x;
}

double ZForConfidence(double confidence) { return NormalQuantile((1 + confidence) / 2); }

double RegularizedIncompleteBeta(double a, double b, double x) {
  if (!(a > 0) || !(b > 0) || std::isnan(x) || x < 0 || x > 1) return kNaN;
  return IncompleteBeta(a, b, x, 1 - x);
}

double StudentTCdf(double t, double df) {
  if (std::isnan(t) || !(df > 0)) return kNaN;
  if (t == kInf) return 1;
  if (t == -kInf) return 0;
  if (std::isinf(df)) return NormalCdf(t);
  // x = df / (df + t^2) and 1 - x = t^2 / (df + t^2), each computed directly.
  const double t2 = t * t;
  const double tail = 0.5 * IncompleteBeta(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
  return t > 0 ? 1 - tail : tail;
}

double StudentTQuantile(double p, double df) {
  if (std::isnan(p) || p <= 0 || p >= 1 || !(df > 0)) return kNaN;
  if (p == 0.5) return 0;
  double lo = -1, hi = 1;
  while (StudentTCdf(lo, df) > p && lo > -1e300) lo *= 2;
  while (StudentTCdf(hi, df) < p && hi < 1e300) hi *= 2;
  for (int i = 0; i < 2000; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (mid == lo || mid == hi) break;
    if (StudentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

NpsEstimate Nps(uint64_t promoters, uint64_t passives, uint64_t detractors, double z) {
  NpsEstimate e;
  e.promoters = promoters;
  e.passives = passives;
  e.detractors = detractors;
  e.n = promoters + passives + detractors;
  if (e.n == 0) {
    e.promoter_share = e.detractor_share = e.nps = e.variance = e.standard_error = e.low = e.high = kNaN;
    return e;
  }
  const double n = static_cast<double>(e.n);
  const double p = promoters / n, d = detractors / n;
  e.promoter_share = p;
  e.detractor_share = d;
  e.nps = 100 * (p - d);
  e.variance = std::max(0.0, 1e4 * ((p + d) - (p - d) * (p - d)) / n);
  e.standard_error = std::sqrt(e.variance);
  e.low = std::max(-100.0, e.nps - z * e.standard_error);
  e.high = std::min(100.0, e.nps + z * e.standard_error);
  return e;
}

Interval Wilson(uint64_t positives, uint64_t n, double z) {
  if (n == 0) return {0, 1};
  const double nn = static_cast<double>(n);
  const double p = positives / nn, z2 = z * z;
  const double center = p + z2 / (2 * nn);
  const double spread = z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
  const double denom = 1 + z2 / nn;
  return {std::max(0.0, (center - spread) / denom), std::min(1.0, (center + spread) / denom)};
}

double BayesianAverage(double v, double mean, double m, double prior_mean) {
  if (v + m <= 0) return prior_mean;
  if (v == 0) return prior_mean;
  return v / (v + m) * mean + m / (v + m) * prior_mean;
}

BhResult BenjaminiHochberg(absl::Span<const double> p_values, double q) {
  BhResult r;
  const size_t n = p_values.size();
  r.rejected.assign(n, false);
  r.adjusted.assign(n, kNaN);
  std::vector<size_t> order;
  for (size_t i = 0; i < n; ++i)
    if (std::isfinite(p_values[i])) order.push_back(i);
  const size_t m = order.size();
  r.tests = static_cast<uint32_t>(m);
  if (m == 0) return r;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return p_values[a] < p_values[b]; });
  size_t k = 0;
  for (size_t i = 1; i <= m; ++i)
    if (p_values[order[i - 1]] <= static_cast<double>(i) * q / static_cast<double>(m)) k = i;
  for (size_t i = 0; i < k; ++i) r.rejected[order[i]] = true;
  r.rejections = static_cast<uint32_t>(k);
  r.threshold = static_cast<double>(k) * q / static_cast<double>(m);
  double running = 1;
  for (size_t i = m; i >= 1; --i) {
    running = std::min(running, p_values[order[i - 1]] * static_cast<double>(m) / static_cast<double>(i));
    r.adjusted[order[i - 1]] = running;
  }
  return r;
}

double WelchDf(double v1, double n1, double v2, double n2) {
  const double a = v1 / n1, b = v2 / n2;
  const double denom = a * a / (n1 - 1) + b * b / (n2 - 1);
  if (!(denom > 0)) return n1 + n2 - 2;
  return (a + b) * (a + b) / denom;
}

namespace {
TTest LowerTest(double numerator, double se, double df) {
  TTest t;
  t.df = df;
  if (se > 0) {
    t.statistic = numerator / se;
  } else if (numerator != 0) {
    t.statistic = numerator < 0 ? -kInf : kInf;
  } else {
    t.statistic = kNaN;
  }
  t.p_value = std::isnan(t.statistic) ? kNaN : StudentTCdf(t.statistic, df);
  return t;
}
}  // namespace

TTest WelchLowerTest(double m1, double v1, double n1, double m2, double v2, double n2,
                     double margin) {
  return LowerTest(m1 - m2 + margin, std::sqrt(v1 / n1 + v2 / n2), WelchDf(v1, n1, v2, n2));
}

TTest OneSampleLowerTest(double mean, double variance, double n, double margin) {
  return LowerTest(mean + margin, std::sqrt(variance / n), n - 1);
}

}  // namespace mitra::cocreation

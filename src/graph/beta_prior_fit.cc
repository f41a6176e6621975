#include "graph/beta_prior_fit.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "common/special.h"

namespace mitra::graph {
namespace {

constexpr double kMinLog = -6.907755278982137;  // ln 1e-3
constexpr double kMaxLog = 16.11809565095832;   // ln 1e7

// The gradient in (ln a, ln b).
std::array<double, 2> Gradient(double a, double b, absl::Span<const uint64_t> arcs,
                               absl::Span<const double> s, absl::Span<const uint32_t> n) {
  double ga = 0, gb = 0;
  const double common = Digamma(a + b);
  const double da = Digamma(a), db = Digamma(b);
  for (uint64_t k : arcs) {
    const double tail = common - Digamma(a + b + n[k]);
    ga += Digamma(a + s[k]) - da + tail;
    gb += Digamma(b + n[k] - s[k]) - db + tail;
  }
  return {a * ga, b * gb};
}

}  // namespace

double BetaBinomialLogLikelihood(double a, double b, absl::Span<const uint64_t> arcs,
                                 absl::Span<const double> s, absl::Span<const uint32_t> n) {
  double ll = 0;
  const double prior = LogGamma(a) + LogGamma(b) - LogGamma(a + b);
  for (uint64_t k : arcs) {
    ll += LogGamma(a + s[k]) + LogGamma(b + n[k] - s[k]) - LogGamma(a + b + n[k]) - prior;
  }
  return ll;
}

BetaPrior FitBetaPrior(absl::Span<const uint64_t> arcs, absl::Span<const double> s,
                       absl::Span<const uint32_t> n) {
  BetaPrior prior;
  if (arcs.empty()) return prior;
  prior.arcs_fitted = arcs.size();
  prior.fitted = true;
  // Method of moments: the rates' spread beyond what binomial noise explains.
  double sum_s = 0, sum_n = 0, inv_n = 0;
  for (uint64_t k : arcs) sum_s += s[k], sum_n += n[k], inv_n += 1.0 / n[k];
  const double mean = std::clamp(sum_s / sum_n, 1e-3, 1 - 1e-3);
  inv_n /= arcs.size();
  double var = 0;
  for (uint64_t k : arcs) var += (s[k] / n[k] - mean) * (s[k] / n[k] - mean);
  var /= arcs.size();
  const double binomial = mean * (1 - mean);
  const double excess = var - binomial * inv_n;
  const double kappa =
      std::clamp(excess > 0 ? binomial * (1 - inv_n) / excess - 1 : 1e4, 0.5, 1e5);
  std::array<double, 2> x = {std::log(mean * kappa), std::log((1 - mean) * kappa)};
  auto clamp = [](double v) { return std::clamp(v, kMinLog, kMaxLog); };
  x = {clamp(x[0]), clamp(x[1])};
  auto value = [&](const std::array<double, 2>& y) {
    return BetaBinomialLogLikelihood(std::exp(y[0]), std::exp(y[1]), arcs, s, n);
  };
  double f = value(x);
  for (int it = 0; it < 100; ++it) {
    const auto g = Gradient(std::exp(x[0]), std::exp(x[1]), arcs, s, n);
    // Hessian by forward differences of the gradient.
    constexpr double h = 1e-5;
    const auto g0 = Gradient(std::exp(x[0] + h), std::exp(x[1]), arcs, s, n);
    const auto g1 = Gradient(std::exp(x[0]), std::exp(x[1] + h), arcs, s, n);
    const double h00 = (g0[0] - g[0]) / h, h11 = (g1[1] - g[1]) / h;
    const double h01 = 0.5 * ((g0[1] - g[1]) / h + (g1[0] - g[0]) / h);
    const double det = h00 * h11 - h01 * h01;
    std::array<double, 2> d;
    if (h00 < 0 && det > 0) {  // negative definite: Newton
      d = {-(h11 * g[0] - h01 * g[1]) / det, -(h00 * g[1] - h01 * g[0]) / det};
    } else {  // ascent along the gradient, scaled to a unit step
      const double norm = std::max(1.0, std::hypot(g[0], g[1]));
      d = {g[0] / norm, g[1] / norm};
    }
    double step = 1;
    bool moved = false;
    for (int back = 0; back < 40; ++back, step *= 0.5) {
      const std::array<double, 2> y = {clamp(x[0] + step * d[0]), clamp(x[1] + step * d[1])};
      const double fy = value(y);
      if (fy >= f) {
        const double moved_by = std::max(std::fabs(y[0] - x[0]), std::fabs(y[1] - x[1]));
        x = y;
        f = fy;
        moved = moved_by > 1e-10;
        break;
      }
    }
    if (!moved) break;
  }
  prior.a = std::exp(x[0]);
  prior.b = std::exp(x[1]);
  return prior;
}

}  // namespace mitra::graph

// Synthetic customers for the customer-value benchmarks: the BG/NBD and
// Pareto/NBD purchase processes simulated with a seeded RNG, recorded the
// way real summaries are (distinct purchase days, weeks as the unit), with
// a CDNOW-like cohort: first purchases spread over 12 weeks, calibration
// ending at week 39.
#ifndef MITRA_BENCH_VALUE_SIMULATE_H_
#define MITRA_BENCH_VALUE_SIMULATE_H_

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace mitra::value::bench {

struct Simulated {
  std::vector<double> x, t_x, T, monetary;
};

// kind 0: BG/NBD (r, alpha, a, b); kind 1: Pareto/NBD (r, alpha, s, beta).
inline Simulated Simulate(size_t n, int kind, double r, double alpha, double c, double d,
                          uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::gamma_distribution<double> lambda_dist(r, 1 / alpha);
  std::gamma_distribution<double> g1(c, 1.0), g2(d, 1.0), mu_dist(c, 1 / d);
  std::uniform_int_distribution<int> first_day(0, 83);
  std::uniform_real_distribution<double> unif(0, 1);
  std::gamma_distribution<double> spend(6.25, 1.0), nu(3.74, 1 / 15.44);
  const int end_day = 272;  // 1997-01-01 .. 1997-09-30
  Simulated s;
  s.x.reserve(n);
  s.t_x.reserve(n);
  s.T.reserve(n);
  s.monetary.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const double lambda = lambda_dist(rng);
    const int f = first_day(rng);
    const double horizon = (end_day + 1 - f) / 7.0;  // weeks until the end of the last day
    int x = 0, last_day = f;
    double t = 0;
    if (kind == 0) {
      const double ga = g1(rng), gb = g2(rng), p = ga / (ga + gb);
      while (true) {
        t += -std::log(1 - unif(rng)) / lambda;
        if (t >= horizon) break;
        const int day = f + static_cast<int>(t * 7);
        if (day != last_day) ++x, last_day = day;
        if (unif(rng) < p) break;  // drops out after this purchase
      }
    } else {
      const double life = -std::log(1 - unif(rng)) / mu_dist(rng);
      const double stop = std::min(horizon, life);
      while (true) {
        t += -std::log(1 - unif(rng)) / lambda;
        if (t >= stop) break;
        const int day = f + static_cast<int>(t * 7);
        if (day != last_day) ++x, last_day = day;
      }
    }
    const double v = nu(rng);
    double total = 0;
    for (int k = 0; k < x; ++k) total += spend(rng) / v;
    s.x.push_back(x);
    s.t_x.push_back((last_day - f) / 7.0);
    s.T.push_back((end_day - f) / 7.0);
    s.monetary.push_back(x > 0 ? total / x : 0.0);
  }
  return s;
}

}  // namespace mitra::value::bench

#endif  // MITRA_BENCH_VALUE_SIMULATE_H_

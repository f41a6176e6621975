// Customers simulated from a planted BG/NBD + Gamma-Gamma model, exactly as
// the models describe them (continuous time, no day rounding), so that a
// fit's intervals can be checked against the parameters that made the data.
#ifndef MITRA_TESTS_VALUE_PLANTED_H_
#define MITRA_TESTS_VALUE_PLANTED_H_

#include <cmath>
#include <cstdint>
#include <vector>

#include "common/random.h"

namespace mitra::value::testing {

struct Planted {
  double r = 0.25, alpha = 4.4, a = 0.8, b = 2.4;  // BG/NBD, weeks (near CDNOW's)
  double p = 6.25, q = 3.74, gamma = 15.44;        // Gamma-Gamma (CDNOW's)
};

struct PlantedCustomers {
  std::vector<double> x, t_x, T, monetary;
};

// n customers whose first purchase falls at a whole week 0..11 before a
// calibration end at week 39 (so T takes 12 values, as in CDNOW's cohort).
// While alive a customer buys at rate lambda ~ Gamma(r, alpha) and drops out
// after each repeat purchase with probability p ~ Beta(a, b); each repeat
// transaction is Gamma(p, nu) with nu ~ Gamma(q, gamma).
inline PlantedCustomers SimulatePlanted(const Planted& m, size_t n, uint64_t seed) {
  Rng rng(seed);
  PlantedCustomers c;
  for (size_t i = 0; i < n; ++i) {
    const double T = 39.0 - static_cast<double>(rng.Below(12));
    const double lambda = GammaDraw(rng, m.r) / m.alpha;
    const double drop = BetaDraw(rng, m.a, m.b);
    const double nu = GammaDraw(rng, m.q) / m.gamma;
    double t = 0, last = 0;
    int x = 0;
    while (true) {
      t += -std::log(1.0 - rng.Uniform()) / lambda;
      if (t > T) break;
      ++x;
      last = t;
      if (rng.Uniform() < drop) break;
    }
    double spend = 0;
    for (int k = 0; k < x; ++k) spend += GammaDraw(rng, m.p) / nu;
    c.x.push_back(x);
    c.t_x.push_back(last);
    c.T.push_back(T);
    c.monetary.push_back(x > 0 ? spend / x : 0.0);
  }
  return c;
}

}  // namespace mitra::value::testing

#endif  // MITRA_TESTS_VALUE_PLANTED_H_

// Customers simulated from a planted BG/NBD + Gamma-Gamma model, exactly as
// the models describe them (continuous time, no day rounding), so that a
// fit's intervals can be checked against the parameters that made the data.
#ifndef MITRA_TESTS_VALUE_PLANTED_H_
#define MITRA_TESTS_VALUE_PLANTED_H_

#include <cmath>
#include <cstdint>
#include <vector>

#include "common/random.h"
#include "gtest/gtest.h"
#include "mitra/v1/value.pb.h"
#include "mitra/value/messages.h"

namespace mitra::value::testing {

struct Planted {
  double r = 0.25, alpha = 4.4, a = 0.8, b = 2.4;  // BG/NBD, weeks (near CDNOW's)
  double p = 6.25, q = 3.74, gamma = 15.44;        // Gamma-Gamma (CDNOW's)
};

struct PlantedCustomers {
  std::vector<double> x, t_x, T, monetary;
  // With a holdout: purchases in (T, T + holdout] and their total spend.
  std::vector<double> holdout_x, holdout_spend;
};

// n customers whose first purchase falls at a whole week 0..11 before a
// calibration end at week 39 (so T takes 12 values, as in CDNOW's cohort).
// While alive a customer buys at rate lambda ~ Gamma(r, alpha) and drops out
// after each repeat purchase with probability p ~ Beta(a, b); each repeat
// transaction is Gamma(p, nu) with nu ~ Gamma(q, gamma). With holdout > 0
// each customer's process runs on to T + holdout (the same customers and
// calibration data for a seed as without). SimulatePlantedEach takes
// customer i's model from model_of(i) (covariates: each her own).
template <typename ModelOf>
PlantedCustomers SimulatePlantedEach(ModelOf model_of, size_t n, uint64_t seed,
                                     double holdout = 0) {
  Rng rng(seed);
  PlantedCustomers c;
  for (size_t i = 0; i < n; ++i) {
    const Planted m = model_of(i);
    const double T = 39.0 - static_cast<double>(rng.Below(12));
    const double lambda = GammaDraw(rng, m.r) / m.alpha;
    const double drop = BetaDraw(rng, m.a, m.b);
    const double nu = GammaDraw(rng, m.q) / m.gamma;
    double t = 0, last = 0;
    int x = 0;
    bool dead = false;
    while (true) {
      t += -std::log(1.0 - rng.Uniform()) / lambda;
      if (t > T) break;
      ++x;
      last = t;
      if (rng.Uniform() < drop) {
        dead = true;
        break;
      }
    }
    double spend = 0;
    for (int k = 0; k < x; ++k) spend += GammaDraw(rng, m.p) / nu;
    if (holdout > 0) {
      // t is her next purchase after T (exponential gaps are memoryless).
      int y = 0;
      double later = 0;
      while (!dead && t <= T + holdout) {
        ++y;
        later += GammaDraw(rng, m.p) / nu;
        dead = rng.Uniform() < drop;
        t += -std::log(1.0 - rng.Uniform()) / lambda;
      }
      c.holdout_x.push_back(y);
      c.holdout_spend.push_back(later);
    }
    c.x.push_back(x);
    c.t_x.push_back(last);
    c.T.push_back(T);
    c.monetary.push_back(x > 0 ? spend / x : 0.0);
  }
  return c;
}

inline PlantedCustomers SimulatePlanted(const Planted& m, size_t n, uint64_t seed,
                                        double holdout = 0) {
  return SimulatePlantedEach([&](size_t) { return m; }, n, seed, holdout);
}

// A fit of `model` to planted customers through the message layer.
inline v1::FittedModel FitPlanted(v1::ValueModel model, const PlantedCustomers& c,
                                  bool skip_se = false) {
  v1::FitRequest req;
  req.set_model(model);
  req.mutable_frequency()->Add(c.x.begin(), c.x.end());
  if (model == v1::VALUE_MODEL_GAMMA_GAMMA) {
    req.mutable_monetary_value()->Add(c.monetary.begin(), c.monetary.end());
  } else {
    req.mutable_recency()->Add(c.t_x.begin(), c.t_x.end());
    req.mutable_t()->Add(c.T.begin(), c.T.end());
  }
  req.mutable_options()->set_skip_standard_errors(skip_se);
  v1::FittedModel out;
  const absl::Status s = Fit(req, &out);
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

// A customer's randomised coverage by her interval (RealisedInterval): 1
// strictly inside, low_share or high_share at an end, 0 outside.
inline double Covered(const v1::RealisedInterval& iv, int i, double y) {
  if (y == iv.low(i)) return iv.low_share(i);
  if (y == iv.high(i)) return iv.high_share(i);
  return iv.low(i) < y && y < iv.high(i) ? 1 : 0;
}

}  // namespace mitra::value::testing

#endif  // MITRA_TESTS_VALUE_PLANTED_H_

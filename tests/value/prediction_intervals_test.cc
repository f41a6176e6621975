#include "mitra/value/prediction_intervals.h"

#include <cmath>
#include <string>
#include <vector>

#include "common/percentile.h"
#include "gtest/gtest.h"
#include "mitra/value/bgnbd.h"
#include "mitra/value/clv.h"
#include "mitra/value/gamma_gamma.h"
#include "mitra/value/messages.h"
#include "mitra/value/parameter_draws.h"
#include "planted.h"

namespace mitra::value {
namespace {

using testing::Planted;
using testing::PlantedCustomers;
using testing::SimulatePlanted;

v1::FittedModel FitModel(v1::ValueModel model, const PlantedCustomers& c, bool skip_se = false) {
  return testing::FitPlanted(model, c, skip_se);
}

v1::PredictIntervalsRequest Request(const PlantedCustomers& c, const v1::FittedModel& purchase,
                                    const v1::FittedModel& spend) {
  v1::PredictIntervalsRequest r;
  *r.mutable_purchase_model() = purchase;
  *r.mutable_spend_model() = spend;
  r.mutable_frequency()->Add(c.x.begin(), c.x.end());
  r.mutable_recency()->Add(c.t_x.begin(), c.t_x.end());
  r.mutable_t()->Add(c.T.begin(), c.T.end());
  r.mutable_monetary_value()->Add(c.monetary.begin(), c.monetary.end());
  r.set_horizon(26);
  r.set_clv_periods(6);
  r.set_clv_period_length(4);
  r.set_clv_discount_rate(0.01);
  return r;
}

const v1::PredictionInterval& Find(const v1::PredictIntervalsResponse& r, v1::ValuePrediction p) {
  for (const auto& iv : r.intervals())
    if (iv.prediction() == p) return iv;
  ADD_FAILURE() << "no interval for prediction " << p;
  static const v1::PredictionInterval none;
  return none;
}

// The fit's log-parameter covariance against its standard errors (natural
// parameters): diagonal = (se / theta)^2, in the order the report names.
TEST(PredictionIntervalsTest, CovarianceDiagonalMatchesStandardErrors) {
  const PlantedCustomers c = SimulatePlanted(Planted{}, 2000, 7);
  for (v1::ValueModel m : {v1::VALUE_MODEL_BG_NBD, v1::VALUE_MODEL_PARETO_NBD,
                           v1::VALUE_MODEL_GAMMA_GAMMA}) {
    const v1::FittedModel fit = FitModel(m, c);
    const std::vector<std::string> names = ParamNames(m);
    const size_t n = names.size();
    ASSERT_EQ(fit.report().covariance_parameters_size(), static_cast<int>(n));
    ASSERT_EQ(fit.report().log_covariance_size(), static_cast<int>(n * n));
    for (size_t i = 0; i < n; ++i) {
      EXPECT_EQ(fit.report().covariance_parameters(i), names[i]);
      const double se = fit.report().standard_errors().at(names[i]);
      const double theta = fit.params().at(names[i]);
      EXPECT_NEAR(fit.report().log_covariance(i * n + i), (se / theta) * (se / theta),
                  1e-12 * (se / theta) * (se / theta))
          << names[i];
      for (size_t j = 0; j < n; ++j)  // symmetric, correlations within [-1, 1]
        EXPECT_EQ(fit.report().log_covariance(i * n + j), fit.report().log_covariance(j * n + i));
    }
    // Skipped standard errors: no covariance either.
    const v1::FittedModel bare = FitModel(m, c, /*skip_se=*/true);
    EXPECT_EQ(bare.report().log_covariance_size(), 0);
    EXPECT_EQ(bare.report().covariance_parameters_size(), 0);
  }
}

// The off-diagonal too, against an independent reference: the inverse of
// the Hessian of -LL in log-parameters by central differences of the exact
// gradient (Gamma-Gamma, three parameters, inverted by hand).
TEST(PredictionIntervalsTest, LogCovarianceIsTheInverseLogHessian) {
  const PlantedCustomers c = SimulatePlanted(Planted{}, 3000, 11);
  const v1::FittedModel fit = FitModel(v1::VALUE_MODEL_GAMMA_GAMMA, c);
  const double th[3] = {fit.params().at("p"), fit.params().at("q"), fit.params().at("gamma")};
  const SpendData data{c.x, c.monetary, {}};
  // d(-LL)/d ln theta_j = -theta_j dLL/dtheta_j, differenced in ln theta_i.
  auto grad_log = [&](const double* phi, double* g) {
    GammaGammaParams p{std::exp(phi[0]), std::exp(phi[1]), std::exp(phi[2])};
    double gt[3];
    ASSERT_TRUE(GammaGammaLogLikelihood(p, data, gt).ok());
    g[0] = -p.p * gt[0], g[1] = -p.q * gt[1], g[2] = -p.gamma * gt[2];
  };
  double h[3][3];
  for (int i = 0; i < 3; ++i) {
    double up[3] = {std::log(th[0]), std::log(th[1]), std::log(th[2])}, dn[3];
    std::copy(up, up + 3, dn);
    const double step = 1e-5;
    up[i] += step, dn[i] -= step;
    double gu[3], gd[3];
    grad_log(up, gu);
    grad_log(dn, gd);
    for (int j = 0; j < 3; ++j) h[i][j] = (gu[j] - gd[j]) / (2 * step);
  }
  // Inverse by cofactors.
  const double det = h[0][0] * (h[1][1] * h[2][2] - h[1][2] * h[2][1]) -
                     h[0][1] * (h[1][0] * h[2][2] - h[1][2] * h[2][0]) +
                     h[0][2] * (h[1][0] * h[2][1] - h[1][1] * h[2][0]);
  double inv[3][3];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      const int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
      inv[i][j] = (h[r0][c0] * h[r1][c1] - h[r0][c1] * h[r1][c0]) / det;
    }
  // To 1e-3 of the scale sqrt(C_ii C_jj): the fit's forward differences and
  // its optimum's gradient tolerance move the fourth digit; a wrong
  // transformation (natural instead of log, or a missed off-diagonal) moves
  // the first.
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      EXPECT_NEAR(fit.report().log_covariance(i * 3 + j), inv[i][j],
                  1e-3 * std::sqrt(inv[i][i] * inv[j][j]))
          << i << "," << j;
}

// Drawn log-parameters have the covariance they were drawn from.
TEST(PredictionIntervalsTest, DrawsFollowTheCovariance) {
  UncertainParameters m{{2.0, 0.5}, {0.04, -0.018, -0.018, 0.09}, {}};
  DrawOptions o;
  o.draws = 40000;
  int redrawn = -1;
  auto draws = DrawParameters(m, o, [](absl::Span<const double>) { return true; }, &redrawn);
  ASSERT_TRUE(draws.ok()) << draws.status();
  EXPECT_EQ(redrawn, 0);
  double s[2] = {0, 0}, ss[2][2] = {{0, 0}, {0, 0}};
  for (int d = 0; d < o.draws; ++d) {
    const double l[2] = {std::log((*draws)[2 * d] / 2.0), std::log((*draws)[2 * d + 1] / 0.5)};
    for (int i = 0; i < 2; ++i) {
      s[i] += l[i];
      for (int j = 0; j < 2; ++j) ss[i][j] += l[i] * l[j];
    }
  }
  const double nd = o.draws;
  EXPECT_NEAR(s[0] / nd, 0, 0.004);
  EXPECT_NEAR(s[1] / nd, 0, 0.006);
  EXPECT_NEAR(ss[0][0] / nd, 0.04, 0.002);
  EXPECT_NEAR(ss[1][1] / nd, 0.09, 0.004);
  EXPECT_NEAR(ss[0][1] / nd, -0.018, 0.002);
  // A refused region is drawn again and counted: about half of ln b < 0.
  auto kept = DrawParameters(m, o, [](absl::Span<const double> p) { return p[1] > 0.5; }, &redrawn);
  ASSERT_TRUE(kept.ok());
  EXPECT_NEAR(redrawn, o.draws, 0.03 * o.draws);
  for (int d = 0; d < o.draws; ++d) EXPECT_GT((*kept)[2 * d + 1], 0.5);
}

// Per-customer quantiles against a direct computation, with more draws x
// customers than one block holds (so the blocks must line up).
TEST(PredictionIntervalsTest, BlocksMatchDirectQuantiles) {
  UncertainParameters m{{3.0}, {0.25}, {}};
  DrawOptions o;
  o.draws = 1000;
  o.level = 0.8;
  o.seed = 5;
  int redrawn = 0;
  auto draws = DrawParameters(m, o, [](absl::Span<const double>) { return true; }, &redrawn);
  ASSERT_TRUE(draws.ok());
  const size_t n = 700;  // 700 x 1000 values > the 2^18 a block holds
  // Customer i's prediction: theta^(1 + i mod 3) * (i + 1).
  auto f = [](double th, size_t i) { return std::pow(th, 1.0 + static_cast<double>(i % 3)) * (i + 1); };
  auto evaluate = [&](absl::Span<const double> th, size_t b, size_t e, absl::Span<double> out) {
    for (size_t i = b; i < e; ++i) out[i - b] = f(th[0], i);
    return absl::OkStatus();
  };
  auto iv = IntervalsFromDraws(m.estimate, *draws, n, evaluate, o);
  ASSERT_TRUE(iv.ok()) << iv.status();
  double total = 0;
  std::vector<double> totals(o.draws, 0.0);
  for (size_t i = 0; i < n; ++i) {
    std::vector<double> v;
    for (int d = 0; d < o.draws; ++d) {
      v.push_back(f((*draws)[d], i));
      totals[d] += v.back();
    }
    EXPECT_EQ(iv->estimate[i], f(3.0, i));
    total += f(3.0, i);
    EXPECT_NEAR(iv->low[i], Percentile(v, 0.1), 1e-12 * iv->low[i]) << i;
    EXPECT_NEAR(iv->high[i], Percentile(v, 0.9), 1e-12 * iv->high[i]) << i;
  }
  EXPECT_DOUBLE_EQ(iv->total, total);
  std::vector<double> t2 = totals;
  EXPECT_NEAR(iv->total_low, Percentile(totals, 0.1), 1e-9 * total);
  EXPECT_NEAR(iv->total_high, Percentile(t2, 0.9), 1e-9 * total);
}

// The total CLV and total expected purchases at the planted parameters lie
// inside the intervals of fits to data simulated from them in about the
// stated share of replications: level 0.8, 40 replications, so the count is
// Binomial(40, 0.8) when the intervals are right (mean 32, sd 2.5);
// 26..38 holds it with probability 0.97.
TEST(PredictionIntervalsTest, CoverageOfPlantedTotals) {
  const Planted truth;
  const int reps = 40;
  int clv_in = 0, purchases_in = 0;
  for (int rep = 0; rep < reps; ++rep) {
    const PlantedCustomers c = SimulatePlanted(truth, 1000, 1000 + rep);
    v1::PredictIntervalsRequest r =
        Request(c, FitModel(v1::VALUE_MODEL_BG_NBD, c), FitModel(v1::VALUE_MODEL_GAMMA_GAMMA, c));
    r.add_predictions(v1::VALUE_PREDICTION_CLV);
    r.add_predictions(v1::VALUE_PREDICTION_EXPECTED_PURCHASES);
    r.set_draws(80);
    r.set_level(0.8);
    r.set_seed(rep);
    r.set_skip_realised(true);
    v1::PredictIntervalsResponse out;
    ASSERT_TRUE(PredictIntervals(r, &out).ok());
    // The same totals at the planted parameters.
    const CustomerData data{c.x, c.t_x, c.T, {}};
    std::vector<double> v(c.x.size());
    const BgNbdParams bg{truth.r, truth.alpha, truth.a, truth.b};
    ASSERT_TRUE(CustomerLifetimeValue(bg, GammaGammaParams{truth.p, truth.q, truth.gamma}, data,
                                      c.monetary, ClvOptions{6, 4, 0.01}, absl::MakeSpan(v))
                    .ok());
    double clv = 0;
    for (double x : v) clv += x;
    ASSERT_TRUE(ExpectedPurchases(bg, data, 26, absl::MakeSpan(v)).ok());
    double purchases = 0;
    for (double x : v) purchases += x;
    const auto& ci = Find(out, v1::VALUE_PREDICTION_CLV);
    const auto& pi = Find(out, v1::VALUE_PREDICTION_EXPECTED_PURCHASES);
    clv_in += ci.total_low() <= clv && clv <= ci.total_high();
    purchases_in += pi.total_low() <= purchases && purchases <= pi.total_high();
  }
  std::printf("coverage at 0.8 over %d fits: CLV total %d, expected purchases total %d\n", reps,
              clv_in, purchases_in);
  EXPECT_GE(clv_in, 26);
  EXPECT_LE(clv_in, 38);
  EXPECT_GE(purchases_in, 26);
  EXPECT_LE(purchases_in, 38);
}

double RelativeWidth(size_t n, uint64_t seed) {
  const PlantedCustomers c = SimulatePlanted(Planted{}, n, seed);
  v1::PredictIntervalsRequest r =
      Request(c, FitModel(v1::VALUE_MODEL_BG_NBD, c), FitModel(v1::VALUE_MODEL_GAMMA_GAMMA, c));
  r.add_predictions(v1::VALUE_PREDICTION_CLV);
  v1::PredictIntervalsResponse out;
  EXPECT_TRUE(PredictIntervals(r, &out).ok());
  const auto& iv = out.intervals(0);
  return (iv.total_high() - iv.total_low()) / iv.total();
}

// Ten times the customers: the total's relative width shrinks about
// sqrt(10)-fold (1/sqrt(n) of the parameters' standard errors).
TEST(PredictionIntervalsTest, IntervalsShrinkWithTheSample) {
  const double small = RelativeWidth(400, 3), large = RelativeWidth(4000, 3);
  EXPECT_GT(small, 0);
  EXPECT_LT(large, 0.5 * small) << small << " vs " << large;
  EXPECT_GT(large, 0.15 * small) << small << " vs " << large;
}

TEST(PredictionIntervalsTest, SeededAndComplete) {
  const PlantedCustomers c = SimulatePlanted(Planted{}, 300, 21);
  v1::PredictIntervalsRequest r =
      Request(c, FitModel(v1::VALUE_MODEL_BG_NBD, c), FitModel(v1::VALUE_MODEL_GAMMA_GAMMA, c));
  r.set_draws(50);
  r.set_seed(9);
  v1::PredictIntervalsResponse a, b, other;
  ASSERT_TRUE(PredictIntervals(r, &a).ok());
  ASSERT_TRUE(PredictIntervals(r, &b).ok());
  EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString());
  r.set_seed(10);
  ASSERT_TRUE(PredictIntervals(r, &other).ok());
  EXPECT_NE(a.SerializeAsString(), other.SerializeAsString());
  // Defaults: every prediction the two models allow, level 0.9.
  ASSERT_EQ(a.intervals_size(), 4);
  EXPECT_EQ(a.level(), 0.9);
  EXPECT_EQ(a.draws(), 50);
  for (const auto& iv : a.intervals()) {
    ASSERT_EQ(iv.estimate_size(), static_cast<int>(c.x.size()));
    for (int i = 0; i < iv.estimate_size(); ++i) {
      EXPECT_LE(iv.low(i), iv.high(i));
    }
    EXPECT_LE(iv.total_low(), iv.total_high());
  }
  // Point estimates are the plain predictions at the fitted parameters.
  const auto& clv = Find(a, v1::VALUE_PREDICTION_CLV);
  std::vector<double> want(c.x.size());
  ASSERT_TRUE(CustomerLifetimeValue(*PurchaseModelFrom(r.purchase_model()),
                                    *SpendModelFrom(r.spend_model()),
                                    CustomerData{c.x, c.t_x, c.T, {}}, c.monetary,
                                    ClvOptions{6, 4, 0.01}, absl::MakeSpan(want))
                  .ok());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(clv.estimate(i), want[i]);
  // The CLV basis: estimated, the interval of the sum.
  EXPECT_EQ(a.clv_basis().kind(), v1::MONEY_BASIS_KIND_ESTIMATED);
  EXPECT_EQ(a.clv_basis().low(), clv.total_low());
  EXPECT_EQ(a.clv_basis().high(), clv.total_high());
  EXPECT_EQ(a.clv_basis().confidence(), 0.9);
  EXPECT_EQ(a.clv_basis().source(),
            "BG/NBD + Gamma-Gamma parameter uncertainty, 50 draws from the fitted covariance, "
            "300 customers");
}

TEST(PredictionIntervalsTest, BadInputNamesTheField) {
  const PlantedCustomers c = SimulatePlanted(Planted{}, 200, 4);
  const v1::PredictIntervalsRequest good =
      Request(c, FitModel(v1::VALUE_MODEL_BG_NBD, c), FitModel(v1::VALUE_MODEL_GAMMA_GAMMA, c));
  auto expect = [&](auto edit, absl::StatusCode code, const std::string& field) {
    v1::PredictIntervalsRequest r = good;
    edit(r);
    v1::PredictIntervalsResponse out;
    const absl::Status s = PredictIntervals(r, &out);
    EXPECT_EQ(s.code(), code) << s;
    EXPECT_NE(s.message().find(field), std::string::npos) << s;
  };
  using R = v1::PredictIntervalsRequest;
  const auto bad = absl::StatusCode::kInvalidArgument;
  expect([](R& r) { r.set_draws(0); }, bad, "PredictIntervalsRequest.draws");
  expect([](R& r) { r.set_level(1); }, bad, "PredictIntervalsRequest.level");
  expect([](R& r) { r.set_level(0); }, bad, "PredictIntervalsRequest.level");
  expect([](R& r) { r.set_level(NAN); }, bad, "PredictIntervalsRequest.level");
  expect([](R& r) { r.set_horizon(NAN); }, bad, "PredictIntervalsRequest.horizon");
  expect([](R& r) { r.set_clv_period_length(0); }, bad, "PredictIntervalsRequest.clv_period_length");
  expect([](R& r) { r.set_recency(0, NAN); }, bad, "PredictIntervalsRequest: customer");
  expect([](R& r) { r.mutable_monetary_value()->RemoveLast(); }, bad,
         "PredictIntervalsRequest.monetary_value");
  expect([](R& r) { r.add_predictions(static_cast<v1::ValuePrediction>(9)); }, bad,
         "PredictIntervalsRequest.predictions[0]");
  expect([](R& r) { r.clear_spend_model(); r.add_predictions(v1::VALUE_PREDICTION_CLV); }, bad,
         "PredictIntervalsRequest.spend_model");
  expect([](R& r) { r.mutable_purchase_model()->mutable_report()->clear_log_covariance(); },
         absl::StatusCode::kFailedPrecondition,
         "PredictIntervalsRequest.purchase_model.report.log_covariance");
  expect([](R& r) { r.mutable_spend_model()->mutable_report()->mutable_log_covariance()->RemoveLast(); },
         bad, "PredictIntervalsRequest.spend_model.report.log_covariance");
  // Past the memory budget: RESOURCE_EXHAUSTED naming draws, nothing written.
  MemoryBudget small;
  small.set_limit(1 << 20);
  v1::PredictIntervalsRequest r = good;
  r.set_draws(100000);
  v1::PredictIntervalsResponse out;
  const absl::Status s = PredictIntervals(r, &out, &small);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_NE(s.message().find("PredictIntervalsRequest.draws"), std::string::npos) << s;
  EXPECT_EQ(out.intervals_size(), 0);
}

}  // namespace
}  // namespace mitra::value

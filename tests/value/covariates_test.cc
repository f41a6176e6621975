#include "mitra/value/covariates.h"

#include <cmath>
#include <string>
#include <vector>

#include "common/random.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/value/bgnbd.h"
#include "mitra/value/mbgnbd.h"
#include "mitra/value/messages.h"
#include "mitra/value/pareto_nbd.h"

namespace mitra::value {
namespace {

using ::testing::HasSubstr;

struct Point {
  double x, tx, T;
};

// ln of the trapezoid sum of exp(f) over a grid of step h.
double LogTrapezoid(const std::vector<double>& f, double h) {
  double top = -INFINITY, sum = 0;
  for (double v : f) top = std::max(top, v);
  for (double v : f) sum += std::exp(v - top);
  return top + std::log(sum * h);
}

// ln E[lambda^x e^-lambda t] over lambda ~ Gamma(r, alpha), by the
// trapezoid rule in u = ln lambda.
double LambdaMoment(double r, double alpha, double x, double t) {
  std::vector<double> f;
  const double h = 0.005;
  for (double u = -60; u <= 8; u += h) {
    const double lam = std::exp(u);
    f.push_back(r * std::log(alpha) - std::lgamma(r) + (r + x) * u - (alpha + t) * lam);
  }
  return LogTrapezoid(f, h);
}

// ln E[p^i (1-p)^j] over p ~ Beta(a, b), by the trapezoid rule in logit p.
double BetaMoment(double a, double b, double i, double j) {
  std::vector<double> f;
  const double h = 0.005, lbeta = std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
  for (double w = -200; w <= 200; w += h) {
    const double lp = -std::log1p(std::exp(-w)), lq = -std::log1p(std::exp(w));
    f.push_back((a + i) * lp + (b + j) * lq - lbeta);
  }
  return LogTrapezoid(f, h);
}

// BG/NBD (e = 0) and MBG/NBD (e = 1) by integration over the latent
// lambda and p: L = (1-p)^(x+e) lambda^x e^-lambda T
//                 + [x+e > 0] p (1-p)^(x+e-1) lambda^x e^-lambda t_x.
double BgBruteForce(int e, const std::array<double, 4>& p, Point pt) {
  const double alive = LambdaMoment(p[0], p[1], pt.x, pt.T) + BetaMoment(p[2], p[3], 0, pt.x + e);
  if (pt.x + e == 0) return alive;
  const double gone =
      LambdaMoment(p[0], p[1], pt.x, pt.tx) + BetaMoment(p[2], p[3], 1, pt.x + e - 1);
  return std::max(alive, gone) + std::log1p(std::exp(-std::fabs(alive - gone)));
}

// Pareto/NBD: L(lambda, mu) = lambda^x mu/(lambda+mu) e^-(lambda+mu) t_x +
// lambda^(x+1)/(lambda+mu) e^-(lambda+mu) T, over lambda ~ Gamma(r, alpha)
// and mu ~ Gamma(s, beta), trapezoid in (ln lambda, ln mu).
double ParetoBruteForce(const std::array<double, 4>& p, Point pt) {
  const double r = p[0], alpha = p[1], s = p[2], beta = p[3];
  std::vector<double> f;
  const double h = 0.04;  // the integrand is smooth in the logs: the rule converges fast
  const double norm = r * std::log(alpha) - std::lgamma(r) + s * std::log(beta) - std::lgamma(s);
  for (double u = -30; u <= 5; u += h) {
    const double lam = std::exp(u);
    for (double v = -30; v <= 5; v += h) {
      const double mu = std::exp(v);
      const double l1 = pt.x * u + v - std::log(lam + mu) - (lam + mu) * pt.tx;
      const double l2 = (pt.x + 1) * u - std::log(lam + mu) - (lam + mu) * pt.T;
      const double l = std::max(l1, l2) + std::log1p(std::exp(-std::fabs(l1 - l2)));
      f.push_back(norm + r * u + s * v - alpha * lam - beta * mu + l);
    }
  }
  return LogTrapezoid(f, h * h);
}

// One customer with two purchase and one dropout covariate.
Covariates OneCustomer(double z1a, double z1b, double z2) {
  Covariates c;
  c.purchase.names = {"age", "income"};
  c.purchase.values = {z1a, z1b};
  c.dropout.names = {"member"};
  c.dropout.values = {z2};
  return c;
}

double Own(CovariateModel m, const CovariateParams& p, const Covariates& c, Point pt) {
  const std::array<double, 4> q = CustomerParams(m, p, c, 0);
  switch (m) {
    case CovariateModel::kBgNbd:
      return BgBruteForce(0, q, pt);
    case CovariateModel::kMbgNbd:
      return BgBruteForce(1, q, pt);
    case CovariateModel::kParetoNbd:
      return ParetoBruteForce(q, pt);
  }
  return NAN;
}

TEST(CovariatesTest, OneCustomerMatchesIntegrationOverTheLatentRates) {
  const Point points[] = {{0, 0, 38.9}, {2, 30.4, 38.9}, {7, 29.4, 38.9}, {1, 1.7, 20}};
  const CovariateParams params[] = {{{0.8, 4.0, 0.8, 2.4}, {0.5, -0.3}, {0.4}},
                                    {{1.5, 2.0, 1.2, 0.9}, {-1.0, 0.2}, {-0.7}}};
  const Covariates cov = OneCustomer(0.7, -1.3, 1.0);
  for (CovariateModel m :
       {CovariateModel::kBgNbd, CovariateModel::kMbgNbd, CovariateModel::kParetoNbd}) {
    for (const CovariateParams& p : params) {
      for (Point pt : points) {
        const double x[] = {pt.x}, tx[] = {pt.tx}, T[] = {pt.T};
        absl::StatusOr<double> ll = CovariateLogLikelihood(m, p, CustomerData{x, tx, T, {}}, cov);
        ASSERT_TRUE(ll.ok()) << ll.status();
        EXPECT_NEAR(*ll, Own(m, p, cov, pt), 1e-6)
            << CovariateModelName(m) << " x=" << pt.x << " r=" << p.base[0];
      }
    }
  }
}

TEST(CovariatesTest, CustomerParamsFollowTheParametrisation) {
  const CovariateParams p{{0.8, 4.0, 0.8, 2.4}, {0.5, -0.3}, {0.4}};
  const Covariates cov = OneCustomer(0.7, -1.3, 1.0);
  const double e1 = std::exp(-(0.5 * 0.7 - 0.3 * -1.3)), e2 = std::exp(0.4);
  const std::array<double, 4> bg = CustomerParams(CovariateModel::kBgNbd, p, cov, 0);
  EXPECT_DOUBLE_EQ(bg[0], 0.8);
  EXPECT_DOUBLE_EQ(bg[1], 4.0 * e1);
  EXPECT_DOUBLE_EQ(bg[2], 0.8 * e2);
  EXPECT_DOUBLE_EQ(bg[3], 2.4 * e2);
  const std::array<double, 4> pn = CustomerParams(CovariateModel::kParetoNbd, p, cov, 0);
  EXPECT_DOUBLE_EQ(pn[2], 0.8);
  EXPECT_DOUBLE_EQ(pn[3], 2.4 / e2);
}

// Customers simulated from a model with covariates: purchase covariates
// N(0, 1) and 0/1, one dropout covariate N(0, 1) shifted by 2 (off-centre
// on purpose), the cohort of planted.h (T = 28..39 weeks).
struct Sim {
  std::vector<double> x, tx, T;
  Covariates cov;
  CustomerData data() const { return CustomerData{x, tx, T, {}}; }
};

Sim Simulate(CovariateModel m, const CovariateParams& p, size_t n, uint64_t seed) {
  Rng rng(seed);
  Sim s;
  s.cov.purchase.names = {"z", "flag"};
  s.cov.dropout.names = {"tenure"};
  for (size_t i = 0; i < n; ++i) {
    const double z = NormalDraw(rng), flag = rng.Uniform() < 0.4 ? 1.0 : 0.0;
    const double d = 2 + NormalDraw(rng);
    s.cov.purchase.values.insert(s.cov.purchase.values.end(), {z, flag});
    s.cov.dropout.values.push_back(d);
  }
  for (size_t i = 0; i < n; ++i) {
    const std::array<double, 4> q = CustomerParams(m, p, s.cov, i);
    const double T = 39.0 - static_cast<double>(rng.Below(12));
    const double lambda = GammaDraw(rng, q[0]) / q[1];
    double t = 0, last = 0;
    int x = 0;
    if (m == CovariateModel::kParetoNbd) {
      const double life = -std::log(1.0 - rng.Uniform()) / (GammaDraw(rng, q[2]) / q[3]);
      const double stop = std::min(T, life);
      while (true) {
        t += -std::log(1.0 - rng.Uniform()) / lambda;
        if (t > stop) break;
        ++x, last = t;
      }
    } else {
      const double drop = BetaDraw(rng, q[2], q[3]);
      // MBG/NBD: the first purchase is a chance to drop out too.
      const bool gone = m == CovariateModel::kMbgNbd && rng.Uniform() < drop;
      while (!gone) {
        t += -std::log(1.0 - rng.Uniform()) / lambda;
        if (t > T) break;
        ++x, last = t;
        if (rng.Uniform() < drop) break;
      }
    }
    s.x.push_back(x);
    s.tx.push_back(last);
    s.T.push_back(T);
  }
  return s;
}

TEST(CovariatesTest, ZeroCoefficientsGiveThePlainModel) {
  const CovariateParams p{{0.6, 3.0, 0.9, 2.0}, {0, 0}, {0}};
  for (CovariateModel m :
       {CovariateModel::kBgNbd, CovariateModel::kMbgNbd, CovariateModel::kParetoNbd}) {
    const Sim s = Simulate(m, CovariateParams{p.base, {0.4, 0.3}, {0.2}}, 300, 11);
    std::vector<double> g(7);
    absl::StatusOr<double> ll = CovariateLogLikelihood(m, p, s.data(), s.cov, g.data());
    ASSERT_TRUE(ll.ok()) << ll.status();
    double plain_g[4];
    absl::StatusOr<double> plain;
    if (m == CovariateModel::kBgNbd)
      plain = BgNbdLogLikelihood({0.6, 3.0, 0.9, 2.0}, s.data(), plain_g);
    else if (m == CovariateModel::kMbgNbd)
      plain = MbgNbdLogLikelihood({0.6, 3.0, 0.9, 2.0}, s.data(), plain_g);
    else
      plain = ParetoNbdLogLikelihood({0.6, 3.0, 0.9, 2.0}, s.data(), plain_g);
    ASSERT_TRUE(plain.ok()) << plain.status();
    EXPECT_NEAR(*ll, *plain, 1e-9 * std::fabs(*plain)) << CovariateModelName(m);
    for (int j = 0; j < 4; ++j)
      EXPECT_NEAR(g[j], plain_g[j], 1e-7 * std::max(1.0, std::fabs(plain_g[j])))
          << CovariateModelName(m) << " j=" << j;
  }
}

// The fit works on centred covariates and returns the caller's units:
// shifting a purchase covariate by c leaves its coefficient and moves alpha
// by exp(gamma c) (alpha_i = alpha exp(-gamma z_i)). A shift that makes
// that factor leave double's range (1e12, like a fuzzer's covariate of
// 3.6e59 +- 5e52, which gave alpha = 0) is refused, naming alpha.
TEST(CovariatesTest, ShiftedCovariatesMoveAlphaOrAreRefused) {
  const Sim s = Simulate(CovariateModel::kBgNbd, {{0.6, 3.0, 0.9, 2.0}, {0.4, 0.3}, {0.2}}, 800, 3);
  absl::StatusOr<CovariateFit> base = FitWithCovariates(CovariateModel::kBgNbd, s.data(), s.cov);
  ASSERT_TRUE(base.ok()) << base.status();
  for (double shift : {100.0, 1e12}) {
    Sim moved = s;
    for (size_t i = 0; i < moved.x.size(); ++i) moved.cov.purchase.values[2 * i] += shift;
    absl::StatusOr<CovariateFit> fit =
        FitWithCovariates(CovariateModel::kBgNbd, moved.data(), moved.cov);
    if (shift == 1e12) {
      ASSERT_FALSE(fit.ok()) << fit->params.base[1];
      EXPECT_THAT(fit.status().message(),
                  HasSubstr("the fitted alpha in the covariates' own units is"));
      EXPECT_THAT(fit.status().message(), HasSubstr("centre the covariates"));
      continue;
    }
    ASSERT_TRUE(fit.ok()) << fit.status();
    const double gamma = base->params.purchase[0];
    EXPECT_NEAR(fit->params.purchase[0], gamma, 1e-5);
    EXPECT_NEAR(fit->params.purchase[1], base->params.purchase[1], 1e-5);
    EXPECT_NEAR(std::log(fit->params.base[1]), std::log(base->params.base[1]) + gamma * shift,
                1e-3);
    EXPECT_NEAR(fit->params.base[2], base->params.base[2], 1e-5 * base->params.base[2]);
  }
}

TEST(CovariatesTest, GradientMatchesCentralDifferences) {
  const CovariateParams p{{0.7, 3.5, 0.9, 2.2}, {0.3, -0.4}, {0.25}};
  for (CovariateModel m :
       {CovariateModel::kBgNbd, CovariateModel::kMbgNbd, CovariateModel::kParetoNbd}) {
    const Sim s = Simulate(m, p, 200, 5);
    std::vector<double> g(7);
    ASSERT_TRUE(CovariateLogLikelihood(m, p, s.data(), s.cov, g.data()).ok());
    for (int j = 0; j < 7; ++j) {
      auto at = [&](double d) {
        CovariateParams q = p;
        double* v = j < 4 ? &q.base[j] : j < 6 ? &q.purchase[j - 4] : &q.dropout[0];
        *v += d;
        return *CovariateLogLikelihood(m, q, s.data(), s.cov);
      };
      const double h = 1e-5;
      const double want = (at(h) - at(-h)) / (2 * h);
      EXPECT_NEAR(g[j], want, 1e-5 * std::max(1.0, std::fabs(want)))
          << CovariateModelName(m) << " j=" << j;
    }
  }
}

// Planted coefficients recovered: each estimate within 2 standard errors
// of the truth in at least 90% of (replication, coefficient) pairs (95%
// expected), and the likelihood-ratio test rejects "no covariates".
void CheckCoverage(CovariateModel m, const CovariateParams& truth, int reps, size_t n) {
  int inside = 0, pairs = 0;
  for (int rep = 0; rep < reps; ++rep) {
    const Sim s = Simulate(m, truth, n, 1000 + rep);
    absl::StatusOr<CovariateFit> fit = FitWithCovariates(m, s.data(), s.cov);
    ASSERT_TRUE(fit.ok()) << fit.status();
    ASSERT_EQ(fit->report.standard_errors.size(), 7u);
    const std::vector<double> est = {fit->params.purchase[0], fit->params.purchase[1],
                                     fit->params.dropout[0]};
    const std::vector<double> want = {truth.purchase[0], truth.purchase[1], truth.dropout[0]};
    for (int j = 0; j < 3; ++j) {
      const double se = fit->report.standard_errors[4 + j];
      EXPECT_GT(se, 0);
      inside += std::fabs(est[j] - want[j]) <= 2 * se;
      ++pairs;
    }
    EXPECT_EQ(fit->likelihood_ratio.degrees_of_freedom, 3);
    EXPECT_LT(fit->likelihood_ratio.p_value, 1e-3) << "rep " << rep;
    EXPECT_GT(fit->report.log_likelihood, fit->likelihood_ratio.restricted_log_likelihood);
  }
  EXPECT_GE(inside, 0.9 * pairs) << CovariateModelName(m) << ": " << inside << " of " << pairs;
}

TEST(CovariatesTest, BgNbdRecoversPlantedCoefficients) {
  CheckCoverage(CovariateModel::kBgNbd, {{0.8, 4.0, 0.8, 2.4}, {0.5, -0.6}, {0.5}}, 20, 2000);
}

TEST(CovariatesTest, MbgNbdRecoversPlantedCoefficients) {
  CheckCoverage(CovariateModel::kMbgNbd, {{0.8, 4.0, 0.8, 2.4}, {0.5, -0.6}, {0.5}}, 10, 3000);
}

TEST(CovariatesTest, ParetoNbdRecoversPlantedCoefficients) {
  CheckCoverage(CovariateModel::kParetoNbd, {{0.8, 4.0, 0.6, 8.0}, {0.5, -0.6}, {0.5}}, 10, 1000);
}

TEST(CovariatesTest, LikelihoodRatioTestHoldsItsLevelWithoutEffects) {
  // No planted effect: the p-values are uniform, so about 1 in 20 falls
  // below 0.05 and their mean is near 1/2.
  const int reps = 20;
  int rejected = 0;
  double mean = 0;
  for (int rep = 0; rep < reps; ++rep) {
    const Sim s =
        Simulate(CovariateModel::kBgNbd, {{0.8, 4.0, 0.8, 2.4}, {0, 0}, {0}}, 1500, 500 + rep);
    absl::StatusOr<CovariateFit> fit = FitWithCovariates(CovariateModel::kBgNbd, s.data(), s.cov);
    ASSERT_TRUE(fit.ok()) << fit.status();
    rejected += fit->likelihood_ratio.p_value < 0.05;
    mean += fit->likelihood_ratio.p_value / reps;
  }
  EXPECT_LE(rejected, 3);
  EXPECT_GT(mean, 0.3);
  EXPECT_LT(mean, 0.7);
}

TEST(CovariatesTest, PenaltyShrinksTheCoefficientsAtItsStationaryPoint) {
  const CovariateParams truth{{0.8, 4.0, 0.8, 2.4}, {0.5, -0.6}, {0.5}};
  const Sim s = Simulate(CovariateModel::kBgNbd, truth, 3000, 77);
  Covariates cov = s.cov;
  cov.penalty = 0.01;
  absl::StatusOr<CovariateFit> plain = FitWithCovariates(CovariateModel::kBgNbd, s.data(), s.cov);
  absl::StatusOr<CovariateFit> pen = FitWithCovariates(CovariateModel::kBgNbd, s.data(), cov);
  ASSERT_TRUE(plain.ok() && pen.ok());
  // At the penalised optimum d LL / d gamma = 2 W penalty gamma (W = 3000
  // customers): the first-order condition of -LL/W + penalty sum gamma^2.
  std::vector<double> g(7);
  ASSERT_TRUE(
      CovariateLogLikelihood(CovariateModel::kBgNbd, pen->params, s.data(), s.cov, g.data()).ok());
  const double gammas[] = {pen->params.purchase[0], pen->params.purchase[1],
                           pen->params.dropout[0]};
  for (int j = 0; j < 3; ++j) {
    EXPECT_NEAR(g[4 + j], 2 * 3000 * 0.01 * gammas[j], 1e-3 * 60) << j;
  }
  EXPECT_LT(std::fabs(pen->params.purchase[0]), std::fabs(plain->params.purchase[0]));
  EXPECT_LT(std::fabs(pen->params.purchase[1]), std::fabs(plain->params.purchase[1]));
}

TEST(CovariatesTest, BadInputNamesTheField) {
  const double x[] = {1, 0, 3}, tx[] = {2, 0, 5}, T[] = {10, 10, 10};
  const CustomerData data{x, tx, T, {}};
  Covariates c;
  c.names = FieldPath("FitRequest");
  c.purchase.names = {"age"};
  c.purchase.values = {1, NAN, 3};
  absl::StatusOr<CovariateFit> fit = FitWithCovariates(CovariateModel::kBgNbd, data, c);
  EXPECT_EQ(fit.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(fit.status().message()),
              HasSubstr("FitRequest.purchase_covariates[1]: must be finite, got nan (customer 1, "
                        "column \"age\")"));
  c.purchase.values = {1, 2};
  EXPECT_THAT(std::string(CheckCovariates(c, 3).message()),
              HasSubstr("FitRequest.purchase_covariates: has 2 values, expected 3 customers x 1"));
  c.purchase.values = {1, 2, 3};
  c.dropout.names = {"member", "vip"};
  c.dropout.values = {1, 0, 1, 1, 1, 0};
  EXPECT_THAT(std::string(CheckCovariates(c, 3).message()),
              HasSubstr("FitRequest.dropout_covariates: column \"member\" is constant"));
  c.dropout.values = {1, 0, 0, -2, 3, 4};  // vip = 2 member - 2
  EXPECT_THAT(std::string(CheckCovariates(c, 3).message()),
              HasSubstr("column \"vip\" is a linear combination"));
  c.dropout.names = {"member", "member"};
  EXPECT_THAT(std::string(CheckCovariates(c, 3).message()),
              HasSubstr("FitRequest.dropout_covariate_names[1]: \"member\" is also column 0"));
  c.dropout = {};
  c.penalty = -1;
  EXPECT_THAT(std::string(CheckCovariates(c, 3).message()),
              HasSubstr("FitRequest.covariate_penalty: must be finite and >= 0, got -1"));
}

TEST(CovariatesTest, FitRequestCarriesTheCovariatesAndTheTest) {
  const CovariateParams truth{{0.8, 4.0, 0.8, 2.4}, {0.5, -0.6}, {0.5}};
  const Sim s = Simulate(CovariateModel::kMbgNbd, truth, 1500, 9);
  v1::FitRequest req;
  req.set_model(v1::VALUE_MODEL_MBG_NBD);
  req.mutable_frequency()->Add(s.x.begin(), s.x.end());
  req.mutable_recency()->Add(s.tx.begin(), s.tx.end());
  req.mutable_t()->Add(s.T.begin(), s.T.end());
  for (const std::string& n : s.cov.purchase.names) req.add_purchase_covariate_names(n);
  req.mutable_purchase_covariates()->Add(s.cov.purchase.values.begin(),
                                         s.cov.purchase.values.end());
  for (const std::string& n : s.cov.dropout.names) req.add_dropout_covariate_names(n);
  req.mutable_dropout_covariates()->Add(s.cov.dropout.values.begin(), s.cov.dropout.values.end());
  v1::FittedModel out;
  ASSERT_TRUE(Fit(req, &out).ok());
  absl::StatusOr<CovariateFit> direct = FitWithCovariates(CovariateModel::kMbgNbd, s.data(), s.cov);
  ASSERT_TRUE(direct.ok());
  EXPECT_DOUBLE_EQ(out.params().at("alpha"), direct->params.base[1]);
  EXPECT_DOUBLE_EQ(out.purchase_coefficients().at("flag"), direct->params.purchase[1]);
  EXPECT_DOUBLE_EQ(out.dropout_coefficients().at("tenure"), direct->params.dropout[0]);
  EXPECT_DOUBLE_EQ(out.report().dropout_coefficient_errors().at("tenure"),
                   direct->report.standard_errors[6]);
  EXPECT_EQ(out.report().likelihood_ratio().degrees_of_freedom(), 3);
  EXPECT_DOUBLE_EQ(out.report().likelihood_ratio().p_value(), direct->likelihood_ratio.p_value);
  // The joint covariance of the log-parameters and the coefficients.
  ASSERT_EQ(out.report().log_covariance_size(), 49);
  for (int i = 0; i < 49; ++i)
    EXPECT_DOUBLE_EQ(out.report().log_covariance(i), direct->report.log_covariance[i]) << i;
  EXPECT_EQ(out.report().covariance_parameters(5), "purchase_coefficients.flag");
  EXPECT_EQ(out.report().covariance_parameters(6), "dropout_coefficients.tenure");
  // Predictions from the message alone would ignore the covariates.
  EXPECT_THAT(std::string(PurchaseModelFrom(out).status().message()),
              HasSubstr("FittedModel.purchase_coefficients: a model with covariates"));
  req.set_model(v1::VALUE_MODEL_GAMMA_GAMMA);
  req.mutable_monetary_value()->Resize(req.frequency_size(), 10.0);
  EXPECT_THAT(std::string(Fit(req, &out).message()),
              HasSubstr("FitRequest.purchase_covariate_names: covariates apply to BG/NBD"));
  req.set_model(v1::VALUE_MODEL_MBG_NBD);
  req.set_purchase_covariates(3, NAN);
  const absl::Status bad = Fit(req, &out);
  EXPECT_THAT(std::string(bad.message()),
              HasSubstr("FitRequest.purchase_covariates[3]: must be finite"));
}

TEST(CovariatesTest, PredictionsUseEachCustomersOwnParameters) {
  const CovariateParams p{{0.8, 4.0, 0.8, 2.4}, {0.5, -0.6}, {0.5}};
  const Sim s = Simulate(CovariateModel::kBgNbd, p, 50, 3);
  std::vector<double> got(50), alive(50);
  ASSERT_TRUE(PredictWithCovariates(CovariateModel::kBgNbd, p, s.cov, s.data(),
                                    CovariatePrediction::kExpectedPurchases, 13, absl::MakeSpan(got))
                  .ok());
  ASSERT_TRUE(PredictWithCovariates(CovariateModel::kBgNbd, p, s.cov, s.data(),
                                    CovariatePrediction::kProbabilityAlive, 0, absl::MakeSpan(alive))
                  .ok());
  for (size_t i = 0; i < 50; ++i) {
    // FHL 2005 eq. 10 and P(alive) written out at the customer's own
    // alpha_i = alpha e^(-gamma1 z1), a_i = a e^(gamma2 z2), b_i = b e^(gamma2 z2).
    const double z = s.cov.purchase.values[2 * i], flag = s.cov.purchase.values[2 * i + 1];
    const double d = s.cov.dropout.values[i];
    const double r = 0.8, al = 4.0 * std::exp(-(0.5 * z - 0.6 * flag));
    const double a = 0.8 * std::exp(0.5 * d), b = 2.4 * std::exp(0.5 * d);
    const double x = s.x[i], tx = s.tx[i], T = s.T[i];
    const double odds = x > 0 ? a / (b + x - 1) * std::pow((al + T) / (al + tx), r + x) : 0;
    EXPECT_NEAR(alive[i], 1 / (1 + odds), 1e-12) << i;
    // 2F1(r+x, b+x; a+b+x-1; z) by its series (z = t / (alpha + T + t) < 1).
    const double zz = 13 / (al + T + 13);
    double term = 1, f = 1;
    for (int k = 0; k < 2000; ++k) {
      term *= (r + x + k) * (b + x + k) / ((a + b + x - 1 + k) * (k + 1)) * zz;
      f += term;
    }
    const double want = (a + b + x - 1) / (a - 1) *
                        (1 - std::pow((al + T) / (al + T + 13), r + x) * f) / (1 + odds);
    EXPECT_NEAR(got[i], want, 1e-9 * std::max(1.0, want)) << i;
  }
  EXPECT_THAT(std::string(PredictWithCovariates(CovariateModel::kBgNbd, p, s.cov, s.data(),
                                                CovariatePrediction::kExpectedPurchases, -1,
                                                absl::MakeSpan(got))
                              .message()),
              HasSubstr("t must be finite"));
}

// ---- The same fit over blocks of customers -----------------------------------

// Rows [lo, hi) of a simulation as its own block.
Sim Block(const Sim& s, size_t lo, size_t hi) {
  Sim b;
  b.x.assign(s.x.begin() + lo, s.x.begin() + hi);
  b.tx.assign(s.tx.begin() + lo, s.tx.begin() + hi);
  b.T.assign(s.T.begin() + lo, s.T.begin() + hi);
  b.cov.purchase.names = s.cov.purchase.names;
  b.cov.dropout.names = s.cov.dropout.names;
  const size_t k1 = s.cov.purchase.columns(), k2 = s.cov.dropout.columns();
  b.cov.purchase.values.assign(s.cov.purchase.values.begin() + lo * k1,
                               s.cov.purchase.values.begin() + hi * k1);
  b.cov.dropout.values.assign(s.cov.dropout.values.begin() + lo * k2,
                              s.cov.dropout.values.begin() + hi * k2);
  return b;
}

// The moments summed over blocks give the columns' mean and population
// standard deviation (computed here directly), and the scaled likelihood is
// the raw one at the parameters the scaling stands for.
TEST(CovariatesTest, BlockMomentsAndScaledLikelihoodAreTheWholePopulations) {
  const Sim s = Simulate(CovariateModel::kParetoNbd, {{0.7, 3.5, 0.9, 2.2}, {0.3, -0.4}, {0.25}},
                         900, 41);
  const std::vector<size_t> bounds = {0, 1, 300, 301, 900};
  const double count = 900;
  std::vector<double> sum(2, 0.0), cross(4, 0.0);
  for (size_t b = 0; b + 1 < bounds.size(); ++b) {
    const Sim part = Block(s, bounds[b], bounds[b + 1]);
    const std::vector<double> v = CovariateColumnSums(part.cov.purchase, part.x.size());
    for (size_t j = 0; j < 2; ++j) sum[j] += v[j];
  }
  for (size_t b = 0; b + 1 < bounds.size(); ++b) {
    const Sim part = Block(s, bounds[b], bounds[b + 1]);
    const std::vector<double> v =
        CovariateCrossProducts(part.cov.purchase, part.x.size(), sum, count);
    for (size_t j = 0; j < 4; ++j) cross[j] += v[j];
  }
  absl::StatusOr<CovariateScaling> scaling =
      CovariateScalingOf(s.cov.purchase.names, count, sum, cross, "purchase");
  ASSERT_TRUE(scaling.ok()) << scaling.status();
  double m[2] = {0, 0}, v[2] = {0, 0}, c01 = 0;
  for (size_t i = 0; i < 900; ++i)
    for (int j = 0; j < 2; ++j) m[j] += s.cov.purchase.values[2 * i + j] / 900;
  for (size_t i = 0; i < 900; ++i) {
    const double d0 = s.cov.purchase.values[2 * i] - m[0], d1 = s.cov.purchase.values[2 * i + 1] - m[1];
    v[0] += d0 * d0 / 900, v[1] += d1 * d1 / 900, c01 += d0 * d1;
  }
  for (int j = 0; j < 2; ++j) {
    EXPECT_NEAR(scaling->mean[j], m[j], 1e-13);
    EXPECT_NEAR(scaling->scale[j], std::sqrt(v[j]), 1e-13);
  }
  EXPECT_NEAR(cross[1], c01, 1e-10);
  EXPECT_EQ(cross[1], cross[2]);

  // Pareto/NBD: alpha_i = alpha~ e^(-g~ (z - m) / s) is the caller's alpha
  // e^(g~ m / s) with coefficient g~ / s; beta likewise.
  const CovariateStandardisation st{*scaling, {{2.0}, {0.5}}};
  const CovariateParams u{{0.7, 3.5, 0.9, 2.2}, {0.3, -0.4}, {0.25}};
  CovariateParams raw = u;
  double shift1 = 0;
  for (int j = 0; j < 2; ++j) {
    raw.purchase[j] = u.purchase[j] / st.purchase.scale[j];
    shift1 += u.purchase[j] * st.purchase.mean[j] / st.purchase.scale[j];
  }
  raw.base[1] *= std::exp(shift1);
  raw.dropout[0] = u.dropout[0] / 0.5;
  raw.base[3] *= std::exp(u.dropout[0] * 2.0 / 0.5);
  double whole_g[7], sum_g[7] = {0};
  absl::StatusOr<double> whole =
      CovariateLogLikelihood(CovariateModel::kParetoNbd, u, s.data(), s.cov, st, whole_g);
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_NEAR(*CovariateLogLikelihood(CovariateModel::kParetoNbd, raw, s.data(), s.cov), *whole,
              1e-11 * std::fabs(*whole));
  double total = 0;
  for (size_t b = 0; b + 1 < bounds.size(); ++b) {
    const Sim part = Block(s, bounds[b], bounds[b + 1]);
    double g[7];
    absl::StatusOr<double> ll =
        CovariateLogLikelihood(CovariateModel::kParetoNbd, u, part.data(), part.cov, st, g);
    ASSERT_TRUE(ll.ok()) << ll.status();
    total += *ll;
    for (int j = 0; j < 7; ++j) sum_g[j] += g[j];
  }
  EXPECT_NEAR(total, *whole, 1e-12 * std::fabs(*whole));
  for (int j = 0; j < 7; ++j)
    EXPECT_NEAR(sum_g[j], whole_g[j], 1e-10 * std::max(1.0, std::fabs(whole_g[j]))) << j;

  // A constant column, and one that is a combination of the others, named.
  const std::vector<double> flat_sum = {sum[0], 900 * 3.0}, flat_cross = {cross[0], 0, 0, 0};
  EXPECT_THAT(std::string(CovariateScalingOf({"z", "three"}, count, flat_sum, flat_cross, "f")
                              .status()
                              .message()),
              HasSubstr("f: column \"three\" is constant"));
  const std::vector<double> twice = {cross[0], 2 * cross[0], 2 * cross[0], 4 * cross[0]};
  EXPECT_THAT(std::string(CovariateScalingOf({"z", "2z"}, count, sum, twice, "f").status().message()),
              HasSubstr("column \"2z\" is a linear combination"));
}

// The fit driven by a caller's sum: over one block in order it is
// FitWithCovariates to the last bit; over several blocks to rounding; a
// failing sum stops it at once.
TEST(CovariatesTest, FitFromACallersSumIsTheSingleFit) {
  for (CovariateModel m :
       {CovariateModel::kBgNbd, CovariateModel::kMbgNbd, CovariateModel::kParetoNbd}) {
    const Sim s = Simulate(m, {{0.8, 4.0, 0.8, 2.4}, {0.5, -0.6}, {0.5}}, 1200, 43);
    absl::StatusOr<CovariateFit> want = FitWithCovariates(m, s.data(), s.cov);
    ASSERT_TRUE(want.ok()) << want.status();
    CovariateStandardisation st;
    for (auto [c, out] : {std::pair{&s.cov.purchase, &st.purchase},
                          std::pair{&s.cov.dropout, &st.dropout}}) {
      const std::vector<double> sum = CovariateColumnSums(*c, 1200);
      *out = *CovariateScalingOf(c->names, 1200, sum, CovariateCrossProducts(*c, 1200, sum, 1200),
                                 "f");
    }
    for (const std::vector<size_t>& bounds :
         {std::vector<size_t>{0, 1200}, std::vector<size_t>{0, 500, 501, 1200}}) {
      std::vector<Sim> blocks;
      for (size_t b = 0; b + 1 < bounds.size(); ++b)
        blocks.push_back(Block(s, bounds[b], bounds[b + 1]));
      auto sum = [&](const CovariateParams& p, double* ll, double* grad) {
        *ll = 0;
        std::fill(grad, grad + 7, 0.0);
        for (const Sim& part : blocks) {
          double g[7];
          absl::StatusOr<double> v = CovariateLogLikelihood(m, p, part.data(), part.cov, st, g);
          if (!v.ok()) return false;
          *ll += *v;
          for (int j = 0; j < 7; ++j) grad[j] += g[j];
        }
        return true;
      };
      absl::StatusOr<CovariateFit> got = FitWithCovariateLikelihood(m, s.data(), st, 0, {}, sum);
      ASSERT_TRUE(got.ok()) << got.status();
      const double tol = blocks.size() == 1 ? 0.0 : 1e-9;
      for (int i = 0; i < 4; ++i)
        EXPECT_NEAR(got->params.base[i], want->params.base[i], tol * want->params.base[i]);
      for (int j = 0; j < 2; ++j)
        EXPECT_NEAR(got->params.purchase[j], want->params.purchase[j],
                    tol * std::fabs(want->params.purchase[j]));
      EXPECT_NEAR(got->params.dropout[0], want->params.dropout[0],
                  tol * std::fabs(want->params.dropout[0]));
      ASSERT_EQ(got->report.standard_errors.size(), 7u);
      for (int j = 0; j < 7; ++j)
        EXPECT_NEAR(got->report.standard_errors[j], want->report.standard_errors[j],
                    (blocks.size() == 1 ? 0.0 : 1e-5) * want->report.standard_errors[j]);
      EXPECT_NEAR(got->likelihood_ratio.statistic, want->likelihood_ratio.statistic,
                  blocks.size() == 1 ? 0.0 : 1e-6);
    }
    int calls = 0;
    auto failing = [&](const CovariateParams&, double*, double*) { return ++calls < 4; };
    absl::StatusOr<CovariateFit> stopped =
        FitWithCovariateLikelihood(m, s.data(), st, 0, {}, failing);
    EXPECT_EQ(stopped.status().code(), absl::StatusCode::kAborted);
    EXPECT_THAT(std::string(stopped.status().message()), HasSubstr("evaluation 4 failed"));
    EXPECT_EQ(calls, 4);
  }
}

}  // namespace
}  // namespace mitra::value

#include "mitra/value/pareto_nbd.h"

#include <cmath>
#include <vector>

#include "cdnow.h"
#include "gtest/gtest.h"
#include "common/special.h"
#include "mitra/value/summary.h"

namespace mitra::value {
namespace {

struct Point {
  double x, tx, T;
};

double LogSumExp(double a, double b) {
  const double m = std::max(a, b);
  if (m == -INFINITY) return m;
  return m + std::log(std::exp(a - m) + std::exp(b - m));
}

// Independent reference: ln of the double integral over lambda and mu of
// the individual likelihood (Schmittlein, Morrison & Colombo 1987)
//   lambda^x e^-(lambda+mu)T
//   + lambda^x mu/(lambda+mu) (e^-(lambda+mu)t_x - e^-(lambda+mu)T)
// times the Gamma(r, alpha) and Gamma(s, beta) densities. Trapezoid rule
// in u = ln lambda, v = ln mu (spectrally accurate for these smooth,
// fast-decaying integrands), summed in log space relative to the maximum.
double BruteForceLogLikelihood(double r, double alpha, double s, double beta, Point p) {
  const double rx = r + p.x;
  const double u_lo = std::log(rx / (alpha + p.T)) - 50 / rx - 2;
  const double u_hi = std::log((rx + 60) / (alpha + p.tx)) + 1;
  const double v_lo = std::log(s / (beta + p.T)) - 50 / s - 2;
  const double v_hi = std::log((s + 61) / (beta + p.tx)) + 1;
  const double hu = std::min(0.25, 0.4 / std::sqrt(rx)),
               hv = std::min(0.25, 0.4 / std::sqrt(s + 1));
  const int nu = static_cast<int>((u_hi - u_lo) / hu) + 1,
            nv = static_cast<int>((v_hi - v_lo) / hv) + 1;
  std::vector<double> lu(nu), lam(nu), lv(nv), mu(nv);
  for (int i = 0; i < nu; ++i) {
    const double u = u_lo + i * hu;
    lam[i] = std::exp(u);
    lu[i] = r * std::log(alpha) - std::lgamma(r) + r * u - alpha * lam[i] + p.x * u;
  }
  for (int j = 0; j < nv; ++j) {
    const double v = v_lo + j * hv;
    mu[j] = std::exp(v);
    lv[j] = s * std::log(beta) - std::lgamma(s) + s * v - beta * mu[j];
  }
  std::vector<double> f(static_cast<size_t>(nu) * nv);
  double top = -INFINITY;
  for (int i = 0; i < nu; ++i) {
    for (int j = 0; j < nv; ++j) {
      const double k = lam[i] + mu[j];
      const double alive = -k * p.T;
      const double gone =
          p.T > p.tx ? std::log(mu[j] / k) - k * p.tx + std::log(-std::expm1(-k * (p.T - p.tx)))
                     : -INFINITY;
      const double v = lu[i] + lv[j] + LogSumExp(alive, gone);
      f[static_cast<size_t>(i) * nv + j] = v;
      top = std::max(top, v);
    }
  }
  double sum = 0;
  for (double v : f) sum += std::exp(v - top);
  return top + std::log(sum * hu * hv);
}

struct ParamCase {
  const char* name;
  ParetoNbdParams p;
};

const ParamCase kCases[] = {
    {"CDNOW", {0.55, 10.58, 0.61, 11.67}},
    {"alpha = beta", {0.7, 5.0, 1.3, 5.0}},
    {"alpha > beta, moderate z", {1.1, 20.0, 0.8, 3.0}},
    {"alpha >> beta", {0.8, 500.0, 1.5, 0.05}},
    {"beta >> alpha", {2.0, 0.1, 3.0, 400.0}},
    {"small shapes", {0.06, 0.5, 0.09, 0.7}},
    {"large shapes", {25.0, 80.0, 40.0, 30.0}},
};

const Point kPoints[] = {{0, 0, 38.86}, {2, 30.43, 38.86}, {7, 29.43, 38.86}, {1, 1.71, 38.86},
                         {4, 10, 10},   {40, 70, 78},      {150, 480, 500}};

TEST(ParetoNbdTest, LikelihoodMatchesBruteForceIntegration) {
  for (const ParamCase& c : kCases) {
    for (const Point& pt : kPoints) {
      if (pt.x >= 40 && c.p.r < 0.1) continue;  // grid too fine for the reference
      double got = 0;
      ASSERT_TRUE(ParetoNbdIndividualLogLikelihood(
                      c.p, CustomerData{{&pt.x, 1}, {&pt.tx, 1}, {&pt.T, 1}, {}}, {&got, 1})
                      .ok())
          << c.name;
      const double want = BruteForceLogLikelihood(c.p.r, c.p.alpha, c.p.s, c.p.beta, pt);
      EXPECT_NEAR(got, want, 1e-7 * std::max(1.0, std::fabs(want)))
          << c.name << " x=" << pt.x << " t_x=" << pt.tx << " T=" << pt.T;
    }
  }
}

// Where a naive evaluation overflows: (alpha+T)^(r+x) beyond 1e308.
TEST(ParetoNbdTest, FiniteWhereNaiveCodeOverflows) {
  const ParetoNbdParams p{3.0, 900.0, 0.5, 0.01};
  const double x[] = {400, 0, 1000}, tx[] = {950, 0, 5000}, T[] = {1000, 5000, 5200};
  double out[3];
  ASSERT_TRUE(ParetoNbdIndividualLogLikelihood(p, CustomerData{x, tx, T, {}}, out).ok());
  for (double v : out) EXPECT_TRUE(std::isfinite(v));
  const Point pt{400, 950, 1000};
  EXPECT_NEAR(out[0], BruteForceLogLikelihood(p.r, p.alpha, p.s, p.beta, pt),
              1e-7 * std::fabs(out[0]));
}

TEST(ParetoNbdTest, GradientMatchesFiniteDifferences) {
  std::vector<double> x, tx, T;
  for (const Point& pt : kPoints) {
    x.push_back(pt.x);
    tx.push_back(pt.tx);
    T.push_back(pt.T);
  }
  const CustomerData data{x, tx, T, {}};
  for (const ParamCase& c : kCases) {
    double g[4];
    ASSERT_TRUE(ParetoNbdLogLikelihood(c.p, data, g).ok());
    const double th[4] = {c.p.r, c.p.alpha, c.p.s, c.p.beta};
    for (int k = 0; k < 4; ++k) {
      double up[4] = {th[0], th[1], th[2], th[3]}, dn[4] = {th[0], th[1], th[2], th[3]};
      const double h = 1e-5 * th[k];
      up[k] += h;
      dn[k] -= h;
      const double fu = *ParetoNbdLogLikelihood({up[0], up[1], up[2], up[3]}, data);
      const double fd = *ParetoNbdLogLikelihood({dn[0], dn[1], dn[2], dn[3]}, data);
      const double fdiff = (fu - fd) / (2 * h);
      EXPECT_NEAR(g[k], fdiff, 2e-5 * std::max(1.0, std::fabs(fdiff))) << c.name << " k=" << k;
    }
  }
}

// Fader, Hardie & Lee (2005), "Counting your customers the easy way",
// Marketing Science 24(2), section 5 (Pareto/NBD on the same CDNOW sample):
// r = 0.55, alpha = 10.58, s = 0.61, beta = 11.67, LL = -9595.0.
TEST(ParetoNbdTest, FitsCdnowToPublishedValues) {
  const auto tx = testing::LoadCdnowSample(MITRA_REFERENCE_DATA_DIR);
  SummaryOptions o;
  o.calibration_end = testing::UnixDay(1997, 9, 30);
  auto s = Summarize(tx.customer, tx.time, tx.amount, o);
  ASSERT_TRUE(s.ok());
  auto fit = FitParetoNbd(CustomerData{s->x, s->t_x, s->T, {}});
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_NEAR(fit->params.r, 0.55, 0.005);
  EXPECT_NEAR(fit->params.alpha, 10.58, 0.05);
  EXPECT_NEAR(fit->params.s, 0.61, 0.005);
  EXPECT_NEAR(fit->params.beta, 11.67, 0.05);
  EXPECT_NEAR(fit->report.log_likelihood, -9595.0, 0.05);
  EXPECT_EQ(fit->report.standard_errors.size(), 4u);
}

// P(alive) and conditional expectation against the brute-force integrals:
// P(alive) = integral of lambda^x e^-(lambda+mu)T g g / L, and
// E[Y(t)] = integral over the alive posterior of (lambda/mu)(1 - e^-mu t).
TEST(ParetoNbdTest, PredictionsMatchDefinitions) {
  const ParetoNbdParams p{0.55, 10.58, 0.61, 11.67};
  const Point pt{2, 30.43, 38.86};
  double alive = 0, expected = 0, later = 0;
  const CustomerData one{{&pt.x, 1}, {&pt.tx, 1}, {&pt.T, 1}, {}};
  ASSERT_TRUE(ParetoNbdProbabilityAlive(p, one, {&alive, 1}).ok());
  ASSERT_TRUE(ParetoNbdExpectedPurchases(p, one, 39, {&expected, 1}).ok());
  ASSERT_TRUE(ParetoNbdProbabilityAliveAt(p, one, 26, {&later, 1}).ok());
  // Alive part in closed form per (lambda, mu) integrated by the
  // posterior: lambda ~ Gamma(r+x, alpha+T), mu ~ Gamma(s, beta+T) given alive.
  const double log_alive_mass = std::lgamma(p.r + pt.x) - std::lgamma(p.r) +
                                p.r * std::log(p.alpha) + p.s * std::log(p.beta) -
                                (p.r + pt.x) * std::log(p.alpha + pt.T) -
                                p.s * std::log(p.beta + pt.T);
  const double ll = BruteForceLogLikelihood(p.r, p.alpha, p.s, p.beta, pt);
  EXPECT_NEAR(alive, std::exp(log_alive_mass - ll), 1e-7);
  // E[lambda] = (r+x)/(alpha+T); E[(1 - e^-mu t)/mu] by 1-D quadrature.
  const double shape = p.s, rate = p.beta + pt.T;
  double e_mu = 0;
  const int n = 400000;
  for (int i = 0; i < n; ++i) {  // mu = e^v, v on a wide grid
    const double v = -80 + 85.0 * (i + 0.5) / n, mu = std::exp(v);
    const double dens =
        std::exp(shape * std::log(rate) - std::lgamma(shape) + shape * v - rate * mu);
    e_mu += dens * (-std::expm1(-mu * 39)) / mu * (85.0 / n);
  }
  EXPECT_NEAR(expected, alive * (p.r + pt.x) / (p.alpha + pt.T) * e_mu, 1e-6);
  EXPECT_NEAR(later, alive * std::pow(rate / (rate + 26), shape), 1e-12);
  auto e_new = ParetoNbdExpectedPurchasesNew(p, 39);
  ASSERT_TRUE(e_new.ok());
  EXPECT_GT(*e_new, 0);
}

}  // namespace
}  // namespace mitra::value

namespace mitra::value {
namespace {

// 100 copies of CDNOW give the same optimum; two threads the same result.
TEST(ParetoNbdTest, ReplicatedDataAndThreads) {
  const auto tx = testing::LoadCdnowSample(MITRA_REFERENCE_DATA_DIR);
  SummaryOptions o;
  o.calibration_end = testing::UnixDay(1997, 9, 30);
  auto s = Summarize(tx.customer, tx.time, tx.amount, o);
  ASSERT_TRUE(s.ok());
  std::vector<double> x, t_x, T;
  for (int k = 0; k < 100; ++k) {
    x.insert(x.end(), s->x.begin(), s->x.end());
    t_x.insert(t_x.end(), s->t_x.begin(), s->t_x.end());
    T.insert(T.end(), s->T.begin(), s->T.end());
  }
  auto one = FitParetoNbd(CustomerData{x, t_x, T, {}});
  FitOptions opt;
  opt.threads = 2;
  auto two = FitParetoNbd(CustomerData{x, t_x, T, {}}, opt);
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_NEAR(one->report.log_likelihood, 100 * -9595.0, 100 * 0.05);
  // The likelihood is flat along s/beta: the two stop within ~1e-4 of each
  // other there, far inside one standard error.
  ASSERT_EQ(one->report.standard_errors.size(), 4u);
  EXPECT_NEAR(two->params.r, one->params.r, 1e-5);
  EXPECT_NEAR(two->params.beta, one->params.beta, 0.01 * one->report.standard_errors[3]);
  EXPECT_NEAR(two->report.log_likelihood, one->report.log_likelihood, 1e-6);
}

}  // namespace
}  // namespace mitra::value

namespace mitra::value {
namespace {

// R's BTYD on the CDNOW summary file (quoted by lifetimes' tests): r = 0.553,
// alpha = 10.578, s = 0.606, beta = 11.669; and from BTYD's walkthrough,
// E[Y(52) | x = 26, t_x = 30.86, T = 31] = 25.46 at those estimates.
TEST(ParetoNbdTest, FitsCdnowSummaryLikeBtyd) {
  const auto s = testing::LoadCdnowSummary(MITRA_REFERENCE_DATA_DIR);
  auto fit = FitParetoNbd(CustomerData{s.x, s.t_x, s.T, {}});
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_NEAR(fit->params.r, 0.553, 0.001);
  EXPECT_NEAR(fit->params.alpha, 10.578, 0.002);
  EXPECT_NEAR(fit->params.s, 0.606, 0.001);
  EXPECT_NEAR(fit->params.beta, 11.669, 0.002);
  const double x = 26, tx = 30.86, T = 31;
  double e = 0;
  ASSERT_TRUE(ParetoNbdExpectedPurchases(fit->params, CustomerData{{&x, 1}, {&tx, 1}, {&T, 1}, {}},
                                         52, {&e, 1})
                  .ok());
  EXPECT_NEAR(e, 25.46, 0.005);
}

// lifetimes' overflow case (alpha = 0.008, x up to 500): finite, and equal
// to the brute-force integral.
TEST(ParetoNbdTest, LifetimesOverflowCase) {
  const ParetoNbdParams p{10.465, 7.98565181e-03, 3.0516, 2.820};
  const double x[] = {400, 500, 500}, tx[] = {5, 1, 4}, T[] = {6, 37, 37};
  double out[3];
  ASSERT_TRUE(ParetoNbdIndividualLogLikelihood(p, CustomerData{x, tx, T, {}}, out).ok());
  for (int i = 0; i < 3; ++i) {
    const double want = BruteForceLogLikelihood(p.r, p.alpha, p.s, p.beta, {x[i], tx[i], T[i]});
    EXPECT_NEAR(out[i], want, 1e-7 * std::fabs(want)) << i;
  }
}

}  // namespace
}  // namespace mitra::value

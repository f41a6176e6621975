#include "mitra/value/mbgnbd.h"

#include <cmath>
#include <vector>

#include "cdnow.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/value/bgnbd.h"
#include "mitra/value/summary.h"

namespace mitra::value {
namespace {

struct Point {
  double x, tx, T;
};

// Independent reference: the individual MBG/NBD likelihood (Batislam et al.
// 2007: the customer may drop out after every purchase, the first included)
//   (1-p)^(x+1) lambda^x e^-lambda T + p (1-p)^x lambda^x e^-lambda t_x
// integrated over lambda ~ Gamma(r, alpha) (trapezoid in ln lambda) and
// p ~ Beta(a, b) (trapezoid in logit p), in log space. `alive_only` keeps
// the first term (for P(alive)); `future` > 0 multiplies it by the survival
// exp(-lambda p future) of an alive customer.
double BruteForce(const MbgNbdParams& m, Point pt, bool alive_only = false, double future = 0) {
  const double rx = m.r + pt.x;
  const double u_lo = std::log(rx / (m.alpha + pt.T + future)) - 50 / rx - 2;
  const double u_hi = std::log((rx + 60) / (m.alpha + pt.tx)) + 1;
  const double hu = std::min(0.2, 0.4 / std::sqrt(rx));
  const double w_lo = -60 / m.a - 2, w_hi = 60 / (m.b + pt.x) + 2;
  const double hw = std::min(0.2, 0.4 / std::sqrt(m.a + m.b + pt.x));
  const double lbeta = std::lgamma(m.a) + std::lgamma(m.b) - std::lgamma(m.a + m.b);
  double top = -INFINITY;
  std::vector<double> f;
  for (double u = u_lo; u <= u_hi; u += hu) {
    const double lam = std::exp(u);
    const double lg = m.r * std::log(m.alpha) - std::lgamma(m.r) + m.r * u - m.alpha * lam;
    for (double w = w_lo; w <= w_hi; w += hw) {
      // p = 1/(1+e^-w): ln p = -ln(1+e^-w), ln(1-p) = -ln(1+e^w); dp = p(1-p) dw.
      const double lp = -std::log1p(std::exp(-w)), lq = -std::log1p(std::exp(w));
      const double lb = (m.a) * lp + (m.b) * lq - lbeta;
      const double alive = (pt.x + 1) * lq + pt.x * u - lam * (pt.T + std::exp(lp) * future);
      const double gone = lp + pt.x * lq + pt.x * u - lam * pt.tx;
      double l = alive;
      if (!alive_only) l = std::max(alive, gone) + std::log1p(std::exp(-std::fabs(alive - gone)));
      f.push_back(lg + lb + l);
      top = std::max(top, f.back());
    }
  }
  double sum = 0;
  for (double v : f) sum += std::exp(v - top);
  return top + std::log(sum * hu * hw);
}

const MbgNbdParams kCases[] = {
    {0.243, 4.414, 0.793, 2.426}, {1.5, 0.3, 3.0, 0.4}, {0.05, 40, 0.2, 9}, {12, 30, 40, 2}};
const Point kPoints[] = {{0, 0, 38.86}, {2, 30.43, 38.86}, {7, 29.43, 38.86}, {1, 1.71, 38.86},
                         {4, 10, 10},   {60, 70, 78},      {400, 900, 1000}};

TEST(MbgNbdTest, LikelihoodMatchesBruteForceIntegration) {
  for (const MbgNbdParams& m : kCases) {
    for (const Point& pt : kPoints) {
      const CustomerData one{{&pt.x, 1}, {&pt.tx, 1}, {&pt.T, 1}, {}};
      auto got = MbgNbdLogLikelihood(m, one);
      ASSERT_TRUE(got.ok());
      const double want = BruteForce(m, pt);
      EXPECT_NEAR(*got, want, 1e-7 * std::max(1.0, std::fabs(want)))
          << m.r << " " << m.alpha << " x=" << pt.x;
      double alive;
      ASSERT_TRUE(MbgNbdProbabilityAlive(m, one, {&alive, 1}).ok());
      EXPECT_NEAR(alive, std::exp(BruteForce(m, pt, true) - want), 1e-7);
      double later;
      ASSERT_TRUE(MbgNbdProbabilityAliveAt(m, one, 13, {&later, 1}).ok());
      EXPECT_NEAR(later, std::exp(BruteForce(m, pt, true, 13) - want), 1e-7);
    }
  }
}

TEST(MbgNbdTest, GradientMatchesFiniteDifferences) {
  std::vector<double> x, tx, T;
  for (const Point& pt : kPoints) {
    x.push_back(pt.x);
    tx.push_back(pt.tx);
    T.push_back(pt.T);
  }
  const CustomerData data{x, tx, T, {}};
  for (const MbgNbdParams& m : kCases) {
    double g[4];
    ASSERT_TRUE(MbgNbdLogLikelihood(m, data, g).ok());
    const double th[4] = {m.r, m.alpha, m.a, m.b};
    for (int k = 0; k < 4; ++k) {
      double up[4] = {th[0], th[1], th[2], th[3]}, dn[4] = {th[0], th[1], th[2], th[3]};
      const double h = 1e-5 * th[k];
      up[k] += h;
      dn[k] -= h;
      const double fd = (*MbgNbdLogLikelihood({up[0], up[1], up[2], up[3]}, data) -
                         *MbgNbdLogLikelihood({dn[0], dn[1], dn[2], dn[3]}, data)) /
                        (2 * h);
      EXPECT_NEAR(g[k], fd, 2e-5 * std::max(1.0, std::fabs(fd))) << k;
    }
  }
}

// MBG/NBD runs in the BG family's per-customer loop (src/value/bg_family.h),
// whose paths differ by data: one customer at a time (its times looked up
// in a table of distinct values) against 3,000 customers with continuous
// times (too many distinct values for the table), and weights against
// repeated rows. Every path gives the sum of the customers' own ln L and
// gradients (each of which is checked against brute force above).
TEST(MbgNbdTest, EveryPathGivesTheSumOverCustomers) {
  std::vector<double> x, tx, T, w, rx, rtx, rT;
  uint64_t state = 12345;
  auto uniform = [&] {  // splitmix64: fixed data, no dependence on the library
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
  };
  for (int i = 0; i < 3000; ++i) {
    const double Ti = 1 + 50 * uniform();
    const int xi = i % 4 == 0 ? 0 : static_cast<int>(12 * uniform());
    const double txi = xi == 0 ? 0 : Ti * uniform();
    const int wi = 1 + i % 3;
    x.push_back(xi), tx.push_back(txi), T.push_back(Ti), w.push_back(wi);
    for (int k = 0; k < wi; ++k) rx.push_back(xi), rtx.push_back(txi), rT.push_back(Ti);
  }
  for (const MbgNbdParams& m : kCases) {
    double sum = 0, want[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < x.size(); ++i) {
      double g[4];
      const double ll = *MbgNbdLogLikelihood(m, CustomerData{{&x[i], 1}, {&tx[i], 1}, {&T[i], 1}, {}}, g);
      sum += w[i] * ll;
      for (int k = 0; k < 4; ++k) want[k] += w[i] * g[k];
    }
    double gw[4], gr[4];
    const absl::StatusOr<double> weighted = MbgNbdLogLikelihood(m, CustomerData{x, tx, T, w}, gw);
    const absl::StatusOr<double> repeated = MbgNbdLogLikelihood(m, CustomerData{rx, rtx, rT, {}}, gr);
    ASSERT_TRUE(weighted.ok() && repeated.ok());
    EXPECT_NEAR(*weighted, sum, 1e-9 * std::fabs(sum));
    EXPECT_NEAR(*repeated, sum, 1e-9 * std::fabs(sum));
    for (int k = 0; k < 4; ++k) {
      EXPECT_NEAR(gw[k], want[k], 1e-8 * std::max(1.0, std::fabs(want[k]))) << k;
      EXPECT_NEAR(gr[k], want[k], 1e-8 * std::max(1.0, std::fabs(want[k]))) << k;
    }
  }
}

// The pmf sums to one, its mean is E[X(t)], and the conditional expectation
// of a customer never seen (x = t_x = T = 0) is E[X(t)].
TEST(MbgNbdTest, PmfAndExpectationsAgree) {
  const MbgNbdParams m{0.5, 6.0, 0.9, 1.6};
  double total = 0, mean = 0;
  for (int n = 0; n < 500; ++n) {
    const double p = *MbgNbdProbabilityOfPurchases(m, 52, n);
    total += p;
    mean += n * p;
  }
  const double e = *MbgNbdExpectedPurchasesNew(m, 52);
  EXPECT_NEAR(total, 1, 1e-10);
  EXPECT_NEAR(mean, e, 1e-8);
  const double zero = 0;
  double cond;
  ASSERT_TRUE(MbgNbdExpectedPurchases(m, CustomerData{{&zero, 1}, {&zero, 1}, {&zero, 1}, {}}, 52,
                                      {&cond, 1})
                  .ok());
  EXPECT_NEAR(cond, e, 1e-10);
}

TEST(MbgNbdTest, FitsCdnow) {
  const auto tx = testing::LoadCdnowSample(MITRA_REFERENCE_DATA_DIR);
  SummaryOptions o;
  o.calibration_end = testing::UnixDay(1997, 9, 30);
  auto s = Summarize(tx.customer, tx.time, tx.amount, o);
  ASSERT_TRUE(s.ok());
  const CustomerData data{s->x, s->t_x, s->T, {}};
  auto fit = FitMbgNbd(data);
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_LT(fit->report.gradient_norm, 1e-6);
  // The optimum: no nearby point is better.
  for (int k = 0; k < 4; ++k) {
    for (double f : {0.99, 1.01}) {
      MbgNbdParams q = fit->params;
      double* th[4] = {&q.r, &q.alpha, &q.a, &q.b};
      *th[k] *= f;
      EXPECT_LT(*MbgNbdLogLikelihood(q, data), fit->report.log_likelihood);
    }
  }
}

}  // namespace
}  // namespace mitra::value

namespace mitra::value {
namespace {

// BTYDplus (Platzer, R package) fits MBG/NBD on the CDNOW summary (the
// 2-decimal file) to r = 0.525, alpha = 6.183, a = 0.891, b = 1.614 (the
// values lifetimes' test suite checks its own fitter against).
TEST(MbgNbdTest, FitsCdnowSummaryLikeBtydPlus) {
  const auto s = testing::LoadCdnowSummary(MITRA_REFERENCE_DATA_DIR);
  auto fit = FitMbgNbd(CustomerData{s.x, s.t_x, s.T, {}});
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_NEAR(fit->params.r, 0.525, 0.0005);
  EXPECT_NEAR(fit->params.alpha, 6.183, 0.0005);
  EXPECT_NEAR(fit->params.a, 0.891, 0.0005);
  EXPECT_NEAR(fit->params.b, 1.614, 0.0005);
}

}  // namespace
}  // namespace mitra::value

namespace mitra::value {
namespace {

// Parameters past double's range give an error, never inf or NaN (r = 9.4e307
// once returned NaN for P(X(t) = n); a fuzzer found it).
TEST(MbgNbdTest, ExtremeParametersAreAnErrorNotNan) {
  const MbgNbdParams p{9.437888958027159e307, 4.183, 0.891, 1.614};
  for (int n : {1, 3}) {
    absl::StatusOr<double> v = MbgNbdProbabilityOfPurchases(p, 39, n);
    ASSERT_FALSE(v.ok()) << *v;
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(v.status().message()),
                ::testing::HasSubstr(absl::StrCat("MBG/NBD P(X(t) = ", n, ") with r = 9.43789e+307")));
    EXPECT_THAT(std::string(v.status().message()),
                ::testing::HasSubstr("gives nan: outside the range the formulas are computed in"));
  }
  const BgNbdParams b{9.437888958027159e307, 4.183, 0.891, 1.614};
  EXPECT_FALSE(BgNbdProbabilityOfPurchases(b, 39, 1).ok());
}

}  // namespace
}  // namespace mitra::value

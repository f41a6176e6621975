#include "mitra/value/bgnbd.h"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "cdnow.h"
#include "gtest/gtest.h"
#include "mitra/value/summary.h"

namespace mitra::value {
namespace {

using testing::UnixDay;

CustomerSummaries CdnowSummaries() {
  const auto tx = testing::LoadCdnowSample(MITRA_REFERENCE_DATA_DIR);
  SummaryOptions o;
  o.calibration_end = UnixDay(1997, 9, 30);
  o.holdout_end = UnixDay(1998, 6, 30);
  auto s = Summarize(tx.customer, tx.time, tx.amount, o);
  EXPECT_TRUE(s.ok()) << s.status();
  return *std::move(s);
}

CustomerData View(const CustomerSummaries& s) { return CustomerData{s.x, s.t_x, s.T, {}}; }

double Sig3(double v) {  // v rounded to 3 significant figures
  const double scale = std::pow(10.0, 2 - std::floor(std::log10(std::fabs(v))));
  return std::round(v * scale) / scale;
}

// Fader, Hardie & Lee (2005), Marketing Science 24(2), section 5: r = 0.243,
// alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4.
TEST(BgNbdTest, FitsCdnowToPublishedValues) {
  const CustomerSummaries s = CdnowSummaries();
  auto fit = FitBgNbd(View(s));
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_EQ(Sig3(fit->params.r), 0.243);
  EXPECT_EQ(Sig3(fit->params.alpha), 4.41);
  EXPECT_EQ(Sig3(fit->params.a), 0.793);
  EXPECT_EQ(Sig3(fit->params.b), 2.43);
  EXPECT_NEAR(fit->params.alpha, 4.414, 0.0015);
  EXPECT_NEAR(fit->params.b, 2.426, 0.0015);
  EXPECT_NEAR(fit->report.log_likelihood, -9582.4, 0.05);
  EXPECT_LT(fit->report.gradient_norm, 1e-6);
  EXPECT_EQ(fit->report.total_weight, 2357);
  ASSERT_EQ(fit->report.standard_errors.size(), 4u);
  for (double se : fit->report.standard_errors) EXPECT_GT(se, 0);
  // Grouping identical rows is exact: same optimum, same likelihood.
  GroupedCustomers g = GroupIdentical(View(s));
  EXPECT_LT(g.size(), s.size());
  auto gfit = FitBgNbd(g.view());
  ASSERT_TRUE(gfit.ok()) << gfit.status();
  EXPECT_NEAR(gfit->params.r, fit->params.r, 1e-6);
  EXPECT_NEAR(gfit->params.b, fit->params.b, 1e-5);
  EXPECT_NEAR(gfit->report.log_likelihood, fit->report.log_likelihood, 1e-6);
  ASSERT_EQ(gfit->report.standard_errors.size(), 4u);
  EXPECT_NEAR(gfit->report.standard_errors[0], fit->report.standard_errors[0], 1e-4);
}

// The fit merges identical rows by default (FitOptions::group_identical):
// CDNOW's 2,357 customers are ~1,000 distinct (x, t_x, T), the 1,411 with
// x = 0 differing only in T. With and without merging the fit reaches the
// published parameters and the same standard errors, which match those of
// lifetimes 0.11.3 (BetaGeoFitter().fit(x, t_x, T) on these summaries,
// standard_errors_ from its autograd Hessian): r 0.0125574, alpha
// 0.378224, a 0.185734, b 0.705414 (its parameters 0.2425945, 4.4136027,
// 0.7929218, 2.4259057).
TEST(BgNbdTest, MergingIdenticalRowsIsExact) {
  const CustomerSummaries s = CdnowSummaries();
  FitOptions as_given;
  as_given.group_identical = false;
  auto merged = FitBgNbd(View(s));
  auto raw = FitBgNbd(View(s), as_given);
  ASSERT_TRUE(merged.ok() && raw.ok());
  EXPECT_EQ(raw->report.rows, 2357);
  EXPECT_EQ(merged->report.rows, static_cast<int64_t>(GroupIdentical(View(s)).size()));
  EXPECT_LE(merged->report.rows, 2357 / 2);
  EXPECT_EQ(merged->report.total_weight, 2357);
  const double lifetimes[4] = {0.2425945, 4.4136027, 0.7929218, 2.4259057};
  const double lifetimes_se[4] = {0.0125574, 0.378224, 0.185734, 0.705414};
  for (const auto* fit : {&*merged, &*raw}) {
    const double p[4] = {fit->params.r, fit->params.alpha, fit->params.a, fit->params.b};
    ASSERT_EQ(fit->report.standard_errors.size(), 4u);
    for (int k = 0; k < 4; ++k) {
      EXPECT_NEAR(p[k], lifetimes[k], 2e-5 * lifetimes[k]) << k;
      EXPECT_NEAR(fit->report.standard_errors[k], lifetimes_se[k], 2e-3 * lifetimes_se[k]) << k;
    }
  }
  const double pm[4] = {merged->params.r, merged->params.alpha, merged->params.a,
                        merged->params.b};
  const double pr[4] = {raw->params.r, raw->params.alpha, raw->params.a, raw->params.b};
  for (int k = 0; k < 4; ++k) {
    EXPECT_NEAR(pm[k], pr[k], 1e-7 * pr[k]) << k;
    EXPECT_NEAR(merged->report.standard_errors[k], raw->report.standard_errors[k],
                1e-6 * raw->report.standard_errors[k])
        << k;
  }
  EXPECT_NEAR(merged->report.log_likelihood, raw->report.log_likelihood, 1e-9 * 9582.4);
}

// Rows that do not halve when merged are fitted as given.
TEST(BgNbdTest, DistinctRowsAreNotMerged) {
  const CustomerSummaries s = CdnowSummaries();
  GroupedCustomers g = GroupIdentical(View(s));
  auto fit = FitBgNbd(g.view());  // already distinct
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_EQ(fit->report.rows, static_cast<int64_t>(g.size()));
  EXPECT_EQ(fit->report.total_weight, 2357);
  GroupedCustomers again;
  EXPECT_FALSE(GroupIdenticalWithin(g.view(), g.size() - 1, &again));
  EXPECT_TRUE(GroupIdenticalWithin(g.view(), g.size(), &again));
  EXPECT_EQ(again.size(), g.size());
}

// A fit that runs to a boundary says so: with nobody repeating, r runs to
// 0 (the likelihood rises towards x = 0 for all) and the Hessian is flat.
// CDNOW's fit is interior.
TEST(BgNbdTest, BoundaryFitIsFlagged) {
  std::vector<double> x(50, 0), t_x(50, 0), T(50);
  for (int i = 0; i < 50; ++i) T[i] = 10 + i;
  auto fit = FitBgNbd(CustomerData{x, t_x, T, {}});
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_TRUE(fit->report.AtBoundary());
  EXPECT_LT(fit->params.r, 1e-6);
  ASSERT_FALSE(fit->report.boundary_parameters.empty());
  EXPECT_EQ(fit->report.boundary_parameters[0], 0u);  // r
  const std::vector<std::string> names = {"r", "alpha", "a", "b"};
  const std::vector<double> params = {fit->params.r, fit->params.alpha, fit->params.a,
                                      fit->params.b};
  const std::string reason = FitBoundaryReason(fit->report, names, params);
  EXPECT_NE(reason.find("r = "), std::string::npos) << reason;
  EXPECT_NE(reason.find("ran towards 0"), std::string::npos) << reason;

  auto cdnow = FitBgNbd(View(CdnowSummaries()));
  ASSERT_TRUE(cdnow.ok());
  EXPECT_FALSE(cdnow->report.AtBoundary());
  EXPECT_EQ(FitBoundaryReason(cdnow->report, names, params), "");
}

const BgNbdParams kPublished{0.243, 4.414, 0.793, 2.426};

// FHL 2005 section 5: x = 2, t_x = 30.43, T = 38.86 -> 1.226 in 39 weeks.
TEST(BgNbdTest, ConditionalExpectationOfPublishedCustomer) {
  const double x = 2, tx = 30.43, T = 38.86;
  double out = 0;
  ASSERT_TRUE(BgNbdExpectedPurchases(kPublished, CustomerData{{&x, 1}, {&tx, 1}, {&T, 1}, {}}, 39,
                                     {&out, 1})
                  .ok());
  EXPECT_NEAR(out, 1.226, 0.0005);
}

// FHL 2005: E[X(t)] at 1, 3, 32 and 78 weeks (their Figure 1 / the
// spreadsheet note) at the maximum-likelihood estimates, and
// P(X(39) = 0) = 0.5737864 at the rounded published estimates.
TEST(BgNbdTest, UnconditionalExpectationAndPmf) {
  const BgNbdParams mle{0.24259395, 4.41359615, 0.79292244, 2.42589393};
  const double t[] = {1, 3, 32, 78}, want[] = {0.0532, 0.1506, 1.0437, 1.8576};
  for (int i = 0; i < 4; ++i) {
    auto e = BgNbdExpectedPurchasesNew(mle, t[i]);
    ASSERT_TRUE(e.ok()) << e.status();
    EXPECT_NEAR(*e, want[i], 0.0005 * want[i]) << t[i];
  }
  auto p0 = BgNbdProbabilityOfPurchases(kPublished, 39, 0);
  ASSERT_TRUE(p0.ok());
  EXPECT_NEAR(*p0, 0.5737864, 5e-7);
  // The pmf sums to one and its mean is E[X(t)].
  double total = 0, mean = 0;
  for (int n = 0; n < 400; ++n) {
    const double p = *BgNbdProbabilityOfPurchases(kPublished, 39, n);
    total += p;
    mean += n * p;
  }
  EXPECT_NEAR(total, 1, 1e-10);
  EXPECT_NEAR(mean, *BgNbdExpectedPurchasesNew(kPublished, 39), 1e-8);
}

// FHL 2005: the 1,411 customers with x = 0 bought 334 times in weeks 40-78
// (0.24 each); BG/NBD predicts 0.23 each.
TEST(BgNbdTest, ZeroClassHoldout) {
  const CustomerSummaries s = CdnowSummaries();
  auto fit = FitBgNbd(View(s));
  ASSERT_TRUE(fit.ok());
  std::vector<double> e(s.size());
  ASSERT_TRUE(
      BgNbdExpectedPurchases(fit->params, View(s), s.holdout_length, absl::MakeSpan(e)).ok());
  double predicted = 0, actual = 0;
  int n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.x[i] != 0) continue;
    ++n;
    predicted += e[i];
    actual += s.holdout_x[i];
  }
  EXPECT_EQ(n, 1411);
  EXPECT_EQ(actual, 334);
  EXPECT_NEAR(predicted / n, 0.23, 0.005);
}

// The analytic gradient against central differences of the likelihood.
TEST(BgNbdTest, GradientMatchesFiniteDifferences) {
  const CustomerSummaries s = CdnowSummaries();
  const BgNbdParams sets[] = {kPublished, {1.5, 0.3, 3.0, 0.4}, {0.05, 40, 0.2, 9}};
  for (const BgNbdParams& p : sets) {
    double g[4];
    ASSERT_TRUE(BgNbdLogLikelihood(p, View(s), g).ok());
    double th[4] = {p.r, p.alpha, p.a, p.b};
    for (int k = 0; k < 4; ++k) {
      const double h = 1e-4 * th[k];
      double up[4] = {th[0], th[1], th[2], th[3]}, dn[4] = {th[0], th[1], th[2], th[3]};
      up[k] += h;
      dn[k] -= h;
      const double fu = *BgNbdLogLikelihood({up[0], up[1], up[2], up[3]}, View(s));
      const double fd = *BgNbdLogLikelihood({dn[0], dn[1], dn[2], dn[3]}, View(s));
      EXPECT_NEAR(g[k], (fu - fd) / (2 * h), 1e-5 * std::max(1.0, std::fabs(g[k]))) << k;
    }
  }
}

// P(alive): x = 0 is alive for sure (no chance to drop out yet); otherwise
// 1 / (1 + a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)), FHL 2005 note on P(alive).
TEST(BgNbdTest, ProbabilityAlive) {
  const double x[] = {0, 2, 2}, tx[] = {0, 30.43, 5}, T[] = {38.86, 38.86, 38.86};
  double out[3];
  ASSERT_TRUE(BgNbdProbabilityAlive(kPublished, CustomerData{x, tx, T, {}}, out).ok());
  EXPECT_EQ(out[0], 1);
  const double odds = 0.793 / (2.426 + 1) * std::pow((4.414 + 38.86) / (4.414 + 30.43), 2.243);
  EXPECT_NEAR(out[1], 1 / (1 + odds), 1e-12);
  EXPECT_LT(out[2], out[1]);
}

// P(alive at T + t) against a direct numerical integral over p (lambda
// integrated in closed form): posterior mass alive at T with no death
// among the would-be purchases in (T, T+t].
TEST(BgNbdTest, ProbabilityAliveAtFutureTime) {
  const BgNbdParams p = kPublished;
  const double x = 2, tx = 30.43, T = 38.86, t = 26;
  double got = 0;
  ASSERT_TRUE(
      BgNbdProbabilityAliveAt(p, CustomerData{{&x, 1}, {&tx, 1}, {&T, 1}, {}}, t, {&got, 1}).ok());
  // Integrand over q in (0,1): Beta(a,b) density times
  //   alive-and-survive: (1-q)^x (alpha+T+q t)^-(r+x)
  //   all:  (1-q)^x (alpha+T)^-(r+x) + q (1-q)^(x-1) (alpha+t_x)^-(r+x).
  const int n = 200000;
  double num = 0, den = 0;
  for (int i = 0; i < n; ++i) {
    const double q = (i + 0.5) / n;
    const double dens = std::pow(q, p.a - 1) * std::pow(1 - q, p.b - 1);
    num += dens * std::pow(1 - q, x) * std::pow(p.alpha + T + q * t, -(p.r + x));
    den += dens * (std::pow(1 - q, x) * std::pow(p.alpha + T, -(p.r + x)) +
                   q * std::pow(1 - q, x - 1) * std::pow(p.alpha + tx, -(p.r + x)));
  }
  EXPECT_NEAR(got, num / den, 2e-4);
  double now = 0;
  ASSERT_TRUE(
      BgNbdProbabilityAlive(p, CustomerData{{&x, 1}, {&tx, 1}, {&T, 1}, {}}, {&now, 1}).ok());
  EXPECT_LT(got, now);
}

TEST(BgNbdTest, ErrorsAreClear) {
  const double x[] = {1.5}, tx[] = {1}, T[] = {2};
  EXPECT_FALSE(FitBgNbd(CustomerData{x, tx, T, {}}).ok());
  const double x2[] = {0}, tx2[] = {1};
  EXPECT_FALSE(FitBgNbd(CustomerData{x2, tx2, T, {}}).ok());
  EXPECT_FALSE(BgNbdLogLikelihood({-1, 1, 1, 1}, CustomerData{x2, x2, T, {}}).ok());
  // All customers identical with x = 0: the likelihood has no maximum at
  // finite parameters; the fit must say so, not return NaN.
  const double z[] = {0, 0, 0}, TT[] = {10, 10, 10};
  auto fit = FitBgNbd(CustomerData{z, z, TT, {}});
  if (fit.ok()) {
    EXPECT_TRUE(std::isfinite(fit->params.r) && std::isfinite(fit->params.alpha));
  } else {
    EXPECT_EQ(fit.status().code(), absl::StatusCode::kFailedPrecondition);
  }
}

}  // namespace
}  // namespace mitra::value

namespace mitra::value {
namespace {

// 100 copies of CDNOW: the same optimum (the likelihood is 100 times the
// original); with two threads the same result as with one.
TEST(BgNbdTest, ReplicatedDataAndThreads) {
  const CustomerSummaries s = CdnowSummaries();
  std::vector<double> x, tx, T;
  for (int k = 0; k < 100; ++k) {
    x.insert(x.end(), s.x.begin(), s.x.end());
    tx.insert(tx.end(), s.t_x.begin(), s.t_x.end());
    T.insert(T.end(), s.T.begin(), s.T.end());
  }
  auto one = FitBgNbd(CustomerData{x, tx, T, {}});
  FitOptions o;
  o.threads = 2;
  auto two = FitBgNbd(CustomerData{x, tx, T, {}}, o);
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_NEAR(one->report.log_likelihood, 100 * -9582.4, 100 * 0.05);
  EXPECT_NEAR(one->params.r, 0.2426, 0.0001);
  EXPECT_NEAR(two->params.r, one->params.r, 1e-7);
  EXPECT_NEAR(two->params.b, one->params.b, 1e-6);
  EXPECT_NEAR(two->report.log_likelihood, one->report.log_likelihood, 1e-6);
}

}  // namespace
}  // namespace mitra::value

namespace mitra::value {
namespace {

// R's BTYD (bgnbd.pmf) at r = 0.243, alpha = 4.414, a = 0.793, b = 2.426,
// as quoted in lifetimes' test suite: P(X(2) = 10) = 1.07869e-07 and
// P(X(30) = n) for n = 11..20.
TEST(BgNbdTest, PmfMatchesBtyd) {
  const BgNbdParams p{0.243, 4.414, 0.793, 2.426};
  EXPECT_NEAR(*BgNbdProbabilityOfPurchases(p, 2, 10), 1.07869e-07, 5e-13);
  const double want[] = {0.0019995214, 0.0015170236, 0.0011633150, 0.0009003148, 0.0007023638,
                         0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613, 0.0002222260};
  for (int n = 11; n <= 20; ++n) {
    EXPECT_NEAR(*BgNbdProbabilityOfPurchases(p, 30, n), want[n - 11], 5e-11) << n;
  }
}

}  // namespace
}  // namespace mitra::value

namespace mitra::value {
namespace {

// The L2 penalty (lifetimes' penalizer_coef) shrinks the parameters, more
// with a larger coefficient, and the report's log-likelihood stays the
// unpenalized one (lower than at the unpenalized optimum).
TEST(BgNbdTest, PenalizerShrinks) {
  const CustomerSummaries s = CdnowSummaries();
  auto sum = [](const BgNbdParams& p) { return p.r + p.alpha + p.a + p.b; };
  auto plain = FitBgNbd(View(s));
  FitOptions o;
  o.penalizer = 0.01;
  auto some = FitBgNbd(View(s), o);
  o.penalizer = 0.1;
  auto more = FitBgNbd(View(s), o);
  ASSERT_TRUE(plain.ok() && some.ok() && more.ok());
  EXPECT_LT(sum(some->params), sum(plain->params));
  EXPECT_LT(sum(more->params), sum(some->params));
  EXPECT_LT(some->report.log_likelihood, plain->report.log_likelihood);
  EXPECT_NEAR(*BgNbdLogLikelihood(some->params, View(s)), some->report.log_likelihood, 1e-9);
}

}  // namespace
}  // namespace mitra::value

namespace mitra::value {
namespace {

// As b grows, dropout vanishes and BG/NBD becomes the NBD: E[X(t)] tends to
// r t / alpha - r (r + 1) a / (2 (a + b)) (t / alpha)^2 + O(1/b^2), and a
// customer's conditional expectation to (r + x) t / (alpha + T). The closed
// form's factor (a + b - 1) / (a - 1) once turned rounding into garbage here
// (E[X(78)] = -5.5e146 at b = 2e161; a fuzzer found it).
TEST(BgNbdTest, LargeBTendsToTheNbd) {
  for (double b : {1e9, 1e12, 1e15, 1e30, 2.0664099508792328e161}) {
    const BgNbdParams p{0.243, 4.414, 0.793, b};
    for (double t : {1.0, 39.0, 78.0}) {
      const double u = t / p.alpha;
      const double want = p.r * u - p.r * (p.r + 1) * p.a / (2 * (p.a + b)) * u * u;
      auto e = BgNbdExpectedPurchasesNew(p, t);
      ASSERT_TRUE(e.ok()) << e.status();
      EXPECT_NEAR(*e, want, 1e-9 * want) << "b=" << b << " t=" << t;
    }
    const double x[] = {0, 2, 7}, tx[] = {0, 30.43, 35}, T[] = {38.86, 38.86, 38};
    double out[3];
    ASSERT_TRUE(BgNbdExpectedPurchases(p, CustomerData{{x, 3}, {tx, 3}, {T, 3}, {}}, 39, out).ok());
    for (int i = 0; i < 3; ++i)
      EXPECT_NEAR(out[i], (p.r + x[i]) * 39 / (p.alpha + T[i]), 1e-6 * out[i]) << "b=" << b;
  }
}

// As b falls to 0, every customer drops out at the first purchase: X(t) is
// 1 with the NBD's P(X(t) > 0) = 1 - (alpha / (alpha + t))^r and 0 otherwise.
// b + n - 1 once rounded to 0 there (P(X(t) = 1) was inf; a fuzzer found it).
TEST(BgNbdTest, TinyBStopsAfterTheFirstPurchase) {
  for (double b : {1e-20, 1e-100, 1.344974619690786e-284}) {
    const BgNbdParams p{0.243, 4.414, 0.793, b};
    for (double t : {1.0, 39.0}) {
      const double p0 = std::pow(p.alpha / (p.alpha + t), p.r);
      EXPECT_NEAR(*BgNbdProbabilityOfPurchases(p, t, 0), p0, 1e-12) << b;
      EXPECT_NEAR(*BgNbdProbabilityOfPurchases(p, t, 1), 1 - p0, 1e-12) << b;
      EXPECT_NEAR(*BgNbdProbabilityOfPurchases(p, t, 3), 0, 1e-12) << b;
      // E[X(t)] needs a + b > 1 (a + b - 1 is the series' c).
      EXPECT_NEAR(*BgNbdExpectedPurchasesNew({p.r, p.alpha, 1.5, b}, t), 1 - p0, 1e-9) << b;
    }
  }
}

// E[Y(t) | x, t_x, T] read as what it is, the mean over a customer alive at
// T of h(p) = (1 - (1 + p y)^-(r+x)) / p, y = t / (alpha+T), for p ~
// Beta(a, b+x): h expanded in powers of p, sum_n (-1)^n (A)_(n+1) /
// (n+1)! y^(n+1) p^n (A = r + x; it converges for y < 1), and each power's
// mean E[p^n] = prod_(k<n) (a+k) / (a+b+x+k) taken exactly. Defined for every
// a, b > 0, also where the closed form's 2F1(...; a+b+x-1; ...) is not.
double AliveMeanByMoments(double r, double alpha, double a, double b, double x, double T,
                          double t) {
  const long double A = r + x, B = b + x, y = t / (alpha + T);
  long double sum = 0, coef = A * y, moment = 1;
  for (int n = 0; n < 1000000; ++n) {
    const long double term = coef * moment;
    sum += n % 2 == 0 ? term : -term;
    if (term < 1e-22L) break;
    coef *= (A + n + 1) / (n + 2) * y;
    moment *= (a + n) / (a + B + n);
  }
  return static_cast<double>(sum);
}

TEST(BgNbdExpectedPurchases, DefinedWhereTheClosedFormsSeriesIsNot) {
  const double r = 0.6, alpha = 3, T = 50, t = 52;  // y = 52 / 53 < 1
  // a + b + x - 1 from below zero (the contiguous relation) to above it
  // (the closed form): both agree with the integral.
  for (const auto& [a, b] : std::vector<std::pair<double, double>>{
           {0.3, 0.4}, {0.008, 0.0156}, {0.2, 0.79999}, {0.2, 0.80001}, {0.5, 0.9}}) {
    const BgNbdParams p{r, alpha, a, b};
    const double x = 0, t_x = 0;
    double got = 0;
    ASSERT_TRUE(BgNbdExpectedPurchases(p, {{&x, 1}, {&t_x, 1}, {&T, 1}, {}}, t,
                                       absl::MakeSpan(&got, 1))
                    .ok())
        << a << " " << b;
    const double want = AliveMeanByMoments(r, alpha, a, b, 0, T, t);
    EXPECT_NEAR(got, want, 1e-10 * want) << "a=" << a << " b=" << b;
  }
}

}  // namespace
}  // namespace mitra::value

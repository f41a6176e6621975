// Tracking (whole-base cumulative repeat transactions, P(alive) paths), the
// purchase-count distributions and the spend holdout check, against the
// CDNOW sample's published figures, closed forms and numerical integration
// over the latent rates.
#include "mitra/value/tracking.h"

#include <cmath>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <utility>
#include <vector>

#include "cdnow.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/value/bgnbd.h"
#include "mitra/value/holdout.h"
#include "mitra/value/pareto_nbd.h"
#include "mitra/value/purchase_counts.h"
#include "mitra/value/summary.h"

namespace mitra::value {
namespace {

using testing::UnixDay;

const BgNbdParams kFhl{0.243, 4.414, 0.793, 2.426};  // FHL 2005, CDNOW
// BTYD's walkthrough (Dziurzynski, Wadsworth & McCarthy, "BTYD Walkthrough",
// CRAN vignette): pnbd.EstimateParameters on the CDNOW sample, calibration
// to 1997-09-30, gives r = 0.5534, alpha = 10.5802, s = 0.6061, beta = 11.6562.
const ParetoNbdParams kBtyd{0.5534, 10.5802, 0.6061, 11.6562};

const testing::CdnowTransactions& Cdnow() {
  static const auto* t = new testing::CdnowTransactions(testing::LoadCdnowSample(MITRA_REFERENCE_DATA_DIR));
  return *t;
}

SummaryOptions Weekly() {
  SummaryOptions o;
  o.origin = UnixDay(1997, 1, 1);
  o.calibration_end = UnixDay(1997, 9, 30);
  o.holdout_end = UnixDay(1998, 6, 30);
  return o;  // period a day, unit a week
}

// The BTYD walkthrough's tracking of the CDNOW sample (weeks 20 to 25 of
// cum.tracking and inc.tracking), as lifetimes' and pymc-marketing's tests
// of expected_cumulative_transactions quote it: actual 1359 1414 1484 1517
// 1573 1672, expected 1309 1385 1460 1533 1604 1674; incremental actual 73
// 55 70 33 56 99, expected 78.31 76.42 74.65 72.98 71.41 69.93.
TEST(TrackingTest, MatchesBtydWalkthroughOnCdnow) {
  const auto& tx = Cdnow();
  absl::StatusOr<Tracking> t = Track(kBtyd, tx.customer, tx.time, Weekly(), {1.0, 78});
  ASSERT_TRUE(t.ok()) << t.status();
  const double actual[] = {1359, 1414, 1484, 1517, 1573, 1672};
  const double expected[] = {1309, 1385, 1460, 1533, 1604, 1674};
  const double actual_inc[] = {73, 55, 70, 33, 56, 99};
  const double expected_inc[] = {78.31, 76.42, 74.65, 72.98, 71.41, 69.93};
  for (int k = 0; k < 6; ++k) {
    const size_t w = 19 + k;  // week 20 + k
    EXPECT_EQ(t->actual[w], actual[k]) << "week " << w + 1;
    EXPECT_NEAR(t->expected[w], expected[k], 0.5) << "week " << w + 1;
    EXPECT_EQ(t->actual[w] - t->actual[w - 1], actual_inc[k]) << "week " << w + 1;
    EXPECT_NEAR(t->expected[w] - t->expected[w - 1], expected_inc[k], 0.02) << "week " << w + 1;
  }
}

// Week 39 ends with the calibration (1997-09-30) and week 78 with the
// holdout (1998-06-30): the actual series there is the sum of the vendored
// summary's x (2,457 calibration repeat purchases) and
// that plus the holdout purchases that summary.cc counts; the expected
// series is the sum of each customer's closed-form E[X(t - birth)].
TEST(TrackingTest, CdnowTotalsAgreeWithSummariesAndClosedForm) {
  const auto& tx = Cdnow();
  const testing::CdnowSummary s = testing::LoadCdnowSummary(MITRA_REFERENCE_DATA_DIR);
  absl::StatusOr<RepeatTransactions> r = TrackRepeatTransactions(tx.customer, tx.time, Weekly(), {1.0, 78});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->birth.size(), 2357u);
  const double calibration = std::accumulate(s.x.begin(), s.x.end(), 0.0);
  EXPECT_EQ(r->actual[38], calibration);
  EXPECT_EQ(calibration, 2457);
  absl::StatusOr<CustomerSummaries> sum = Summarize(tx.customer, tx.time, tx.amount, Weekly());
  ASSERT_TRUE(sum.ok());
  const double holdout = std::accumulate(sum->holdout_x.begin(), sum->holdout_x.end(), 0.0);
  EXPECT_EQ(r->actual[77], calibration + holdout);
  // Births: T = 39 weeks minus 1 day (1997-09-30 is day 272) minus birth.
  for (size_t i = 0; i < s.T.size(); ++i) EXPECT_NEAR(r->birth[i] + s.T[i], 272.0 / 7, 0.006);

  std::vector<double> expected(78);
  ASSERT_TRUE(ExpectedCumulativeTransactions(kFhl, r->birth, {1.0, 78}, absl::MakeSpan(expected)).ok());
  for (int week : {1, 13, 39, 78}) {
    double direct = 0;
    for (double b : r->birth) {
      if (week - b > 0) direct += *BgNbdExpectedPurchasesNew(kFhl, week - b);
    }
    EXPECT_NEAR(expected[week - 1], direct, 1e-9 * direct) << "week " << week;
  }
  for (size_t k = 1; k < expected.size(); ++k) EXPECT_GT(expected[k], expected[k - 1]);
  // The model tracks the calibration total (FHL 2005, Figure 2: within a few
  // percent of the actual curve).
  EXPECT_NEAR(expected[38] / r->actual[38], 1.0, 0.05);
}

TEST(TrackingTest, TinyTransactionsByHand) {
  // Day periods, week grid; customer 7 buys on days 0, 0, 3, 9; customer 2 on
  // day 8 only; customer 5 on days 13 and 15.
  const std::vector<uint32_t> c = {7, 7, 7, 2, 7, 5, 5};
  const std::vector<int64_t> day = {0, 0, 3, 8, 9, 13, 15};
  std::vector<int64_t> t;
  for (int64_t d : day) t.push_back(1000 * 86400 + d * 86400 + 3600);
  SummaryOptions o;
  o.origin = 1000 * 86400;
  absl::StatusOr<RepeatTransactions> r = TrackRepeatTransactions(c, t, o, {1.0, 3});
  ASSERT_TRUE(r.ok()) << r.status();
  // Customers in increasing id: 2 (born day 8), 5 (day 13), 7 (day 0).
  EXPECT_EQ(r->birth, (std::vector<double>{8.0 / 7, 13.0 / 7, 0.0}));
  // Repeats: day 3 (week 1), day 9 (week 2), day 15 (week 3).
  EXPECT_EQ(r->actual, (std::vector<double>{1, 2, 3}));
  std::vector<double> e(3);
  ASSERT_TRUE(ExpectedCumulativeTransactions(kFhl, r->birth, {1.0, 3}, absl::MakeSpan(e)).ok());
  auto E = [](double t) { return *BgNbdExpectedPurchasesNew(kFhl, t); };
  EXPECT_NEAR(e[0], E(1), 1e-12);
  EXPECT_NEAR(e[1], E(2) + E(2 - 8.0 / 7) + E(2 - 13.0 / 7), 1e-12);
  EXPECT_NEAR(e[2], E(3) + E(3 - 8.0 / 7) + E(3 - 13.0 / 7), 1e-12);
}

TEST(TrackingTest, RefusesBadInput) {
  std::vector<double> out(2);
  const std::vector<double> birth = {0, NAN};
  EXPECT_EQ(ExpectedCumulativeTransactions(kFhl, birth, {1.0, 2}, absl::MakeSpan(out)).message(),
            "birth[1]: must be finite, got nan");
  EXPECT_EQ(ExpectedCumulativeTransactions(kFhl, {}, {0.0, 2}, absl::MakeSpan(out)).message(),
            "step: must be finite and > 0, got 0");
  EXPECT_EQ(ExpectedCumulativeTransactions(kFhl, {}, {1.0, 0}, absl::MakeSpan(out)).message(),
            "periods: must be in [1, 1000000], got 0");
  EXPECT_EQ(ExpectedCumulativeTransactions(kFhl, {}, {1.0, 3}, absl::MakeSpan(out)).message(),
            "out: needs 3 entries (periods), got 2");
  EXPECT_FALSE(ExpectedCumulativeTransactions(BgNbdParams{-1, 1, 1, 1}, {}, {1.0, 2}, absl::MakeSpan(out)).ok());
  SummaryOptions o;
  o.period.seconds = 0;
  const std::vector<uint32_t> c = {1};
  const std::vector<int64_t> t = {5};
  EXPECT_EQ(TrackRepeatTransactions(c, t, o, {1.0, 2}).status().message(), "period: must be > 0 seconds, got 0");
  EXPECT_EQ(TrackRepeatTransactions(c, {}, SummaryOptions{}, {1.0, 2}).status().message(),
            "time: 0 values, but customer has 1");
}

// --- P(alive) paths --------------------------------------------------------

// Numerical integration over the latent rates of BG/NBD's individual
// likelihood: P(alive) = A / (A + D), A = E[(1-p)^x] E[lambda^x e^(-lambda T)],
// D = [x > 0] E[p (1-p)^(x-1)] E[lambda^x e^(-lambda t_x)] (the expectations
// over Beta(a, b) and Gamma(r, alpha)), each a composite Simpson sum after a
// substitution that removes the densities' singularity at 0.
double Simpson(const std::function<double(double)>& f, double lo, double hi, int n = 20000) {
  const double h = (hi - lo) / n;
  double s = f(lo) + f(hi);
  for (int i = 1; i < n; ++i) s += f(lo + i * h) * (i % 2 ? 4 : 2);
  return s * h / 3;
}
// E[f(p)], p ~ Beta(a, b), over w = p^a (b > 1 keeps the integrand bounded).
double BetaMean(double a, double b, const std::function<double(double)>& f) {
  const double norm = std::exp(std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b));
  return Simpson([&](double w) {
           const double p = std::pow(w, 1 / a);
           return f(p) * std::pow(1 - p, b - 1) / a;
         }, 0, 1) / norm;
}
// E[f(lambda)], lambda ~ Gamma(r, alpha) (rate), over w = lambda^r on [0, W].
double GammaMean(double r, double alpha, const std::function<double(double)>& f) {
  const double W = std::pow(60 / alpha, r);
  return Simpson([&](double w) {
           const double l = std::pow(w, 1 / r);
           return f(l) * std::exp(-alpha * l) / r;
         }, 0, W) * std::pow(alpha, r) / std::tgamma(r);
}
double BruteAlive(const BgNbdParams& p, int x, double t_x, double T) {
  const double alive = BetaMean(p.a, p.b, [&](double q) { return std::pow(1 - q, x); }) *
                       GammaMean(p.r, p.alpha, [&](double l) { return std::pow(l, x) * std::exp(-l * T); });
  if (x == 0) return 1;
  const double dead = BetaMean(p.a, p.b, [&](double q) { return q * std::pow(1 - q, x - 1); }) *
                      GammaMean(p.r, p.alpha, [&](double l) { return std::pow(l, x) * std::exp(-l * t_x); });
  return alive / (alive + dead);
}

TEST(ProbabilityAlivePathTest, ClosedFormAtPurchasesAndBruteForceBetween) {
  const std::vector<double> purchases = {3, 5, 8, 8, 12.5};  // born at 3; 8 twice is one purchase
  const std::vector<double> times = {3, 4, 5, 6.5, 8, 10, 12.5, 20, 40};
  std::vector<double> out(times.size());
  ASSERT_TRUE(ProbabilityAlivePath(kFhl, purchases, times, absl::MakeSpan(out)).ok());
  // (x, t_x, T) by hand at each time.
  const int x[] = {0, 0, 1, 1, 2, 2, 3, 3, 3};
  const double tx[] = {0, 0, 2, 2, 5, 5, 9.5, 9.5, 9.5};
  for (size_t j = 0; j < times.size(); ++j) {
    const double T = times[j] - 3;
    // FHL 2005 eq. 13 (the note "Computing P(alive)").
    const double closed =
        x[j] == 0 ? 1
                  : 1 / (1 + kFhl.a / (kFhl.b + x[j] - 1) *
                                 std::pow((kFhl.alpha + T) / (kFhl.alpha + tx[j]), kFhl.r + x[j]));
    EXPECT_NEAR(out[j], closed, 1e-12) << "time " << times[j];
    EXPECT_NEAR(out[j], BruteAlive(kFhl, x[j], tx[j], T), 1e-6) << "time " << times[j];
  }
  // At each purchase the customer is surely alive only in so far as she did
  // not drop out: 1 / (1 + a / (b + x - 1)).
  EXPECT_NEAR(out[4], 1 / (1 + kFhl.a / (kFhl.b + 1)), 1e-12);
  // Between purchases P(alive) decays.
  EXPECT_LT(out[5], out[4]);
  EXPECT_LT(out[8], out[7]);
}

TEST(ProbabilityAlivePathTest, ParetoNbdMatchesPerCustomerClosedForm) {
  const ParetoNbdParams p{0.55, 10.58, 0.61, 11.67};
  const std::vector<double> purchases = {0, 1, 7};
  const std::vector<double> times = {0, 0.5, 1, 6, 7, 30};
  std::vector<double> out(times.size()), ref(1);
  ASSERT_TRUE(ProbabilityAlivePath(p, purchases, times, absl::MakeSpan(out)).ok());
  const double x[] = {0, 0, 1, 1, 2, 2}, tx[] = {0, 0, 1, 1, 7, 7};
  for (size_t j = 0; j < times.size(); ++j) {
    const double T = times[j];
    ASSERT_TRUE(ParetoNbdProbabilityAlive(p, CustomerData{{&x[j], 1}, {&tx[j], 1}, {&T, 1}, {}},
                                          absl::MakeSpan(ref)).ok());
    EXPECT_DOUBLE_EQ(out[j], ref[0]);
  }
  EXPECT_DOUBLE_EQ(out[0], 1.0);  // Pareto/NBD: alive at the first purchase
}

TEST(ProbabilityAlivePathTest, RefusesBadInput) {
  std::vector<double> out(1);
  const std::vector<double> one = {1};
  EXPECT_EQ(ProbabilityAlivePath(kFhl, {}, one, absl::MakeSpan(out)).message(),
            "purchase_times: needs at least the first purchase");
  const std::vector<double> back = {2, 1};
  EXPECT_EQ(ProbabilityAlivePath(kFhl, back, one, absl::MakeSpan(out)).message(),
            "purchase_times[1]: must not be before the previous purchase");
  const std::vector<double> late = {2};
  EXPECT_EQ(ProbabilityAlivePath(kFhl, late, one, absl::MakeSpan(out)).message(),
            "times[0]: must be finite and not before the first purchase (2), got 1");
}

// --- P(X(t) = n) -------------------------------------------------------------

TEST(PurchaseCountsTest, ParetoNbdSumsToOneWithTheClosedFormMean) {
  const ParetoNbdParams p{0.55, 10.58, 0.61, 11.67};
  for (double t : {1.0, 39.0, 78.0}) {
    double total = 0, mean = 0;
    for (int n = 0; n <= 400; ++n) {
      const double q = *ParetoNbdProbabilityOfPurchases(p, t, n);
      ASSERT_GE(q, 0);
      total += q;
      mean += n * q;
    }
    EXPECT_NEAR(total, 1, 1e-10) << "t " << t;
    EXPECT_NEAR(mean, *ParetoNbdExpectedPurchasesNew(p, t), 1e-9) << "t " << t;
  }
  EXPECT_EQ(*ParetoNbdProbabilityOfPurchases(p, 0, 0), 1);
  EXPECT_EQ(*ParetoNbdProbabilityOfPurchases(p, 0, 2), 0);
}

TEST(PurchaseCountsTest, ParetoNbdRefusesParametersBeyondTheFormulasRange) {
  // Parameters far outside any fit's range (found by a random search, like
  // the fuzzer's input that timed out): the integral over lifetimes used to
  // refine such integrands without bound. Now a NaN integrand is refused at
  // once, and one that no split resolves is refused after a bounded effort.
  const absl::StatusOr<double> nan =
      ParetoNbdProbabilityOfPurchases({2.11839e+91, 4.55627e+174, 2.86258e-19, 1.87473e-288}, 39, 4);
  ASSERT_FALSE(nan.ok());
  EXPECT_THAT(nan.status().message(), ::testing::HasSubstr("r = 2.11839e+91"));
  EXPECT_THAT(nan.status().message(), ::testing::HasSubstr("the integrand is not finite"));
  const absl::StatusOr<double> spike =
      ParetoNbdProbabilityOfPurchases({2.22396e+11, 1.06326e-284, 4.56731e+146, 1.25528e-149}, 39, 1);
  ASSERT_FALSE(spike.ok());
  EXPECT_THAT(spike.status().message(), ::testing::HasSubstr("did not converge in 400 panels"));
}

TEST(PurchaseCountsTest, BgNbdRefusesAProbabilityItCannotCompute) {
  // a = 1.08e16 (a fuzzer's model) takes the hypergeometric series out of
  // its range: P(X(39) = n) came out 4.9e23. Now refused, naming the
  // parameters; ordinary parameters still give probabilities summing to 1.
  const BgNbdParams extreme{0.243, 121470.976, 1.0843961455712142e16, 2.426};
  int refused = 0;
  for (int n : {0, 1, 3}) {
    const absl::StatusOr<double> v = BgNbdProbabilityOfPurchases(extreme, 39, n);
    if (v.ok()) {
      EXPECT_GE(*v, 0);
      EXPECT_LE(*v, 1);
      continue;
    }
    ++refused;
    EXPECT_THAT(v.status().message(), ::testing::HasSubstr("a = 1.0844e+16"));
    EXPECT_THAT(v.status().message(), ::testing::HasSubstr("outside the range"));
  }
  EXPECT_GT(refused, 0);
  double total = 0;
  for (int n = 0; n <= 200; ++n) total += *BgNbdProbabilityOfPurchases({0.243, 4.414, 0.793, 2.426}, 39, n);
  EXPECT_NEAR(total, 1, 1e-9);
}

TEST(PurchaseCountsTest, ParetoNbdMatchesIntegrationOverTheRates) {
  // Pareto/NBD's individual-level P(X(t) = n | lambda, mu) (Fader & Hardie
  // 2006, eq. 3) integrated over Gamma(r, alpha) x Gamma(s, beta) on a
  // plain grid; whole shapes r = 2, s = 3 keep the densities smooth at 0.
  const ParetoNbdParams p{2.0, 6.0, 3.0, 9.0};
  for (const auto& point : std::vector<std::pair<double, int>>{{5, 0}, {5, 1}, {20, 3}, {40, 0}}) {
    // Named copies: clang before 16 cannot capture structured bindings.
    const double t = point.first;
    const int n = point.second;
    const double brute = [&] {
      // 600 x 600 Simpson points on [0, 4]^2 (the rates' means are 1/3).
      auto simpson = [](const std::function<double(double)>& f, double lo, double hi) {
        const int m = 600;
        const double h = (hi - lo) / m;
        double s = f(lo) + f(hi);
        for (int i = 1; i < m; ++i) s += f(lo + i * h) * (i % 2 ? 4 : 2);
        return s * h / 3;
      };
      auto gamma_pdf = [](double v, double shape, double rate) {
        return v <= 0 ? 0.0
                      : std::exp(shape * std::log(rate) + (shape - 1) * std::log(v) - rate * v -
                                 std::lgamma(shape));
      };
      auto given = [&](double l, double m) {
        const double lm = l + m;
        double poisson_sum = 0, term = 1;
        for (int i = 0; i <= n; ++i) {
          poisson_sum += term;
          term *= lm * t / (i + 1);
        }
        return std::exp(n * std::log(l * t) - lm * t - std::lgamma(n + 1.0)) +
               m * std::exp(n * std::log(l) - (n + 1) * std::log(lm)) * (1 - std::exp(-lm * t) * poisson_sum);
      };
      return simpson([&](double l) {
        if (l <= 0) return 0.0;
        return gamma_pdf(l, p.r, p.alpha) *
               simpson([&](double m) { return m <= 0 ? 0.0 : gamma_pdf(m, p.s, p.beta) * given(l, m); }, 0, 4);
      }, 0, 4);
    }();
    EXPECT_NEAR(*ParetoNbdProbabilityOfPurchases(p, t, n), brute, 1e-6) << "t " << t << " n " << n;
  }
}

TEST(PurchaseCountsTest, BgNbdPublishedAndConditionalMeans) {
  // FHL 2005: P(X(39) = 0) = 0.5737864 for a new CDNOW customer.
  EXPECT_NEAR(*ProbabilityOfPurchasesNew(kFhl, 39, 0), 0.5737864, 1e-6);
  // FHL 2005: x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in the
  // next 39 weeks; the conditional distribution's mean is that.
  const double x = 2, tx = 30.43, T = 38.86;
  double total = 0, mean = 0;
  for (int n = 0; n <= 300; ++n) {
    double q;
    const int c = n;
    ASSERT_TRUE(ProbabilityOfPurchasesGiven(kFhl, CustomerData{{&x, 1}, {&tx, 1}, {&T, 1}, {}}, 39, {&c, 1},
                                            {&q, 1}).ok());
    total += q;
    mean += n * q;
  }
  EXPECT_NEAR(total, 1, 1e-10);
  EXPECT_NEAR(mean, 1.226, 5e-4);
}

TEST(PurchaseCountsTest, ConditionalMeansEqualTheExpectedPurchasesOfEachModel) {
  const std::vector<double> x = {0, 1, 4, 12}, tx = {0, 5, 20, 36}, T = {10, 30, 38, 39};
  const CustomerData data{x, tx, T, {}};
  const std::vector<PurchaseModel> models = {kFhl, MbgNbdParams{0.25, 4.0, 0.9, 2.5},
                                             ParetoNbdParams{0.55, 10.58, 0.61, 11.67}};
  for (const PurchaseModel& m : models) {
    std::vector<double> expected(4), total(4, 0), mean(4, 0), q(4);
    ASSERT_TRUE(ExpectedPurchases(m, data, 26, absl::MakeSpan(expected)).ok());
    for (int n = 0; n <= 400; ++n) {
      const std::vector<int> c(4, n);
      ASSERT_TRUE(ProbabilityOfPurchasesGiven(m, data, 26, c, absl::MakeSpan(q)).ok());
      for (int i = 0; i < 4; ++i) {
        total[i] += q[i];
        mean[i] += n * q[i];
      }
    }
    for (int i = 0; i < 4; ++i) {
      EXPECT_NEAR(total[i], 1, 1e-9) << m.index() << " customer " << i;
      EXPECT_NEAR(mean[i], expected[i], 1e-7 * (1 + expected[i])) << m.index() << " customer " << i;
    }
  }
  // A new customer (x = t_x = T = 0) has the unconditional distribution.
  const double z = 0;
  for (const PurchaseModel& m : models) {
    for (int n : {0, 1, 5}) {
      double q;
      ASSERT_TRUE(ProbabilityOfPurchasesGiven(m, CustomerData{{&z, 1}, {&z, 1}, {&z, 1}, {}}, 13, {&n, 1},
                                              {&q, 1}).ok());
      EXPECT_NEAR(q, *ProbabilityOfPurchasesNew(m, 13, n), 1e-12);
    }
  }
}

TEST(PurchaseCountsTest, RefusesBadInput) {
  const double x = 0, t = 1;
  const int bad = -1;
  double q;
  EXPECT_EQ(ProbabilityOfPurchasesGiven(kFhl, CustomerData{{&x, 1}, {&x, 1}, {&t, 1}, {}}, 1, {&bad, 1}, {&q, 1})
                .message(),
            "count[0]: must be >= 0, got -1");
  EXPECT_EQ(ParetoNbdProbabilityOfPurchases({}, -1, 0).status().message(), "t: must be finite and >= 0, got -1");
  EXPECT_FALSE(ParetoNbdProbabilityOfPurchases({1, 1, -1, 1}, 1, 0).ok());
}

// --- The spend holdout check ------------------------------------------------

// Fader & Hardie's Gamma-Gamma on CDNOW (p = 6.25, q = 3.74, gamma = 15.44)
// against the holdout spend of the CDNOW customers, the actual side counted
// here straight from the raw rows (holdout days after 1997-09-30 up to
// 1998-06-30, same-day rows summed) and grouped by the vendored summary's x.
TEST(SpendHoldoutTest, CdnowAggregatesByHand) {
  const GammaGammaParams gg{6.25, 3.74, 15.44};
  const auto& tx = Cdnow();
  const testing::CdnowSummary s = testing::LoadCdnowSummary(MITRA_REFERENCE_DATA_DIR);
  const int64_t cal_end = UnixDay(1997, 9, 30), hold_end = UnixDay(1998, 6, 30);
  std::vector<std::set<int64_t>> days(2357);
  std::vector<double> spend(2357, 0);
  for (size_t i = 0; i < tx.customer.size(); ++i) {
    if (tx.time[i] > cal_end && tx.time[i] <= hold_end) {
      days[tx.customer[i]].insert(tx.time[i]);
      spend[tx.customer[i]] += tx.amount[i];
    }
  }
  std::vector<double> hx(2357);
  for (size_t i = 0; i < 2357; ++i) hx[i] = static_cast<double>(days[i].size());
  absl::StatusOr<HoldoutValidation> v = ValidateSpendHoldout(gg, SpendData{s.x, s.zbar, {}}, hx, spend);
  ASSERT_TRUE(v.ok()) << v.status();

  std::map<int, std::pair<double, double>> group;  // x group -> (count, sum of actual means)
  double n = 0, abs_sum = 0, sq_sum = 0, pred_sum = 0, act_sum = 0;
  for (size_t i = 0; i < 2357; ++i) {
    if (hx[i] == 0) continue;
    const double actual = spend[i] / hx[i];
    // Fader & Hardie (2013) eq. 7, written out.
    const double predicted = gg.p * (gg.gamma + s.x[i] * s.zbar[i]) / (gg.p * s.x[i] + gg.q - 1);
    auto& g = group[static_cast<int>(std::min(s.x[i], 7.0))];
    g.first += 1;
    g.second += actual;
    n += 1;
    abs_sum += std::fabs(predicted - actual);
    sq_sum += (predicted - actual) * (predicted - actual);
    pred_sum += predicted;
    act_sum += actual;
  }
  EXPECT_EQ(v->customers, static_cast<size_t>(n));
  ASSERT_EQ(v->by_frequency.size(), 8u);
  for (const FrequencyGroup& g : v->by_frequency) {
    EXPECT_EQ(g.customers, static_cast<size_t>(group[g.x].first)) << "x " << g.x;
    EXPECT_NEAR(g.actual_mean, group[g.x].second / group[g.x].first, 1e-9) << "x " << g.x;
  }
  // x = 0: the population mean p gamma / (q - 1) = 6.25 * 15.44 / 2.74.
  EXPECT_NEAR(v->by_frequency[0].predicted_mean, 35.218978, 1e-6);
  EXPECT_NEAR(v->mae, abs_sum / n, 1e-9);
  EXPECT_NEAR(v->rmse, std::sqrt(sq_sum / n), 1e-9);
  EXPECT_NEAR(v->bias, (pred_sum - act_sum) / act_sum, 1e-12);
}

TEST(SpendHoldoutTest, RefusesBadInput) {
  const GammaGammaParams gg{6.25, 3.74, 15.44};
  const std::vector<double> x = {1}, z = {10}, h = {1.5}, sp = {3};
  EXPECT_EQ(ValidateSpendHoldout(gg, SpendData{x, z, {}}, h, sp).status().message(),
            "holdout_frequency[0]: must be a whole number >= 0, got 1.5");
  const std::vector<double> h1 = {1}, neg = {-3};
  EXPECT_EQ(ValidateSpendHoldout(gg, SpendData{x, z, {}}, h1, neg).status().message(),
            "holdout_spend[0]: must be finite and >= 0, got -3");
  EXPECT_FALSE(ValidateSpendHoldout(gg, SpendData{x, z, {}}, {}, {}).ok());
}

}  // namespace
}  // namespace mitra::value

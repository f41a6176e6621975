// The feedback statistics against hand calculations, closed forms and
// published tables. Reference values marked "mpmath" were computed at 40
// digits with mpmath (Debian 12's python3-mpmath), e.g. the t distribution as
//   mp.betainc(df/2, 0.5, 0, df/(df+t*t), regularized=True)/2   (t < 0)
// and its quantiles with mp.findroot; "scipy" values with SciPy 1.10.1.
// (SciPy's t.ppf is off in the 11th digit: 2.2281388519649 for df 10 where
// mpmath and R give 2.228138851986274.)
#include "mitra/cocreation/stats.h"

#include <cmath>
#include <limits>
#include <vector>

#include "gtest/gtest.h"

namespace mitra::cocreation {
namespace {

constexpr double kZ95 = 1.959963984540054;  // Phi^-1(0.975)

TEST(NormalQuantile, PublishedValues) {
  // Standard normal table values (scipy.stats.norm.ppf agrees to all digits).
  EXPECT_NEAR(NormalQuantile(0.975), 1.959963984540054, 1e-15);
  EXPECT_NEAR(NormalQuantile(0.9), 1.2815515655446004, 1e-15);
  EXPECT_NEAR(NormalQuantile(0.3), -0.5244005127080409, 1e-15);
  EXPECT_NEAR(NormalQuantile(1e-10), -6.361340902404056, 1e-12);
  EXPECT_NEAR(NormalQuantile(1 - 1e-12), 7.0344869100478356, 1e-6);  // 1 - 1e-12 is inexact
  EXPECT_EQ(NormalQuantile(0.5), 0.0);
  EXPECT_NEAR(ZForConfidence(0.95), kZ95, 1e-15);
  EXPECT_EQ(NormalQuantile(0), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(NormalQuantile(1.5)));
  // The quantile inverts the distribution function.
  for (double p : {1e-8, 0.01, 0.2, 0.5, 0.77, 0.999})
    EXPECT_NEAR(NormalCdf(NormalQuantile(p)), p, 1e-15 + 1e-13 * p);
}

TEST(IncompleteBeta, ClosedFormsAndScipy) {
  // I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 - (1 - x)^b.
  EXPECT_NEAR(RegularizedIncompleteBeta(1, 1, 0.37), 0.37, 1e-15);
  EXPECT_NEAR(RegularizedIncompleteBeta(3.5, 1, 0.6), std::pow(0.6, 3.5), 1e-14);
  EXPECT_NEAR(RegularizedIncompleteBeta(1, 4.2, 0.25), 1 - std::pow(0.75, 4.2), 1e-14);
  // scipy.stats.beta.cdf(0.3, 2.5, 7.25) and beta.cdf(0.9, 50, 3).
  EXPECT_NEAR(RegularizedIncompleteBeta(2.5, 7.25, 0.3), 0.6604822735819071, 1e-13);
  EXPECT_NEAR(RegularizedIncompleteBeta(50, 3, 0.9), 0.09663328513725222, 1e-13);
  EXPECT_TRUE(std::isnan(RegularizedIncompleteBeta(0, 1, 0.5)));
}

TEST(StudentT, ClosedFormsForOneAndTwoDegreesOfFreedom) {
  // df = 1 is Cauchy: F(t) = 1/2 + atan(t)/pi. df = 2: F(t) = 1/2 + t / (2 sqrt(2 + t^2)).
  for (double t : {-30.0, -2.0, -0.3, 0.0, 0.8, 5.0}) {
    EXPECT_NEAR(StudentTCdf(t, 1), 0.5 + std::atan(t) / M_PI, 1e-14) << t;
    EXPECT_NEAR(StudentTCdf(t, 2), 0.5 + t / (2 * std::sqrt(2 + t * t)), 1e-14) << t;
  }
}

TEST(StudentT, PublishedTableQuantiles) {
  // The two-sided 5% critical values of every t table: df 10 -> 2.228,
  // df 1 -> 12.706, df 30 -> 2.042; one-sided 5% at df 5 -> 2.015 (digits: mpmath).
  EXPECT_NEAR(StudentTQuantile(0.975, 10), 2.228138851986274, 1e-12);
  EXPECT_NEAR(StudentTQuantile(0.975, 1), 12.706204736174693, 1e-10);
  EXPECT_NEAR(StudentTQuantile(0.975, 30), 2.042272456301238, 1e-12);
  EXPECT_NEAR(StudentTQuantile(0.95, 5), 2.015048373333024, 1e-12);
  EXPECT_NEAR(StudentTCdf(2.228138851986274, 10), 0.975, 1e-14);
  // Fractional df (Welch) and the tails (mpmath; scipy.stats.t.cdf agrees).
  EXPECT_NEAR(StudentTCdf(-3.0, 4.5), 0.01719043394437981, 1e-15);
  EXPECT_NEAR(StudentTCdf(0.7, 0.5), 0.6572996687396167, 1e-14);
  EXPECT_NEAR(StudentTCdf(-40, 3), 1.719034039457926e-05, 1e-18);
  // Large df approaches the normal: mpmath 0.006209744751081623 at df = 1e6
  // (log-gamma differences of numbers near 6e6 cost digits: relative 1e-9).
  EXPECT_NEAR(StudentTCdf(-2.5, 1e6), 0.006209744751081623, 1e-11);
}

TEST(Nps, HandComputedVarianceAndInterval) {
  // 5 promoters, 3 passives, 2 detractors: n = 10, p = 0.5, d = 0.2.
  // NPS = 100 (0.5 - 0.2) = 30.
  // Var = 100^2 [(p + d) - (p - d)^2] / n = 10000 (0.7 - 0.09) / 10 = 610.
  // 95%: 30 +- 1.959964 * sqrt(610) = 30 +- 48.4075 -> [-18.4075, 78.4075].
  const NpsEstimate e = Nps(5, 3, 2, kZ95);
  EXPECT_EQ(e.n, 10u);
  EXPECT_DOUBLE_EQ(e.promoter_share, 0.5);
  EXPECT_DOUBLE_EQ(e.detractor_share, 0.2);
  EXPECT_NEAR(e.nps, 30, 1e-12);
  EXPECT_NEAR(e.variance, 610, 1e-9);
  EXPECT_NEAR(e.standard_error, std::sqrt(610.0), 1e-12);
  EXPECT_NEAR(e.low, 30 - kZ95 * std::sqrt(610.0), 1e-9);
  EXPECT_NEAR(e.low, -18.4075, 1e-4);
  EXPECT_NEAR(e.high, 78.4075, 1e-4);
}

TEST(Nps, SecondTableAndEdges) {
  // n = 100 with 40 promoters, 40 passives, 20 detractors: NPS = 20,
  // Var = 10000 (0.6 - 0.04) / 100 = 56, 95% half-width 1.959964 * 7.48331 = 14.6670.
  const NpsEstimate e = Nps(40, 40, 20, kZ95);
  EXPECT_NEAR(e.nps, 20, 1e-12);
  EXPECT_NEAR(e.variance, 56, 1e-10);
  EXPECT_NEAR(e.high - e.nps, 14.6670, 1e-4);
  // Everyone a promoter: NPS 100 with no variance (p + d = 1 = (p - d)^2).
  const NpsEstimate all = Nps(4, 0, 0, kZ95);
  EXPECT_EQ(all.nps, 100);
  EXPECT_EQ(all.variance, 0);
  EXPECT_EQ(all.low, 100);
  // The interval is clipped to [-100, 100]: 1 promoter, 1 detractor, n = 2:
  // NPS 0, Var = 10000 (1 - 0) / 2 = 5000, half-width 138.6 > 100.
  const NpsEstimate split = Nps(1, 0, 1, kZ95);
  EXPECT_NEAR(split.variance, 5000, 1e-9);
  EXPECT_EQ(split.low, -100);
  EXPECT_EQ(split.high, 100);
  EXPECT_TRUE(std::isnan(Nps(0, 0, 0, kZ95).nps));
}

TEST(Wilson, HandComputedInterval) {
  // 8 positive of 10, z = 1.959964: p = 0.8, z^2 = 3.841459.
  // center = 0.8 + 3.841459/20 = 0.992073; spread = z sqrt(0.016 + 3.841459/400)
  //        = 1.959964 * 0.160011 = 0.313617; denominator 1 + 0.384146 = 1.384146.
  // low = 0.678456 / 1.384146 = 0.490162, high = 1.305690 / 1.384146 = 0.943318
  // (the Wilson interval for 8/10 printed in e.g. Brown, Cai & DasGupta 2001: [0.490, 0.943]).
  const Interval w = Wilson(8, 10, kZ95);
  EXPECT_NEAR(w.low, 0.490162, 1e-6);
  EXPECT_NEAR(w.high, 0.943318, 1e-6);
  // 0 of n: the lower bound is 0 and the upper z^2 / (n + z^2) = 3.841459 / 13.841459.
  const Interval zero = Wilson(0, 10, kZ95);
  EXPECT_NEAR(zero.low, 0, 1e-15);
  EXPECT_NEAR(zero.high, 3.841458820694124 / 13.841458820694124, 1e-12);
  // No answers: nothing is known.
  EXPECT_EQ(Wilson(0, 0, kZ95).low, 0);
  EXPECT_EQ(Wilson(0, 0, kZ95).high, 1);
  // More evidence for the same share raises the lower bound.
  EXPECT_GT(Wilson(80, 100, kZ95).low, w.low);
}

TEST(BayesianAverage, HandComputed) {
  // v = 3 ratings of mean 4.5, prior weight m = 10 at C = 3.5:
  // (3 * 4.5 + 10 * 3.5) / 13 = 48.5 / 13 = 3.730769...
  EXPECT_NEAR(BayesianAverage(3, 4.5, 10, 3.5), 48.5 / 13, 1e-15);
  EXPECT_DOUBLE_EQ(BayesianAverage(0, 0, 10, 3.5), 3.5);   // no ratings: the prior
  EXPECT_DOUBLE_EQ(BayesianAverage(7, 2.0, 0, 3.5), 2.0);  // no prior weight: the mean
  // 1000 ratings of 2.2 barely move at m = 10: (2200 + 35) / 1010.
  EXPECT_NEAR(BayesianAverage(1000, 2.2, 10, 3.5), 2235.0 / 1010, 1e-14);
}

TEST(BenjaminiHochberg, PublishedExampleOf1995) {
  // Benjamini & Hochberg (1995), section 4: 15 p-values; at q = 0.05 the
  // procedure rejects the four smallest (p_(4) = 0.0095 <= 4 * 0.05 / 15 =
  // 0.0133, and no p_(i) <= i * 0.05 / 15 for i >= 5).
  const std::vector<double> p = {0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
                                 0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000};
  const BhResult r = BenjaminiHochberg(p, 0.05);
  EXPECT_EQ(r.tests, 15u);
  EXPECT_EQ(r.rejections, 4u);
  for (size_t i = 0; i < p.size(); ++i) EXPECT_EQ(r.rejected[i], i < 4) << i;
  EXPECT_NEAR(r.threshold, 4 * 0.05 / 15, 1e-15);
}

TEST(BenjaminiHochberg, StepUpAndAdjustedValues) {
  // m = 4, q = 0.05: thresholds i q / m = 0.0125, 0.025, 0.0375, 0.05.
  // Sorted 0.02 (> 0.0125), 0.025 (<= 0.025), 0.035 (<= 0.0375), 0.5: k = 3,
  // so 0.02 is rejected though above its own threshold (step-up).
  // Adjusted: 0.5 * 4/4 = 0.5; 0.035 * 4/3 = 0.046667; min(0.025 * 4/2 = 0.05,
  // 0.046667); min(0.02 * 4/1 = 0.08, 0.046667). Input order is kept; NaN is no test.
  const std::vector<double> p = {0.035, 0.5, std::nan(""), 0.02, 0.025};
  const BhResult r = BenjaminiHochberg(p, 0.05);
  EXPECT_EQ(r.tests, 4u);
  EXPECT_EQ(r.rejections, 3u);
  EXPECT_EQ(r.rejected, (std::vector<bool>{true, false, false, true, true}));
  EXPECT_NEAR(r.adjusted[0], 0.035 * 4 / 3, 1e-15);
  EXPECT_NEAR(r.adjusted[1], 0.5, 1e-15);
  EXPECT_TRUE(std::isnan(r.adjusted[2]));
  EXPECT_NEAR(r.adjusted[3], 0.035 * 4 / 3, 1e-15);
  EXPECT_NEAR(r.adjusted[4], 0.035 * 4 / 3, 1e-15);
  // At q = 0.04 nothing passes (0.035 > 3 * 0.04 / 4 = 0.03, 0.025 > 0.02, 0.02 > 0.01).
  EXPECT_EQ(BenjaminiHochberg(p, 0.04).rejections, 0u);
}

TEST(TTests, WelchHandComputedAndScipy) {
  // Means 3 and 4, variances 1 and 4, n 10 and 20, no margin:
  // se = sqrt(1/10 + 4/20) = sqrt(0.3) = 0.547723, t = -1 / 0.547723 = -1.825742;
  // df = 0.3^2 / ((0.1)^2/9 + (0.2)^2/19) = 0.09 / 0.00321637 = 27.9818.
  // scipy.stats.ttest_ind_from_stats(3, 1, 10, 4, 2, 20, equal_var=False,
  //   alternative='less') -> statistic -1.8257418583505536, p 0.039289793934566934.
  const TTest t = WelchLowerTest(3, 1, 10, 4, 4, 20, 0);
  EXPECT_NEAR(t.statistic, -1.8257418583505536, 1e-14);
  EXPECT_NEAR(t.df, 0.09 / (0.01 / 9 + 0.04 / 19), 1e-12);
  EXPECT_NEAR(t.p_value, 0.039289793934566934, 1e-13);
  // A margin of 0.5 halves the shortfall: t = -0.5 / 0.547723 = -0.912871.
  EXPECT_NEAR(WelchLowerTest(3, 1, 10, 4, 4, 20, 0.5).statistic, -0.5 / std::sqrt(0.3), 1e-14);
}

TEST(TTests, OneSampleHandComputed) {
  // Differences with mean -0.6, variance 0.64, n = 16: t = -0.6 / (0.8 / 4) = -3,
  // df 15; P(T_15 <= -3) = 0.004486 (t table), 0.004486368738611665 (mpmath).
  const TTest t = OneSampleLowerTest(-0.6, 0.64, 16, 0);
  EXPECT_NEAR(t.statistic, -3, 1e-14);
  EXPECT_EQ(t.df, 15);
  EXPECT_NEAR(t.p_value, 0.004486368738611665, 1e-15);  // mpmath
  EXPECT_NEAR(t.p_value, 0.004486, 1e-6);
  // No spread: a shortfall is certain, a tie undecided.
  EXPECT_EQ(OneSampleLowerTest(-0.2, 0, 5, 0).p_value, 0);
  EXPECT_TRUE(std::isnan(OneSampleLowerTest(0, 0, 5, 0).p_value));
}

}  // namespace
}  // namespace mitra::cocreation

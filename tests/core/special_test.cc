// LogRising against the sum it stands for, taken term by term in long
// double: small and large a, x on both sides of the point where the series
// take over, and a so large that the two log-gammas agree in every digit a
// double holds.
#include "common/special.h"

#include <cmath>

#include "gtest/gtest.h"

namespace mitra {
namespace {

TEST(LogRising, EqualsTheTermByTermSum) {
  const double as[] = {1e-3, 0.5, 1, 3.7, 9.99, 10, 10.5, 123.4, 1e6, 1e15};
  const double xs[] = {0, 1, 2, 5, 16, 17, 18, 100, 1000, 100000};
  for (double a : as) {
    for (double x : xs) {
      long double log_sum = 0, inv_sum = 0;
      for (long double k = 0; k < x; ++k) {
        log_sum += std::log(static_cast<long double>(a) + k);
        inv_sum += 1 / (static_cast<long double>(a) + k);
      }
      double d = -1;
      const double got = LogRising(a, x, &d);
      const double want = static_cast<double>(log_sum), want_d = static_cast<double>(inv_sum);
      EXPECT_NEAR(got, want, 1e-13 * std::max(1.0, std::fabs(want))) << "a=" << a << " x=" << x;
      EXPECT_NEAR(d, want_d, 1e-13 * std::max(1e-300, std::fabs(want_d)) + 1e-300)
          << "a=" << a << " x=" << x;
    }
  }
}

TEST(LogRising, IsRightForTheLargestCount) {
  // x = 1e7, the largest count customer data may hold: the closed form, not
  // ten million logs (checked against ln G differences, exact enough here).
  double d = 0;
  const double got = LogRising(2.5, 1e7, &d);
  EXPECT_NEAR(got, std::lgamma(2.5 + 1e7) - std::lgamma(2.5), 1e-6);
  EXPECT_NEAR(d, Digamma(2.5 + 1e7) - Digamma(2.5), 1e-12);
}

TEST(RegularizedGammaQ, MatchesClosedForms) {
  // Q(1, x) = e^-x; Q(1/2, x) = erfc(sqrt x); Q(n, x) = e^-x sum_{k<n} x^k/k!.
  for (double x : {0.0, 1e-8, 0.3, 1.0, 1.5, 2.0, 7.5, 30.0, 200.0}) {
    EXPECT_NEAR(RegularizedGammaQ(1, x), std::exp(-x), 1e-14 * std::max(1e-300, std::exp(-x)) + 1e-300)
        << x;
    const double erfc = std::erfc(std::sqrt(x));
    EXPECT_NEAR(RegularizedGammaQ(0.5, x), erfc, 1e-13 * erfc + 1e-300) << x;
    double term = 1, sum = 0;
    for (int k = 0; k < 5; ++k) sum += term, term *= x / (k + 1);
    const double want = std::exp(-x) * sum;
    EXPECT_NEAR(RegularizedGammaQ(5, x), want, 1e-13 * want + 1e-300) << x;
  }
  EXPECT_TRUE(std::isnan(RegularizedGammaQ(0, 1)));
  EXPECT_TRUE(std::isnan(RegularizedGammaQ(1, -1)));
}

TEST(ChiSquareSurvival, MatchesPublishedCriticalValues) {
  // Upper 5% and 1% points of the chi-square distribution (Abramowitz &
  // Stegun, Table 26.8), to the four decimals printed there.
  EXPECT_NEAR(ChiSquareSurvival(3.8415, 1), 0.05, 1e-5);
  EXPECT_NEAR(ChiSquareSurvival(5.9915, 2), 0.05, 1e-5);
  EXPECT_NEAR(ChiSquareSurvival(11.0705, 5), 0.05, 1e-5);
  EXPECT_NEAR(ChiSquareSurvival(6.6349, 1), 0.01, 1e-5);
  EXPECT_NEAR(ChiSquareSurvival(23.2093, 10), 0.01, 1e-5);
  EXPECT_NEAR(ChiSquareSurvival(0, 3), 1, 0);
}

}  // namespace
}  // namespace mitra

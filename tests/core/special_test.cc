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

}  // namespace
}  // namespace mitra

// The block exp, expm1 and log of the likelihood loops against libm.
#include "value/vec_math.h"

#include <cmath>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace mitra::value::vec {
namespace {

double MaxRelativeError(void (*f)(const double*, double*, size_t), double (*ref)(double), double lo,
                        double hi, bool log_uniform) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<double> x(100001), y(x.size());
  for (double& v : x) v = log_uniform ? std::exp(u(rng)) : u(rng);
  x[0] = log_uniform ? 1.0 : 0.0;
  f(x.data(), y.data(), x.size());
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double want = ref(x[i]);
    if (want == 0) {
      EXPECT_EQ(y[i], 0) << x[i];
      continue;
    }
    worst = std::max(worst, std::fabs(y[i] - want) / std::fabs(want));
  }
  return worst;
}

TEST(ValueVecMathTest, ExpMatchesLibm) {
  EXPECT_LT(MaxRelativeError(ExpArray, std::exp, -700, 700, false), 5e-16);
  EXPECT_LT(MaxRelativeError(ExpArray, std::exp, -1, 1, false), 5e-16);
  double zero = 0, one;
  ExpArray(&zero, &one, 1);
  EXPECT_EQ(one, 1.0);
}

TEST(ValueVecMathTest, LogMatchesLibm) {
  EXPECT_LT(MaxRelativeError(LogArray, std::log, -700, 700, true), 5e-16);
  // Near 1 the relative error of ln grows for any method; absolute here.
  std::vector<double> x, y;
  for (int i = 1; i < 100000; ++i) x.push_back(1 + i * 1e-5);
  y.resize(x.size());
  LogArray(x.data(), y.data(), x.size());
  for (size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(y[i], std::log(x[i]), 3e-16) << x[i];
  double one = 1, out;
  LogArray(&one, &out, 1);
  EXPECT_EQ(out, 0.0);
}

TEST(ValueVecMathTest, Expm1MatchesLibm) {
  EXPECT_LT(MaxRelativeError(Expm1Array, std::expm1, -0.5, 0.5, false), 5e-16);
  EXPECT_LT(MaxRelativeError(Expm1Array, std::expm1, -40, 0, false), 5e-16);
  EXPECT_LT(MaxRelativeError(Expm1Array, std::expm1, -1e-10, 1e-10, false), 5e-16);
}

}  // namespace
}  // namespace mitra::value::vec

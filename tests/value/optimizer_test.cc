#include "mitra/value/optimizer.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"
#include "common/special.h"

namespace mitra::value {
namespace {

// Poisson counts k_i with mean theta: the MLE is the sample mean and its
// standard error sqrt(theta / n) (closed forms).
TEST(OptimizerTest, PoissonMeanAndStandardError) {
  const std::vector<double> k = {0, 3, 1, 4, 2, 2, 5, 0, 1, 2};
  auto ll = [&](const double* th, double* g) {
    double l = 0;
    g[0] = 0;
    for (double v : k) {
      l += v * std::log(th[0]) - th[0];
      g[0] += v / th[0] - 1;
    }
    return l;
  };
  const double init[] = {10.0};
  auto r = MaximizeLikelihood("Poisson", init, k.size(), ll, FitOptions{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_NEAR(r->params[0], 2.0, 1e-7);
  ASSERT_EQ(r->report.standard_errors.size(), 1u);
  EXPECT_NEAR(r->report.standard_errors[0], std::sqrt(2.0 / 10), 1e-6);
  EXPECT_LE(r->report.gradient_norm, 1e-6);
}

// Penalized: minimise -LL/n + c theta^2 -> 1 - 2/theta... closed form root
// of mean/theta - 1 - 2 c theta = 0.
TEST(OptimizerTest, Penalizer) {
  const std::vector<double> k = {2, 2, 2, 2};
  auto ll = [&](const double* th, double* g) {
    double l = 0;
    g[0] = 0;
    for (double v : k) {
      l += v * std::log(th[0]) - th[0];
      g[0] += v / th[0] - 1;
    }
    return l;
  };
  FitOptions o;
  o.penalizer = 0.5;
  const double init[] = {1.0};
  auto r = MaximizeLikelihood("Poisson", init, 4, ll, o);
  ASSERT_TRUE(r.ok());
  // 2/theta - 1 - theta = 0 -> theta = 1.
  EXPECT_NEAR(r->params[0], 1.0, 1e-7);
}

// Rosenbrock in log-parameters (minimum at theta = (1, 1)).
TEST(OptimizerTest, Rosenbrock) {
  auto ll = [](const double* th, double* g) {
    const double x = std::log(th[0]), y = std::log(th[1]);
    const double f = 100 * (y - x * x) * (y - x * x) + (1 - x) * (1 - x);
    const double dx = -400 * x * (y - x * x) - 2 * (1 - x), dy = 200 * (y - x * x);
    g[0] = -dx / th[0];
    g[1] = -dy / th[1];
    return -f;
  };
  const double init[] = {std::exp(-1.2), std::exp(1.0)};
  FitOptions o;
  o.standard_errors = false;
  auto r = MaximizeLikelihood("Rosenbrock", init, 1, ll, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_NEAR(std::log(r->params[0]), 1, 1e-6);
  EXPECT_NEAR(std::log(r->params[1]), 1, 1e-6);
}

// A likelihood without a finite maximum must fail with a message, not NaN.
TEST(OptimizerTest, UnboundedFailsClearly) {
  auto ll = [](const double* th, double* g) {
    g[0] = 1;
    return th[0];
  };
  const double init[] = {1.0};
  FitOptions o;
  o.max_iterations = 50;
  auto r = MaximizeLikelihood("Unbounded", init, 1, ll, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("Unbounded"), absl::string_view::npos);
  auto nan = [](const double*, double* g) {
    g[0] = 0;
    return std::nan("");
  };
  EXPECT_FALSE(MaximizeLikelihood("NaN", init, 1, nan, o).ok());
}

// Special functions against closed forms.
TEST(SpecialTest, DigammaAndHypergeometric) {
  const double euler = 0.57721566490153286;
  EXPECT_NEAR(Digamma(1), -euler, 3e-14);
  EXPECT_NEAR(Digamma(0.5), -euler - 2 * std::log(2.0), 3e-14);
  EXPECT_NEAR(Digamma(0.01), -100.56088545786867, 1e-11);
  EXPECT_NEAR(Digamma(30), 3.3844381326855249, 1e-14);  // mpmath
  EXPECT_NEAR(LogGamma(0.5), 0.5 * std::log(M_PI), 1e-14);
  // 2F1(1, 1; 2; z) = -ln(1-z)/z and 2F1(a, b; b; z) = (1-z)^-a.
  for (double z : {0.1, 0.5, 0.9, 0.99}) {
    EXPECT_NEAR(*LogHyp2F1Positive(1, 1, 2, z), std::log(-std::log1p(-z) / z), 1e-13);
    EXPECT_NEAR(*LogHyp2F1Positive(3.5, 2.25, 2.25, z), -3.5 * std::log1p(-z), 1e-12);
  }
  // Beyond a double: 2F1(800, 1; 1; 0.9) = 10^800.
  EXPECT_NEAR(*LogHyp2F1Positive(800, 1, 1, 0.9), 800 * std::log(10.0), 1e-9);
  EXPECT_FALSE(LogHyp2F1Positive(1, 1, 2, 1.0).ok());
  EXPECT_FALSE(LogHyp2F1Positive(1, 1, 2, 0.999999, 100).ok());
}

}  // namespace
}  // namespace mitra::value

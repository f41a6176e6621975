// The budget split against brute force on a grid, against the KKT
// conditions in closed form, and on piecewise-linear curves worked by hand.
#include "mitra/channels/budget_split.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mitra::channels {
namespace {

using ::testing::HasSubstr;

BudgetRoute Exp(double v, double a, double b) {
  return {"exp", *ResponseCurve::Exponential(a, b), v};
}
BudgetRoute Log(double v, double a, double b) {
  return {"log", *ResponseCurve::Logarithmic(a, b), v};
}
BudgetRoute Pl(double v, std::vector<double> x, std::vector<double> y) {
  auto c = ResponseCurve::PiecewiseLinear(x, y);
  EXPECT_TRUE(c.ok()) << c.status();
  return {"pl", *c, v};
}

double Profit(const std::vector<BudgetRoute>& routes, const std::vector<double>& x) {
  double p = 0;
  for (size_t i = 0; i < routes.size(); ++i)
    p += routes[i].value_per_conversion * routes[i].response.Value(x[i]) - x[i];
  return p;
}

// The best profit over the grid {0, h, 2h, ...}^2 with x0 + x1 <= B.
struct Grid {
  double profit = -1e300;
  double x0 = 0, x1 = 0;
};
Grid BruteForce2(const std::vector<BudgetRoute>& routes, double budget, double h) {
  Grid g;
  for (double x0 = 0; x0 <= budget + 1e-9; x0 += h) {
    for (double x1 = 0; x0 + x1 <= budget + 1e-9; x1 += h) {
      const double p = Profit(routes, {x0, x1});
      if (p > g.profit) g = {p, x0, x1};
    }
  }
  return g;
}

TEST(BudgetSplitTest, TwoExponentialRoutesMatchBruteForce) {
  // Chain incentives: 50 per conversion, 100 (1 - e^(-x/200)); community:
  // 30 per conversion, 300 (1 - e^(-x/1000)). B = 500 binds: unconstrained,
  // route 0 would spend 200 ln 25 = 644 and route 1 1000 ln 9 = 2197.
  const std::vector<BudgetRoute> routes = {Exp(50, 100, 1.0 / 200), Exp(30, 300, 1.0 / 1000)};
  auto s = SplitBudget(500, routes);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->binding);
  EXPECT_NEAR(s->spent, 500, 1e-9);
  const Grid g = BruteForce2(routes, 500, 1);
  EXPECT_GE(s->expected_profit, g.profit - 1e-9);
  EXPECT_NEAR(s->routes[0].spend, g.x0, 1.0);
  EXPECT_NEAR(s->routes[1].spend, g.x1, 1.0);
  // KKT: equal marginal returns, = the multiplier. With x0 + x1 = 500 and
  // 25 e^(-x0/200) = 9 e^(-x1/1000): x0 = (1000 ln(25/9) + 500 * 5)/6 ...
  // solved: x0 (1/200 + 1/1000) = ln(25/9) + 500/1000.
  const double x0 = (std::log(25.0 / 9) + 0.5) / (1.0 / 200 + 1.0 / 1000);
  EXPECT_NEAR(s->routes[0].spend, x0, 1e-6);
  EXPECT_NEAR(s->routes[0].marginal_right, s->multiplier, 1e-9);
  EXPECT_NEAR(s->routes[1].marginal_right, s->multiplier, 1e-9);
  EXPECT_NEAR(s->multiplier, 25 * std::exp(-x0 / 200), 1e-9);
  EXPECT_GT(s->multiplier, 1);
}

TEST(BudgetSplitTest, NotBindingStopsWhereMoneyReturnsItself) {
  // v a b = 50 * 100 / 200 = 25: spend 200 ln 25; log route v a b = 20 *
  // 50 * 0.01 = 10: spend (10 - 1) / 0.01 = 900.
  const std::vector<BudgetRoute> routes = {Exp(50, 100, 1.0 / 200), Log(20, 50, 0.01)};
  auto s = SplitBudget(1e6, routes);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->binding);
  EXPECT_DOUBLE_EQ(s->multiplier, 1);
  EXPECT_NEAR(s->routes[0].spend, 200 * std::log(25.0), 1e-9);
  EXPECT_NEAR(s->routes[1].spend, 900, 1e-9);
  EXPECT_NEAR(s->routes[0].marginal_right, 1, 1e-12);
  EXPECT_NEAR(s->routes[1].marginal_right, 1, 1e-12);
  EXPECT_NEAR(s->spent, 200 * std::log(25.0) + 900, 1e-9);
}

TEST(BudgetSplitTest, ExponentialAgainstLogarithmicMatchesBruteForce) {
  const std::vector<BudgetRoute> routes = {Exp(40, 80, 1.0 / 150), Log(12, 60, 0.02)};
  for (double budget : {50.0, 300.0, 800.0}) {
    auto s = SplitBudget(budget, routes);
    ASSERT_TRUE(s.ok());
    const Grid g = BruteForce2(routes, budget, 0.5);
    EXPECT_GE(s->expected_profit, g.profit - 1e-9) << budget;
    EXPECT_NEAR(s->routes[0].spend, g.x0, 0.5) << budget;
    EXPECT_NEAR(s->routes[1].spend, g.x1, 0.5) << budget;
  }
}

TEST(BudgetSplitTest, PiecewiseLinearByHand) {
  // Community: the plan's curve (0,0) (100,10) (200,16) (300,19): slopes
  // 0.1, 0.06, 0.03; at 20 per conversion: 2, 1.2, 0.6 per unit of money.
  // Chain: (0,0) (150,6) (400,10): slopes 0.04, 0.016; at 40: 1.6, 0.64.
  // Greedy by marginal return: community 0-100 (2), chain 0-150 (1.6),
  // community 100-200 (1.2); then nothing returns more than 1.
  const std::vector<BudgetRoute> routes = {Pl(20, {100, 200, 300}, {10, 16, 19}),
                                           Pl(40, {150, 400}, {6, 10})};
  auto big = SplitBudget(1000, routes);
  ASSERT_TRUE(big.ok());
  EXPECT_FALSE(big->binding);
  EXPECT_DOUBLE_EQ(big->routes[0].spend, 200);
  EXPECT_DOUBLE_EQ(big->routes[1].spend, 150);
  EXPECT_DOUBLE_EQ(big->routes[0].marginal_left, 1.2);
  EXPECT_DOUBLE_EQ(big->routes[0].marginal_right, 0.6);
  // Profit: 20 x 16 - 200 + 40 x 6 - 150 = 210.
  EXPECT_DOUBLE_EQ(big->expected_profit, 210);
  // B = 180: community's first 100 (return 2), then 80 of the chain's
  // segment (1.6): the multiplier is 1.6.
  auto mid = SplitBudget(180, routes);
  ASSERT_TRUE(mid.ok());
  EXPECT_TRUE(mid->binding);
  EXPECT_DOUBLE_EQ(mid->multiplier, 1.6);
  EXPECT_NEAR(mid->routes[0].spend, 100, 1e-9);
  EXPECT_NEAR(mid->routes[1].spend, 80, 1e-9);
  EXPECT_NEAR(mid->routes[1].marginal_right, 1.6, 1e-12);
  // 20 x 10 + 40 x 3.2 - 180 = 148.
  EXPECT_NEAR(mid->expected_profit, 148, 1e-9);
  // B = 60: community only.
  auto small = SplitBudget(60, routes);
  EXPECT_NEAR(small->routes[0].spend, 60, 1e-9);
  EXPECT_NEAR(small->routes[1].spend, 0, 1e-9);
  EXPECT_DOUBLE_EQ(small->multiplier, 2);
  for (double budget : {60.0, 180.0, 275.0, 500.0}) {
    const Grid g = BruteForce2(routes, budget, 1);
    auto s = SplitBudget(budget, routes);
    EXPECT_GE(s->expected_profit, g.profit - 1e-9) << budget;
  }
}

// The fuzzer's case: one segment, slope 1.91 / 11 at 88.24 per conversion.
// 88.24 * (1.91 / 11) rounds one unit below 88.24 * 1.91 / 11, so the
// bisection's first upper bound did not fit the budget and the whole
// segment (11) was spent against a budget of 1. The spend never exceeds the
// budget; here the segment's return (15.3 per unit) takes all of it.
TEST(BudgetSplitTest, NeverSpendsMoreThanTheBudget) {
  const std::vector<BudgetRoute> routes = {Pl(88.24, {11}, {1.91})};
  auto s = SplitBudget(1, routes);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->binding);
  EXPECT_NEAR(s->routes[0].spend, 1, 1e-12);
  EXPECT_NEAR(s->expected_profit, 88.24 * 1.91 / 11 - 1, 1e-9);
}

TEST(BudgetSplitTest, TiedSlopesShareWhatIsLeft) {
  // Both routes return 1.5 per unit up to 100: any split of B = 120 is
  // optimal; route order fills route 0 first.
  const std::vector<BudgetRoute> routes = {Pl(15, {100}, {10}), Pl(30, {100}, {5})};
  auto s = SplitBudget(120, routes);
  ASSERT_TRUE(s.ok());
  EXPECT_DOUBLE_EQ(s->multiplier, 1.5);
  EXPECT_NEAR(s->routes[0].spend, 100, 1e-9);
  EXPECT_NEAR(s->routes[1].spend, 20, 1e-9);
  EXPECT_NEAR(s->expected_profit, 0.5 * 120, 1e-9);
}

TEST(BudgetSplitTest, CapsAndWorthlessRoutes) {
  BudgetRoute capped = Exp(50, 100, 1.0 / 200);
  capped.max_spend = 100;
  const std::vector<BudgetRoute> routes = {capped, Exp(0, 100, 1), Exp(1, 100, 0.001)};
  auto s = SplitBudget(1000, routes);
  ASSERT_TRUE(s.ok());
  EXPECT_DOUBLE_EQ(s->routes[0].spend, 100);
  EXPECT_GT(s->routes[0].marginal_right, 1);  // would take more without the cap
  EXPECT_DOUBLE_EQ(s->routes[1].spend, 0);    // worth nothing
  EXPECT_DOUBLE_EQ(s->routes[2].spend, 0);    // v a b = 0.1 < 1
  auto none = SplitBudget(0, routes);
  EXPECT_DOUBLE_EQ(none->spent, 0);
  EXPECT_DOUBLE_EQ(none->expected_profit, 0);
}

TEST(BudgetSplitTest, ConcaveMajorant) {
  // (0,0) (10,1) (20,10) (30,12) (40,11): (10,1) lies below the hull and
  // the drop to 11 is flattened.
  auto c = ResponseCurve::PiecewiseLinear({0, 10, 20, 30, 40}, {0, 1, 10, 12, 11});
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->concavified());
  EXPECT_THAT(c->xs(), ::testing::ElementsAre(0, 20, 30));
  EXPECT_DOUBLE_EQ(c->Value(10), 5);
  EXPECT_DOUBLE_EQ(c->Value(25), 11);
  EXPECT_DOUBLE_EQ(c->Value(100), 12);
  EXPECT_DOUBLE_EQ(c->LeftSlope(20), 0.5);
  EXPECT_DOUBLE_EQ(c->RightSlope(20), 0.2);
  EXPECT_DOUBLE_EQ(c->RightSlope(30), 0);
  // Collinear points change nothing; a first point at spend > 0 starts the
  // curve at (0, 0).
  auto d = ResponseCurve::PiecewiseLinear({10, 20}, {1, 2});
  EXPECT_FALSE(d->concavified());
  EXPECT_DOUBLE_EQ(d->Value(5), 0.5);
}

TEST(BudgetSplitTest, BadInput) {
  const std::vector<BudgetRoute> routes = {Exp(50, 100, 0.01)};
  EXPECT_THAT(SplitBudget(-1, routes).status().message(), HasSubstr("budget: must be finite"));
  EXPECT_THAT(SplitBudget(NAN, routes).status().message(), HasSubstr("budget"));
  EXPECT_THAT(SplitBudget(1, {}).status().message(), HasSubstr("routes: needs at least one"));
  BudgetRoute r = routes[0];
  r.value_per_conversion = -2;
  EXPECT_THAT(SplitBudget(1, {r}).status().message(), HasSubstr("routes[0].value_per_conversion"));
  r = routes[0];
  r.max_spend = NAN;
  EXPECT_THAT(SplitBudget(1, {r}).status().message(), HasSubstr("routes[0].max_spend"));
  EXPECT_THAT(ResponseCurve::PiecewiseLinear({0, 10, 10}, {0, 1, 2}).status().message(),
              HasSubstr("spend[2]: must exceed spend[1]"));
  EXPECT_THAT(ResponseCurve::PiecewiseLinear({0, 10}, {0}).status().message(),
              HasSubstr("response"));
  EXPECT_THAT(ResponseCurve::PiecewiseLinear({0, 10}, {0, -1}).status().message(),
              HasSubstr("response[1]"));
  EXPECT_THAT(ResponseCurve::PiecewiseLinear({}, {}).status().message(), HasSubstr("spend"));
  EXPECT_THAT(ResponseCurve::Exponential(0, 1).status().message(), HasSubstr("a: must be"));
  EXPECT_THAT(ResponseCurve::Logarithmic(1, INFINITY).status().message(), HasSubstr("b: must be"));
  // The same checks in a request's terms.
  const FieldPath request("request");
  EXPECT_EQ(SplitBudget(-1, routes, request).status().message(),
            "request.budget: must be finite and >= 0, got -1");
  r = routes[0];
  r.value_per_conversion = -2;
  EXPECT_EQ(SplitBudget(1, {r}, request).status().message(),
            "request.routes[0].value_per_conversion: must be finite and >= 0, got -2");
  EXPECT_EQ(ResponseCurve::PiecewiseLinear({0, 10, 10}, {0, 1, 2}, request.Sub("curve"))
                .status()
                .message(),
            "request.curve.spend[2]: must exceed spend[1] = 10, got 10");
  EXPECT_EQ(ResponseCurve::Exponential(0, 1, FieldPath("request.response.exponential"))
                .status()
                .message(),
            "request.response.exponential.a: must be finite and > 0, got 0");
  EXPECT_EQ(ResponseCurve::Logarithmic(1, -1, FieldPath("x.logarithmic")).status().message(),
            "x.logarithmic.b: must be finite and > 0, got -1");
}

}  // namespace
}  // namespace mitra::channels

// Double marginalisation under linear demand: the closed forms of the issue
// (Spengler 1950; docs/CHANNELS.md, "Model and formulas") on q = 100 - 2p, c = 10 (choke
// price A = 50), a three-tier chain worked by hand, and the two-tier
// equilibrium found again by brute force over prices.
#include "mitra/channels/linear_demand.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mitra::channels {
namespace {

using ::testing::HasSubstr;

const LinearDemand kDemand{100, 2, 10};  // not constexpr: FieldPath is not, for clang

TEST(LinearDemandTest, Integrated) {
  auto m = Integrated(kDemand);
  ASSERT_TRUE(m.ok());
  // p* = (a/b + c)/2 = (50 + 10)/2 = 30; q = 100 - 60 = 40; profit 20 * 40.
  EXPECT_DOUBLE_EQ(m->price, 30);
  EXPECT_DOUBLE_EQ(m->quantity, 40);
  EXPECT_DOUBLE_EQ(m->profit, 800);            // (a - bc)^2 / 4b = 80^2 / 8
  EXPECT_DOUBLE_EQ(m->consumer_surplus, 400);  // (50 - 30) * 40 / 2
}

TEST(LinearDemandTest, TwoTiersMatchTheIssuesClosedForms) {
  auto o = SuccessiveMonopolies(kDemand, 2);
  ASSERT_TRUE(o.ok());
  const double a = 100, b = 2, c = 10;
  EXPECT_DOUBLE_EQ(o->prices[0], (a / b + c) / 2);         // wholesale 30
  EXPECT_DOUBLE_EQ(o->market.price, (3 * a / b + c) / 4);  // retail 40
  EXPECT_DOUBLE_EQ(o->market.quantity, 20);
  EXPECT_DOUBLE_EQ(o->profits[0], (a - b * c) * (a - b * c) / (8 * b));   // maker 400
  EXPECT_DOUBLE_EQ(o->profits[1], (a - b * c) * (a - b * c) / (16 * b));  // retailer 200
  EXPECT_DOUBLE_EQ(o->market.profit, 600);
  EXPECT_DOUBLE_EQ(o->profit_share, 0.75);
  EXPECT_DOUBLE_EQ(ChainProfitShare(2), 0.75);
}

TEST(LinearDemandTest, ThreeTiersByHand) {
  // w1 = (50 + 10)/2 = 30, w2 = (50 + 30)/2 = 40, p = (50 + 40)/2 = 45 =
  // (7A + c)/8; q = 100 - 90 = 10 = b (A - c)/8. Margins 20, 10, 5; profits
  // 200, 100, 50 = 350 = 7/16 of 800.
  auto o = SuccessiveMonopolies(kDemand, 3);
  ASSERT_TRUE(o.ok());
  EXPECT_DOUBLE_EQ(o->prices[0], 30);
  EXPECT_DOUBLE_EQ(o->prices[1], 40);
  EXPECT_DOUBLE_EQ(o->market.price, 45);
  EXPECT_DOUBLE_EQ(o->market.quantity, 10);
  EXPECT_DOUBLE_EQ(o->margins[0], 20);
  EXPECT_DOUBLE_EQ(o->margins[1], 10);
  EXPECT_DOUBLE_EQ(o->margins[2], 5);
  EXPECT_DOUBLE_EQ(o->profits[0], 200);
  EXPECT_DOUBLE_EQ(o->profits[1], 100);
  EXPECT_DOUBLE_EQ(o->profits[2], 50);
  EXPECT_DOUBLE_EQ(o->market.profit, 350);
  EXPECT_DOUBLE_EQ(o->profit_share, 7.0 / 16);
  EXPECT_DOUBLE_EQ(o->market.consumer_surplus, 25);  // (50 - 45) * 10 / 2
}

TEST(LinearDemandTest, OneTierIsIntegrated) {
  auto o = SuccessiveMonopolies(kDemand, 1);
  ASSERT_TRUE(o.ok());
  EXPECT_DOUBLE_EQ(o->market.price, 30);
  EXPECT_DOUBLE_EQ(o->profit_share, 1);
  for (int n = 1; n <= 8; ++n) {
    auto k = SuccessiveMonopolies(kDemand, n);
    EXPECT_NEAR(k->profit_share, ChainProfitShare(n), 1e-12) << n;
  }
}

// The two-tier equilibrium without the closed form: for each wholesale
// price w on a grid the retailer's best price (grid search), then the maker's
// best w given that response.
TEST(LinearDemandTest, TwoTiersByBruteForce) {
  const double a = 100, b = 2, c = 10, step = 0.01;
  double best_w = 0, best_maker = -1, best_p = 0;
  for (double w = c; w <= 50; w += step) {
    double p_best = w, r_best = -1;
    for (double p = w; p <= 50; p += step) {
      const double r = (p - w) * (a - b * p);
      if (r > r_best) r_best = r, p_best = p;
    }
    const double maker = (w - c) * (a - b * p_best);
    if (maker > best_maker) best_maker = maker, best_w = w, best_p = p_best;
  }
  auto o = SuccessiveMonopolies(kDemand, 2);
  EXPECT_NEAR(best_w, o->prices[0], 2 * step);
  EXPECT_NEAR(best_p, o->market.price, 2 * step);
  // The retailer's grid price is off by up to a step: q by b x step, the
  // maker's profit by (w - c) b step = 20 x 2 x 0.01.
  EXPECT_NEAR(best_maker, o->profits[0], 0.4 + 1e-6);
}

TEST(LinearDemandTest, BadParameters) {
  EXPECT_THAT(Integrated({0, 1, 0}).status().message(), HasSubstr("a: must be finite and > 0"));
  EXPECT_THAT(Integrated({1, NAN, 0}).status().message(), HasSubstr("b: must be finite and > 0"));
  EXPECT_THAT(Integrated({100, 2, 50}).status().message(), HasSubstr("c: must be in [0, a / b)"));
  // Finite inputs whose prices or profits do not fit a double (the fuzzer's).
  EXPECT_THAT(Integrated({100, 1.78e-307, 10}).status().message(),
              HasSubstr("a^2 / b overflows a double"));
  EXPECT_THAT(SuccessiveMonopolies({1e160, 1, 0}, 2).status().message(),
              HasSubstr("a^2 / b overflows a double"));
  EXPECT_THAT(SuccessiveMonopolies({9.3e-313, 5.3e-315, 10}, 3).status().message(),
              HasSubstr("is too small for a double"));
  EXPECT_THAT(SuccessiveMonopolies(kDemand, 0).status().message(), HasSubstr("tiers"));
  EXPECT_THAT(SuccessiveMonopolies(kDemand, 61).status().message(), HasSubstr("tiers"));
  // One validation, named as the caller names the demand.
  LinearDemand d{100, 2, 50};
  EXPECT_EQ(ValidateDemand(d).message(), "c: must be in [0, a / b) = [0, 50), got 50");
  d.names = FieldPath("request.demand");
  EXPECT_EQ(ValidateDemand(d).message(), "request.demand.c: must be in [0, a / b) = [0, 50), got 50");
  EXPECT_EQ(Integrated(d).status().message(), ValidateDemand(d).message());
}

}  // namespace
}  // namespace mitra::channels

// The community route from a plan's figures, by hand; the referral
// conversion rate with its Wilson interval.
#include "mitra/channels/community_route.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mitra::channels {
namespace {

using ::testing::HasSubstr;

PlanFigures ThreeSeeds() {
  PlanFigures p;
  p.costs = {100, 100, 100};
  p.gains = {30, 20, 10};  // IMM's estimate 60
  p.total_cost = 300;
  p.reach = 57;  // the independent check, seeds included
  p.reach_low = 55;
  p.reach_high = 59;
  return p;
}

ConversionRate Given(double r) {
  ConversionRate c;
  c.rate = c.low = c.high = r;
  return c;
}

TEST(CommunityRouteTest, ByHand) {
  CommunityRouteOptions o;
  o.value_per_conversion = 80;
  auto r = EvaluateCommunityRoute(ThreeSeeds(), Given(0.1), o);
  ASSERT_TRUE(r.ok()) << r.status();
  // Reached without the 3 seeds: 54 (52 .. 56); conversions 5.4 (5.2 .. 5.6).
  EXPECT_EQ(r->seeds, 3u);
  EXPECT_DOUBLE_EQ(r->reached, 54);
  EXPECT_DOUBLE_EQ(r->reached_low, 52);
  EXPECT_DOUBLE_EQ(r->conversions, 5.4);
  EXPECT_DOUBLE_EQ(r->conversions_high, 5.6);
  EXPECT_DOUBLE_EQ(r->cost, 300);
  EXPECT_DOUBLE_EQ(r->cost_per_acquired, 300 / 5.4);
  EXPECT_DOUBLE_EQ(r->cost_per_acquired_low, 300 / 5.6);
  EXPECT_DOUBLE_EQ(r->cost_per_acquired_high, 300 / 5.2);
  EXPECT_DOUBLE_EQ(r->expected_profit, 5.4 * 80 - 300);  // 132
  // The curve: gains scaled by 57/60 = 0.95: 28.5, 47.5, 57; less 1, 2, 3
  // seeds; times 0.1.
  EXPECT_THAT(r->curve_spend, ::testing::ElementsAre(0, 100, 200, 300));
  ASSERT_EQ(r->curve_conversions.size(), 4u);
  EXPECT_NEAR(r->curve_conversions[1], 2.75, 1e-12);
  EXPECT_NEAR(r->curve_conversions[2], 4.55, 1e-12);
  EXPECT_NEAR(r->curve_conversions[3], 5.4, 1e-12);
}

TEST(CommunityRouteTest, SeedsIncludedAndExtraCost) {
  CommunityRouteOptions o;
  o.include_seeds = true;
  o.extra_cost = 60;
  auto r = EvaluateCommunityRoute(ThreeSeeds(), Given(0.5), o);
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->reached, 57);
  EXPECT_DOUBLE_EQ(r->conversions, 28.5);
  EXPECT_DOUBLE_EQ(r->cost_per_acquired, 360 / 28.5);
  EXPECT_NEAR(r->curve_conversions[1], 14.25, 1e-12);
}

TEST(CommunityRouteTest, NothingReachedCostsInfinity) {
  PlanFigures p = ThreeSeeds();
  p.reach = p.reach_low = p.reach_high = 3;  // only the seeds
  auto r = EvaluateCommunityRoute(p, Given(0.1), {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->conversions, 0);
  EXPECT_TRUE(std::isinf(r->cost_per_acquired));
}

TEST(CommunityRouteTest, ReferralRateWithWilsonInterval) {
  ReferralTable t;
  // 10 referrals in [0, 100), 3 converted; 2 converted ones outside.
  for (int i = 0; i < 12; ++i) {
    t.referrer.push_back(0);
    t.referee.push_back(kNoIndex);
    t.time.push_back(i < 10 ? i : 100 + i);
    t.converted.push_back(i < 3 || i >= 10);
    t.value.push_back(0);
  }
  auto c = ReferralConversionRate(t, 0, 100);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->referrals, 10u);
  EXPECT_EQ(c->converted, 3u);
  EXPECT_DOUBLE_EQ(c->rate, 0.3);
  // Wilson 95% for 3/10 (z = 1.96): (0.3 + z^2/20 -/+ z sqrt(0.021 +
  // z^2/400)) / (1 + z^2/10) = 0.1078, 0.6032.
  EXPECT_NEAR(c->low, 0.10779, 1e-4);
  EXPECT_NEAR(c->high, 0.60322, 1e-4);
  auto none = ReferralConversionRate(t, 200, 300);
  EXPECT_EQ(none.status().code(), absl::StatusCode::kFailedPrecondition);
  // The interval carries into the conversions: 54 x 0.3, 52 x 0.1078.
  auto r = EvaluateCommunityRoute(ThreeSeeds(), *c, {});
  EXPECT_NEAR(r->conversions, 16.2, 1e-12);
  EXPECT_NEAR(r->conversions_low, 52 * c->low, 1e-12);
  EXPECT_NEAR(r->conversions_high, 56 * c->high, 1e-12);
}

TEST(CommunityRouteTest, BadInput) {
  PlanFigures p = ThreeSeeds();
  p.gains.pop_back();
  EXPECT_THAT(EvaluateCommunityRoute(p, Given(0.1), {}).status().message(),
              HasSubstr("plan.marginal_gains: has 2 values for 3 seeds"));
  p = ThreeSeeds();
  p.costs[1] = -1;
  EXPECT_THAT(EvaluateCommunityRoute(p, Given(0.1), {}).status().message(),
              HasSubstr("plan.costs[1]"));
  p = ThreeSeeds();
  p.reach = NAN;
  EXPECT_THAT(EvaluateCommunityRoute(p, Given(0.1), {}).status().message(),
              HasSubstr("plan.check.mean"));
  EXPECT_THAT(EvaluateCommunityRoute(ThreeSeeds(), Given(0), {}).status().message(),
              HasSubstr("conversion_rate: must be in (0, 1]"));
  EXPECT_THAT(EvaluateCommunityRoute(ThreeSeeds(), Given(1.5), {}).status().message(),
              HasSubstr("conversion_rate"));
  CommunityRouteOptions o;
  o.value_per_conversion = -1;
  EXPECT_THAT(EvaluateCommunityRoute(ThreeSeeds(), Given(0.1), o).status().message(),
              HasSubstr("value_per_conversion"));
}

}  // namespace
}  // namespace mitra::channels

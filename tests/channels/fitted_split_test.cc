// The budget split on fitted curves: the ranking probability is the share
// of draws whose own split ranks the routes as the estimate does.
#include "mitra/channels/fitted_split.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mitra::channels {
namespace {

RouteCurve Curve(CampaignRoute route, double a, double b) {
  RouteCurve c;
  c.route = route;
  c.a = a;
  c.b = b;
  c.draw_a.assign(10, a);
  c.draw_b.assign(10, b);
  return c;
}

// Chain 1000 (1 - e^(-0.002 x)), community 500 (...), each unit worth 1:
// without a binding budget each route spends until its marginal return
// 1000 x 0.002 e^(-0.002 x) (resp. 500 x ...) falls to 1: the chain 500 ln 2
// = 346.57 for a response of 500, the community nothing. Half the
// community's draws are six times higher (3000: it then spends 500 ln 6 and
// gets more than the chain): the ranking holds in exactly half.
TEST(FittedSplit, RankingProbabilityIsTheShareOfDrawsThatRankAlike) {
  const RouteCurve chain = Curve(CampaignRoute::kChain, 1000, 0.002);
  RouteCurve community = Curve(CampaignRoute::kCommunity, 500, 0.002);
  for (int d = 5; d < 10; ++d) community.draw_a[d] = 3000;
  auto f = SplitOnFittedCurves(1000, chain, 1, community, 1, 0.95, FieldPath("request"));
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_NEAR(f->split.routes[0].spend, 500 * std::log(2.0), 1e-3);
  EXPECT_NEAR(f->split.routes[1].spend, 0, 1e-3);
  EXPECT_DOUBLE_EQ(f->ranking_probability, 0.5);
  // The chain's draws are all the estimate: its response interval is a point.
  EXPECT_NEAR(f->response_low[0], 500, 1e-3);
  EXPECT_NEAR(f->response_high[0], 500, 1e-3);
  // Drawn curves that all agree: the ranking is certain.
  f = SplitOnFittedCurves(1000, chain, 1, Curve(CampaignRoute::kCommunity, 500, 0.002), 1, 0.95,
                          FieldPath("request"));
  ASSERT_TRUE(f.ok());
  EXPECT_DOUBLE_EQ(f->ranking_probability, 1.0);
}

TEST(FittedSplit, BadInputNamesTheField) {
  const RouteCurve chain = Curve(CampaignRoute::kChain, 1000, 0.002);
  RouteCurve short_draws = Curve(CampaignRoute::kCommunity, 500, 0.002);
  short_draws.draw_a.resize(3);
  short_draws.draw_b.resize(3);
  EXPECT_THAT(std::string(SplitOnFittedCurves(1000, chain, 1, short_draws, 1, 0.95,
                                              FieldPath("request"))
                              .status()
                              .message()),
              ::testing::HasSubstr("the same number of draws"));
  EXPECT_THAT(std::string(
                  SplitOnFittedCurves(-1, chain, 1, chain, 1, 0.95, FieldPath("request"))
                      .status()
                      .message()),
              ::testing::HasSubstr("request.budget"));
}

}  // namespace
}  // namespace mitra::channels

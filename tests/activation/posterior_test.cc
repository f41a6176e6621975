#include "mitra/activation/posterior.h"

#include <cmath>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "directed_graph.h"
#include "mitra/graph/csr_graph.h"

namespace mitra::activation {
namespace {

using ::testing::HasSubstr;

TEST(PosteriorSpread, OneUncertainArc) {
  // 0 -> 1 with p ~ Beta(2, 6) (mean 1/4, sd sqrt(2 * 6 / (64 * 9)) =
  // 0.1443): the reach of {0} is 1 + p, so over worlds mean 1.25 and sd
  // 0.1443, while within a world the cascade adds sampling noise only.
  const graph::CsrGraph g = Directed(2, {0}, {1});
  PosteriorSpreadOptions o;
  o.worlds = 400;
  o.spread.runs = 4000;
  auto r = EstimateSpreadOverPosterior(g, {{2}, {6}}, Model::kIndependentCascade,
                                       std::vector<NodeId>{0}, o);
  ASSERT_TRUE(r.ok()) << r.status();
  std::printf("mean %.4f, world sd %.4f, sampling se %.4f\n", r->mean, r->world_sd,
              r->sampling_std_error);
  // The mean's standard error over 400 worlds is 0.0072; the sd's about
  // 0.005 (plus 0.007 of sampling noise folded in).
  EXPECT_NEAR(r->mean, 1.25, 0.022);
  EXPECT_NEAR(r->world_sd, std::sqrt(12.0 / 576), 0.02);
  EXPECT_NEAR(r->sampling_std_error, std::sqrt(0.25 * 0.75 / 4000), 0.002);
  EXPECT_NEAR(r->high - r->low, 2 * 1.6448536269514722 * r->world_sd, 1e-9);
  // A tight posterior is the plain simulation at its mean.
  auto tight = EstimateSpreadOverPosterior(g, {{0.3e7}, {0.7e7}}, Model::kIndependentCascade,
                                           std::vector<NodeId>{0}, o);
  ASSERT_TRUE(tight.ok());
  EXPECT_NEAR(tight->mean, 1.3, 0.003);
  EXPECT_LT(tight->world_sd, 0.02);
}

TEST(PosteriorSpread, WorldsAreReproducibleAndLinearThresholdStaysValid) {
  // Two arcs into node 2 whose draws may sum past 1: LT scales them back.
  const graph::CsrGraph g = Directed(3, {0, 1}, {2, 2});
  const ArcPosterior post{{5, 5}, {1, 1}};
  auto a = DrawWorld(g, post, Model::kLinearThreshold, 7, 3);
  auto b = DrawWorld(g, post, Model::kLinearThreshold, 7, 3);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->in_values(), b->in_values());
  double in = 0;
  for (double v : a->in_values()) in += v;
  EXPECT_LE(in, 1 + 1e-12);
  auto other = DrawWorld(g, post, Model::kLinearThreshold, 7, 4);
  EXPECT_NE(other->in_values(), a->in_values());
}

TEST(PosteriorSpread, BadInputNamesTheField) {
  const graph::CsrGraph g = Directed(2, {0}, {1});
  PosteriorSpreadOptions o;
  o.names = FieldPath("request");
  o.worlds = 1;
  EXPECT_EQ(EstimateSpreadOverPosterior(g, {{1}, {1}}, Model::kIndependentCascade,
                                        std::vector<NodeId>{0}, o)
                .status()
                .message(),
            "request.worlds: must be 2..10000, got 1");
  o.worlds = 10;
  EXPECT_THAT(EstimateSpreadOverPosterior(g, {{1}, {-1}}, Model::kIndependentCascade,
                                          std::vector<NodeId>{0}, o)
                  .status()
                  .message(),
              HasSubstr("request.posterior.beta[0]: must be finite and > 0, got -1"));
  o.spread.names = FieldPath("request.spread");
  EXPECT_THAT(EstimateSpreadOverPosterior(g, {{1}, {1}}, Model::kIndependentCascade,
                                          std::vector<NodeId>{5}, o)
                  .status()
                  .message(),
              HasSubstr("request.spread.seeds[0]: node 5 out of range"));
}

}  // namespace
}  // namespace mitra::activation

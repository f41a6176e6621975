#include "mitra/graph/influence_holdout.h"

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "graph/roc_auc.h"
#include "gtest/gtest.h"
#include "planted_cascades.h"

namespace mitra::graph {
namespace {

TEST(RocAucTest, TinyExampleByHand) {
  // Positives 0.9, 0.5, 0.5; negatives 0.5, 0.1. Of the 6 pairs, 0.9 beats
  // both, each 0.5 beats 0.1 and ties with 0.5: (2 + 2 * 1.5) / 6.
  std::vector<ScoredCount> points = {
      {0.5, 1, 0}, {0.1, 0, 1}, {0.9, 1, 0}, {0.5, 0, 1}, {0.5, 1, 0}};
  EXPECT_DOUBLE_EQ(RocAuc(points), 5.0 / 6);
  // The same with the 0.5s as one point with counts.
  EXPECT_DOUBLE_EQ(RocAuc({{0.1, 0, 1}, {0.5, 2, 1}, {0.9, 1, 0}}), 5.0 / 6);
  // Perfect, reversed, all tied, one label only.
  EXPECT_DOUBLE_EQ(RocAuc({{1, 3, 0}, {0, 0, 4}}), 1);
  EXPECT_DOUBLE_EQ(RocAuc({{0, 3, 0}, {1, 0, 4}}), 0);
  EXPECT_DOUBLE_EQ(RocAuc({{0.2, 3, 4}}), 0.5);
  EXPECT_TRUE(std::isnan(RocAuc({{0.2, 3, 0}})));
}

// One arc 0 -> 1, window 1. Training (t < 100): items 0..4; node 0 acts on
// items 0..3, node 1 follows it one step later on items 0 and 1 and acts
// alone on item 4. Test (t >= 100): item 10: 0@100, 1@101; item 11: 0@100;
// item 12: 1@100.
TEST(InfluenceHoldoutTest, TinyLogByHand) {
  CsrGraph g = *CsrGraph::FromEdges(3, std::vector<NodeId>{0}, std::vector<NodeId>{1});
  ActionLog log{{0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1},
                {0, 0, 1, 1, 2, 3, 4, 10, 10, 11, 12},
                {0, 1, 10, 11, 20, 30, 40, 100, 101, 100, 100}};
  HoldoutOptions o;
  o.split_time = 100;
  o.learning.window = 1;
  o.learning.method = InfluenceMethod::kBernoulli;
  auto r = EvaluateHoldout(g, log, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->training_episodes, 5u);
  EXPECT_EQ(r->test_episodes, 3u);
  // Units: 3 items x 3 nodes, none acted on them before the split.
  EXPECT_EQ(r->units, 9u);
  EXPECT_EQ(r->positives, 4u);
  // Exposed: node 1 on items 10 and 11.
  EXPECT_EQ(r->exposed_units, 2u);
  // Training: 5 episodes; node 0 acts on 4 (all spontaneous), node 1 on 3
  // (1 spontaneous, item 4), node 2 on none. Uniform p by EM: 2 of 4 trials.
  EXPECT_NEAR(r->uniform_p, 0.5, 1e-9);
  const double q0 = 5.0 / 7, q1_ic = 2.0 / 7, q1_none = 4.0 / 7, q2 = 1.0 / 7;
  // No influence: node 0 positive on 10, 11 and negative on 12; node 1
  // positive on 10, 12, negative on 11; node 2 negative on all.
  const double ll_none = 2 * std::log(q0) + std::log1p(-q0) + 2 * std::log(q1_none) +
                         std::log1p(-q1_none) + 3 * std::log1p(-q2);
  EXPECT_NEAR(r->no_influence.log_likelihood, ll_none, 1e-12);
  EXPECT_NEAR(r->no_influence.mean_log_likelihood, ll_none / 9, 1e-12);
  // Uniform: node 1 exposed on 10 (positive) and 11 (negative) with
  // P = 1 - (1 - q1)(1 - 1/2); unexposed on 12 (positive) with q1.
  const double p_exposed = 1 - (1 - q1_ic) * 0.5;
  const double ll_uniform = 2 * std::log(q0) + std::log1p(-q0) + std::log(p_exposed) +
                            std::log1p(-p_exposed) + std::log(q1_ic) + 3 * std::log1p(-q2);
  EXPECT_NEAR(r->uniform.log_likelihood, ll_uniform, 1e-12);
  // Weighted cascade: p = 1, clipped to 1 - 1e-9.
  EXPECT_LT(r->weighted_cascade.log_likelihood, r->uniform.log_likelihood - 10);
  // AUC of the uniform model by hand: scores
  //   node 0: q0 (+, +, -); node 1: p_exposed (+, -), q1 (+); node 2: q2 (-, -, -).
  // Order: q2 < q1 = 2/7 < p_exposed = 9/14 < q0 = 5/7. Positives 4, negatives 5:
  // q0 (2 pos) beat 4 negatives below (node 2's three, p_exposed's one) and
  // tie with q0's one: 2 * 4 + 2 * 0.5 = 9; p_exposed's positive beats 3, ties 1: 3.5;
  // q1's positive beats 3: 3. AUC = 15.5 / 20.
  EXPECT_NEAR(r->uniform.auc, 15.5 / 20, 1e-15);
}

TEST(InfluenceHoldoutTest, SplitWithoutBothPeriodsFails) {
  CsrGraph g = *CsrGraph::FromEdges(2, std::vector<NodeId>{0}, std::vector<NodeId>{1});
  ActionLog log{{0, 1}, {}, {5, 6}};
  HoldoutOptions o;
  o.split_time = 0;
  auto r = EvaluateHoldout(g, log, o);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(r.status().message()), ::testing::StartsWith("split_time"));
  o.learning.window = -1;
  r = EvaluateHoldout(g, log, o);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
}

// Planted cascades: the learned model must beat weighted cascade, the
// fitted uniform p and no influence on the later 20 % of the episodes.
TEST(InfluenceHoldoutPlantedTest, LearnedModelBeatsTheBaselines) {
  const testing::PlantedCascades c = testing::SimulatePlantedCascades();
  HoldoutOptions o;
  o.split_time = 2400 * 1000;
  o.learning.window = 1;
  auto r = EvaluateHoldout(c.graph, c.log, o);
  ASSERT_TRUE(r.ok()) << r.status();
  std::printf("units %lu (exposed %lu), positives %lu, uniform p %.4f\n",
              static_cast<unsigned long>(r->units), static_cast<unsigned long>(r->exposed_units),
              static_cast<unsigned long>(r->positives), r->uniform_p);
  for (auto [name, s] : {std::pair{"learned", r->learned}, {"weighted cascade", r->weighted_cascade},
                         {"uniform", r->uniform}, {"no influence", r->no_influence}}) {
    std::printf("%-16s log-likelihood %.1f (mean %.5f), AUC %.4f\n", name, s.log_likelihood,
                s.mean_log_likelihood, s.auc);
  }
  EXPECT_EQ(r->training_episodes, 2400u);
  EXPECT_EQ(r->test_episodes, 600u);
  EXPECT_EQ(r->units, 600u * 2000);
  for (const HoldoutScore& s : {r->weighted_cascade, r->uniform, r->no_influence}) {
    EXPECT_GT(r->learned.log_likelihood, s.log_likelihood);
    EXPECT_GT(r->learned.auc, s.auc);
  }
}

}  // namespace
}  // namespace mitra::graph

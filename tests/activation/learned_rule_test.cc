// ArcRule::kLearned: a plan's arcs take a learned model's posterior means
// (or an end of their intervals), and a model of another graph is refused.
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/activation/diffusion.h"
#include "mitra/graph/influence_learning.h"

namespace mitra::activation {
namespace {

TEST(LearnedRuleTest, UsesTheChosenPerArcValues) {
  auto g = CsrGraph::FromEdges(3, std::vector<NodeId>{0, 0, 1}, std::vector<NodeId>{1, 2, 2});
  ASSERT_TRUE(g.ok());
  // 0 acts on 4 items, 1 follows it on 2 of them; 2 follows 1 once of 2.
  graph::ActionLog log{{0, 1, 0, 1, 0, 0, 1, 2}, {0, 0, 1, 1, 2, 3, 4, 4}, {0, 1, 0, 1, 0, 0, 0, 1}};
  graph::InfluenceOptions o;
  o.window = 1;
  auto model = graph::LearnInfluence(*g, log, o);
  ASSERT_TRUE(model.ok()) << model.status();
  auto shared = std::make_shared<const graph::InfluenceModel>(*std::move(model));
  ArcRule rule;
  rule.kind = ArcRule::Kind::kLearned;
  rule.learned = shared;
  for (auto [which, want] : {std::pair{ArcRule::LearnedValue::kPosteriorMean, &shared->posterior_mean},
                             {ArcRule::LearnedValue::kLower, &shared->lower},
                             {ArcRule::LearnedValue::kUpper, &shared->upper}}) {
    rule.learned_value = which;
    auto dg = DiffusionGraph::Create(CsrGraph(*g), Model::kIndependentCascade, rule);
    ASSERT_TRUE(dg.ok()) << dg.status();
    EXPECT_EQ(dg->out_values(), *want);
  }
  EXPECT_LT(shared->lower[0], shared->posterior_mean[0]);
  EXPECT_LT(shared->posterior_mean[0], shared->upper[0]);
  // A model of another graph, or none.
  auto other = CsrGraph::FromEdges(3, std::vector<NodeId>{0}, std::vector<NodeId>{1});
  auto dg = DiffusionGraph::Create(*std::move(other), Model::kIndependentCascade, rule);
  EXPECT_EQ(dg.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(dg.status().message()), ::testing::HasSubstr("learned: the model has 3 arcs, the graph 1"));
  rule.learned = nullptr;
  dg = DiffusionGraph::Create(CsrGraph(*g), Model::kIndependentCascade, rule);
  EXPECT_THAT(std::string(dg.status().message()), ::testing::StartsWith("learned: no learned model"));
}

}  // namespace
}  // namespace mitra::activation

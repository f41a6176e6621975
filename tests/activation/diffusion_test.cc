#include "mitra/activation/diffusion.h"

#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "exact.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mitra::activation {
namespace {

using testing::Arc;
using testing::Build;
using testing::ExactSpread;
using ::testing::HasSubstr;

// A tiny graph (7 nodes, 11 arcs) with mixed probabilities and a cycle.
std::vector<Arc> TinyIc() {
  return {{0, 1, 0.5}, {0, 2, 0.3}, {1, 2, 0.6}, {2, 3, 0.7}, {3, 1, 0.2}, {1, 4, 0.4},
          {4, 5, 0.9}, {5, 6, 0.5}, {3, 6, 0.25}, {6, 0, 0.35}, {2, 5, 0.15}};
}
// LT weights on the same shape: in-weights per node sum to <= 1.
std::vector<Arc> TinyLt() {
  return {{0, 1, 0.4}, {0, 2, 0.3}, {1, 2, 0.5}, {2, 3, 0.7}, {3, 1, 0.3}, {1, 4, 0.8},
          {4, 5, 0.6}, {5, 6, 0.5}, {3, 6, 0.4}, {6, 0, 0.9}, {2, 5, 0.2}};
}

SpreadOptions Runs(uint64_t runs, uint64_t seed = 1) {
  SpreadOptions o;
  o.runs = runs;
  o.seed = seed;
  return o;
}
SpreadOptions Threads0() {
  SpreadOptions o;
  o.threads = 0;
  return o;
}

void ExpectWithinInterval(const SpreadEstimate& e, double exact) {
  EXPECT_LE(e.ci_low, exact) << "mean " << e.mean << " se " << e.std_error;
  EXPECT_GE(e.ci_high, exact) << "mean " << e.mean << " se " << e.std_error;
}

TEST(EstimateSpreadTest, IcMatchesLiveEdgeEnumeration) {
  const auto arcs = TinyIc();
  const DiffusionGraph dg = Build(7, arcs, Model::kIndependentCascade);
  for (std::vector<NodeId> seeds : {std::vector<NodeId>{0}, {3}, {1, 5}, {0, 3, 6}}) {
    SpreadOptions o;
    o.runs = 40000;
    o.seed = 11;
    auto e = EstimateSpread(dg, seeds, o);
    ASSERT_TRUE(e.ok()) << e.status();
    const double exact = ExactSpread(7, arcs, Model::kIndependentCascade, seeds);
    ExpectWithinInterval(*e, exact);
    EXPECT_LT(e->std_error, 0.02);
  }
}

TEST(EstimateSpreadTest, LtMatchesLiveEdgeEnumeration) {
  const auto arcs = TinyLt();
  const DiffusionGraph dg = Build(7, arcs, Model::kLinearThreshold);
  for (std::vector<NodeId> seeds : {std::vector<NodeId>{0}, {3}, {1, 5}, {0, 3, 6}}) {
    SpreadOptions o;
    o.runs = 40000;
    o.seed = 5;
    auto e = EstimateSpread(dg, seeds, o);
    ASSERT_TRUE(e.ok()) << e.status();
    ExpectWithinInterval(*e, ExactSpread(7, arcs, Model::kLinearThreshold, seeds));
  }
}

TEST(EstimateSpreadTest, ClosedFormsOnPathAndStar) {
  // Path 0->1->2->3->4 with p: 1 + p + p^2 + p^3 + p^4, IC and LT alike.
  const double p = 0.6;
  std::vector<Arc> path;
  for (uint32_t i = 0; i < 4; ++i) path.push_back({i, i + 1, p});
  const double expected = 1 + p + p * p + p * p * p + p * p * p * p;
  EXPECT_NEAR(ExactSpread(5, path, Model::kIndependentCascade, {0}), expected, 1e-12);
  for (Model m : {Model::kIndependentCascade, Model::kLinearThreshold}) {
    auto e = EstimateSpread(Build(5, path, m), std::vector<NodeId>{0}, Runs(50000));
    ASSERT_TRUE(e.ok());
    ExpectWithinInterval(*e, expected);
  }
  // Star 0 -> 1..8 with p = 0.3: 1 + 8p.
  std::vector<Arc> star;
  for (uint32_t i = 1; i <= 8; ++i) star.push_back({0, i, 0.3});
  auto e = EstimateSpread(Build(9, star, Model::kIndependentCascade), std::vector<NodeId>{0},
                          Runs(50000, 3));
  ASSERT_TRUE(e.ok());
  ExpectWithinInterval(*e, 1 + 8 * 0.3);
  // p = 1 and p = 0 are exact.
  auto full = EstimateSpread(Build(9, std::vector<Arc>{{0, 1, 1.0}, {1, 2, 1.0}, {2, 3, 0.0}},
                                   Model::kIndependentCascade),
                             std::vector<NodeId>{0}, Runs(100));
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->mean, 3);
  EXPECT_EQ(full->std_error, 0);
}

TEST(EstimateSpreadTest, TargetsAndGroups) {
  const auto arcs = TinyIc();
  const DiffusionGraph dg = Build(7, arcs, Model::kIndependentCascade);
  SpreadOptions o;
  o.runs = 40000;
  o.targets = {2, 5, 6};
  o.groups = {0, 0, 1, 1, 2, 2, 2};
  const std::vector<NodeId> seeds = {0};
  auto e = EstimateSpread(dg, seeds, o);
  ASSERT_TRUE(e.ok());
  const uint32_t mask = (1u << 2) | (1u << 5) | (1u << 6);
  ExpectWithinInterval(*e, ExactSpread(7, arcs, Model::kIndependentCascade, seeds, mask));
  ASSERT_EQ(e->group_mean.size(), 3u);
  EXPECT_EQ(e->group_mean[0], 0);  // nodes 0, 1 are not targets
  EXPECT_NEAR(e->group_mean[0] + e->group_mean[1] + e->group_mean[2], e->mean, 1e-9);
  // Group 2 restricted to targets {5, 6}.
  const double g2 = ExactSpread(7, arcs, Model::kIndependentCascade, seeds, (1u << 5) | (1u << 6));
  EXPECT_NEAR(e->group_mean[2], g2, 4 * e->std_error);
}

TEST(EstimateSpreadTest, SameResultForAnyThreadCount) {
  // A random graph of 500 nodes, weighted cascade.
  graph::NodeId n = 500;
  std::vector<uint32_t> s, d;
  uint64_t x = 12345;
  for (int i = 0; i < 3000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    s.push_back((x >> 33) % n);
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    d.push_back((x >> 33) % n);
  }
  auto g = CsrGraph::FromEdges(n, s, d);
  ASSERT_TRUE(g.ok());
  for (Model m : {Model::kIndependentCascade, Model::kLinearThreshold}) {
    auto p = WeightedCascadeProbabilities(*g);
    auto dg = DiffusionGraph::Create(*g, m, *p);
    ASSERT_TRUE(dg.ok());
    std::vector<NodeId> seeds = {1, 2, 3, 50};
    SpreadOptions o;
    o.runs = 3001;
    o.seed = 9;
    o.groups.assign(n, 0);
    for (uint32_t v = 0; v < n; ++v) o.groups[v] = v % 4;
    o.threads = 1;
    auto a = EstimateSpread(*dg, seeds, o);
    o.threads = 2;
    auto b = EstimateSpread(*dg, seeds, o);
    o.threads = 3;
    auto c = EstimateSpread(*dg, seeds, o);
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    EXPECT_EQ(a->mean, b->mean);
    EXPECT_EQ(a->mean, c->mean);
    EXPECT_EQ(a->std_error, b->std_error);
    EXPECT_EQ(a->std_error, c->std_error);
    EXPECT_EQ(a->group_mean, c->group_mean);
    o.seed = 10;
    auto other = EstimateSpread(*dg, seeds, o);
    EXPECT_NE(a->mean, other->mean);
  }
}

TEST(ProbabilitiesTest, Generators) {
  // 0->2, 1->2, 3->2 (in-degree 3), 2->3 (in-degree 1 for 3 counts 2->3 only).
  auto g = CsrGraph::FromEdges(4, std::vector<NodeId>{0, 1, 3, 2},
                               std::vector<NodeId>{2, 2, 2, 3});
  ASSERT_TRUE(g.ok());
  auto wc = WeightedCascadeProbabilities(*g);
  ASSERT_TRUE(wc.ok());
  // Arc order: 0->2, 1->2, 2->3, 3->2.
  EXPECT_THAT(*wc, ::testing::ElementsAre(1.0 / 3, 1.0 / 3, 1.0, 1.0 / 3));
  auto gw = CsrGraph::FromEdges(3, std::vector<NodeId>{0, 1}, std::vector<NodeId>{2, 2},
                                std::vector<double>{1.0, 3.0});
  EXPECT_THAT(*WeightedCascadeProbabilities(*gw), ::testing::ElementsAre(0.25, 0.75));
  EXPECT_THAT(*LinearThresholdWeights(*gw), ::testing::ElementsAre(0.25, 0.75));
  auto ip = InteractionProbabilities(*gw, 0.5);
  ASSERT_TRUE(ip.ok());
  EXPECT_DOUBLE_EQ((*ip)[0], 1 - std::exp(-0.5));
  EXPECT_DOUBLE_EQ((*ip)[1], 1 - std::exp(-1.5));
  EXPECT_THAT(*ConstantProbabilities(*g, 0.2), ::testing::Each(0.2));
  auto t1 = TrivalencyProbabilities(*g, 4), t2 = TrivalencyProbabilities(*g, 4);
  EXPECT_EQ(*t1, *t2);
  for (double v : *t1) EXPECT_THAT(v, ::testing::AnyOf(0.1, 0.01, 0.001));
  EXPECT_THAT(InteractionProbabilities(*g, -1).status().message(), HasSubstr("lambda"));
  EXPECT_THAT(ConstantProbabilities(*g, 1.5).status().message(), HasSubstr("p: must"));
}

// The rule factory takes the graph over and puts on every arc what the
// generator of its rule gives; the value-taking factory copies the graph.
TEST(DiffusionGraphTest, RuleFactoryEqualsTheGeneratorsAndTakesTheGraphOver) {
  // Weighted, with a cycle and a node (3) of in-degree 2: 0->1 2, 1->2 1,
  // 2->0 4, 0->3 1, 2->3 3.
  auto g = CsrGraph::FromEdges(4, std::vector<NodeId>{0, 1, 2, 0, 2},
                               std::vector<NodeId>{1, 2, 0, 3, 3},
                               std::vector<double>{2, 1, 4, 1, 3});
  ASSERT_TRUE(g.ok());
  using Kind = ArcRule::Kind;
  auto rule = [](Kind kind) {
    ArcRule r;
    r.kind = kind;
    r.seed = 7;
    r.p = 0.3;
    r.lambda = 0.5;
    r.values = {0.1, 0.2, 0.3, 0.4, 0.5};
    return r;
  };
  struct Case {
    ArcRule rule;
    absl::StatusOr<std::vector<double>> values;
  } cases[] = {
      {rule(Kind::kWeightedCascade), WeightedCascadeProbabilities(*g)},
      {rule(Kind::kTrivalency), TrivalencyProbabilities(*g, 7)},
      {rule(Kind::kConstant), ConstantProbabilities(*g, 0.3)},
      {rule(Kind::kInteraction), InteractionProbabilities(*g, 0.5)},
      {rule(Kind::kGiven), std::vector<double>{0.1, 0.2, 0.3, 0.4, 0.5}},
  };
  for (Case& c : cases) {
    ASSERT_TRUE(c.values.ok());
    // Arc order 0->1, 0->3, 1->2, 2->0, 2->3; 3's in-arcs are 0->3, 2->3.
    const std::vector<double> v = *c.values;
    CsrGraph mine = *g;
    auto dg = DiffusionGraph::Create(std::move(mine), Model::kIndependentCascade, c.rule);
    ASSERT_TRUE(dg.ok()) << dg.status();
    EXPECT_EQ(mine.num_nodes(), 0u);  // taken over
    EXPECT_EQ(dg->out_values(), v);
    EXPECT_THAT(dg->out_targets(), ::testing::ElementsAre(1, 3, 2, 0, 3));
    EXPECT_THAT(dg->out_offsets(), ::testing::ElementsAre(0, 2, 3, 5, 5));
    EXPECT_THAT(dg->in_sources(), ::testing::ElementsAre(2, 0, 1, 0, 2));
    EXPECT_THAT(dg->in_values(), ::testing::ElementsAre(v[3], v[0], v[2], v[1], v[4]));
    // The same as the values given by hand on a copy.
    auto by_values = DiffusionGraph::Create(*g, Model::kIndependentCascade, v);
    ASSERT_TRUE(by_values.ok());
    EXPECT_EQ(g->num_arcs(), 5u);  // kept
    EXPECT_EQ(by_values->out_thresholds(), dg->out_thresholds());
    EXPECT_EQ(by_values->in_thresholds(), dg->in_thresholds());
    EXPECT_EQ(by_values->in_uniform_value(), dg->in_uniform_value());
  }
  // Given values are checked as on the value-taking factory.
  ArcRule given = rule(Kind::kGiven);
  given.values = {0.5};
  auto short_rule = DiffusionGraph::Create(CsrGraph(*g), Model::kIndependentCascade, given);
  EXPECT_THAT(short_rule.status().message(), HasSubstr("arc_values: 1 values"));
  // LT: a constant 0.6 puts 1.2 on node 3.
  ArcRule constant = rule(Kind::kConstant);
  constant.p = 0.6;
  auto lt = DiffusionGraph::Create(CsrGraph(*g), Model::kLinearThreshold, constant);
  EXPECT_THAT(lt.status().message(), HasSubstr("node 3 sum to"));
}

TEST(DiffusionGraphTest, RejectsBadInput) {
  auto g = CsrGraph::FromEdges(3, std::vector<NodeId>{0, 1}, std::vector<NodeId>{2, 2});
  ASSERT_TRUE(g.ok());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::vector<double> bad : {std::vector<double>{0.5, nan}, {-0.1, 0.5}, {1.2, 0.1}}) {
    auto dg = DiffusionGraph::Create(*g, Model::kIndependentCascade, bad);
    EXPECT_EQ(dg.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(dg.status().message(), HasSubstr("arc_values["));
  }
  auto size = DiffusionGraph::Create(*g, Model::kIndependentCascade, std::vector<double>{0.5});
  EXPECT_THAT(size.status().message(), HasSubstr("arc_values: 1 values"));
  auto lt = DiffusionGraph::Create(*g, Model::kLinearThreshold, std::vector<double>{0.6, 0.5});
  EXPECT_EQ(lt.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(lt.status().message(), HasSubstr("node 2 sum to"));
  // The same weights are fine for IC.
  EXPECT_TRUE(
      DiffusionGraph::Create(*g, Model::kIndependentCascade, std::vector<double>{0.6, 0.5}).ok());

  auto dg = DiffusionGraph::Create(*g, Model::kIndependentCascade, std::vector<double>{0.5, 0.5});
  ASSERT_TRUE(dg.ok());
  EXPECT_THAT(EstimateSpread(*dg, std::vector<NodeId>{3}).status().message(),
              HasSubstr("seeds[0]: node 3 out of range"));
  EXPECT_THAT(EstimateSpread(*dg, std::vector<NodeId>{0}, Runs(1)).status().message(),
              HasSubstr("runs"));
  EXPECT_THAT(EstimateSpread(*dg, std::vector<NodeId>{0}, Threads0()).status().message(),
              HasSubstr("threads"));
  SpreadOptions o;
  o.targets = {7};
  EXPECT_THAT(EstimateSpread(*dg, std::vector<NodeId>{0}, o).status().message(),
              HasSubstr("targets[0]"));
  o.targets.clear();
  o.groups = {0, 1};
  EXPECT_THAT(EstimateSpread(*dg, std::vector<NodeId>{0}, o).status().message(),
              HasSubstr("groups"));
}

}  // namespace
}  // namespace mitra::activation

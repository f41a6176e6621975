#include "mitra/activation/plan.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "exact.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mitra::activation {
namespace {

using testing::AllSetSpreads;
using testing::Arc;
using testing::Build;
using testing::ExactSpread;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// 7 nodes, probability-1 arcs: 0 reaches {0,1,2,3}, 4 reaches {4,5}, 6 is
// alone. Every spread is exact: the best 2 seeds are 0 then 4, reach 6.
std::vector<Arc> Certain() { return {{0, 1, 1.0}, {0, 2, 1.0}, {1, 3, 1.0}, {4, 5, 1.0}}; }

// 14 nodes, 14 arcs with uncertain IC probabilities (as in imm_test).
std::vector<Arc> SmallIc() {
  return {{0, 1, 0.8}, {0, 2, 0.7}, {0, 3, 0.6}, {0, 4, 0.5}, {5, 6, 0.9}, {5, 7, 0.8},
          {5, 8, 0.4}, {6, 9, 0.5},  {9, 10, 0.6}, {10, 11, 0.7}, {11, 12, 0.3}, {12, 9, 0.5},
          {3, 13, 0.5}, {7, 13, 0.4}};
}

std::vector<NodeId> Nodes(const PlanResult& r) {
  std::vector<NodeId> v;
  for (const PlannedSeed& s : r.seeds) v.push_back(s.node);
  return v;
}

TEST(PlanTest, CertainEdgesGiveExactReach) {
  const DiffusionGraph dg = Build(7, Certain(), Model::kIndependentCascade);
  PlanOptions o;
  o.imm.k = 2;
  o.imm.groups = {0, 0, 0, 0, 1, 1, 2};  // reported only (no quotas)
  auto r = Plan(dg, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Nodes(*r), ElementsAre(0u, 4u));
  EXPECT_DOUBLE_EQ(r->check.mean, 6.0);
  EXPECT_DOUBLE_EQ(r->check.std_error, 0.0);
  EXPECT_DOUBLE_EQ(r->check.ci_low, 6.0);
  EXPECT_DOUBLE_EQ(r->check.ci_high, 6.0);
  EXPECT_EQ(r->check.runs, 10000u);
  EXPECT_THAT(r->check.group_mean, ElementsAre(4.0, 2.0, 0.0));
  // IMM's own estimate: the 6 covered nodes of 7 (RR roots are random, the
  // covered fraction is exactly 6/7 in expectation).
  EXPECT_NEAR(r->imm_estimate, 6.0, 0.5);
  EXPECT_NEAR(r->seeds[0].marginal_gain, 4.0, 0.5);
  EXPECT_NEAR(r->seeds[1].marginal_gain, 2.0, 0.5);
  EXPECT_DOUBLE_EQ(r->seeds[0].marginal_gain + r->seeds[1].marginal_gain, r->imm_estimate);
  EXPECT_DOUBLE_EQ(r->seeds[0].cost, 1.0);
  EXPECT_DOUBLE_EQ(r->total_cost, 2.0);
  EXPECT_DOUBLE_EQ(r->cost_per_reached, 2.0 / 6.0);
  EXPECT_EQ(r->cost_basis.kind, BasisKind::kAssumed);  // no costs: 1 per seed
  EXPECT_EQ(r->cost_basis.source, "each seed costs 1 (costs empty)");
  EXPECT_DOUBLE_EQ(r->approximation, 1 - std::exp(-1.0) - 0.1);
  EXPECT_NE(r->check_seed, o.imm.seed);
  EXPECT_EQ(r->check_seed, CheckSeed(o.imm.seed));
  EXPECT_THAT(r->guarantee, HasSubstr("1 - 1/e - epsilon"));
}

TEST(PlanTest, BudgetUsesCostsAndReportsCostPerReached) {
  const DiffusionGraph dg = Build(7, Certain(), Model::kIndependentCascade);
  PlanOptions o;
  o.imm.budget = 3.5;
  o.imm.costs = {1.5, 5, 5, 5, 2, 5, 5};
  auto r = Plan(dg, o);
  ASSERT_TRUE(r.ok()) << r.status();
  // 0 (4 nodes for 1.5), then 4 (2 for 2): 3.5 spent.
  EXPECT_THAT(Nodes(*r), ElementsAre(0u, 4u));
  EXPECT_DOUBLE_EQ(r->seeds[0].cost, 1.5);
  EXPECT_DOUBLE_EQ(r->seeds[1].cost, 2.0);
  EXPECT_DOUBLE_EQ(r->total_cost, 3.5);
  EXPECT_EQ(r->cost_basis.kind, BasisKind::kGiven);
  EXPECT_EQ(r->cost_basis.source, "costs");
  EXPECT_DOUBLE_EQ(r->check.mean, 6.0);
  EXPECT_DOUBLE_EQ(r->cost_per_reached, 3.5 / 6.0);
  EXPECT_NEAR(r->gamma, (1 - std::exp(-1.0)) / 2, 1e-12);
  EXPECT_THAT(r->guarantee, HasSubstr("(1 - 1/e)/2"));
}

TEST(PlanTest, TargetsAndQuotas) {
  const DiffusionGraph dg = Build(7, Certain(), Model::kIndependentCascade);
  PlanOptions o;
  o.imm.k = 1;
  o.imm.targets = {4, 5, 6};
  auto r = Plan(dg, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Nodes(*r), ElementsAre(4u));
  EXPECT_DOUBLE_EQ(r->check.mean, 2.0);
  // Quota 0 on group 0 keeps node 0 out even though it reaches most.
  PlanOptions q;
  q.imm.k = 1;
  q.imm.groups = {0, 0, 0, 0, 1, 1, 1};
  q.imm.group_quota = {0, 1};
  r = Plan(dg, q);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Nodes(*r), ElementsAre(4u));
  EXPECT_THAT(r->check.group_mean, ElementsAre(0.0, 2.0));
  EXPECT_THAT(r->guarantee, HasSubstr("quotas"));
}

TEST(PlanTest, IntervalContainsExactSpread) {
  for (Model m : {Model::kIndependentCascade, Model::kLinearThreshold}) {
    auto arcs = SmallIc();
    if (m == Model::kLinearThreshold) arcs[11].p = 0.4;  // in-weights of 9 <= 1
    const DiffusionGraph dg = Build(14, arcs, m);
    PlanOptions o;
    o.imm.k = 3;
    o.imm.seed = 5;
    auto r = Plan(dg, o);
    ASSERT_TRUE(r.ok()) << r.status();
    const std::vector<NodeId> chosen = Nodes(*r);
    std::vector<uint32_t> seeds(chosen.begin(), chosen.end());
    const double exact = ExactSpread(14, arcs, m, seeds);
    EXPECT_LE(r->check.ci_low, exact);
    EXPECT_GE(r->check.ci_high, exact);
    EXPECT_GT(r->check.std_error, 0.0);
    // The plan's own estimate agrees with the check (within epsilon * OPT).
    EXPECT_NEAR(r->imm_estimate, r->check.mean, 0.1 * exact + 3 * r->check.std_error);
  }
}

TEST(PlanTest, DeterministicAcrossThreads) {
  const DiffusionGraph dg = Build(14, SmallIc(), Model::kIndependentCascade);
  PlanOptions o;
  o.imm.k = 3;
  o.check_runs = 2000;
  auto a = Plan(dg, o);
  o.imm.threads = 2;
  auto b = Plan(dg, o);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(Nodes(*a), Nodes(*b));
  EXPECT_EQ(a->check.mean, b->check.mean);
  EXPECT_EQ(a->imm_estimate, b->imm_estimate);
  o.check_seed = 77;
  auto c = Plan(dg, o);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->check_seed, 77u);
  EXPECT_EQ(Nodes(*a), Nodes(*c));
}

// OPIM-C's plan on the 14-node graph: the independent check's interval
// contains the exact spread of its seeds, R2's estimate agrees with the
// check, and the seeds are within the guarantee of the brute-force optimum
// over all 3-sets (IC and LT).
TEST(PlanTest, OpimCPlanAgreesWithItsCheck) {
  for (Model m : {Model::kIndependentCascade, Model::kLinearThreshold}) {
    auto arcs = SmallIc();
    if (m == Model::kLinearThreshold) arcs[11].p = 0.4;  // in-weights of 9 <= 1
    const DiffusionGraph dg = Build(14, arcs, m);
    PlanOptions o;
    o.imm.algorithm = ImAlgorithm::kOpimC;
    o.imm.k = 3;
    o.imm.seed = 5;
    // A 99.9% interval: with the default check seed the 95% one misses the
    // exact spread of these seeds (0, 5, 12) by 0.01 in both models, as 5%
    // of seeds do (190 and 191 of check seeds 1..200 cover it, mean
    // z-score 0.1: no bias).
    o.z = 3.29;
    auto r = Plan(dg, o);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->imm.algorithm, ImAlgorithm::kOpimC);
    const std::vector<NodeId> chosen = Nodes(*r);
    const double exact =
        ExactSpread(14, arcs, m, std::vector<uint32_t>(chosen.begin(), chosen.end()));
    EXPECT_LE(r->check.ci_low, exact);
    EXPECT_GE(r->check.ci_high, exact);
    EXPECT_NEAR(r->imm_estimate, r->check.mean, 0.1 * exact + 3 * r->check.std_error);
    double opt = 0;
    for (const auto& [mask, s] : AllSetSpreads(14, arcs, m, 3)) opt = std::max(opt, s);
    EXPECT_GE(exact, r->approximation * opt);
    EXPECT_GE(r->approximation, 1 - std::exp(-1.0) - 0.1);
    EXPECT_THAT(r->guarantee, HasSubstr("(1 - 1/e - epsilon) = 0.5321"));
    EXPECT_THAT(r->guarantee, HasSubstr("OPIM-C certified"));
    // Same plan for 2 threads.
    o.imm.threads = 2;
    auto b = Plan(dg, o);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(Nodes(*b), chosen);
    EXPECT_EQ(b->check.mean, r->check.mean);
    EXPECT_EQ(b->imm_estimate, r->imm_estimate);
  }
}

TEST(PlanTest, RejectsBadOptions) {
  const DiffusionGraph dg = Build(7, Certain(), Model::kIndependentCascade);
  PlanOptions o;
  o.check_runs = 1;
  auto r = Plan(dg, o);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("check_runs"));
  o = {};
  o.imm.groups = {0, 1};
  r = Plan(dg, o);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("groups"));
  o = {};
  o.imm.epsilon = 0;
  r = Plan(dg, o);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("epsilon"));
}

}  // namespace
}  // namespace mitra::activation

#include "mitra/activation/workspace_plan.h"

#include <vector>

#include "common/table_builder.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/graph/interaction_graph.h"

namespace mitra::activation {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace mitra::testing;  // NOLINT: table builders

constexpr int64_t kDay = 86400;

// Six customers. Replies c0->c1, c1->c2 (in k0), c3->c4 (in k1), and
// untagged c0->c3, c3->c5. Every customer has at most one in-arc, so the
// weighted cascade makes every arc certain (w / in-weight = 1) and every
// spread exact: c0 reaches all 6, c3 reaches {c3,c4,c5}, c1 {c1,c2}, the
// rest only themselves. Homes: c0,c1,c2 in k0, c3,c4 in k1, c5 none.
void Fill(Tables& t) {
  AddCustomers(t, 6);
  AddCommunities(t, 2);
  for (Index c : {0, 1, 2}) AddMembership(t, c, 0, 0);
  for (Index c : {3, 4}) AddMembership(t, c, 1, 0);
  AddInteraction(t, 0, 1, kReply, 10 * kDay, 0);
  AddInteraction(t, 1, 2, kReply, 11 * kDay, 0);
  AddInteraction(t, 3, 4, kReply, 12 * kDay, 1);
  AddInteraction(t, 0, 3, kReply, 13 * kDay);
  AddInteraction(t, 3, 5, kReply, 14 * kDay);
}

DiffusionGraph Diffusion(const Tables& t) {
  auto ig = graph::BuildInteractionGraph(t, {});
  EXPECT_TRUE(ig.ok()) << ig.status();
  auto p = WeightedCascadeProbabilities(ig->graph);
  EXPECT_TRUE(p.ok()) << p.status();
  auto dg = DiffusionGraph::Create(ig->graph, Model::kIndependentCascade, *p);
  EXPECT_TRUE(dg.ok()) << dg.status();
  return *std::move(dg);
}

std::vector<Index> Seeds(const WorkspacePlanResult& r) {
  std::vector<Index> v;
  for (const PlannedLeader& l : r.leaders) v.push_back(l.customer);
  return v;
}

WorkspacePlanOptions AllCandidates(uint32_t k) {
  WorkspacePlanOptions o;
  o.candidates = CandidateSource::kAll;
  o.plan.imm.k = k;
  o.plan.check_runs = 200;
  return o;
}

TEST(WorkspacePlanTest, HomeCommunityIsTheEarliestCurrentMembership) {
  Tables t;
  Fill(t);
  AddMembership(t, 4, 0, -5 * kDay);               // c4 joined k0 earlier: home k0
  AddMembership(t, 5, 1, 0, 1 * kDay);             // c5 left k1 before as_of: still none
  EXPECT_THAT(HomeCommunities(t, 20 * kDay), ElementsAre(0u, 0u, 0u, 1u, 0u, kNoIndex));
  // Before anyone joined: no homes.
  EXPECT_THAT(HomeCommunities(t, -6 * kDay),
              ElementsAre(kNoIndex, kNoIndex, kNoIndex, kNoIndex, kNoIndex, kNoIndex));
}

TEST(WorkspacePlanTest, BestCustomerAndReachPerHomeCommunity) {
  Tables t;
  Fill(t);
  auto r = PlanOnWorkspace(t, Diffusion(t), AllCandidates(1));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Seeds(*r), ElementsAre(0u));
  EXPECT_EQ(r->candidates, 6u);
  EXPECT_DOUBLE_EQ(r->plan.check.mean, 6.0);  // certain arcs: everyone
  ASSERT_EQ(r->reach.size(), 3u);             // k0, k1, none
  EXPECT_EQ(r->reach[0].community, 0u);
  EXPECT_EQ(r->reach[0].customers, 3u);
  EXPECT_DOUBLE_EQ(r->reach[0].expected_reached, 3.0);
  EXPECT_EQ(r->reach[1].customers, 2u);
  EXPECT_DOUBLE_EQ(r->reach[1].expected_reached, 2.0);
  EXPECT_EQ(r->reach[2].community, kNoIndex);
  EXPECT_DOUBLE_EQ(r->reach[2].expected_reached, 1.0);
  EXPECT_EQ(r->leaders[0].home, 0u);
  EXPECT_DOUBLE_EQ(r->plan.total_cost, 1.0);  // no cost source: 1 per seed
}

TEST(WorkspacePlanTest, ExcludedMustIncludeAndTargets) {
  Tables t;
  Fill(t);
  WorkspacePlanOptions o = AllCandidates(1);
  o.excluded = {0};
  o.target_communities = {1};  // reach counted on c3, c4 only
  auto r = PlanOnWorkspace(t, Diffusion(t), o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Seeds(*r), ElementsAre(3u));  // c3 reaches both targets
  EXPECT_DOUBLE_EQ(r->plan.check.mean, 2.0);
  ASSERT_EQ(r->reach.size(), 2u);  // no target without a home
  EXPECT_EQ(r->reach[0].customers, 0u);
  EXPECT_EQ(r->reach[1].customers, 2u);
  EXPECT_DOUBLE_EQ(r->reach[1].expected_reached, 2.0);

  WorkspacePlanOptions m = AllCandidates(2);
  m.must_include = {5};
  r = PlanOnWorkspace(t, Diffusion(t), m);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Seeds(*r), ElementsAre(5u, 0u));
}

TEST(WorkspacePlanTest, QuotaPerHomeCommunity) {
  Tables t;
  Fill(t);
  WorkspacePlanOptions o = AllCandidates(1);
  o.community_quota = {{0, 0u}};  // no seed may live in k0: c3 (3 reached) is best
  auto r = PlanOnWorkspace(t, Diffusion(t), o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Seeds(*r), ElementsAre(3u));
  EXPECT_DOUBLE_EQ(r->plan.check.mean, 3.0);
  EXPECT_DOUBLE_EQ(r->plan.gamma, 0.5);  // a quota: greedy's 1/2
}

TEST(WorkspacePlanTest, BudgetWithExplicitAttributeAndDefaultCosts) {
  Tables t;
  Fill(t);
  // Cost-effective greedy with budget 3 (gain / cost): c0 costs 10 (not
  // affordable); c1 2/1 = 2 beats c3 3/2 = 1.5, then c3 (1.5 > c4's 1/1)
  // fills the budget: seeds c1, c3, reach 5 of 6, cost 3. The best single
  // affordable node (c3, 3) is worse, so the greedy set stands.
  WorkspacePlanOptions o = AllCandidates(1);
  o.plan.imm.budget = 3;
  o.costs = {{0, 10.0}, {3, 2.0}};
  auto r = PlanOnWorkspace(t, Diffusion(t), o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Seeds(*r), ElementsAre(1u, 3u));
  EXPECT_DOUBLE_EQ(r->plan.total_cost, 3.0);
  EXPECT_DOUBLE_EQ(r->plan.check.mean, 5.0);
  EXPECT_DOUBLE_EQ(r->plan.cost_per_reached, 3.0 / 5.0);

  // c1's incentive cost 5 from its attribute: c3 first (1.5), then with 1
  // left only 1-cost nodes: c2 adds itself (gain 1), c4/c5 add nothing.
  for (int c = 0; c < 6; ++c)
    t.customers.attributes.Append(std::vector<std::pair<std::string, std::string>>{
        {"incentive_cost", c == 1 ? "5" : "not a number"}});
  r = PlanOnWorkspace(t, Diffusion(t), o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Seeds(*r), ElementsAre(3u, 2u));
  EXPECT_DOUBLE_EQ(r->plan.total_cost, 3.0);
  EXPECT_DOUBLE_EQ(r->plan.check.mean, 4.0);

  // A default cost of 2 for everyone else: c3 (3/2) then nothing affordable
  // but... c1 costs 5 by attribute, the rest 2: c3 first, 1 left: done.
  o.default_cost = 2;
  o.costs.pop_back();  // c3 back to the default
  r = PlanOnWorkspace(t, Diffusion(t), o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Seeds(*r), ElementsAre(3u));
  EXPECT_DOUBLE_EQ(r->plan.total_cost, 2.0);
}

// Each seed's cost says where it came from, and the total is assumed as
// soon as one seed's cost is the default the host did not set.
TEST(WorkspacePlanTest, CostBasisNamesWhereEachCostCameFrom) {
  Tables t;
  Fill(t);
  // k = 2 without costs: c0 (all 6), then nothing adds; the next best by
  // index is chosen with gain 0. Both costs are the unset default.
  WorkspacePlanOptions o = AllCandidates(2);
  auto r = PlanOnWorkspace(t, Diffusion(t), o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->leaders.size(), 2u);
  for (const PlannedLeader& l : r->leaders) {
    EXPECT_EQ(l.cost_basis.kind, BasisKind::kAssumed);
    EXPECT_THAT(l.cost_basis.source, HasSubstr("default_cost = 1 (absent"));
  }
  EXPECT_EQ(r->plan.cost_basis.kind, BasisKind::kAssumed);
  EXPECT_THAT(r->plan.cost_basis.source, HasSubstr("2 seeds' costs: 2 from default_cost = 1"));

  // c0 listed, c1 by attribute, the rest by a default the host set: all
  // given, each naming its own source.
  for (int c = 0; c < 6; ++c)
    t.customers.attributes.Append(std::vector<std::pair<std::string, std::string>>{
        {"incentive_cost", c == 3 ? "4" : "-"}});
  o = AllCandidates(2);
  o.costs = {{0, 7.0}};
  o.default_cost = 1;
  o.default_cost_set = true;
  r = PlanOnWorkspace(t, Diffusion(t), o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_THAT(Seeds(*r), ElementsAre(0u, ::testing::_));
  EXPECT_EQ(r->leaders[0].cost_basis.kind, BasisKind::kGiven);
  EXPECT_EQ(r->leaders[0].cost_basis.source, "costs");
  EXPECT_EQ(r->plan.cost_basis.kind, BasisKind::kGiven);
  EXPECT_THAT(r->plan.cost_basis.source, HasSubstr("2 seeds' costs: 1 from costs; 1 from "));

  // The same with c3 forced in: its cost is its attribute's.
  o.must_include = {3};
  r = PlanOnWorkspace(t, Diffusion(t), o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->leaders[0].customer, 3u);
  EXPECT_EQ(r->leaders[0].cost_basis.kind, BasisKind::kGiven);
  EXPECT_EQ(r->leaders[0].cost_basis.source, "customer attribute incentive_cost (cost_attribute)");
  EXPECT_DOUBLE_EQ(r->plan.seeds[0].cost, 4.0);

  // Without default_cost_set the one default seed makes the total assumed.
  o.default_cost_set = false;
  o.must_include.clear();
  r = PlanOnWorkspace(t, Diffusion(t), o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->plan.cost_basis.kind, BasisKind::kAssumed);
  EXPECT_THAT(r->plan.cost_basis.source, HasSubstr("1 from costs; 1 from default_cost = 1 (absent"));
}

TEST(WorkspacePlanTest, LeadersAreTheCandidates) {
  Tables t;
  Fill(t);
  WorkspacePlanOptions o;
  o.plan.imm.k = 1;
  o.plan.check_runs = 200;
  o.leaders.top = 1;
  o.leaders.top_bridges = 0;
  auto found = leaders::FindLeaders(t, o.leaders);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->communities.size(), 2u);
  std::vector<Index> tops;
  for (const auto& cl : found->communities) tops.push_back(cl.leaders.at(0).customer);

  auto r = PlanOnWorkspace(t, Diffusion(t), o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->candidates, 2u);
  ASSERT_EQ(r->leaders.size(), 1u);
  const PlannedLeader& l = r->leaders[0];
  EXPECT_THAT(tops, ::testing::Contains(l.customer));
  EXPECT_EQ(l.leader_rank, 1u);
  EXPECT_EQ(l.community, l.customer == tops[0] ? 0u : 1u);
  // The better of the two leaders by exact spread.
  const double spread[6] = {6, 2, 1, 3, 1, 1};
  const Index best = spread[tops[0]] >= spread[tops[1]] ? tops[0] : tops[1];
  EXPECT_EQ(l.customer, best);
  EXPECT_DOUBLE_EQ(r->plan.check.mean, spread[best]);
}

TEST(WorkspacePlanTest, BadOptionsNameTheField) {
  Tables t;
  Fill(t);
  const DiffusionGraph dg = Diffusion(t);
  WorkspacePlanOptions o = AllCandidates(1);
  o.costs = {{2, -1.0}};
  EXPECT_THAT(PlanOnWorkspace(t, dg, o).status().message(), HasSubstr("costs[c2]"));
  o = AllCandidates(1);
  o.default_cost = 0;
  EXPECT_THAT(PlanOnWorkspace(t, dg, o).status().message(), HasSubstr("default_cost"));
  o = AllCandidates(1);
  o.plan.imm.candidates = {1};
  EXPECT_THAT(PlanOnWorkspace(t, dg, o).status().message(), HasSubstr("node-level"));
  o = AllCandidates(1);
  o.target_communities = {7};
  EXPECT_THAT(PlanOnWorkspace(t, dg, o).status().message(), HasSubstr("target_communities[0]"));
  o = AllCandidates(1);
  o.excluded = {6};
  EXPECT_THAT(PlanOnWorkspace(t, dg, o).status().message(), HasSubstr("excluded[0]"));
}

}  // namespace
}  // namespace mitra::activation

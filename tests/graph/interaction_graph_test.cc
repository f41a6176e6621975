// The interaction graph against hand-computed decayed weights.
#include "mitra/graph/interaction_graph.h"

#include <cmath>
#include <string>

#include "common/table_builder.h"
#include "gtest/gtest.h"

namespace mitra::graph {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kT = 1'700'000'000;  // the reference time
using namespace ::mitra::testing;  // NOLINT: the table builders and kind names

void Act(Tables& t, Index from, Index to, EnumValue kind, int64_t time, Index community = kNoIndex,
         double weight = NAN) {
  AddInteraction(t, from, to, kind, time, community, weight);
}
void Join(Tables& t, Index customer, Index community, int64_t joined, int64_t left = kNoTime) {
  AddMembership(t, customer, community, joined, left);
}

// Weight of u -> v in a graph (0 when absent).
double Edge(const CsrGraph& g, NodeId u, NodeId v) {
  auto nb = g.out_neighbors(u);
  auto w = g.out_weights(u);
  for (size_t i = 0; i < nb.size(); ++i) {
    if (nb[i] == v) return w.empty() ? 1.0 : w[i];
  }
  return 0;
}

// 3 customers: 0 -> 1 reply now (1), 0 -> 1 endorsement one half-life ago
// (3 * 1/2), 1 -> 2 like of weight 2 two half-lives ago (0.5 * 2 * 1/4),
// a flag (kind weight 0), a post (no target), a self-reply (dropped) and a
// reply a day after as_of (not counted).
void Fill(Tables& t) {
  AddCustomers(t, 3);
  Act(t, 0, 1, kReply, kT);
  Act(t, 0, 1, kEndorsement, kT - 180 * kDay);
  Act(t, 1, 2, kLike, kT - 360 * kDay, kNoIndex, 2.0);
  Act(t, 2, 0, kFlag, kT);
  Act(t, 2, kNoIndex, kPost, kT);
  Act(t, 0, 0, kReply, kT);
  Act(t, 2, 1, kReply, kT + kDay);
}

TEST(InteractionGraphTest, DefaultKindWeights) {
  const KindWeights w = DefaultKindWeights();
  const double want[kInteractionKinds] = {0, 1, 1, 0.5, 3, 2, 0, 0, 1, 1, 0};
  for (int k = 0; k < kInteractionKinds; ++k) EXPECT_EQ(w[k], want[k]) << InteractionKindName(k);
  EXPECT_STREQ(InteractionKindName(4), "endorsement");
  EXPECT_STREQ(InteractionKindName(10), "flag");
  EXPECT_STREQ(InteractionKindName(11), "unknown");
}

TEST(InteractionGraphTest, DecayedWeightsByHand) {
  Tables t;
  Fill(t);
  InteractionGraphOptions o;
  o.as_of = kT;  // half_life_days = 180 (default)
  auto g = BuildInteractionGraph(t, o);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->as_of, kT);
  EXPECT_EQ(g->graph.num_nodes(), 3u);
  EXPECT_TRUE(g->graph.directed());
  EXPECT_EQ(g->graph.num_arcs(), 2u);
  EXPECT_DOUBLE_EQ(Edge(g->graph, 0, 1), 1.0 + 3.0 * 0.5);
  EXPECT_DOUBLE_EQ(Edge(g->graph, 1, 2), 0.5 * 2.0 * 0.25);
  EXPECT_EQ(Edge(g->graph, 2, 0), 0.0);  // flags add no edge
  EXPECT_EQ(Edge(g->graph, 0, 0), 0.0);  // self-loop dropped
  EXPECT_EQ(Edge(g->graph, 2, 1), 0.0);  // after as_of
  EXPECT_EQ(g->customer, (std::vector<Index>{0, 1, 2}));
}

TEST(InteractionGraphTest, NoDecaySelfLoopsAndDefaultAsOf) {
  Tables t;
  Fill(t);
  InteractionGraphOptions o;
  o.half_life_days = 0;
  o.keep_self_loops = true;
  auto g = BuildInteractionGraph(t, o);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->as_of, kT + kDay);  // the latest interaction
  EXPECT_DOUBLE_EQ(Edge(g->graph, 0, 1), 4.0);
  EXPECT_DOUBLE_EQ(Edge(g->graph, 1, 2), 1.0);
  EXPECT_DOUBLE_EQ(Edge(g->graph, 0, 0), 1.0);
  EXPECT_DOUBLE_EQ(Edge(g->graph, 2, 1), 1.0);
}

TEST(InteractionGraphTest, FractionalAgeAndCustomKindWeights) {
  Tables t;
  AddCustomers(t, 2);
  Act(t, 0, 1, kMessage, kT - 45 * kDay);  // a quarter of a 180-day half-life
  InteractionGraphOptions o;
  o.as_of = kT;
  o.kind_weights[kMessage] = 4;
  auto g = BuildInteractionGraph(t, o);
  ASSERT_TRUE(g.ok());
  EXPECT_NEAR(Edge(g->graph, 0, 1), 4 * std::pow(2.0, -0.25), 1e-15);
  EXPECT_DOUBLE_EQ(DecayFactor(kT - 90 * kDay, kT, 90), 0.5);
  EXPECT_EQ(DecayFactor(kT + 1, kT, 90), 0.0);
  EXPECT_EQ(DecayFactor(kT - 90 * kDay, kT, 0), 1.0);
}

TEST(InteractionGraphTest, CommunitySubgraph) {
  Tables t;
  AddCustomers(t, 5);
  AddCommunities(t, 2);
  Join(t, 0, 0, kT - 10 * kDay);
  Join(t, 2, 0, kT - 10 * kDay, kT - 5 * kDay);  // left: still a node
  Join(t, 1, 1, kT - 10 * kDay);
  Act(t, 0, 3, kReply, kT, 0);     // 3 is a node through the interaction
  Act(t, 3, 0, kShare, kT, 0);
  Act(t, 1, 0, kReply, kT, 1);     // another community
  Act(t, 4, 0, kReply, kT);        // no community
  InteractionGraphOptions o;
  o.as_of = kT;
  auto g = BuildCommunityGraph(t, 0, o);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->customer, (std::vector<Index>{0, 2, 3}));
  EXPECT_EQ(g->graph.num_arcs(), 2u);
  EXPECT_DOUBLE_EQ(Edge(g->graph, 0, 2), 1.0);  // customers 0 -> 3
  EXPECT_DOUBLE_EQ(Edge(g->graph, 2, 0), 1.0);  // customers 3 -> 0
  auto g1 = BuildCommunityGraph(t, 1, o);
  ASSERT_TRUE(g1.ok());
  EXPECT_EQ(g1->customer, (std::vector<Index>{0, 1}));
  EXPECT_DOUBLE_EQ(Edge(g1->graph, 1, 0), 1.0);
}

TEST(InteractionGraphTest, BadInput) {
  Tables t;
  Fill(t);
  AddCommunities(t, 1);
  InteractionGraphOptions o;
  o.kind_weights[kEndorsement] = -1;
  auto g = BuildInteractionGraph(t, o);
  EXPECT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(g.status().message().find("kind_weights[4] (endorsement)"), std::string::npos)
      << g.status();
  o = {};
  o.kind_weights[kLike] = NAN;
  EXPECT_EQ(BuildInteractionGraph(t, o).status().code(), absl::StatusCode::kInvalidArgument);
  o = {};
  o.half_life_days = -1;
  g = BuildInteractionGraph(t, o);
  EXPECT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(g.status().message().find("half_life_days"), std::string::npos);
  o.half_life_days = INFINITY;
  EXPECT_EQ(BuildInteractionGraph(t, o).status().code(), absl::StatusCode::kInvalidArgument);
  o = {};
  g = BuildCommunityGraph(t, 1, o);
  EXPECT_EQ(g.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(g.status().message().find("community 1"), std::string::npos);
  t.interactions.weight[0] = -2;
  g = BuildInteractionGraph(t, o);
  EXPECT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(g.status().message().find("interactions[0].weight"), std::string::npos);
}

TEST(InteractionGraphTest, EmptyWorkspace) {
  Tables t;
  auto g = BuildInteractionGraph(t, {});
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->graph.num_nodes(), 0u);
  EXPECT_EQ(g->as_of, kNoTime);
}

}  // namespace
}  // namespace mitra::graph

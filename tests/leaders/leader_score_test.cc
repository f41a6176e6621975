// Leader and bridge scores on a 4-customer workspace, every component
// computed by hand (closed forms for PageRank and EigenTrust).
#include "mitra/leaders/leader_score.h"

#include <cmath>
#include <string>
#include <vector>

#include "common/table_builder.h"
#include "gtest/gtest.h"

namespace mitra::leaders {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kT = 1'700'000'000;
using namespace ::mitra::testing;  // NOLINT: the table builders and kind names

void Act(Tables& t, Index from, Index to, EnumValue kind, int64_t time, Index community) {
  AddInteraction(t, from, to, kind, time, community);
}
void Join(Tables& t, Index customer, Index community, int64_t joined, int64_t left = kNoTime) {
  AddMembership(t, customer, community, joined, left);
}

// Communities A = 0 (customers 0..3) and B = 1 (customers 1, 2); every
// interaction at kT = as_of, so nothing decays or is forgotten.
void Fill(Tables& t, int customers = 4) {
  for (int i = 0; i < customers; ++i) t.customers.ids.Add("c" + std::to_string(i));
  t.customers.created.assign(customers, kNoTime);
  for (const char* id : {"A", "B"}) AddCommunity(t, id);
  Join(t, 0, 0, kT - 100 * kDay);
  Join(t, 1, 0, kT - 50 * kDay);
  Join(t, 2, 0, kT - 10 * kDay);
  Join(t, 3, 0, kT - 10 * kDay);
  Join(t, 1, 1, kT - 20 * kDay);
  Join(t, 2, 1, kT - 5 * kDay);
  Act(t, 0, 1, kEndorsement, kT, 0);  // edge 3, evidence +1 about 1
  Act(t, 1, 0, kEndorsement, kT, 0);  // edge 3, evidence +1 about 0
  Act(t, 2, 0, kReply, kT, 0);        // edge 1
  Act(t, 3, 0, kLike, kT, 0);         // edge 0.5, evidence +0.25 about 0
  Act(t, 3, 1, kFlag, kT, 0);         // no edge, evidence -1 about 1
  Act(t, 0, kNoIndex, kPost, kT, 0);  // activity only
  Act(t, 0, 2, kMention, kT, 0);      // edge 1
  Act(t, 1, 2, kReply, kT, 1);        // edge 1 in B
  Act(t, 0, 3, kReferral, kT, kNoIndex);  // untagged: in no community
}

LeaderOptions Options() {
  LeaderOptions o;
  o.graph.as_of = kT;
  return o;
}

const LeaderEntry& Entry(const CommunityLeaders& c, Index customer) {
  for (const LeaderEntry& e : c.leaders) {
    if (e.customer == customer) return e;
  }
  ADD_FAILURE() << "customer " << customer << " not ranked";
  return c.leaders.front();
}

TEST(PercentileScaleTest, TiesShareTheMeanRank) {
  EXPECT_EQ(PercentileScale(std::vector<double>{3, 1, 2}), (std::vector<double>{1, 0, 0.5}));
  // Ranks 1, 2.5, 2.5, 4 -> (r - 1) / 3.
  EXPECT_EQ(PercentileScale(std::vector<double>{1, 2, 2, 5}),
            (std::vector<double>{0, 0.5, 0.5, 1}));
  // Ranks 2, 2, 2, 4, 5 -> (r - 1) / 4 = 1/4, 1/4, 1/4, 3/4, 1.
  EXPECT_EQ(PercentileScale(std::vector<double>{0, 0, 9, 0, 4}),
            (std::vector<double>{0.25, 0.25, 1, 0.25, 0.75}));
  EXPECT_EQ(PercentileScale(std::vector<double>{4, 4, 4}), (std::vector<double>{0.5, 0.5, 0.5}));
  EXPECT_EQ(PercentileScale(std::vector<double>{7}), (std::vector<double>{0.5}));
  EXPECT_TRUE(PercentileScale(std::vector<double>{}).empty());
}

TEST(LeaderScoreTest, ComponentNames) {
  const char* want[] = {"influence", "reach", "trust", "activity", "tenure", "embeddedness"};
  for (int k = 0; k < kNumComponents; ++k) {
    EXPECT_STREQ(ComponentName(static_cast<Component>(k)), want[k]);
  }
}

TEST(LeaderScoreTest, RawComponentsByHand) {
  Tables t;
  Fill(t);
  auto r = FindLeaders(t, Options());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->as_of, kT);
  ASSERT_EQ(r->communities.size(), 2u);
  const CommunityLeaders& a = r->communities[0];
  EXPECT_EQ(a.community, 0u);
  EXPECT_EQ(a.members, 4u);
  ASSERT_EQ(a.leaders.size(), 4u);

  // Influence: PageRank (d = 0.85, uniform teleport) on 0->1 (3), 0->2 (1),
  // 1->0 (3), 2->0 (1), 3->0 (0.5): p3 = 0.0375, p1 = 0.0375 + 0.6375 p0,
  // p2 = 0.0375 + 0.2125 p0, p0 = 0.0375 + 0.85 (p1 + p2 + p3)
  // => p0 = 0.133125 / 0.2775.
  const double p0 = 0.133125 / 0.2775;
  EXPECT_NEAR(Entry(a, 0).raw[kInfluence], p0, 1e-9);
  EXPECT_NEAR(Entry(a, 1).raw[kInfluence], 0.0375 + 0.6375 * p0, 1e-9);
  EXPECT_NEAR(Entry(a, 2).raw[kInfluence], 0.0375 + 0.2125 * p0, 1e-9);
  EXPECT_NEAR(Entry(a, 3).raw[kInfluence], 0.0375, 1e-9);

  // Reach: distinct targets.
  EXPECT_EQ(Entry(a, 0).raw[kReach], 2);
  EXPECT_EQ(Entry(a, 1).raw[kReach], 1);
  EXPECT_EQ(Entry(a, 3).raw[kReach], 1);  // the flag is no edge

  // Trust: Beta reputation (r0 = 1.25, s0 = 0; r1 = s1 = 1; others none)
  // times EigenTrust relative to uniform (x 4). Local trust 0->1, 1->0, 3->0
  // (0.25 - 0 after 3->1 is clipped: 3 trusts only 0), 2 trusts nobody.
  // a = 0.15: t2 = t3 = 1/21, t1 = 0.85 t0 + 1/21, t0 = (2.7/21) / 0.2775.
  const double t0 = (2.7 / 21) / 0.2775, t1 = 0.85 * t0 + 1.0 / 21;
  EXPECT_NEAR(Entry(a, 0).raw[kTrust], 2.25 / 3.25 * t0 * 4, 1e-9);
  EXPECT_NEAR(Entry(a, 1).raw[kTrust], 0.5 * t1 * 4, 1e-9);
  EXPECT_NEAR(Entry(a, 2).raw[kTrust], 0.5 * 4.0 / 21, 1e-9);
  EXPECT_NEAR(Entry(a, 3).raw[kTrust], 0.5 * 4.0 / 21, 1e-9);

  // Activity: interactions made (the post and the flag count).
  EXPECT_EQ(Entry(a, 0).raw[kActivity], 3);
  EXPECT_EQ(Entry(a, 1).raw[kActivity], 1);
  EXPECT_EQ(Entry(a, 3).raw[kActivity], 2);
  // Tenure in days.
  EXPECT_EQ(Entry(a, 0).raw[kTenure], 100);
  EXPECT_EQ(Entry(a, 2).raw[kTenure], 10);
  // Embeddedness (inside + 1) / (all tagged + 2); the referral is untagged.
  EXPECT_DOUBLE_EQ(Entry(a, 0).raw[kEmbeddedness], 9.5 / 10.5);
  EXPECT_DOUBLE_EQ(Entry(a, 1).raw[kEmbeddedness], 7.0 / 9.0);
  EXPECT_DOUBLE_EQ(Entry(a, 2).raw[kEmbeddedness], 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(Entry(a, 3).raw[kEmbeddedness], 1.5 / 2.5);
}

TEST(LeaderScoreTest, ScaledScoresAndRanksByHand) {
  Tables t;
  Fill(t);
  auto r = FindLeaders(t, Options());
  ASSERT_TRUE(r.ok()) << r.status();
  const CommunityLeaders& a = r->communities[0];
  // Percentiles (ties share the mean rank), n = 4 -> (rank - 1) / 3:
  //                influence reach trust activity tenure embeddedness
  //   customer 0:     1       1     1      1        1       1
  //   customer 1:    2/3     1/3   2/3    1/6      2/3     2/3
  //   customer 2:    1/3     1/3   1/6    1/6      1/6     1/6
  //   customer 3:     0      1/3   1/6    2/3      1/6     1/6
  EXPECT_DOUBLE_EQ(Entry(a, 1).scaled[kReach], 1.0 / 3);
  EXPECT_DOUBLE_EQ(Entry(a, 3).scaled[kTrust], 1.0 / 6);
  EXPECT_DOUBLE_EQ(Entry(a, 3).scaled[kActivity], 2.0 / 3);
  EXPECT_DOUBLE_EQ(Entry(a, 2).scaled[kEmbeddedness], 1.0 / 6);
  // Default weights .30 .15 .30 .10 .05 .10.
  const double s1 = .3 * 2 / 3 + .15 / 3 + .3 * 2 / 3 + .1 / 6 + .05 * 2 / 3 + .1 * 2 / 3;
  const double s2 = .3 / 3 + .15 / 3 + .3 / 6 + .1 / 6 + .05 / 6 + .1 / 6;
  const double s3 = 0 + .15 / 3 + .3 / 6 + .1 * 2 / 3 + .05 / 6 + .1 / 6;
  ASSERT_EQ(a.leaders.size(), 4u);
  EXPECT_EQ(a.leaders[0].customer, 0u);
  EXPECT_NEAR(a.leaders[0].score, 1.0, 1e-12);
  EXPECT_EQ(a.leaders[1].customer, 1u);
  EXPECT_NEAR(a.leaders[1].score, s1, 1e-12);
  EXPECT_EQ(a.leaders[2].customer, 2u);
  EXPECT_NEAR(a.leaders[2].score, s2, 1e-12);
  EXPECT_EQ(a.leaders[3].customer, 3u);
  EXPECT_NEAR(a.leaders[3].score, s3, 1e-12);
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(a.leaders[i].rank, i + 1);

  // B: nodes 1, 2; edge 1->2 (1). Influence p2 = 0.925/1.425 > p1; reach,
  // activity, tenure favour 1; trust ties (no evidence); embeddedness
  // 2/9 (1) < 2/5 (2). Scores: 1 -> .15 + .10 + .05 + .30 * 1/2 = .45,
  // 2 -> .30 + .30 * 1/2 + .10 = .55.
  const CommunityLeaders& b = r->communities[1];
  EXPECT_EQ(b.members, 2u);
  EXPECT_NEAR(Entry(b, 2).raw[kInfluence], 0.925 / 1.425, 1e-9);
  EXPECT_DOUBLE_EQ(Entry(b, 1).raw[kEmbeddedness], 2.0 / 9);
  EXPECT_EQ(b.leaders[0].customer, 2u);
  EXPECT_NEAR(b.leaders[0].score, 0.55, 1e-12);
  EXPECT_NEAR(b.leaders[1].score, 0.45, 1e-12);

  // Bridges (members of A and B): customer 1 has ties A: 3 received + 3
  // made, B: 1 made (to 2, a member of B, tagged B) -> P = 1 - (36 + 1)/49,
  // brokerage = 3 received from A x (4 - 3)/4 made outside A = 0.75.
  // Customer 2: A: 1 + 1, B: 1 received -> P = 1 - 5/9; brokerage = 1
  // received from B x 1/1 made to A.
  ASSERT_EQ(r->bridges.size(), 2u);
  const BridgeEntry& first = r->bridges[0];
  const BridgeEntry& second = r->bridges[1];
  EXPECT_EQ(first.customer, 2u);
  EXPECT_EQ(first.rank, 1u);
  EXPECT_DOUBLE_EQ(first.participation, 4.0 / 9);
  EXPECT_DOUBLE_EQ(first.brokerage, 1.0);
  EXPECT_NEAR(first.score, 4.0 / 9 * 0.55, 1e-12);
  EXPECT_EQ(first.communities, (std::vector<Index>{0, 1}));
  EXPECT_EQ(second.customer, 1u);
  EXPECT_DOUBLE_EQ(second.participation, 12.0 / 49);
  EXPECT_DOUBLE_EQ(second.brokerage, 0.75);
  EXPECT_NEAR(second.score, 12.0 / 49 * s1, 1e-12);
  EXPECT_EQ(second.communities, (std::vector<Index>{0, 1}));
}

TEST(LeaderScoreTest, OneCommunityTopAndWeights) {
  Tables t;
  Fill(t);
  LeaderOptions o = Options();
  o.top = 2;
  o.top_bridges = 1;
  auto r = FindLeaders(t, o, 1);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->communities.size(), 1u);
  EXPECT_EQ(r->communities[0].community, 1u);
  EXPECT_EQ(r->communities[0].leaders.size(), 2u);
  ASSERT_EQ(r->bridges.size(), 1u);
  EXPECT_EQ(r->bridges[0].customer, 2u);
  // Only tenure counts (weights are normalised): in A, 0 then 1.
  LeaderOptions tenure = Options();
  for (double& w : tenure.weights) w = 0;
  tenure.weights[kTenure] = 7;
  auto only = FindLeaders(t, tenure, 0);
  ASSERT_TRUE(only.ok());
  EXPECT_EQ(only->communities[0].leaders[0].customer, 0u);
  EXPECT_DOUBLE_EQ(only->communities[0].leaders[0].score, 1.0);
  EXPECT_DOUBLE_EQ(only->communities[0].leaders[1].score, 2.0 / 3);
}

TEST(LeaderScoreTest, FormerMembersAreNotRanked) {
  Tables t;
  Fill(t, 5);
  Join(t, 4, 0, kT - 30 * kDay, kT - kDay);  // left A yesterday
  Act(t, 4, 0, kReply, kT - 2 * kDay, 0);
  auto r = FindLeaders(t, Options());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->communities[0].members, 4u);
  for (const LeaderEntry& e : r->communities[0].leaders) EXPECT_NE(e.customer, 4u);
  LeaderOptions all = Options();
  all.current_members_only = false;
  r = FindLeaders(t, all);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->communities[0].members, 5u);
}

TEST(LeaderScoreTest, BadInput) {
  Tables t;
  Fill(t);
  auto expect = [&](const LeaderOptions& o, absl::StatusCode code, const std::string& what,
                    Index community = kNoIndex) {
    auto r = FindLeaders(t, o, community);
    EXPECT_EQ(r.status().code(), code) << what;
    EXPECT_NE(r.status().message().find(what), std::string::npos) << r.status();
  };
  LeaderOptions o = Options();
  o.weights[kTrust] = NAN;
  expect(o, absl::StatusCode::kInvalidArgument, "weights.trust: must be finite and >= 0, got nan");
  o = Options();
  o.weights[kReach] = -0.1;
  expect(o, absl::StatusCode::kInvalidArgument, "weights.reach: must be finite and >= 0, got -0.1");
  o = Options();
  for (double& w : o.weights) w = 0;
  expect(o, absl::StatusCode::kInvalidArgument, "weights: must have a positive sum");
  o = Options();
  o.graph.half_life_days = -1;
  expect(o, absl::StatusCode::kInvalidArgument, "half_life_days: must be finite and >= 0 (0: no decay), got -1");
  o = Options();
  o.graph.kind_weights[kShare] = INFINITY;
  expect(o, absl::StatusCode::kInvalidArgument, "kind_weights[8] (share): must be finite and >= 0, got inf");
  o = Options();
  o.reputation.forgetting = 0;
  expect(o, absl::StatusCode::kInvalidArgument, "forgetting: must be in (0, 1], got 0");
  o = Options();
  o.evidence.negative[kFlag] = -1;
  expect(o, absl::StatusCode::kInvalidArgument, "negative[10] (flag): must be finite and >= 0, got -1");
  o = Options();
  o.damping = 1;
  expect(o, absl::StatusCode::kInvalidArgument, "damping: must be in [0, 1), got 1");
  expect(Options(), absl::StatusCode::kNotFound, "community 2", 2);
}

TEST(LeaderScoreTest, EmptyWorkspace) {
  Tables t;
  auto r = FindLeaders(t, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->communities.empty());
  EXPECT_TRUE(r->bridges.empty());
}

}  // namespace
}  // namespace mitra::leaders

// Rank ladders on hand-built workspaces: every expected level and value below
// is counted by hand in the comments.
#include "mitra/leaders/rank_ladder.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/table_builder.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mitra::leaders {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsNan;

constexpr int64_t D = 86400;
constexpr int kReply = 1, kLike = 3, kEndorsement = 4, kVisit = 6, kPost = 7, kFlag = 10;

struct Workspace {
  Tables t;
  explicit Workspace(int customers, int communities = 1) {
    testing::AddCustomers(t, customers);
    testing::AddCommunities(t, communities, "g");
  }
  void Act(Index from, Index to, int kind, int64_t time, Index community = kNoIndex) {
    testing::AddInteraction(t, from, to, kind, time, community);
  }
  void Member(Index customer, Index community, int64_t joined, int64_t left = kNoTime) {
    testing::AddMembership(t, customer, community, joined, left);
  }
};

// Level 1 "one": LIKE given in the last 10 days >= 2, FLAG received (all
// time) at most 1. Level 2 "two": days active (all time) >= 3, distinct peers
// in the last 10 days >= 2.
RankLadder ThreeLevels() {
  using M = ActivityMetric;
  RankLadder l;
  l.levels.push_back({"zero", {}});
  l.levels.push_back({"one", {Require(M::kGiven, kLike, 10, 2), Require(M::kReceived, kFlag, 0, 0, 1)}});
  l.levels.push_back({"two", {Require(M::kDaysActive, 0, 0, 3), Require(M::kDistinctPeers, 0, 10, 2)}});
  return l;
}

// Customers a=0, b=1, c=2, d=3. With as_of = 100 D the 10-day window is
// [90 D, 100 D): 90 D counts (inclusive start), 100 D does not (as_of is
// exclusive).
struct FourCustomers : Workspace {
  FourCustomers() : Workspace(4) {
  Workspace& w = *this;
  const Index a = 0, b = 1, c = 2, d = 3;
  w.Act(a, b, kLike, 90 * D);          // #1 on the window's start: counts
  w.Act(a, c, kLike, 95 * D);          // #2
  w.Act(a, kNoIndex, kPost, 99 * D);   // #3
  w.Act(b, a, kLike, 90 * D - 1);      // #4 one second before the window
  w.Act(b, a, kLike, 100 * D);         // #5 at as_of: excluded
  w.Act(b, a, kLike, 96 * D);          // #6
  w.Act(c, a, kLike, 91 * D);          // #7
  w.Act(c, b, kLike, 92 * D);          // #8
  w.Act(c, kNoIndex, kVisit, 93 * D);  // #9
  w.Act(d, c, kFlag, 50 * D);          // #10
  w.Act(d, c, kFlag, 51 * D);          // #11
  w.Act(d, a, kLike, 97 * D);          // #12
  w.Act(d, a, kLike, 98 * D);          // #13
  }
};

TEST(RankLadderTest, HandLadderOverFourCustomers) {
  const FourCustomers w;
  auto r = AssignRanks(w.t, ThreeLevels(), 100 * D);
  ASSERT_TRUE(r.ok()) << r.status();
  // a: likes given in [90D, 100D) = #1, #2 = 2; flags received 0 -> level 1.
  //    days active {90, 95, 99} = 3; peers in window {b (#1, #6), c (#2, #7),
  //    d (#12, #13)} = 3 -> level 2, the top: next_unmet -1, value NaN.
  // b: likes given in window = #6 only (#4 before, #5 at as_of) = 1 < 2 ->
  //    level 0, next_unmet 0 (level 1's first requirement), value 1.
  // c: likes given #7, #8 = 2, but flags received #10, #11 = 2 > at_most 1 ->
  //    level 0, next_unmet 1, value 2. c meets level 2 (days {91, 92, 93} = 3,
  //    peers {a, b} = 2), yet levels are cumulative: c holds 0.
  // d: likes #12, #13 = 2, flags 0 -> level 1; days {50, 51, 97, 98} = 4 but
  //    peers in window {a} = 1 (the flags to c are outside it) -> next_unmet
  //    1 of level 2, value 1.
  EXPECT_THAT(r->level, ElementsAre(2u, 0u, 0u, 1u));
  EXPECT_THAT(r->next_unmet, ElementsAre(-1, 0, 1, 1));
  EXPECT_TRUE(std::isnan(r->next_unmet_value[0]));
  EXPECT_EQ(r->next_unmet_value[1], 1.0);
  EXPECT_EQ(r->next_unmet_value[2], 2.0);
  EXPECT_EQ(r->next_unmet_value[3], 1.0);
}

TEST(RankLadderTest, WindowEdgesMoveWithAsOf) {
  const FourCustomers w;
  // as_of = 100 D - 1: window [90 D - 1, 100 D - 1). b's #4 (90 D - 1) now
  // counts, #6 counts, #5 does not: 2 likes -> level 1; days active
  // {89, 96} = 2 < 3 -> next_unmet 0 of level 2, value 2.
  auto r = AssignRanks(w.t, ThreeLevels(), 100 * D - 1);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->level[1], 1u);
  EXPECT_EQ(r->next_unmet[1], 0);
  EXPECT_EQ(r->next_unmet_value[1], 2.0);
  // as_of = 100 D + 1: window [90 D + 1, 100 D + 1). a's #1 at 90 D has left
  // the window: 1 like -> level 0, value 1. b: #6 and #5 (100 D < as_of) = 2
  // -> level 1; days {89, 96, 100} = 3 (100 D is now before as_of); peers in
  // window {a (#5, #6), c (#8)} = 2 (a's #1 to b is out) -> level 2, the top.
  r = AssignRanks(w.t, ThreeLevels(), 100 * D + 1);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->level[0], 0u);
  EXPECT_EQ(r->next_unmet[0], 0);
  EXPECT_EQ(r->next_unmet_value[0], 1.0);
  EXPECT_EQ(r->level[1], 2u);
  EXPECT_EQ(r->next_unmet[1], -1);
  EXPECT_TRUE(std::isnan(r->next_unmet_value[1]));
}

TEST(RankLadderTest, AtMostDemotesAndZeroBoundIsExact) {
  using M = ActivityMetric;
  FourCustomers w;
  // A third flag on d's target c is irrelevant to d; one flag on d: d still
  // meets "at most 1" (1 <= 1) and keeps level 1; a second one demotes d.
  w.Act(0, 3, kFlag, 60 * D);
  auto r = AssignRanks(w.t, ThreeLevels(), 100 * D);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->level[3], 1u);
  w.Act(1, 3, kFlag, 61 * D);
  r = AssignRanks(w.t, ThreeLevels(), 100 * D);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->level[3], 0u);
  EXPECT_EQ(r->next_unmet[3], 1);
  EXPECT_EQ(r->next_unmet_value[3], 2.0);
  // at_most 0 with at_least 0: "no flags at all". a received a flag? No:
  // a flagged d. a keeps level 1 of this ladder; d (2 flags) does not.
  RankLadder zero;
  zero.levels.push_back({"zero", {}});
  zero.levels.push_back({"clean", {Require(M::kReceived, kFlag, 0, 0, 0)}});
  r = AssignRanks(w.t, zero, 100 * D);
  ASSERT_TRUE(r.ok()) << r.status();
  // flags received: a 0, b 0, c 2, d 2.
  EXPECT_THAT(r->level, ElementsAre(1u, 1u, 0u, 0u));
  EXPECT_THAT(r->next_unmet, ElementsAre(-1, -1, 0, 0));
}

TEST(RankLadderTest, CommunityCountsOnlyItsInteractions) {
  Workspace w(4, 2);
  const FourCustomers base;
  // The same 13 interactions, all in community 0 except d's likes #12, #13.
  const auto& it = base.t.interactions;
  for (size_t i = 0; i < it.from.size(); ++i) {
    w.Act(it.from[i], it.to[i], it.kind[i], it.time[i], i >= 11 ? kNoIndex : 0);
  }
  auto r = AssignRanks(w.t, ThreeLevels(), 100 * D, 0);
  ASSERT_TRUE(r.ok()) << r.status();
  // d: no likes in community 0 -> level 0, value 0. a loses d as a peer but
  // keeps {b, c} = 2 -> still level 2.
  EXPECT_THAT(r->level, ElementsAre(2u, 0u, 0u, 0u));
  EXPECT_EQ(r->next_unmet_value[3], 0.0);
  // Community 1 has no interactions: everyone fails "2 likes" with 0.
  r = AssignRanks(w.t, ThreeLevels(), 100 * D, 1);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->level, ElementsAre(0u, 0u, 0u, 0u));
  EXPECT_THAT(r->next_unmet_value, ElementsAre(0.0, 0.0, 0.0, 0.0));
}

// One level with a requirement nobody meets exposes the values themselves.
std::vector<double> Values(const Tables& t, Requirement req, int64_t as_of,
                           Index community = kNoIndex) {
  req.at_least = 1e9;
  RankLadder l;
  l.levels.push_back({"zero", {}});
  l.levels.push_back({"probe", {req}});
  auto r = AssignRanks(t, l, as_of, community);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? r->next_unmet_value : std::vector<double>{};
}

TEST(RankLadderTest, DaysActiveAreUtcDays) {
  using M = ActivityMetric;
  Workspace w(3);
  // c0: 5 D - 1 is day 4; 5 D and 5 D + 86399 are day 5 -> 2 days.
  w.Act(0, kNoIndex, kPost, 5 * D - 1);
  w.Act(0, kNoIndex, kPost, 5 * D);
  w.Act(0, kNoIndex, kPost, 5 * D + 86399);
  // c1 before 1970: -86400 and -1 are day -1, 0 is day 0 -> 2 days. It also
  // receives a like (not "made": no day).
  w.Act(1, kNoIndex, kVisit, -86400);
  w.Act(1, kNoIndex, kVisit, -1);
  w.Act(1, kNoIndex, kVisit, 0);
  w.Act(2, 1, kLike, 7 * D);
  EXPECT_THAT(Values(w.t, Require(M::kDaysActive, 0, 0, 0), 100 * D), ElementsAre(2.0, 2.0, 1.0));
  // A window of 95.5 days before 100 D starts at 4.5 D: c0's 5 D - 1 (4.99 D)
  // is inside, so day 4 still counts; c1's are all outside.
  EXPECT_THAT(Values(w.t, Require(M::kDaysActive, 0, 95.5, 0), 100 * D),
              ElementsAre(2.0, 0.0, 1.0));
  // A window starting at 5 D exactly: day 4's interaction is out -> 1 day.
  EXPECT_THAT(Values(w.t, Require(M::kDaysActive, 0, 95, 0), 100 * D), ElementsAre(1.0, 0.0, 1.0));
}

TEST(RankLadderTest, TenureFromFirstJoinElseFirstInteraction) {
  using M = ActivityMetric;
  Workspace w(4, 2);
  w.Member(0, 0, 10 * D + D / 2);  // earliest join: 89.5 days before 100 D
  w.Member(0, 1, 20 * D);          // community 1: 80 days
  w.Member(0, 1, 150 * D);         // after as_of: ignored
  w.Act(0, kNoIndex, kPost, 1 * D);  // has a membership: interactions not used
  w.Act(2, kNoIndex, kPost, 40 * D);  // no membership: first interaction, 60 days
  w.Act(2, kNoIndex, kPost, 30 * D, 1);  // ... the earliest is 30 D: 70 days
  w.Member(1, 0, 200 * D);          // c1: only a future join -> none (NaN)
  // c3: nothing -> none.
  EXPECT_THAT(Values(w.t, Require(M::kTenureDays, 0, 0, 0), 100 * D),
              ElementsAre(89.5, IsNan(), 70.0, IsNan()));
  // In community 1: c0 from its join there (80), c2 from its interaction
  // tagged 1 (70).
  EXPECT_THAT(Values(w.t, Require(M::kTenureDays, 0, 0, 0), 100 * D, 1),
              ElementsAre(80.0, IsNan(), 70.0, IsNan()));
}

// The one tenure rule, the same as the relationship ladder's member_days
// (tests/ladder/stage_rules_test.cc, TenureIsOneRule, works the same
// customers): from the earliest join before as_of, else from the first
// interaction made, else none, which meets no requirement, not even
// "tenure >= 0". as_of = 100 D.
TEST(RankLadderTest, TenureIsOneRule) {
  using M = ActivityMetric;
  Workspace w(4);
  // a joined at 40 D: 60 (its earlier reply is not used). b never joined:
  // from the like it made at 25.25 D, 74.75 (the reply it received at 10 D
  // is not one it made). c joins only at as_of and made nothing: none.
  // d: nothing: none.
  w.Member(0, 0, 40 * D);
  w.Act(0, 1, kReply, 10 * D);
  w.Act(1, 2, kLike, 25 * D + D / 4);
  w.Act(1, kNoIndex, kPost, 90 * D);
  w.Member(2, 0, 100 * D);
  RankLadder l;
  l.levels.push_back({"zero", {}});
  l.levels.push_back({"known", {Require(M::kTenureDays, 0, 0, 0)}});
  auto r = AssignRanks(w.t, l, 100 * D);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->level, ElementsAre(1u, 1u, 0u, 0u));
  EXPECT_THAT(r->next_unmet, ElementsAre(-1, -1, 0, 0));
  EXPECT_THAT(Values(w.t, Require(M::kTenureDays, 0, 0, 0), 100 * D),
              ElementsAre(60.0, 74.75, IsNan(), IsNan()));
}

TEST(RankLadderTest, DistinctPeersEitherDirection) {
  using M = ActivityMetric;
  Workspace w(4);
  w.Act(0, 1, kReply, 10 * D);
  w.Act(1, 0, kLike, 11 * D);   // same pair again
  w.Act(2, 0, kFlag, 12 * D);   // c2 -> c0: a peer of c0 too
  w.Act(0, 0, kLike, 13 * D);   // self: not a peer
  w.Act(3, kNoIndex, kPost, 14 * D);  // no target
  // c0 {1, 2} = 2; c1 {0} = 1; c2 {0} = 1; c3 {} = 0.
  EXPECT_THAT(Values(w.t, Require(M::kDistinctPeers, 0, 0, 0), 100 * D),
              ElementsAre(2.0, 1.0, 1.0, 0.0));
  // A window of 89 days is [11 D, 100 D): 11 D counts (inclusive start), so
  // c0 {1 (at 11 D), 2} = 2, c1 {0} = 1; the 10 D reply is out.
  EXPECT_THAT(Values(w.t, Require(M::kDistinctPeers, 0, 89, 0), 100 * D),
              ElementsAre(2.0, 1.0, 1.0, 0.0));
  // Window starting at 12 D: c0 {2} = 1, c1 {} = 0.
  EXPECT_THAT(Values(w.t, Require(M::kDistinctPeers, 0, 88, 0), 100 * D),
              ElementsAre(1.0, 0.0, 1.0, 0.0));
}

TEST(RankLadderTest, DefaultLadderNumbers) {
  const RankLadder l = DefaultRankLadder();
  ASSERT_EQ(l.levels.size(), 5u);
  EXPECT_EQ(l.levels[0].name, "new");
  EXPECT_EQ(l.levels[1].name, "basic");
  EXPECT_EQ(l.levels[2].name, "member");
  EXPECT_EQ(l.levels[3].name, "regular");
  EXPECT_EQ(l.levels[4].name, "leader");
  EXPECT_TRUE(l.levels[0].requirements.empty());
  // TL3: 50 of 100 days, at most 5 flags received in 100 days.
  const auto& tl3 = l.levels[3].requirements;
  ASSERT_EQ(tl3.size(), 6u);
  EXPECT_EQ(tl3[0].metric, ActivityMetric::kDaysActive);
  EXPECT_EQ(tl3[0].window_days, 100);
  EXPECT_EQ(tl3[0].at_least, 50);
  EXPECT_EQ(tl3[5].kind, kFlag);
  EXPECT_EQ(tl3[5].at_most, 5);
  // On the four customers: days active a 3, b 2 ({89, 96}), c 3, d 4 ->
  // basic for a, c, d; none has 15 days: next_unmet 0 of "member".
  const FourCustomers w;
  auto r = AssignRanks(w.t, l, 100 * D);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->level, ElementsAre(1u, 0u, 1u, 1u));
  EXPECT_THAT(r->next_unmet, ElementsAre(0, 0, 0, 0));
  EXPECT_THAT(r->next_unmet_value, ElementsAre(3.0, 2.0, 3.0, 4.0));
}

// The one translation into the ladder engine's rules: the same names and
// levels, each metric its indicator, windows and bounds unchanged.
TEST(RankLadderTest, DefaultLadderAsLadderRules) {
  const ladder::LadderRules rules = RankLadderRules(DefaultRankLadder());
  ASSERT_EQ(rules.stages.size(), 5u);
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> labels;
  for (const ladder::Stage& s : rules.stages) {
    names.push_back(s.name);
    labels.emplace_back();
    for (const ladder::StageRequirement& r : s.requirements) {
      labels.back().push_back(ladder::RequirementLabel(r));
    }
  }
  EXPECT_THAT(names, ElementsAre("new", "basic", "member", "regular", "leader"));
  EXPECT_TRUE(labels[0].empty());
  EXPECT_THAT(labels[1], ElementsAre("days_active >= 3"));
  EXPECT_THAT(labels[2], ElementsAre("days_active >= 15", "interactions_given[like] >= 1",
                                     "interactions_received[like] >= 1",
                                     "interactions_given[reply] >= 3"));
  EXPECT_THAT(labels[3],
              ElementsAre("days_active in 100 days >= 50", "interactions_given[reply] in 100 days >= 10",
                          "interactions_given[like] in 100 days >= 30",
                          "interactions_received[like] in 100 days >= 20",
                          "distinct_peers in 100 days >= 5",
                          "interactions_received[flag] in 100 days <= 5"));
  EXPECT_THAT(labels[4],
              ElementsAre("interactions_received[endorsement] >= 3",
                          "interactions_received[reply] in 100 days >= 20",
                          "distinct_peers in 100 days >= 15", "days_active in 100 days >= 75",
                          "member_days >= 180", "interactions_received[flag] in 100 days <= 2"));
}

// A member the default ladder makes a leader: x = 0 with peers 1..20.
struct Leader : Workspace {
  Leader() : Workspace(21) {
  Workspace& w = *this;
  w.Member(0, 0, 0);  // tenure 400 days at 400 D
  for (int d = 300; d < 400; ++d) {  // 100 days active in the 100-day window
    w.Act(0, 1 + d % 20, kReply, d * D + 100);  // 100 replies to 20 peers
    w.Act(0, 1 + d % 20, kLike, d * D + 200);   // 100 likes given
  }
  for (Index p = 1; p <= 20; ++p) {
    w.Act(p, 0, kLike, (300 + p) * D + 300);   // 20 likes received
    w.Act(p, 0, kReply, (300 + p) * D + 400);  // 20 replies received
  }
  for (Index p = 1; p <= 3; ++p) w.Act(p, 0, kEndorsement, 350 * D);  // 3 endorsements
  w.Act(1, 0, kFlag, 360 * D);
  w.Act(2, 0, kFlag, 360 * D);  // 2 flags: the leader's at_most
  }
};

TEST(RankLadderTest, DefaultLadderReachesLeader) {
  Leader w;
  auto r = AssignRanks(w.t, DefaultRankLadder(), 400 * D);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->level[0], 4u);
  EXPECT_EQ(r->next_unmet[0], -1);
  // A third flag: still a regular (at most 5), no longer a leader: the flag
  // requirement (index 5) is the first unmet, with value 3.
  w.Act(3, 0, kFlag, 361 * D);
  r = AssignRanks(w.t, DefaultRankLadder(), 400 * D);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->level[0], 3u);
  EXPECT_EQ(r->next_unmet[0], 5);
  EXPECT_EQ(r->next_unmet_value[0], 3.0);
}

TEST(RankLadderTest, LevelZeroOnlyLadder) {
  const FourCustomers w;
  RankLadder l;
  l.levels.push_back({"everyone", {}});
  auto r = AssignRanks(w.t, l, 100 * D);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->level, ElementsAre(0u, 0u, 0u, 0u));
  EXPECT_THAT(r->next_unmet, ElementsAre(-1, -1, -1, -1));
}

void ExpectInvalid(const RankLadder& l, const std::string& field) {
  const FourCustomers w;
  auto r = AssignRanks(w.t, l, 100 * D);
  ASSERT_FALSE(r.ok()) << field;
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  EXPECT_THAT(std::string(r.status().message()), HasSubstr(field));
}

TEST(RankLadderTest, BadLaddersNameTheField) {
  using M = ActivityMetric;
  auto with = [](size_t level, Requirement req) {
    RankLadder l = ThreeLevels();
    l.levels.push_back({"three", {}});
    l.levels[level].requirements.insert(l.levels[level].requirements.begin(), req);
    return l;
  };
  ExpectInvalid(RankLadder{}, "levels: empty (level 0 is required)");
  ExpectInvalid(with(0, Require(M::kGiven, kLike, 0, 1)), "levels[0].requirements");
  ExpectInvalid(with(2, Require(M::kGiven, 11, 0, 1)), "levels[2].requirements[0].kind");
  ExpectInvalid(with(2, Require(M::kReceived, 0, 0, 1)), "levels[2].requirements[0].kind");
  ExpectInvalid(with(3, Require(M::kGiven, -1, 0, 1)), "levels[3].requirements[0].kind");
  ExpectInvalid(with(1, Require(M::kDaysActive, kLike, 0, 1)),
                "levels[1].requirements[0].kind");
  ExpectInvalid(with(2, Require(M::kGiven, kLike, 0, NAN)),
                "levels[2].requirements[0].at_least");
  ExpectInvalid(with(2, Require(M::kGiven, kLike, 0, 0, NAN)),
                "levels[2].requirements[0].at_most");
  ExpectInvalid(with(2, Require(M::kGiven, kLike, 0, 5, 4)),
                "levels[2].requirements[0].at_most");
  ExpectInvalid(with(2, Require(M::kGiven, kLike, NAN, 1)),
                "levels[2].requirements[0].window_days");
  ExpectInvalid(with(2, Require(M::kGiven, kLike, -1, 1)),
                "levels[2].requirements[0].window_days");
  ExpectInvalid(with(2, Require(M::kTenureDays, 0, 30, 1)),
                "levels[2].requirements[0].window_days");
  ExpectInvalid(with(3, Require(static_cast<ActivityMetric>(9), 0, 0, 1)),
                "levels[3].requirements[0].metric");
}

TEST(RankLadderTest, BadArguments) {
  const FourCustomers w;
  auto r = AssignRanks(w.t, ThreeLevels(), 100 * D, 1);  // one community: index 0
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("community"));
  r = AssignRanks(w.t, ThreeLevels(), kNoTime);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("as_of"));
}

}  // namespace
}  // namespace mitra::leaders

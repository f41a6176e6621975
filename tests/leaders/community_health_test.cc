// Community health on a hand-built workspace: every expected number below is
// worked out by hand in the comments.
#include "mitra/leaders/community_health.h"

#include <cmath>
#include <initializer_list>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "common/table_builder.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mitra::leaders {
namespace {

using ::testing::HasSubstr;

constexpr int64_t D = 86400;
constexpr int kPost = 7;

struct Workspace {
  Tables t;
  Workspace(int customers, int communities) {
    testing::AddCustomers(t, customers);
    testing::AddCommunities(t, communities, "g");
  }
  // A POST (no target) by `from`.
  void Act(Index from, int64_t time, Index community) {
    testing::AddInteraction(t, from, kNoIndex, kPost, time, community);
  }
  void Member(Index customer, Index community, int64_t joined, int64_t left = kNoTime) {
    testing::AddMembership(t, customer, community, joined, left);
  }
};

// Periods of 10 days ending at 30 D: p0 [0, 10 D), p1 [10 D, 20 D),
// p2 [20 D, 30 D). Community 0 ("g0") and 1 ("g1"); customers c0..c6.
struct Hand : Workspace {
  Hand() : Workspace(7, 2) {
  Workspace& w = *this;
  w.Member(0, 0, -5 * D);          // c0: before p0, stays
  w.Member(1, 0, 2 * D, 15 * D);   // c1: joins p0, leaves p1
  w.Member(2, 0, 5 * D);           // c2: joins p0, stays
  w.Member(3, 0, 10 * D, 20 * D);  // c3: joins at p1's start, leaves at p1's end
  w.Member(4, 0, 12 * D, 13 * D);  // c4: joins and leaves in p1 ...
  w.Member(4, 0, 25 * D);          // ... rejoins in p2
  w.Member(5, 0, 28 * D);          // c5: joins p2
  w.Member(6, 0, 30 * D);          // c6: joins at as_of: outside every period
  w.Member(0, 1, 15 * D);          // g1: c0 joins in p1
  // g0 activity. p0: c0 x3, c1 x1; c5 (not a member at p0's end) and an
  // untagged post by c2 do not count.
  w.Act(0, 1 * D, 0);
  w.Act(0, 2 * D, 0);
  w.Act(0, 3 * D, 0);
  w.Act(1, 4 * D, 0);
  w.Act(5, 6 * D, 0);
  w.Act(2, 7 * D, kNoIndex);
  // p1: c3 x2 (one at 10 D exactly), c2 x1, c0 x1 (20 D - 1); c1 and c4
  // post but are gone at p1's end.
  w.Act(1, 11 * D, 0);
  w.Act(3, 10 * D, 0);
  w.Act(3, 19 * D, 0);
  w.Act(2, 18 * D, 0);
  w.Act(0, 20 * D - 1, 0);
  w.Act(4, 12 * D + D / 2, 0);
  // p2: c4 x1; c0 at 30 D = as_of does not count.
  w.Act(4, 26 * D, 0);
  w.Act(0, 30 * D, 0);
  // g1: c0 posts once in p1.
  w.Act(0, 16 * D, 1);
  }
};

HealthOptions Options(double top_fraction = 0.5) {
  HealthOptions o;
  o.period_days = 10;
  o.periods = 3;
  o.as_of = 30 * D;
  o.top_fraction = top_fraction;
  return o;
}

void ExpectShares(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t k = 0; k < want.size(); ++k) {
    if (std::isnan(want[k])) {
      EXPECT_TRUE(std::isnan(got[k])) << "k=" << k;
    } else {
      EXPECT_DOUBLE_EQ(got[k], want[k]) << "k=" << k;
    }
  }
}

TEST(CommunityHealthTest, HandBuiltCommunityOverThreePeriods) {
  const Hand w;
  auto r = ComputeHealth(w.t, Options());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 2u);
  const CommunityHealth& g = (*r)[0];
  EXPECT_EQ(g.community, 0u);
  ASSERT_EQ(g.periods.size(), 3u);
  const PeriodHealth &p0 = g.periods[0], &p1 = g.periods[1], &p2 = g.periods[2];
  EXPECT_EQ(p0.start, 0);
  EXPECT_EQ(p0.end, 10 * D);
  EXPECT_EQ(p1.start, 10 * D);
  EXPECT_EQ(p1.end, 20 * D);
  EXPECT_EQ(p2.start, 20 * D);
  EXPECT_EQ(p2.end, 30 * D);

  // p0, at 10 D: members c0, c1 (leaves later), c2 = 3 (c3 joins at 10 D,
  // not < 10 D). joined c1, c2 = 2; left 0. growth NaN (first period).
  // active: c0 (3), c1 (1) = 2; total 4; k = ceil(0.5 * 2) = 1 -> 3/4.
  EXPECT_EQ(p0.members, 3u);
  EXPECT_EQ(p0.active, 2u);
  EXPECT_EQ(p0.joined, 2u);
  EXPECT_EQ(p0.left, 0u);
  EXPECT_TRUE(std::isnan(p0.growth));
  EXPECT_DOUBLE_EQ(p0.top_share, 0.75);
  // p1, at 20 D: c0, c2, c3 (leaves at 20 D, not before) = 3; c1 left at
  // 15 D, c4 at 13 D. joined c3 (10 D), c4 (12 D) = 2; left c1, c4 = 2.
  // growth (3 - 3) / 3 = 0. active: c0 1, c2 1, c3 2 = 3 (c1, c4 posted but
  // are not members at 20 D); total 4; k = ceil(1.5) = 2 -> (2 + 1) / 4.
  EXPECT_EQ(p1.members, 3u);
  EXPECT_EQ(p1.active, 3u);
  EXPECT_EQ(p1.joined, 2u);
  EXPECT_EQ(p1.left, 2u);
  EXPECT_DOUBLE_EQ(p1.growth, 0.0);
  EXPECT_DOUBLE_EQ(p1.top_share, 0.75);
  // p2, at 30 D: c0, c2, c4 (rejoined 25 D), c5 (28 D) = 4; c3 left at 20 D;
  // c6 joins at 30 D, outside. joined c4, c5 = 2; left c3 = 1. growth
  // (4 - 3) / 3. active: c4 (1) = 1; k = ceil(0.5) = 1 -> 1/1.
  EXPECT_EQ(p2.members, 4u);
  EXPECT_EQ(p2.active, 1u);
  EXPECT_EQ(p2.joined, 2u);
  EXPECT_EQ(p2.left, 1u);
  EXPECT_DOUBLE_EQ(p2.growth, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(p2.top_share, 1.0);

  // Cohorts by first join: c0 before p0 and c6 at as_of are in none.
  // cohort 0 = {c1, c2}: members at p0 {c1, c2}, p1 {c2}, p2 {c2} ->
  //   retained 2/2, 1/2, 1/2; active at p0 {c1}, p1 {c2}, p2 {} -> 1/2, 1/2, 0.
  // cohort 1 = {c3, c4} (c4's first join is 12 D): members at p1 {c3}, p2
  //   {c4} -> 1/2, 1/2; active p1 {c3}, p2 {c4} -> 1/2, 1/2.
  // cohort 2 = {c5}: member at p2, not active -> 1, 0.
  ASSERT_EQ(g.cohorts.size(), 3u);
  for (uint32_t j = 0; j < 3; ++j) EXPECT_EQ(g.cohorts[j].cohort_period, j);
  EXPECT_EQ(g.cohorts[0].size, 2u);
  ExpectShares(g.cohorts[0].retained, {1.0, 0.5, 0.5});
  ExpectShares(g.cohorts[0].active, {0.5, 0.5, 0.0});
  EXPECT_EQ(g.cohorts[1].size, 2u);
  ExpectShares(g.cohorts[1].retained, {0.5, 0.5});
  ExpectShares(g.cohorts[1].active, {0.5, 0.5});
  EXPECT_EQ(g.cohorts[2].size, 1u);
  ExpectShares(g.cohorts[2].retained, {1.0});
  ExpectShares(g.cohorts[2].active, {0.0});
}

TEST(CommunityHealthTest, GrowthNaNAfterAnEmptyPeriod) {
  const Hand w;
  auto r = ComputeHealth(w.t, Options(), 1);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 1u);
  const CommunityHealth& g = (*r)[0];
  EXPECT_EQ(g.community, 1u);
  // g1: p0 empty (members 0, no activity: top_share NaN, growth NaN as the
  // first period); p1: c0 joins at 15 D, posts at 16 D -> members 1, active
  // 1, joined 1, growth NaN (previous 0), top_share 1; p2: members 1, active
  // 0, growth 0, top_share NaN.
  const auto& p = g.periods;
  EXPECT_EQ(p[0].members, 0u);
  EXPECT_EQ(p[0].active, 0u);
  EXPECT_TRUE(std::isnan(p[0].growth));
  EXPECT_TRUE(std::isnan(p[0].top_share));
  EXPECT_EQ(p[1].members, 1u);
  EXPECT_EQ(p[1].active, 1u);
  EXPECT_EQ(p[1].joined, 1u);
  EXPECT_EQ(p[1].left, 0u);
  EXPECT_TRUE(std::isnan(p[1].growth));
  EXPECT_DOUBLE_EQ(p[1].top_share, 1.0);
  EXPECT_EQ(p[2].members, 1u);
  EXPECT_EQ(p[2].active, 0u);
  EXPECT_DOUBLE_EQ(p[2].growth, 0.0);
  EXPECT_TRUE(std::isnan(p[2].top_share));
  // Cohorts: p0 and p2 empty (NaN shares); p1 {c0}: retained 1, 1; active 1, 0.
  EXPECT_EQ(g.cohorts[0].size, 0u);
  ExpectShares(g.cohorts[0].retained, {NAN, NAN, NAN});
  ExpectShares(g.cohorts[0].active, {NAN, NAN, NAN});
  EXPECT_EQ(g.cohorts[1].size, 1u);
  ExpectShares(g.cohorts[1].retained, {1.0, 1.0});
  ExpectShares(g.cohorts[1].active, {1.0, 0.0});
  EXPECT_EQ(g.cohorts[2].size, 0u);
  ExpectShares(g.cohorts[2].retained, {NAN});
}

TEST(CommunityHealthTest, TopShareRounding) {
  const Hand w;
  // top_fraction 0.1: k = ceil(0.1 * active) = 1 in every period of g0:
  // p0 3/4, p1 2/4 (c3's 2 of 4), p2 1/1.
  auto r = ComputeHealth(w.t, Options(0.1), 0);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_DOUBLE_EQ((*r)[0].periods[0].top_share, 0.75);
  EXPECT_DOUBLE_EQ((*r)[0].periods[1].top_share, 0.5);
  EXPECT_DOUBLE_EQ((*r)[0].periods[2].top_share, 1.0);
  // top_fraction 1: everyone, share 1.
  r = ComputeHealth(w.t, Options(1.0), 0);
  ASSERT_TRUE(r.ok()) << r.status();
  for (const auto& p : (*r)[0].periods) EXPECT_DOUBLE_EQ(p.top_share, 1.0);

  // 30 active members, one post each, one period: 0.1 * 30 is
  // 3.0000000000000004 in doubles; the tolerance makes k = 3 (3/30), not 4.
  // 0.11 * 30 = 3.3 -> 4 (4/30); 0.01 * 30 = 0.3 -> 1 (1/30).
  Workspace many(30, 1);
  for (Index c = 0; c < 30; ++c) {
    many.Member(c, 0, 0);
    many.Act(c, 5 * D + c, 0);
  }
  HealthOptions o;
  o.period_days = 10;
  o.periods = 1;
  o.as_of = 10 * D;
  for (auto [fraction, want] :
       std::initializer_list<std::pair<double, double>>{{0.1, 3.0 / 30}, {0.11, 4.0 / 30}, {0.01, 1.0 / 30}}) {
    o.top_fraction = fraction;
    r = ComputeHealth(many.t, o);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ((*r)[0].periods[0].active, 30u);
    EXPECT_DOUBLE_EQ((*r)[0].periods[0].top_share, want) << fraction;
    EXPECT_TRUE(std::isnan((*r)[0].periods[0].growth));  // one period: no previous
  }
}

TEST(CommunityHealthTest, DefaultAsOfIsLatestTimePlusOneSecond) {
  const Hand w;
  HealthOptions o = Options();
  o.as_of = kNoTime;
  // Latest: c6's join and c0's post, both at 30 D -> as_of = 30 D + 1.
  auto r = ComputeHealth(w.t, o, 0);
  ASSERT_TRUE(r.ok()) << r.status();
  const auto& p = (*r)[0].periods;
  EXPECT_EQ(p[2].end, 30 * D + 1);
  EXPECT_EQ(p[0].start, 1);
  // Now c6 (joined 30 D) is a member of p2 and a cohort-2 joiner; c0's post
  // at 30 D counts: p2 members 5, joined 3, active c0, c4 = 2.
  EXPECT_EQ(p[2].members, 5u);
  EXPECT_EQ(p[2].joined, 3u);
  EXPECT_EQ(p[2].active, 2u);

  Workspace empty(2, 1);
  r = ComputeHealth(empty.t, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("as_of: not given, and the workspace has no memberships"));
}

void ExpectInvalid(const HealthOptions& o, const std::string& field) {
  const Hand w;
  auto r = ComputeHealth(w.t, o);
  ASSERT_FALSE(r.ok()) << field;
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  EXPECT_THAT(std::string(r.status().message()), HasSubstr(field));
}

TEST(CommunityHealthTest, BadInputNamesTheField) {
  HealthOptions o = Options();
  for (double days : {0.0, -1.0, double{NAN}, 1e6}) {
    o.period_days = days;
    ExpectInvalid(o, "period_days: must be");
  }
  o = Options();
  for (uint32_t periods : {0u, 1001u}) {
    o.periods = periods;
    ExpectInvalid(o, "periods: must be 1..1000, got " + std::to_string(periods));
  }
  o = Options();
  for (double f : {0.0, -0.5, 1.5, double{NAN}}) {
    o.top_fraction = f;
    ExpectInvalid(o, "top_fraction: must be in (0, 1], got ");
  }
  o = Options();
  o.periods = 1000;  // the largest allowed works
  EXPECT_TRUE(ComputeHealth(Hand{}.t, o).ok());

  const Hand w;
  auto r = ComputeHealth(w.t, Options(), 2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("community"));
}

}  // namespace
}  // namespace mitra::leaders

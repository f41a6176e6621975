// Involvement indicators on a hand-built world: every expected value below is
// counted by hand in the comments.
#include "mitra/ladder/indicators.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ladder/ladder_tables.h"
#include "mitra/ladder/involvement.h"

namespace mitra::ladder {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using I = Indicator;
constexpr int64_t D = testing::kDay;
constexpr int kReply = 1, kLike = 3, kEndorsement = 4, kVisit = 6, kPost = 7;
const double NaN = std::nan("");

// Customers a = 0, b = 1, c = 2, d = 3 (no creation times); as_of = 100 D.
// A window of 10 days is [90 D, 100 D).
struct World {
  Tables t;
  std::vector<ChangeCredit> changes;
  World() {
    using namespace testing;
    AddCustomers(t, 4);
    AddCommunities(t, 2);
    // P: margin rate (10 - 6) / 10 = 0.4. Q: no cost, R: price 0 -> the
    // default rate 0.25.
    const Index P = AddProduct(t, "P", 10, 6), Q = AddProduct(t, "Q", 20, NaN),
                R = AddProduct(t, "R", 0, 0);
    Buy(t, 0, 10 * D, 25, P);           // #1 a: margin 25 * 0.4 = 10
    Buy(t, 0, 10 * D + 3600, 5);        // #2 a, same day, no product: 5 * 0.25 = 1.25
    Buy(t, 0, 90 * D, 40, Q);           // #3 a, on the 10-day window's start: 40 * 0.25 = 10
    Buy(t, 0, 100 * D, 1000, P);        // #4 a, at as_of: never counted
    Buy(t, 1, 90 * D - 1, 8, P);        // #5 b, a second before the window: 3.2
    Buy(t, 1, 99 * D, 12, R);           // #6 b: 12 * 0.25 = 3
    Buy(t, 3, -1, 4);                   // #7 d, 1969-12-31T23:59:59 (day -1): 1
    AddInteraction(t, 0, 1, kReply, 95 * D, 0);
    AddInteraction(t, 0, 2, kLike, 96 * D, 0);
    AddInteraction(t, 0, kNoIndex, kPost, 96 * D + 100, 0);
    AddInteraction(t, 1, 0, kEndorsement, 50 * D, 0);
    AddInteraction(t, 2, 0, kReply, 99 * D, 0);
    AddInteraction(t, 3, kNoIndex, kVisit, 97 * D, 0);
    AddInteraction(t, 2, 0, kLike, 100 * D, 0);  // at as_of: never counted
    AddMembership(t, 0, 0, 20 * D);              // a: current
    AddMembership(t, 1, 0, 30 * D, 80 * D);      // b: left ...
    AddMembership(t, 1, 1, 60 * D);              // ... but is in community 1
    AddMembership(t, 2, 0, 100 * D);             // c: joins at as_of: not yet
    AddMembership(t, 3, 0, 40 * D, 100 * D);     // d: leaves at as_of: still in
    const Index p0 = AddProgram(t, "p0"), p1 = AddProgram(t, "p1");
    Answer(t, p0, 0, 20 * D, 9);
    Answer(t, p1, 0, 95 * D, 10);
    Answer(t, p1, 0, 96 * D);                    // would_recommend not asked
    Answer(t, p0, 1, 92 * D, 8);
    Answer(t, p1, 2, 100 * D, 10);               // at as_of: never counted
    Refer(t, 0, 2, 30 * D, true);
    Refer(t, 0, kNoIndex, 95 * D, false);
    Refer(t, 1, 3, 98 * D, false);
    Refer(t, 3, 0, 100 * D, true);               // at as_of: never counted
    changes.push_back({100, 50 * D, {0, 1}, {}});
    changes.push_back({50, 100 * D, {0}, {}});   // adopted at as_of: not yet
    changes.push_back({10, kNoTime, {2}, {}});   // undated: always counts
  }
  IndicatorInputs Inputs(int64_t as_of = 100 * D) const {
    IndicatorInputs in;
    in.as_of = as_of;
    in.changes = changes;
    return in;
  }
  std::vector<double> Column(I indicator, double window = 0, int kind = 0) const {
    auto r = ComputeIndicators(t, {IndicatorKey{indicator, kind, window}}, Inputs());
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? (*r)[0] : std::vector<double>{};
  }
};

TEST(IndicatorsTest, Purchases) {
  const World w;
  // All time: a #1 #2 #3 (#4 at as_of) = 3; b #5 #6 = 2; c 0; d #7 = 1.
  EXPECT_THAT(w.Column(I::kPurchases), ElementsAre(3, 2, 0, 1));
  // [90 D, 100 D): a #3 (on the start); b #6 (#5 is a second early).
  EXPECT_THAT(w.Column(I::kPurchases, 10), ElementsAre(1, 1, 0, 0));
  // Days: a {10, 90}; b {89, 99}; d {-1}.
  EXPECT_THAT(w.Column(I::kPurchaseDays), ElementsAre(2, 2, 0, 1));
  EXPECT_THAT(w.Column(I::kPurchaseDays, 10), ElementsAre(1, 1, 0, 0));
  // Spend: a 25 + 5 + 40 = 70; b 8 + 12 = 20; d 4.
  EXPECT_THAT(w.Column(I::kSpend), ElementsAre(70, 20, 0, 4));
  // Margin: a 10 + 1.25 + 10 = 21.25; b 3.2 + 3 = 6.2; d 4 * 0.25 = 1.
  const std::vector<double> m = w.Column(I::kMargin);
  EXPECT_DOUBLE_EQ(m[0], 21.25);
  EXPECT_DOUBLE_EQ(m[1], 6.2);
  EXPECT_EQ(m[2], 0);
  EXPECT_DOUBLE_EQ(m[3], 1);
  EXPECT_THAT(w.Column(I::kMargin, 10), ElementsAre(10, 3, 0, 0));
}

TEST(IndicatorsTest, RecencyAndTenureInDays) {
  const World w;
  // Last purchase: a 90 D -> 10 days; b 99 D -> 1; c none -> NaN; d -1 s
  // -> 100 days and a second.
  const std::vector<double> since = w.Column(I::kDaysSincePurchase);
  EXPECT_EQ(since[0], 10);
  EXPECT_EQ(since[1], 1);
  EXPECT_TRUE(std::isnan(since[2]));
  EXPECT_DOUBLE_EQ(since[3], 100 + 1.0 / 86400);
  // First purchase: a 10 D -> 90; b 90 D - 1 -> 10 days and a second.
  const std::vector<double> age = w.Column(I::kCustomerDays);
  EXPECT_EQ(age[0], 90);
  EXPECT_DOUBLE_EQ(age[1], 10 + 1.0 / 86400);
  EXPECT_TRUE(std::isnan(age[2]));
  EXPECT_DOUBLE_EQ(age[3], 100 + 1.0 / 86400);
}

TEST(IndicatorsTest, Interactions) {
  const World w;
  // Made, every kind: a reply, like, post = 3; b endorsement; c reply (its
  // like is at as_of); d visit.
  EXPECT_THAT(w.Column(I::kInteractionsGiven), ElementsAre(3, 1, 1, 1));
  EXPECT_THAT(w.Column(I::kInteractionsGiven, 0, kReply), ElementsAre(1, 0, 1, 0));
  EXPECT_THAT(w.Column(I::kInteractionsGiven, 10), ElementsAre(3, 0, 1, 1));
  // Received: a the endorsement and c's reply; b a's reply; c a's like.
  EXPECT_THAT(w.Column(I::kInteractionsReceived), ElementsAre(2, 1, 1, 0));
  EXPECT_THAT(w.Column(I::kInteractionsReceived, 0, kEndorsement), ElementsAre(1, 0, 0, 0));
  // Days with an interaction made: a {95, 96}; b {50}; c {99}; d {97}.
  EXPECT_THAT(w.Column(I::kDaysActive), ElementsAre(2, 1, 1, 1));
  EXPECT_THAT(w.Column(I::kDaysActive, 10), ElementsAre(2, 0, 1, 1));
  // Peers either way: a {b, c}; b {a}; c {a}; d none (a visit has no target).
  EXPECT_THAT(w.Column(I::kDistinctPeers), ElementsAre(2, 1, 1, 0));
  // In 10 days: b's endorsement (50 D) is out; a still has b (its reply).
  EXPECT_THAT(w.Column(I::kDistinctPeers, 10), ElementsAre(2, 1, 1, 0));
}

TEST(IndicatorsTest, Memberships) {
  const World w;
  // Current at as_of: a (k); b (community 1; left k); c joins at as_of: no;
  // d leaves at as_of, which is not yet observed: still a member.
  EXPECT_THAT(w.Column(I::kCommunities), ElementsAre(1, 1, 0, 1));
  // Tenure, from the earliest join before as_of: a 20 D -> 80; b 30 D -> 70;
  // d 40 D -> 60. c joins only at as_of, so from its first interaction made
  // instead, the reply at 99 D -> 1.
  EXPECT_THAT(w.Column(I::kMemberDays), ElementsAre(80, 70, 1, 60));
}

// With a community, the interaction and membership indicators count only
// that community's; the others do not change. Every interaction of World is
// tagged 0; b alone is in community 1 (joined 60 D).
TEST(IndicatorsTest, CommunityCountsOnlyItsInteractionsAndMemberships) {
  World w;
  testing::AddInteraction(w.t, 1, 3, kReply, 97 * D, 1);  // b -> d in community 1
  testing::AddInteraction(w.t, 3, 1, kLike, 98 * D);      // d -> b, no community
  auto column = [&](Index community, I indicator, int kind = 0) {
    IndicatorInputs in = w.Inputs();
    in.community = community;
    auto r = ComputeIndicators(w.t, {IndicatorKey{indicator, kind, 0}}, in);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? (*r)[0] : std::vector<double>{};
  };
  // Community 1: only b's reply to d.
  EXPECT_THAT(column(1, I::kInteractionsGiven), ElementsAre(0, 1, 0, 0));
  EXPECT_THAT(column(1, I::kInteractionsReceived), ElementsAre(0, 0, 0, 1));
  EXPECT_THAT(column(1, I::kDaysActive), ElementsAre(0, 1, 0, 0));
  EXPECT_THAT(column(1, I::kDistinctPeers), ElementsAre(0, 1, 0, 1));
  EXPECT_THAT(column(1, I::kCommunities), ElementsAre(0, 1, 0, 0));
  // Tenure in community 1: b from its join there (60 D) -> 40; d only
  // received there -> none; a and c have nothing there -> none.
  EXPECT_THAT(column(1, I::kMemberDays),
              ElementsAre(::testing::IsNan(), 40, ::testing::IsNan(), ::testing::IsNan()));
  // Community 0: the World's interactions (not the two added); c's tenure
  // from its reply there at 99 D -> 1, as without a community.
  EXPECT_THAT(column(0, I::kInteractionsGiven), ElementsAre(3, 1, 1, 1));
  EXPECT_THAT(column(0, I::kDistinctPeers), ElementsAre(2, 1, 1, 0));
  EXPECT_THAT(column(0, I::kCommunities), ElementsAre(1, 0, 0, 1));
  EXPECT_THAT(column(0, I::kMemberDays), ElementsAre(80, 70, 1, 60));
  // Everything: the added two count too (d's like has no community).
  EXPECT_THAT(column(kNoIndex, I::kInteractionsGiven), ElementsAre(3, 2, 1, 2));
  EXPECT_THAT(column(kNoIndex, I::kDistinctPeers), ElementsAre(2, 2, 1, 1));
  // Purchases are not tied to a community: the same in community 1.
  EXPECT_THAT(column(1, I::kPurchases), ElementsAre(3, 2, 0, 1));
  // A community the workspace does not have.
  IndicatorInputs in = w.Inputs();
  in.community = 2;
  const absl::Status s = ComputeIndicators(w.t, {IndicatorKey{I::kPurchases}}, in).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(s.message()), HasSubstr("community: 2 out of range (the workspace has 2)"));
}

// A window reaching back past the earliest time starts there: at as_of just
// after the earliest time, a 10-day window holds everything before as_of.
TEST(IndicatorsTest, WindowBeforeTheEarliestTimeStartsThere) {
  Tables t;
  testing::AddCustomers(t, 1);
  constexpr int64_t kEarliest = std::numeric_limits<int64_t>::min();
  testing::AddInteraction(t, 0, kNoIndex, kPost, kEarliest + 50);
  IndicatorInputs in;
  in.as_of = kEarliest + 100;
  auto r = ComputeIndicators(t, {IndicatorKey{I::kInteractionsGiven, 0, 10}}, in);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT((*r)[0], ElementsAre(1));
}

TEST(IndicatorsTest, FeedbackReferralsAndAdoptedChanges) {
  const World w;
  EXPECT_THAT(w.Column(I::kFeedback), ElementsAre(3, 1, 0, 0));
  // Distinct programs: a {p0, p1}; b {p0}. In 10 days: a {p1} (twice), b {p0}.
  EXPECT_THAT(w.Column(I::kPrograms), ElementsAre(2, 1, 0, 0));
  EXPECT_THAT(w.Column(I::kPrograms, 10), ElementsAre(1, 1, 0, 0));
  // would_recommend >= 9: a's 9 and 10 (the third was not asked); b's 8 is not.
  EXPECT_THAT(w.Column(I::kPromoterAnswers), ElementsAre(2, 0, 0, 0));
  // Referrals made: a 2, b 1 (d's is at as_of); converted: a's to c.
  EXPECT_THAT(w.Column(I::kReferrals), ElementsAre(2, 1, 0, 0));
  EXPECT_THAT(w.Column(I::kReferrals, 10), ElementsAre(1, 1, 0, 0));
  EXPECT_THAT(w.Column(I::kConvertedReferrals), ElementsAre(1, 0, 0, 0));
  // Adopted changes: the first (a, b), the undated third (c); the second is
  // adopted at as_of. In 10 days only the undated one.
  EXPECT_THAT(w.Column(I::kAdoptedContributions), ElementsAre(1, 1, 1, 0));
  EXPECT_THAT(w.Column(I::kAdoptedContributions, 10), ElementsAre(0, 0, 1, 0));
}

TEST(IndicatorsTest, ValueScoresArePassedThrough) {
  const World w;
  const std::vector<double> p{0.9, 0.5, NaN, 0.1}, clv{100, 20, NaN, 0};
  IndicatorInputs in = w.Inputs();
  in.p_alive = p;
  in.clv = clv;
  auto r = ComputeIndicators(w.t, {IndicatorKey{I::kPAlive}, IndicatorKey{I::kClv}}, in);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)[0][0], 0.9);
  EXPECT_TRUE(std::isnan((*r)[0][2]));
  EXPECT_EQ((*r)[1][1], 20);
  // Asked for but not scored: a failed precondition; the wrong length: bad input.
  in.clv = {};
  EXPECT_EQ(ComputeIndicators(w.t, {IndicatorKey{I::kClv}}, in).status().code(),
            absl::StatusCode::kFailedPrecondition);
  const std::vector<double> three{1, 2, 3};
  in.clv = three;
  EXPECT_THAT(ComputeIndicators(w.t, {IndicatorKey{I::kClv}}, in).status().message(),
              HasSubstr("3 scores for 4 customers"));
}

TEST(IndicatorsTest, Involvement) {
  const World w;
  auto inv = ComputeInvolvement(w.t, w.Inputs(), 0);
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_THAT(inv->column[kInvPurchases], ElementsAre(3, 2, 0, 1));
  EXPECT_THAT(inv->column[kInvSpend], ElementsAre(70, 20, 0, 4));
  EXPECT_THAT(inv->column[kInvVisits], ElementsAre(0, 0, 0, 1));
  EXPECT_THAT(inv->column[kInvFeedback], ElementsAre(3, 1, 0, 0));
  EXPECT_THAT(inv->column[kInvTrials], ElementsAre(2, 1, 0, 0));
  EXPECT_THAT(inv->column[kInvReferrals], ElementsAre(2, 1, 0, 0));
  // Posts = POST + REPLY made: a 1 + 1; c its reply.
  EXPECT_THAT(inv->column[kInvPosts], ElementsAre(2, 0, 1, 0));
  // Every kind made but visits: a 3, b 1, c 1, d 1 - 1 = 0.
  EXPECT_THAT(inv->column[kInvInteractions], ElementsAre(3, 1, 1, 0));
  EXPECT_TRUE(IsPassive(kInvVisits));
  EXPECT_FALSE(IsPassive(kInvFeedback));
}

TEST(IndicatorsTest, FirstSeenAndDefaultAsOf) {
  const World w;
  // a: first purchase 10 D; b: joined 30 D; c: referred at 30 D; d: -1 s.
  EXPECT_THAT(FirstSeen(w.t), ElementsAre(10 * D, 30 * D, 30 * D, -1));
  // The latest event is at 100 D exactly: the next UTC midnight is 101 D.
  EXPECT_EQ(DefaultLadderAsOf(w.t), 101 * D);
  Tables empty;
  EXPECT_EQ(DefaultLadderAsOf(empty), 0);
}

TEST(IndicatorsTest, LabelsName) {
  EXPECT_EQ(KeyLabel({I::kPurchaseDays, 0, 0}), "purchase_days");
  EXPECT_EQ(KeyLabel({I::kInteractionsGiven, kReply, 90}), "interactions_given[reply] in 90 days");
  EXPECT_EQ(KeyLabel({I::kDaysActive, 0, 1.5}), "days_active in 1.5 days");
}

TEST(IndicatorsTest, BadKeysAndInputsNameTheField) {
  const World w;
  auto message = [&](IndicatorKey k, IndicatorInputs in) {
    return std::string(ComputeIndicators(w.t, {IndicatorKey{I::kPurchases}, k}, in).status().message());
  };
  const IndicatorInputs in = w.Inputs();
  EXPECT_THAT(message({static_cast<I>(0)}, in), HasSubstr("keys[1].indicator: 0 is not"));
  EXPECT_THAT(message({static_cast<I>(21)}, in), HasSubstr("keys[1].indicator"));
  EXPECT_THAT(message({I::kInteractionsGiven, 11}, in), HasSubstr("keys[1].kind: 11"));
  EXPECT_THAT(message({I::kPurchases, 1}, in), HasSubstr("keys[1].kind: applies to"));
  EXPECT_THAT(message({I::kPurchases, 0, -1}, in), HasSubstr("keys[1].window_days"));
  EXPECT_THAT(message({I::kPurchases, 0, NaN}, in), HasSubstr("keys[1].window_days"));
  EXPECT_THAT(message({I::kCommunities, 0, 30}, in), HasSubstr("must be 0 for communities"));
  IndicatorInputs bad = in;
  bad.as_of = kNoTime;
  EXPECT_THAT(message({I::kPurchases}, bad), HasSubstr("as_of"));
  bad = in;
  bad.default_margin_rate = 1.5;
  EXPECT_THAT(message({I::kPurchases}, bad), HasSubstr("default_margin_rate"));
  // Changes are checked when an adopted-contributions column is asked for.
  std::vector<ChangeCredit> changes = {{10, 0, {0, 0}, {}}};
  bad = in;
  bad.changes = changes;
  EXPECT_THAT(message({I::kAdoptedContributions}, bad), HasSubstr("changes[0].contributors[1]: listed twice"));
  changes = {{-1, 0, {0}, {}}};
  bad.changes = changes;
  EXPECT_THAT(message({I::kAdoptedContributions}, bad), HasSubstr("changes[0].value"));
  changes = {{1, 0, {0, 9}, {}}};
  bad.changes = changes;
  EXPECT_THAT(message({I::kAdoptedContributions}, bad), HasSubstr("changes[0].contributors[1]: customer index out of range"));
  changes = {{1, 0, {0, 1}, {1}}};
  bad.changes = changes;
  EXPECT_THAT(message({I::kAdoptedContributions}, bad), HasSubstr("changes[0].shares: 1 shares for 2"));
  changes = {{1, 0, {0, 1}, {0, 0}}};
  bad.changes = changes;
  EXPECT_THAT(message({I::kAdoptedContributions}, bad), HasSubstr("positive sum"));
  changes = {{1, 0, {}, {}}};
  bad.changes = changes;
  EXPECT_THAT(message({I::kAdoptedContributions}, bad), HasSubstr("changes[0].contributors: empty"));
  // A hand-built row naming a customer out of range.
  World broken;
  testing::Buy(broken.t, 7, D, 1);
  EXPECT_THAT(ComputeIndicators(broken.t, {IndicatorKey{I::kPurchases}}, in).status().message(),
              HasSubstr("transactions[7].customer: customer index out of range"));
  // Rows naming a community out of range (the workspace has 2).
  World stray;
  testing::AddInteraction(stray.t, 0, 1, kReply, D, 2);
  EXPECT_THAT(ComputeIndicators(stray.t, {IndicatorKey{I::kPurchases}}, in).status().message(),
              HasSubstr("interactions[7].community: community index out of range"));
  World stray_member;
  testing::AddMembership(stray_member.t, 0, 5, D);
  EXPECT_THAT(ComputeIndicators(stray_member.t, {IndicatorKey{I::kPurchases}}, in).status().message(),
              HasSubstr("memberships[5].community: community index out of range"));
}

}  // namespace
}  // namespace mitra::ladder

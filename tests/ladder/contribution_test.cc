// External-employee contribution on hand-built worlds: referral value,
// influence value and co-creation credit worked out in the comments, and the
// components adding up to the total.
#include "mitra/ladder/contribution.h"

#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ladder/ladder_tables.h"

namespace mitra::ladder {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
constexpr int64_t D = testing::kDay;
constexpr int kReply = 1, kMention = 2, kLike = 3, kEndorsement = 4;
constexpr double kYear = 365.25;  // days

double Sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

void ExpectAddsUp(const Contributions& c) {
  for (size_t i = 0; i < c.total.size(); ++i)
    EXPECT_DOUBLE_EQ(c.total[i], c.referral[i] + c.influence[i] + c.cocreation[i]) << i;
}

// Margin = amount (default rate 1, no products), no interactions.
ContributionOptions Plain(int64_t as_of = 1000 * D) {
  ContributionOptions o;
  o.as_of = as_of;
  o.default_margin_rate = 1;
  return o;
}

TEST(ContributionTest, ReferralValueByHand) {
  // a = 0, b = 1 refer; j = 2 and k = 3 are referred; y = 4.
  Tables t;
  testing::AddCustomers(t, 5);
  testing::Refer(t, 0, 2, 100 * D, true);   // a -> j
  testing::Refer(t, 0, 3, 600 * D, true);   // a -> k
  testing::Refer(t, 1, 3, 600 * D, true);   // b -> k: k has two referrers
  testing::Refer(t, 0, 4, 200 * D, false);  // not converted: nothing
  testing::Refer(t, 1, 4, 1000 * D, true);  // at as_of: not yet
  testing::Buy(t, 2, 90 * D, 500);                            // before the referral: no
  testing::Buy(t, 2, 100 * D, 100);                           // at the referral: discount 1
  testing::Buy(t, 2, static_cast<int64_t>((100 + kYear) * D), 224);  // a year on: 224 / 1.12 = 200
  testing::Buy(t, 2, 830 * D, 50);                            // 100 D + 730 days: the window's end
  testing::Buy(t, 3, 600 * D, 80);
  ContributionOptions o = Plain();
  o.referral_horizon_days = 730;
  o.discount_rate = 0.12;
  o.joined_anyway_share = 0.5;
  o.acquisition_cost = 30;
  auto c = ComputeContributions(t, o);
  ASSERT_TRUE(c.ok()) << c.status();
  // a -> j: (1 - 0.5) * (100 + 200) + 0.5 * 30 = 150 + 15 = 165.
  // a -> k and b -> k, each 1/2: (0.5 * 80 + 0.5 * 30) / 2 = (40 + 15) / 2 = 27.5.
  // a = 165 + 27.5 = 192.5; b = 27.5.
  EXPECT_NEAR(c->referral[0], 192.5, 1e-9);
  EXPECT_NEAR(c->referral[1], 27.5, 1e-9);
  EXPECT_THAT(c->converted_referrals, ElementsAre(2, 1, 0, 0, 0));
  EXPECT_EQ(Sum(c->influence), 0);  // no interactions
  ExpectAddsUp(*c);
  // Without anyone joining anyway, the whole discounted margin counts and no
  // acquisition cost is saved: a = 300 + 80 / 2 = 340, b = 40.
  o.joined_anyway_share = 0;
  c = ComputeContributions(t, o);
  ASSERT_TRUE(c.ok());
  EXPECT_NEAR(c->referral[0], 340, 1e-9);
  EXPECT_NEAR(c->referral[1], 40, 1e-9);
  // A horizon of 0 runs to as_of: j's 830 D purchase (50, 730 days on:
  // 50 / 1.12^(730 / 365.25)) joins a's value.
  o.referral_horizon_days = 0;
  c = ComputeContributions(t, o);
  ASSERT_TRUE(c.ok());
  EXPECT_NEAR(c->referral[0], 340 + 50 * std::pow(1.12, -730 / kYear), 1e-9);
  // No discounting: 100 + 224 + 50 + 40.
  o.discount_rate = 0;
  c = ComputeContributions(t, o);
  ASSERT_TRUE(c.ok());
  EXPECT_NEAR(c->referral[0], 414, 1e-9);
}

TEST(ContributionTest, MarginsComeFromProducts) {
  Tables t;
  testing::AddCustomers(t, 2);
  const Index p = testing::AddProduct(t, "P", 10, 6);  // margin rate 0.4
  testing::Refer(t, 0, 1, 10 * D, true);
  testing::Buy(t, 1, 10 * D, 50, p);   // 20
  testing::Buy(t, 1, 10 * D, 8);       // no product: 8 * 0.25 = 2
  ContributionOptions o;
  o.as_of = 100 * D;
  o.joined_anyway_share = 0;
  o.influence_share = 0;
  auto c = ComputeContributions(t, o);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_NEAR(c->referral[0], 22, 1e-12);
  // own_margin: the customer's own margin in the influence window.
  EXPECT_THAT(c->own_margin, ElementsAre(0, DoubleNear(22, 1e-12)));
}

// a = 0, b = 1, c = 2, d = 3; as_of 1000 D, no decay, margin = amount.
struct Influence {
  Tables t;
  Influence() {
    testing::AddCustomers(t, 4);
    testing::AddInteraction(t, 1, 0, kReply, 900 * D);        // b -> a, weight 1
    testing::AddInteraction(t, 1, 2, kLike, 910 * D);         // b -> c, weight 0.5
    testing::AddInteraction(t, 1, 0, kEndorsement, 1000 * D); // at as_of: not counted
    testing::AddInteraction(t, 3, 0, kEndorsement, 500 * D);  // d -> a
    testing::Buy(t, 1, 900 * D, 90);    // b's margin in [635 D, 1000 D)
    testing::Buy(t, 0, 950 * D, 1000);  // a's (a attends to nobody yet)
    testing::Buy(t, 3, 100 * D, 50);    // d's, outside the 365-day window
  }
  ContributionOptions Options() const {
    ContributionOptions o = Plain();
    o.influence_share = 0.1;
    o.graph.half_life_days = 0;
    return o;
  }
};

TEST(ContributionTest, OneStepInfluenceByHand) {
  const Influence w;
  auto c = ComputeContributions(w.t, w.Options());
  ASSERT_TRUE(c.ok()) << c.status();
  // b: u = 0.1 * 90 = 9, split over its out-weights 1 (to a) and 0.5 (to c):
  // a 9 * 1/1.5 = 6, c 9 * 0.5/1.5 = 3. d's margin is outside the window and a
  // attends to nobody: nothing else moves.
  EXPECT_THAT(c->influence, ElementsAre(DoubleNear(6, 1e-12), 0, DoubleNear(3, 1e-12), 0));
  EXPECT_EQ(c->influence_steps, 1);
  EXPECT_THAT(c->own_margin, ElementsAre(1000, 90, 0, 0));
  ExpectAddsUp(*c);
}

TEST(ContributionTest, PersistencePassesValueToInfluencersOfInfluencers) {
  Influence w;
  testing::AddInteraction(w.t, 0, 2, kMention, 960 * D);  // a -> c, weight 1
  ContributionOptions o = w.Options();
  o.influence_persistence = 0.5;
  auto c = ComputeContributions(w.t, o);
  ASSERT_TRUE(c.ok()) << c.status();
  // Step 1: from b, a 6 and c 3; from a (u = 0.1 * 1000 = 100), c 100.
  // a attends to c: keeps 6 * 0.5 = 3, passes 3 to c. c attends to nobody:
  // keeps all. c = 3 + 100 + 3 = 106. The total moved is u_a + u_b = 109.
  EXPECT_THAT(c->influence, ElementsAre(DoubleNear(3, 1e-12), 0, DoubleNear(106, 1e-12), 0));
  EXPECT_EQ(c->influence_steps, 2);
  EXPECT_NEAR(Sum(c->influence), 109, 1e-12);
  // One step: a 6, c 103.
  o.influence_persistence = 0;
  c = ComputeContributions(w.t, o);
  ASSERT_TRUE(c.ok());
  EXPECT_THAT(c->influence, ElementsAre(DoubleNear(6, 1e-12), 0, DoubleNear(103, 1e-12), 0));
}

TEST(ContributionTest, PersistenceOnACycleConservesTheTotal) {
  // a <-> b reply to each other, each with margin 100: u = 10 each. With
  // delta = 0.5, by symmetry each ends with 10, after many passes.
  Tables t;
  testing::AddCustomers(t, 2);
  testing::AddInteraction(t, 0, 1, kReply, 900 * D);
  testing::AddInteraction(t, 1, 0, kReply, 900 * D);
  testing::Buy(t, 0, 900 * D, 100);
  testing::Buy(t, 1, 900 * D, 100);
  ContributionOptions o = Plain();
  o.influence_persistence = 0.5;
  auto c = ComputeContributions(t, o);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_NEAR(c->influence[0], 10, 1e-9);
  EXPECT_NEAR(c->influence[1], 10, 1e-9);
  EXPECT_GT(c->influence_steps, 40);  // 0.5^k of 20 falls below 2e-14 after ~50 steps
}

TEST(ContributionTest, DecayWeighsRecentAttention) {
  // half-life 100 days: b's reply to a is 200 days old (weight 1/4), to c 100
  // days (1/2): a gets 9 * (1/4)/(3/4) = 3, c 6.
  Tables t;
  testing::AddCustomers(t, 3);
  testing::AddInteraction(t, 1, 0, kReply, 800 * D);
  testing::AddInteraction(t, 1, 2, kReply, 900 * D);
  testing::Buy(t, 1, 900 * D, 90);
  ContributionOptions o = Plain();
  o.graph.half_life_days = 100;
  auto c = ComputeContributions(t, o);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_NEAR(c->influence[0], 3, 1e-9);
  EXPECT_NEAR(c->influence[2], 6, 1e-9);
}

TEST(ContributionTest, ReferredMarginsAreNotCountedTwice) {
  // a refers j at 700 D; j buys 100 (800 D) and 50 (900 D) inside the
  // referral's window, and 40 (650 D) before it; j replies to a.
  Tables t;
  testing::AddCustomers(t, 2);
  testing::Refer(t, 0, 1, 700 * D, true);
  testing::Buy(t, 1, 650 * D, 40);
  testing::Buy(t, 1, 800 * D, 100);
  testing::Buy(t, 1, 900 * D, 50);
  testing::AddInteraction(t, 1, 0, kReply, 950 * D);
  ContributionOptions o = Plain();
  o.discount_rate = 0;
  o.joined_anyway_share = 0;
  o.graph.half_life_days = 0;
  auto c = ComputeContributions(t, o);
  ASSERT_TRUE(c.ok()) << c.status();
  // Referral: 100 + 50 = 150. Influence: j's base is only the 40 outside the
  // referral (in the 365-day window [635 D, 1000 D)): 0.1 * 40 = 4 to a.
  EXPECT_NEAR(c->referral[0], 150, 1e-12);
  EXPECT_NEAR(c->influence[0], 4, 1e-12);
  EXPECT_NEAR(c->total[0], 154, 1e-12);
  EXPECT_NEAR(c->own_margin[1], 190, 1e-12);
  ExpectAddsUp(*c);
}

TEST(ContributionTest, CoCreationCreditSharesEachChange) {
  Tables t;
  testing::AddCustomers(t, 3);
  const std::vector<ChangeCredit> changes = {
      {300, 500 * D, {0, 1}, {}},          // equal: 150 each
      {90, 600 * D, {0, 1, 2}, {1, 2, 0}}, // 30, 60, 0
      {1000, 1000 * D, {2}, {}},           // adopted at as_of: not yet
  };
  ContributionOptions o = Plain();
  o.changes = changes;
  auto c = ComputeContributions(t, o);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->cocreation, ElementsAre(180, 210, 0));
  EXPECT_THAT(c->total, ElementsAre(180, 210, 0));
  // Every change when as_of is unset.
  auto all = cocreation::CoCreationCredit(3, changes, kNoTime);
  ASSERT_TRUE(all.ok());
  EXPECT_THAT(*all, ElementsAre(180, 210, 1000));
}

TEST(ContributionTest, ComponentsAddUpOnAMixedWorld) {
  Influence w;
  testing::Refer(w.t, 2, 1, 880 * D, true);  // c referred b: b's 90 is now referral value
  const std::vector<ChangeCredit> changes = {{60, 700 * D, {0, 2, 3}, {}}};
  ContributionOptions o = w.Options();
  o.changes = changes;
  o.discount_rate = 0;
  o.joined_anyway_share = 0.25;
  auto c = ComputeContributions(w.t, o);
  ASSERT_TRUE(c.ok()) << c.status();
  // Referral: c gets 0.75 * 90 = 67.5. b's base is then 0: no influence.
  // Co-creation: 20 each to a, c, d.
  EXPECT_THAT(c->referral, ElementsAre(0, 0, DoubleNear(67.5, 1e-12), 0));
  EXPECT_THAT(c->influence, ElementsAre(0, 0, 0, 0));
  EXPECT_THAT(c->cocreation, ElementsAre(DoubleNear(20, 1e-12), 0, DoubleNear(20, 1e-12),
                                         DoubleNear(20, 1e-12)));
  ExpectAddsUp(*c);
  EXPECT_NEAR(Sum(c->total), 67.5 + 60, 1e-12);
}

TEST(ContributionTest, BadOptionsNameTheField) {
  Tables t;
  testing::AddCustomers(t, 2);
  auto message = [&](auto change) {
    ContributionOptions o = Plain();
    change(o);
    return std::string(ComputeContributions(t, o).status().message());
  };
  EXPECT_THAT(message([](ContributionOptions& o) { o.as_of = kNoTime; }), HasSubstr("as_of"));
  EXPECT_THAT(message([](ContributionOptions& o) { o.discount_rate = -0.1; }), HasSubstr("discount_rate"));
  EXPECT_THAT(message([](ContributionOptions& o) { o.joined_anyway_share = 1.5; }),
              HasSubstr("joined_anyway_share"));
  EXPECT_THAT(message([](ContributionOptions& o) { o.acquisition_cost = std::nan(""); }),
              HasSubstr("acquisition_cost"));
  EXPECT_THAT(message([](ContributionOptions& o) { o.influence_share = -1; }), HasSubstr("influence_share"));
  EXPECT_THAT(message([](ContributionOptions& o) { o.influence_persistence = 1; }),
              HasSubstr("influence_persistence: must be in [0, 1)"));
  EXPECT_THAT(message([](ContributionOptions& o) { o.referral_horizon_days = -5; }),
              HasSubstr("referral_horizon_days"));
  EXPECT_THAT(message([](ContributionOptions& o) { o.influence_window_days = INFINITY; }),
              HasSubstr("influence_window_days"));
  EXPECT_THAT(message([](ContributionOptions& o) { o.default_margin_rate = 2; }),
              HasSubstr("default_margin_rate"));
  EXPECT_THAT(message([](ContributionOptions& o) { o.graph.kind_weights[1] = -1; }),
              HasSubstr("kind_weights[1]"));
  static const std::vector<ChangeCredit> bad = {{5, 0, {0, 7}, {}}};
  EXPECT_THAT(message([](ContributionOptions& o) { o.changes = bad; }),
              HasSubstr("changes[0].contributors[1]"));
  // The same validation in a request's terms, graph included.
  EXPECT_EQ(message([](ContributionOptions& o) { o.discount_rate = -0.5; }),
            "discount_rate: must be in [0, 100] (per year), got -0.5");
  EXPECT_EQ(message([](ContributionOptions& o) {
              o.discount_rate = -0.5;
              o.names = FieldPath("request");
            }),
            "request.discount_rate: must be in [0, 100] (per year), got -0.5");
  EXPECT_EQ(message([](ContributionOptions& o) {
              o.graph.half_life_days = -1;
              o.names = FieldPath("request");
              o.graph.names = o.names.Sub("graph");
            }),
            "request.graph.half_life_days: must be finite and >= 0 (0: no decay), got -1");
}

}  // namespace
}  // namespace mitra::ladder

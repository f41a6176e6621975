// Conflict signals on constructed cases: shared customers (counts and
// Jaccard), shared territory, undercutting and switching, each worked out
// by hand.
#include "mitra/channels/conflict.h"

#include "fixtures.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mitra::channels {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::kDay;

// P -> W1 -> {R1, R2}, P -> W2 -> R3, P -> D. Territories: R1 and R2 "T/a"
// (a conflict), W2 and R3 "T/b" (vertical: not one), W1 "T", D "online".
struct Chain5 : testing::Builder {
  Index P, W1, W2, R1, R2, R3, D, X, Y;
  Chain5() {
    P = Channel("P", kProducer, kNoIndex, 0.2);
    W1 = Channel("W1", kWholesaler, P, 0.1, 0, 0, "T");
    W2 = Channel("W2", kWholesaler, P, 0.1, 0, 0, "T/b");
    R1 = Channel("R1", kRetailer, W1, 0.2, 0, 0, "T/a");
    R2 = Channel("R2", kRetailer, W1, 0.2, 0, 0, "T/a");
    R3 = Channel("R3", kRetailer, W2, 0.2, 0, 0, "T/b");
    D = Channel("D", kDirect, P, 0, 0, 0, "online");
    X = Product("X", 100, 40);
    Y = Product("Y", 10, 4);
  }
  absl::StatusOr<Conflicts> Find(ConflictOptions o = {}) {
    chain = Build();
    return FindConflicts(t, chain, o);
  }
  Chain chain;
};

TEST(ConflictTest, SharedCustomersAndJaccard) {
  Chain5 f;
  f.Customers(5);
  // R1 {c0, c1, c2}, R2 {c0, c1, c3}, R3 {c3, c4}.
  for (Index c : {0, 1, 2}) f.Sale(c, kDay, 10, 1, f.Y, f.R1);
  for (Index c : {0, 1, 3}) f.Sale(c, 2 * kDay, 10, 1, f.Y, f.R2);
  for (Index c : {3, 4}) f.Sale(c, 3 * kDay, 10, 1, f.Y, f.R3);
  auto r = f.Find();
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->shared.size(), 2u);
  // (R1, R2): 2 shared of 3 + 3 - 2 = 4: Jaccard 0.5; siblings, one territory.
  const SharedCustomers& a = r->shared[0];
  EXPECT_EQ(a.a, f.R1);
  EXPECT_EQ(a.b, f.R2);
  EXPECT_EQ(a.shared, 2u);
  EXPECT_EQ(a.customers_a, 3u);
  EXPECT_EQ(a.customers_b, 3u);
  EXPECT_DOUBLE_EQ(a.jaccard, 0.5);
  EXPECT_EQ(a.relation, Relation::kSiblings);
  EXPECT_TRUE(a.same_territory);
  // (R2, R3): c3 of {c0, c1, c3} u {c3, c4} = 4: 0.25; same tier, cousins.
  const SharedCustomers& b = r->shared[1];
  EXPECT_EQ(b.a, f.R2);
  EXPECT_EQ(b.b, f.R3);
  EXPECT_EQ(b.shared, 1u);
  EXPECT_DOUBLE_EQ(b.jaccard, 0.25);
  EXPECT_EQ(b.relation, Relation::kSameTier);
  EXPECT_FALSE(b.same_territory);
  // With a floor of 2 shared customers only (R1, R2) stays.
  ConflictOptions o;
  o.min_shared_customers = 2;
  EXPECT_EQ(f.Find(o)->shared.size(), 1u);
}

TEST(ConflictTest, SharedTerritoryIgnoresVerticalPairs) {
  Chain5 f;
  auto r = f.Find();
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->territories.size(), 1u);
  EXPECT_EQ(r->territories[0].territory, "T/a");
  EXPECT_THAT(r->territories[0].members, ElementsAre(f.R1, f.R2));
}

TEST(ConflictTest, Undercutting) {
  Chain5 f;
  f.Customers(4);
  // X: R1 5 units at 100, R2 5 at 90, W1 selling to customers 5 at 99, R3 3
  // at 80 (under min_units 5), D 6 at 99 (D and W1 are siblings, at one
  // price; D and R3 share customer c3).
  f.Sale(0, kDay, 500, 5, f.X, f.R1);
  f.Sale(1, kDay, 450, 5, f.X, f.R2);
  f.Sale(2, kDay, 495, 5, f.X, f.W1);
  f.Sale(3, kDay, 240, 3, f.X, f.R3);
  f.Sale(3, 2 * kDay, 594, 6, f.X, f.D);
  auto r = f.Find();
  ASSERT_TRUE(r.ok()) << r.status();
  // R2 vs R1 (siblings): 1 - 90/100 = 10%. R2 vs W1 (vertical): 1 - 90/99 =
  // 9.09%. W1 (99) vs R1 (100): 1% < the 2% threshold. P and W2 sell
  // nothing.
  ASSERT_EQ(r->undercuts.size(), 2u);
  const Undercut& u = r->undercuts[0];
  EXPECT_EQ(u.member, f.R2);
  EXPECT_EQ(u.other, f.R1);
  EXPECT_EQ(u.product, f.X);
  EXPECT_DOUBLE_EQ(u.price, 90);
  EXPECT_DOUBLE_EQ(u.other_price, 100);
  EXPECT_DOUBLE_EQ(u.units, 5);
  EXPECT_NEAR(u.gap, 0.1, 1e-12);
  EXPECT_EQ(u.relation, Relation::kSiblings);
  const Undercut& v = r->undercuts[1];
  EXPECT_EQ(v.member, f.R2);
  EXPECT_EQ(v.other, f.W1);
  EXPECT_NEAR(v.gap, 1 - 90.0 / 99, 1e-12);
  EXPECT_EQ(v.relation, Relation::kVertical);
  // A 0.5% threshold also flags W1 under R1 (1%); min_units 3 brings R3 in:
  // 80 against D's 99 (they share c3) is 19.19% under.
  ConflictOptions o;
  o.undercut_threshold = 0.005;
  o.min_units = 3;
  auto s = f.Find(o);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->undercuts.size(), 4u);
  EXPECT_EQ(s->undercuts[0].member, f.R3);
  EXPECT_EQ(s->undercuts[0].other, f.D);
  EXPECT_NEAR(s->undercuts[0].gap, 1 - 80.0 / 99, 1e-12);
  EXPECT_EQ(s->undercuts[0].relation, Relation::kOther);
  EXPECT_EQ(s->undercuts[1].member, f.R2);
  EXPECT_EQ(s->undercuts[2].member, f.R2);
  EXPECT_EQ(s->undercuts[3].member, f.W1);
  EXPECT_EQ(s->undercuts[3].other, f.R1);
  EXPECT_NEAR(s->undercuts[3].gap, 0.01, 1e-12);
}

TEST(ConflictTest, UndercuttingBetweenMembersSharingCustomers) {
  Chain5 f;
  f.Customers(2);
  // D (online, another branch) and R3 share c0; D sells Y at 8, R3 at 10.
  f.Sale(0, kDay, 50, 5, f.Y, f.R3);
  f.Sale(0, 2 * kDay, 40, 5, f.Y, f.D);
  f.Sale(1, 2 * kDay, 40, 5, f.Y, f.D);
  auto r = f.Find();
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->undercuts.size(), 1u);
  EXPECT_EQ(r->undercuts[0].member, f.D);
  EXPECT_EQ(r->undercuts[0].other, f.R3);
  EXPECT_DOUBLE_EQ(r->undercuts[0].price, 8);
  EXPECT_NEAR(r->undercuts[0].gap, 0.2, 1e-12);
  EXPECT_EQ(r->undercuts[0].relation, Relation::kOther);
}

TEST(ConflictTest, SwitchingBetweenPeriods) {
  Chain5 f;
  f.Customers(4);
  // Periods of 10 days from day 0.
  // c0: R1 (p0), R1 (p1), R2 twice (p2)         -> stay, switch R1 -> R2
  // c1: R1 50 and R2 60 in p0 (main R2), R1 p1  -> switch R2 -> R1
  // c2: R2 in p0 only
  // c3: R1 10 then R2 10 in p0: a tie, the first in time (R1) is its member
  f.Sale(0, 1 * kDay, 10, 1, f.Y, f.R1);
  f.Sale(0, 12 * kDay, 10, 1, f.Y, f.R1);
  f.Sale(0, 25 * kDay, 10, 1, f.Y, f.R2);
  f.Sale(0, 27 * kDay, 10, 1, f.Y, f.R2);
  f.Sale(1, 2 * kDay, 50, 1, f.Y, f.R1);
  f.Sale(1, 3 * kDay, 60, 1, f.Y, f.R2);
  f.Sale(1, 15 * kDay, 10, 1, f.Y, f.R1);
  f.Sale(2, 5 * kDay, 10, 1, f.Y, f.R2);
  f.Sale(3, 1 * kDay, 10, 1, f.Y, f.R1);
  f.Sale(3, 2 * kDay, 10, 1, f.Y, f.R2);
  ConflictOptions o;
  o.start = 0;
  o.end = 30 * kDay;
  o.period_seconds = 10 * kDay;
  auto r = f.Find(o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->periods.size(), 3u);
  EXPECT_EQ(r->periods[0].start, 0);
  EXPECT_EQ(r->periods[0].active, 4u);
  EXPECT_EQ(r->periods[0].stayed + r->periods[0].switched, 0u);
  EXPECT_EQ(r->periods[1].start, 10 * kDay);
  EXPECT_EQ(r->periods[1].active, 2u);
  EXPECT_EQ(r->periods[1].stayed, 1u);    // c0
  EXPECT_EQ(r->periods[1].switched, 1u);  // c1
  EXPECT_EQ(r->periods[2].active, 1u);
  EXPECT_EQ(r->periods[2].switched, 1u);  // c0
  ASSERT_EQ(r->transitions.size(), 3u);   // sorted by (from, to)
  EXPECT_EQ(r->transitions[0].from, f.R1);
  EXPECT_EQ(r->transitions[0].to, f.R1);
  EXPECT_EQ(r->transitions[0].customers, 1u);
  EXPECT_EQ(r->transitions[1].from, f.R1);
  EXPECT_EQ(r->transitions[1].to, f.R2);
  EXPECT_EQ(r->transitions[2].from, f.R2);
  EXPECT_EQ(r->transitions[2].to, f.R1);
  EXPECT_EQ(r->stays, 1u);
  EXPECT_EQ(r->switches, 2u);
  EXPECT_DOUBLE_EQ(r->switching_share, 2.0 / 3);
  EXPECT_EQ(r->members[f.R1].kept, 1u);
  EXPECT_EQ(r->members[f.R1].lost, 1u);
  EXPECT_EQ(r->members[f.R1].won, 1u);
  EXPECT_EQ(r->members[f.R2].kept, 0u);
  EXPECT_EQ(r->members[f.R2].lost, 1u);
  EXPECT_EQ(r->members[f.R2].won, 1u);
}

TEST(ConflictTest, SparsePriceTableGivesTheSameUndercuts) {
  // Enough members x products to leave the dense table (2^24 cells): 4,200
  // channels x 4,000 products; only a few sell.
  Chain5 f;
  for (int i = 0; i < 4200 - 7; ++i) f.Channel("x" + std::to_string(i), kRetailer, f.W2, 0.1);
  for (int i = 0; i < 4000 - 2; ++i) f.Product("p" + std::to_string(i), 1, 1);
  f.Customers(2);
  f.Sale(0, kDay, 500, 5, f.X, f.R1);
  f.Sale(1, kDay, 450, 5, f.X, f.R2);
  auto r = f.Find();
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->undercuts.size(), 1u);
  EXPECT_EQ(r->undercuts[0].member, f.R2);
  EXPECT_NEAR(r->undercuts[0].gap, 0.1, 1e-12);
}

TEST(ConflictTest, BadOptions) {
  Chain5 f;
  ConflictOptions o;
  o.undercut_threshold = 1;
  EXPECT_THAT(f.Find(o).status().message(), HasSubstr("undercut_threshold: must be in [0, 1)"));
  o = {};
  o.min_units = -1;
  EXPECT_THAT(f.Find(o).status().message(), HasSubstr("min_units"));
  o = {};
  o.period_seconds = 0;
  EXPECT_THAT(f.Find(o).status().message(), HasSubstr("period_seconds: must be > 0"));
  o = {};
  o.start = 0;
  o.end = 1000000000;
  o.period_seconds = 1;
  EXPECT_THAT(f.Find(o).status().message(), HasSubstr("periods (at most 100000)"));
  // The same validation in a request's terms, alone or in FindConflicts.
  o = {};
  o.names = FieldPath("request");
  o.undercut_threshold = NAN;
  EXPECT_EQ(CheckConflictOptions(o).message(), "request.undercut_threshold: must be in [0, 1), got nan");
  EXPECT_EQ(f.Find(o).status().message(), CheckConflictOptions(o).message());
  o.undercut_threshold = 0;
  o.period_seconds = -5;
  EXPECT_EQ(CheckConflictOptions(o).message(), "request.period_seconds: must be > 0, got -5");
}

}  // namespace
}  // namespace mitra::channels

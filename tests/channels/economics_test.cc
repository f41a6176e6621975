// Channel economics on a hand-built chain: every expected number is worked
// out in the comments.
//
//   member  kind        parent  margin  fixed/yr  cost/unit
//   P  0    producer    -       0.20    100       1
//   W  1    wholesaler  P       0.10    100       0.5
//   R1 2    retailer    W       0.25    50        2
//   R2 3    retailer    W       0.20    40        1
//   D  4    direct      P       0       200       3
//   A  5    activist    P       0.05    60        0.5
// Products X (cost 40), Y (cost 4). Window [0, 365.25 days): one year.
//   t0 c0 day 10  100  q1 X R1     t4 c2 day  5  95  q1 X A
//   t1 c0 day 20   20  q2 Y R1     t5 c2 day 50   0  q1 Y R1  (a return line)
//   t2 c1 day 15   90  q1 X R2     t6 c3 day -10 100 q1 X R2  (before the window)
//   t3 c1 day 40   10  q1 Y D      t7 c3 day 30  10  q0 Y R2  (quantity not recorded)
//   t8 c4 day 60   50  q1 - -      (no product, no channel)
// Shares reaching P: R1 0.75 * 0.9 = 0.675, R2 0.8 * 0.9 = 0.72, D 1, A 0.95.
#include "mitra/channels/economics.h"

#include "fixtures.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mitra::channels {
namespace {

using ::testing::HasSubstr;
using testing::kDay;

constexpr int64_t kYear = 36525 * kDay / 100;

struct Hand : testing::Builder {
  Index P, W, R1, R2, D, A, X, Y;
  Hand() {
    P = Channel("P", kProducer, kNoIndex, 0.2, 100, 1);
    W = Channel("W", kWholesaler, P, 0.1, 100, 0.5);
    R1 = Channel("R1", kRetailer, W, 0.25, 50, 2);
    R2 = Channel("R2", kRetailer, W, 0.2, 40, 1);
    D = Channel("D", kDirect, P, 0, 200, 3);
    A = Channel("A", kCommunityActivist, P, 0.05, 60, 0.5);
    X = Product("X", 100, 40);
    Y = Product("Y", 10, 4);
    Customers(5);
    Sale(0, 10 * kDay, 100, 1, X, R1);
    Sale(0, 20 * kDay, 20, 2, Y, R1);
    Sale(1, 15 * kDay, 90, 1, X, R2);
    Sale(1, 40 * kDay, 10, 1, Y, D);
    Sale(2, 5 * kDay, 95, 1, X, A);
    Sale(2, 50 * kDay, 0, 1, Y, R1);
    Sale(3, -10 * kDay, 100, 1, X, R2);
    Sale(3, 30 * kDay, 10, 0, Y, R2);
    Sale(4, 60 * kDay, 50, 1, kNoIndex, kNoIndex);
    // Support: c0 sends two messages and a reply in the window; c1 a
    // message after it.
    mitra::testing::AddInteraction(t, 0, 1, mitra::testing::kMessage, 11 * kDay);
    mitra::testing::AddInteraction(t, 0, 2, mitra::testing::kMessage, 12 * kDay);
    mitra::testing::AddInteraction(t, 0, 2, mitra::testing::kReply, 13 * kDay);
    mitra::testing::AddInteraction(t, 1, 0, mitra::testing::kMessage, 400 * kDay);
  }
  EconomicsOptions Options() const {
    EconomicsOptions o;
    o.start = 0;
    o.end = kYear;
    o.rates.per_order = 2;
    o.rates.per_delivery = 3;
    o.rates.per_return = 5;
    o.rates.per_support_contact = 1.5;
    o.rates.support_kinds = 1u << mitra::testing::kMessage;
    o.incentives = {30, 0, 20};  // chain, direct, community
    return o;
  }
};

class EconomicsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chain_ = h_.Build();
    auto e = ComputeEconomics(h_.t, chain_, h_.Options());
    ASSERT_TRUE(e.ok()) << e.status();
    e_ = *std::move(e);
  }
  const MemberEconomics& M(Index m) const { return e_.members[m]; }
  const RouteEconomics& R(Route r) const { return e_.routes[static_cast<int>(r)]; }
  Hand h_;
  Chain chain_;
  Economics e_;
};

TEST_F(EconomicsTest, WindowAndTotals) {
  EXPECT_EQ(e_.start, 0);
  EXPECT_EQ(e_.end, kYear);
  EXPECT_DOUBLE_EQ(e_.years, 1);
  // Eight rows in the window (t6 is before it): 100+20+90+10+95+0+10+50.
  EXPECT_EQ(e_.transactions, 8u);
  EXPECT_DOUBLE_EQ(e_.sales, 375);
  EXPECT_DOUBLE_EQ(e_.unattributed_sales, 50);
  EXPECT_EQ(e_.buyers, 5u);
  EXPECT_EQ(e_.acquired, 4u);  // c3's first purchase is before the window
}

TEST_F(EconomicsTest, AttributionOwnAndRolledUp) {
  // R1: t0, t1, t5 = 120 money, 1 + 2 + 1 units, customers c0 and c2.
  EXPECT_DOUBLE_EQ(M(h_.R1).sales, 120);
  EXPECT_DOUBLE_EQ(M(h_.R1).units, 4);
  EXPECT_EQ(M(h_.R1).transactions, 3u);
  EXPECT_EQ(M(h_.R1).customers, 2u);
  // R2: t2, t7 (quantity 0 counts as one unit) = 100, 2 units, c1 and c3.
  EXPECT_DOUBLE_EQ(M(h_.R2).sales, 100);
  EXPECT_DOUBLE_EQ(M(h_.R2).units, 2);
  EXPECT_EQ(M(h_.R2).customers, 2u);
  // W sells nothing itself; its tree is R1 + R2.
  EXPECT_DOUBLE_EQ(M(h_.W).sales, 0);
  EXPECT_DOUBLE_EQ(M(h_.W).tree_sales, 220);
  EXPECT_DOUBLE_EQ(M(h_.W).tree_units, 6);
  EXPECT_EQ(M(h_.W).tree_transactions, 5u);
  EXPECT_EQ(M(h_.W).tree_customers, 4u);  // c0, c2 | c1, c3
  // P: everything with a channel: 220 + 10 + 95, c0..c3.
  EXPECT_DOUBLE_EQ(M(h_.P).tree_sales, 325);
  EXPECT_DOUBLE_EQ(M(h_.P).tree_units, 8);
  EXPECT_EQ(M(h_.P).tree_customers, 4u);
  // Acquired: c0 by R1, c1 by R2, c2 by A.
  EXPECT_EQ(M(h_.R1).acquired, 1u);
  EXPECT_EQ(M(h_.R2).acquired, 1u);
  EXPECT_EQ(M(h_.A).acquired, 1u);
  EXPECT_EQ(M(h_.D).acquired, 0u);
  EXPECT_EQ(M(h_.W).tree_acquired, 2u);
  EXPECT_EQ(M(h_.P).tree_acquired, 3u);
}

TEST_F(EconomicsTest, MarginMoneyAndProfitPerMember) {
  // R1 keeps 0.25 * 120 = 30 and passes 90 up; R2 keeps 20, passes 80.
  EXPECT_DOUBLE_EQ(M(h_.R1).margin_money, 30);
  EXPECT_DOUBLE_EQ(M(h_.R2).margin_money, 20);
  // W sells 170 at its prices, keeps 17, passes 153.
  EXPECT_DOUBLE_EQ(M(h_.W).revenue, 170);
  EXPECT_DOUBLE_EQ(M(h_.W).margin_money, 17);
  // D passes 10, A keeps 4.75 and passes 90.25; P: 153 + 10 + 90.25.
  EXPECT_DOUBLE_EQ(M(h_.A).margin_money, 4.75);
  EXPECT_DOUBLE_EQ(M(h_.P).revenue, 253.25);
  EXPECT_DOUBLE_EQ(e_.producer_revenue, 253.25);
  // Profits: margin - cost/unit x units - fixed (one year).
  EXPECT_DOUBLE_EQ(M(h_.R1).profit, 30 - 2 * 4 - 50);    // -28
  EXPECT_DOUBLE_EQ(M(h_.R2).profit, 20 - 1 * 2 - 40);    // -22
  EXPECT_DOUBLE_EQ(M(h_.W).profit, 17 - 0.5 * 6 - 100);  // -86
  EXPECT_DOUBLE_EQ(M(h_.D).profit, 0 - 3 * 1 - 200);
  EXPECT_DOUBLE_EQ(M(h_.A).profit, 4.75 - 0.5 * 1 - 60);
  // P: goods X 40 x 3 + Y 4 x 5 units (t1 2, t5 1, t7 1, t3 1) = 140;
  // 253.25 - 140 - 1 x 8 units - 100.
  EXPECT_DOUBLE_EQ(M(h_.P).goods_cost, 140);
  EXPECT_DOUBLE_EQ(M(h_.P).handling_cost, 8);
  EXPECT_DOUBLE_EQ(M(h_.P).profit, 5.25);
  EXPECT_DOUBLE_EQ(M(h_.R1).fixed_cost, 50);
}

TEST_F(EconomicsTest, CostToServePerCustomer) {
  // Rates: order 2, delivery 3, return 5, support 1.5; handling = the
  // per-unit costs of producer-run members on the path: R1, R2 -> P's 1;
  // D -> 3 + 1 = 4; A -> 0.5 + 1 = 1.5.
  const CustomerCosts& cc = e_.customers;
  ASSERT_EQ(cc.customer.size(), 5u);
  // c0: 2 orders, 2 deliveries, 2 messages, handling 1 x 3 units:
  // 4 + 6 + 3 + 3 = 16. Net 120 - 48 - 0.325 x 120 - 16 = 17.
  EXPECT_DOUBLE_EQ(cc.orders[0], 2);
  EXPECT_DOUBLE_EQ(cc.deliveries[0], 2);
  EXPECT_DOUBLE_EQ(cc.support_contacts[0], 2);
  EXPECT_DOUBLE_EQ(cc.handling[0], 3);
  EXPECT_DOUBLE_EQ(cc.cost_to_serve[0], 16);
  EXPECT_DOUBLE_EQ(cc.margins[0], 39);
  EXPECT_NEAR(cc.net[0], 17, 1e-12);
  EXPECT_EQ(cc.main_member[0], h_.R1);
  // c1: 2 orders, 2 deliveries, no support in the window, handling 1 + 4:
  // 4 + 6 + 5 = 15. Margins 90 x 0.28 = 25.2. Net 100 - 44 - 25.2 - 15.
  EXPECT_DOUBLE_EQ(cc.cost_to_serve[1], 15);
  EXPECT_NEAR(cc.net[1], 15.8, 1e-12);
  EXPECT_EQ(cc.main_member[1], h_.R2);
  // c2: 1 order, 1 delivery, 1 return, handling 1.5 + 1: 2 + 3 + 5 + 2.5.
  EXPECT_DOUBLE_EQ(cc.returns[2], 1);
  EXPECT_DOUBLE_EQ(cc.cost_to_serve[2], 12.5);
  EXPECT_NEAR(cc.net[2], 95 - 44 - 4.75 - 12.5, 1e-12);
  EXPECT_EQ(cc.main_member[2], h_.A);
  // c3: one order without a recorded quantity (no delivery), handling 1.
  EXPECT_DOUBLE_EQ(cc.deliveries[3], 0);
  EXPECT_DOUBLE_EQ(cc.cost_to_serve[3], 3);
  EXPECT_NEAR(cc.net[3], 10 - 4 - 2.8 - 3, 1e-12);
  // c4: no channel: an order and a delivery, no handling, no margins.
  EXPECT_DOUBLE_EQ(cc.cost_to_serve[4], 5);
  EXPECT_DOUBLE_EQ(cc.net[4], 45);
  EXPECT_EQ(cc.main_member[4], kNoIndex);
  EXPECT_DOUBLE_EQ(e_.cost_to_serve, 51.5);
  EXPECT_DOUBLE_EQ(e_.margins_conceded, 71.75);
}

TEST_F(EconomicsTest, CostToServePerMember) {
  // R1: t0 2+3+1, t1 2+3+2, t5 return 5+1, c0's support 2 x 1.5 (R1 is
  // c0's main seller) = 22 over 2 customers.
  EXPECT_DOUBLE_EQ(M(h_.R1).cost_to_serve, 22);
  EXPECT_DOUBLE_EQ(M(h_.R1).cost_to_serve_per_customer, 11);
  // R2: t2 2+3+1, t7 2+1 = 9 over 2. D: 2+3+4. A: 2+3+1.5.
  EXPECT_DOUBLE_EQ(M(h_.R2).cost_to_serve_per_customer, 4.5);
  EXPECT_DOUBLE_EQ(M(h_.D).cost_to_serve, 9);
  EXPECT_DOUBLE_EQ(M(h_.A).cost_to_serve, 6.5);
}

TEST_F(EconomicsTest, Routes) {
  const RouteEconomics& chain = R(Route::kChain);
  EXPECT_DOUBLE_EQ(chain.sales, 220);
  EXPECT_EQ(chain.customers, 4u);                 // c2's return line at R1 counts
  EXPECT_DOUBLE_EQ(chain.producer_revenue, 153);  // 120 x 0.675 + 100 x 0.72
  EXPECT_DOUBLE_EQ(chain.margins_conceded, 67);
  EXPECT_DOUBLE_EQ(chain.goods_cost, 96);
  EXPECT_DOUBLE_EQ(chain.producer_handling, 6);  // P's 1 x 6 units
  EXPECT_DOUBLE_EQ(chain.producer_fixed, 0);
  EXPECT_DOUBLE_EQ(chain.contribution, 153 - 96 - 6 - 30);
  // Acquired c0 (100 at R1) and c1 (90 at R2): margins 32.5 + 25.2; fixed
  // and incentives (0 + 30) x 190 / 220.
  EXPECT_EQ(chain.acquired, 2u);
  EXPECT_DOUBLE_EQ(chain.acquisition_sales, 190);
  EXPECT_DOUBLE_EQ(chain.acquisition_margins, 57.7);
  EXPECT_NEAR(chain.acquisition_cost, 57.7 + 30.0 * 190 / 220, 1e-12);
  EXPECT_NEAR(chain.cost_per_acquired, (57.7 + 30.0 * 190 / 220) / 2, 1e-12);
  // Their value: (100 - 40 - 1) + (90 - 40 - 1) = 108 (sales - goods - P's
  // per-unit cost); less the margins 57.7: 50.3.
  EXPECT_DOUBLE_EQ(chain.value_per_acquired, 54);
  EXPECT_DOUBLE_EQ(chain.acquisition_handling, 0);
  EXPECT_NEAR(chain.contribution_per_acquired, 25.15, 1e-12);

  const RouteEconomics& direct = R(Route::kDirect);
  EXPECT_DOUBLE_EQ(direct.sales, 10);
  EXPECT_DOUBLE_EQ(direct.producer_handling, 4);
  EXPECT_DOUBLE_EQ(direct.producer_fixed, 200);
  EXPECT_DOUBLE_EQ(direct.contribution, 10 - 4 - 4 - 200);
  EXPECT_EQ(direct.acquired, 0u);
  EXPECT_DOUBLE_EQ(direct.cost_per_acquired, 0);

  const RouteEconomics& community = R(Route::kCommunity);
  EXPECT_DOUBLE_EQ(community.margins_conceded, 4.75);
  EXPECT_DOUBLE_EQ(community.producer_fixed, 60);
  EXPECT_DOUBLE_EQ(community.contribution, 90.25 - 40 - 1.5 - 60 - 20);
  // c2: margin 4.75 + A's handling 0.5 + (60 + 20) x 95 / 95.
  EXPECT_EQ(community.acquired, 1u);
  EXPECT_DOUBLE_EQ(community.acquisition_cost, 85.25);
  EXPECT_DOUBLE_EQ(community.cost_per_acquired, 85.25);
  EXPECT_DOUBLE_EQ(community.acquisition_handling, 0.5);
  EXPECT_DOUBLE_EQ(community.value_per_acquired, 95 - 40 - 1);
  EXPECT_DOUBLE_EQ(community.contribution_per_acquired, 90.25 - 40 - 1.5);  // 54 - 4.75 - 0.5
}

TEST_F(EconomicsTest, DefaultWindowIsTheDataSpan) {
  EconomicsOptions o = h_.Options();
  o.start = o.end = kNoTime;
  auto e = ComputeEconomics(h_.t, chain_, o);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->start, -10 * kDay);
  EXPECT_EQ(e->end, 60 * kDay + 1);
  EXPECT_EQ(e->transactions, 9u);
  EXPECT_EQ(e->acquired, 5u);
  EXPECT_NEAR(e->members[h_.R1].fixed_cost, 50 * (70.0 * kDay + 1) / kYear, 1e-9);
}

TEST_F(EconomicsTest, WithoutHandlingOrPerCustomerRows) {
  EconomicsOptions o = h_.Options();
  o.rates.include_handling = false;
  o.per_customer = false;
  auto e = ComputeEconomics(h_.t, chain_, o);
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->customers.customer.empty());
  // 51.5 less the handling 3 + 5 + 2.5 + 1.
  EXPECT_DOUBLE_EQ(e->cost_to_serve, 40);
}

TEST_F(EconomicsTest, BadOptionsNameTheField) {
  EconomicsOptions o = h_.Options();
  o.rates.per_delivery = -1;
  EXPECT_THAT(ComputeEconomics(h_.t, chain_, o).status().message(),
              HasSubstr("rates.per_delivery: must be finite and >= 0, got -1"));
  o = h_.Options();
  o.incentives[2] = NAN;
  EXPECT_THAT(ComputeEconomics(h_.t, chain_, o).status().message(),
              HasSubstr("incentives[2] (community)"));
  o = h_.Options();
  o.end = o.start;
  EXPECT_THAT(ComputeEconomics(h_.t, chain_, o).status().message(),
              HasSubstr("end: must be after start"));
  o = h_.Options();
  o.start = int64_t{-9'000'000'000};
  EXPECT_EQ(ComputeEconomics(h_.t, chain_, o).status().code(), absl::StatusCode::kInvalidArgument);
  // The same validation in a request's terms (an incentive named by the
  // list entry that gave it).
  o = h_.Options();
  o.names = FieldPath("request");
  o.names.Rename("end", "request.end_unix_seconds").Rename(IncentiveOption(2), "request.incentives[0].amount");
  o.rates.per_delivery = -1;
  EXPECT_EQ(ComputeEconomics(h_.t, chain_, o).status().message(),
            "request.rates.per_delivery: must be finite and >= 0, got -1");
  o.rates.per_delivery = 0;
  o.incentives[2] = -3;
  EXPECT_EQ(ComputeEconomics(h_.t, chain_, o).status().message(),
            "request.incentives[0].amount: must be finite and >= 0, got -3");
  o.incentives[2] = 0;
  o.end = o.start;
  EXPECT_THAT(std::string(ComputeEconomics(h_.t, chain_, o).status().message()),
              ::testing::StartsWith("request.end_unix_seconds: must be after start"));
}

}  // namespace
}  // namespace mitra::channels

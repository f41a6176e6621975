// Margin stacks by hand: producer margin 0.2, wholesaler 0.1, retailer 0.25,
// unit cost 80.
#include "mitra/channels/margin_stack.h"

#include "fixtures.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mitra::channels {
namespace {

using ::testing::HasSubstr;

struct Small : testing::Builder {
  Index P, W, R;
  Small() {
    P = Channel("P", kProducer, kNoIndex, 0.2, 0, 1.5);
    W = Channel("W", kWholesaler, P, 0.1);
    R = Channel("R", kRetailer, W, 0.25);
  }
};

TEST(MarginStackTest, FromUnitCostUp) {
  Small s;
  Chain c = s.Build();
  auto st = StackFromUnitCost(c, s.R, 80);
  ASSERT_TRUE(st.ok()) << st.status();
  ASSERT_EQ(st->tiers.size(), 3u);
  // Producer: 80 / (1 - 0.2) = 100, keeps 20 (markup 0.25).
  EXPECT_EQ(st->tiers[0].member, s.P);
  EXPECT_DOUBLE_EQ(st->tiers[0].price, 100);
  EXPECT_DOUBLE_EQ(st->tiers[0].margin_money, 20);
  EXPECT_DOUBLE_EQ(st->tiers[0].markup, 0.25);
  // Wholesaler: 100 / 0.9 = 111.11, keeps 11.11 (markup 1/9).
  EXPECT_DOUBLE_EQ(st->tiers[1].price, 1000.0 / 9);
  EXPECT_DOUBLE_EQ(st->tiers[1].margin_money, 100.0 / 9);
  EXPECT_DOUBLE_EQ(st->tiers[1].markup, 1.0 / 9);
  // Retailer: 111.11 / 0.75 = 148.15, keeps 37.04 (markup 1/3).
  EXPECT_DOUBLE_EQ(st->tiers[2].price, 4000.0 / 27);
  EXPECT_DOUBLE_EQ(st->tiers[2].margin_money, 1000.0 / 27);
  EXPECT_DOUBLE_EQ(st->tiers[2].markup, 1.0 / 3);
  // Shelf = c * prod(1 + markup) = 80 * 1.25 * 10/9 * 4/3.
  EXPECT_DOUBLE_EQ(st->shelf_price, 80 * 1.25 * (10.0 / 9) * (4.0 / 3));
  EXPECT_DOUBLE_EQ(st->producer_price, 100);
  EXPECT_DOUBLE_EQ(st->chain_margin, 4000.0 / 27 - 100);
  EXPECT_DOUBLE_EQ(st->producer_net_per_unit, 98.5);     // 100 - 1.5 own per-unit cost
  EXPECT_DOUBLE_EQ(st->producer_profit_per_unit, 18.5);  // 98.5 - 80
}

TEST(MarginStackTest, FromShelfPriceDownInvertsIt) {
  Small s;
  Chain c = s.Build();
  // 200 at the retailer: it keeps 50, buys at 150; the wholesaler keeps 15,
  // buys at 135 = the producer's price; with cost 80 the producer keeps
  // 135 - 1.5 - 80 = 53.5 a unit.
  auto st = StackFromShelfPrice(c, s.R, 200, 80);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_DOUBLE_EQ(st->tiers[2].margin_money, 50);
  EXPECT_DOUBLE_EQ(st->tiers[1].price, 150);
  EXPECT_DOUBLE_EQ(st->tiers[1].margin_money, 15);
  EXPECT_DOUBLE_EQ(st->producer_price, 135);
  EXPECT_DOUBLE_EQ(st->chain_margin, 65);
  EXPECT_DOUBLE_EQ(st->producer_net_per_unit, 133.5);
  EXPECT_DOUBLE_EQ(st->producer_profit_per_unit, 53.5);
  EXPECT_DOUBLE_EQ(st->tiers[0].margin_money, 0.2 * 135);  // declared share
  auto up = StackFromUnitCost(c, s.R, 80);
  auto down = StackFromShelfPrice(c, s.R, up->shelf_price, 80);
  for (size_t k = 0; k < 3; ++k) EXPECT_NEAR(down->tiers[k].price, up->tiers[k].price, 1e-12);
}

TEST(MarginStackTest, TheProducerSellingItself) {
  Small s;
  Chain c = s.Build();
  auto st = StackFromShelfPrice(c, s.P, 100, 60);
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(st->tiers.size(), 1u);
  EXPECT_DOUBLE_EQ(st->chain_margin, 0);
  EXPECT_DOUBLE_EQ(st->producer_profit_per_unit, 38.5);
}

TEST(MarginStackTest, BadArguments) {
  Small s;
  Chain c = s.Build();
  EXPECT_THAT(StackFromShelfPrice(c, 7, 1, 0).status().message(), HasSubstr("seller: member 7"));
  EXPECT_THAT(StackFromShelfPrice(c, s.R, -1, 0).status().message(), HasSubstr("shelf_price"));
  EXPECT_THAT(StackFromShelfPrice(c, s.R, 1, NAN).status().message(), HasSubstr("unit_cost"));
  EXPECT_THAT(StackFromUnitCost(c, s.R, INFINITY).status().message(), HasSubstr("unit_cost"));
}

}  // namespace
}  // namespace mitra::channels

// The chain model: paths, tiers, relations, routes and the money share that
// reaches the producer, on a hand-built forest.
#include "mitra/channels/chain.h"

#include "fixtures.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mitra::channels {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// P -> W1 -> {R1, R2}, P -> W2 -> R3, P -> D (direct), P -> A (activist);
// a second tree Q -> S.
struct Forest : testing::Builder {
  Index P, W1, W2, R1, R2, R3, D, A, Q, S;
  Forest() {
    P = Channel("P", kProducer, kNoIndex, 0.2);
    W1 = Channel("W1", kWholesaler, P, 0.1);
    W2 = Channel("W2", kWholesaler, P, 0.1);
    R1 = Channel("R1", kRetailer, W1, 0.25);
    R2 = Channel("R2", kRetailer, W1, 0.2);
    R3 = Channel("R3", kRetailer, W2, 0.2);
    D = Channel("D", kDirect, P, 0);
    A = Channel("A", kCommunityActivist, P, 0.05);
    Q = Channel("Q", kWholesaler, kNoIndex, 0.3);  // a root of another kind
    S = Channel("S", kRetailer, Q, 0.5);
  }
};

TEST(ChainTest, PathsDepthsAndChildren) {
  Forest f;
  auto c = Chain::Build(f.t.channels);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->Path(f.R1), ElementsAre(f.R1, f.W1, f.P));
  EXPECT_THAT(c->Path(f.P), ElementsAre(f.P));
  EXPECT_THAT(c->Children(f.P), ElementsAre(f.W1, f.W2, f.D, f.A));
  EXPECT_THAT(c->Children(f.W1), ElementsAre(f.R1, f.R2));
  EXPECT_EQ(c->depth(f.R3), 2u);
  EXPECT_EQ(c->depth(f.S), 1u);
  EXPECT_EQ(c->root(f.S), f.Q);
  EXPECT_EQ(c->max_depth(), 2u);
  // Bottom-up: every child before its parent.
  std::vector<int> at(c->size());
  for (size_t i = 0; i < c->BottomUp().size(); ++i) at[c->BottomUp()[i]] = static_cast<int>(i);
  for (Index m = 0; m < c->size(); ++m) {
    if (c->parent(m) != kNoIndex) {
      EXPECT_LT(at[m], at[c->parent(m)]) << m;
    }
  }
}

TEST(ChainTest, ProducerShareIsTheProductBelowTheRoot) {
  Forest f;
  Chain c = f.Build();
  // R1: (1 - 0.25)(1 - 0.1) = 0.675; the root's own margin is not a share
  // passed on.
  EXPECT_DOUBLE_EQ(c.producer_share(f.R1), 0.675);
  EXPECT_DOUBLE_EQ(c.producer_share(f.R2), 0.72);
  EXPECT_DOUBLE_EQ(c.producer_share(f.A), 0.95);
  EXPECT_DOUBLE_EQ(c.producer_share(f.P), 1.0);
  EXPECT_DOUBLE_EQ(c.producer_share(f.S), 0.5);
}

TEST(ChainTest, RelationsRoutesAndOwnership) {
  Forest f;
  Chain c = f.Build();
  EXPECT_EQ(c.RelationOf(f.R1, f.R2), Relation::kSiblings);
  EXPECT_EQ(c.RelationOf(f.R1, f.R3), Relation::kSameTier);
  EXPECT_EQ(c.RelationOf(f.R1, f.P), Relation::kVertical);
  EXPECT_EQ(c.RelationOf(f.W1, f.R2), Relation::kVertical);
  EXPECT_EQ(c.RelationOf(f.W2, f.R1), Relation::kOther);
  EXPECT_EQ(c.RelationOf(f.W1, f.D), Relation::kSiblings);
  EXPECT_EQ(c.RelationOf(f.R1, f.S), Relation::kOther);
  EXPECT_EQ(c.RelationOf(f.R1, f.R1), Relation::kSame);
  EXPECT_TRUE(c.IsAncestor(f.P, f.R1));
  EXPECT_FALSE(c.IsAncestor(f.R1, f.P));
  EXPECT_FALSE(c.IsAncestor(f.W2, f.R1));
  EXPECT_EQ(c.RouteOf(f.R1), Route::kChain);
  EXPECT_EQ(c.RouteOf(f.W1), Route::kChain);
  EXPECT_EQ(c.RouteOf(f.D), Route::kDirect);
  EXPECT_EQ(c.RouteOf(f.P), Route::kDirect);  // the producer selling itself
  EXPECT_EQ(c.RouteOf(f.A), Route::kCommunity);
  EXPECT_TRUE(c.ProducerRun(f.P));
  EXPECT_TRUE(c.ProducerRun(f.D));
  EXPECT_TRUE(c.ProducerRun(f.A));
  EXPECT_TRUE(c.ProducerRun(f.Q));
  EXPECT_FALSE(c.ProducerRun(f.W1));
  EXPECT_FALSE(c.ProducerRun(f.R1));
}

TEST(ChainTest, BadRecordsNameTheRecordAndField) {
  {
    Forest f;
    f.t.channels.margin[f.R2] = 1.0;
    auto c = Chain::Build(f.t.channels);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(c.status().message(), HasSubstr("channels[4].margin: must be in [0, 1), got 1"));
  }
  {
    Forest f;
    f.t.channels.cost_per_unit[f.D] = NAN;
    auto c = Chain::Build(f.t.channels);
    ASSERT_FALSE(c.ok());
    EXPECT_THAT(c.status().message(), HasSubstr("channels[6].cost_per_unit"));
  }
  {
    Forest f;
    f.t.channels.fixed_cost_per_year[f.W2] = -1;
    auto c = Chain::Build(f.t.channels);
    ASSERT_FALSE(c.ok());
    EXPECT_THAT(c.status().message(), HasSubstr("channels[2].fixed_cost_per_year"));
  }
  {
    Forest f;
    f.t.channels.parent[f.P] = f.R1;  // P -> R1 -> W1 -> P
    auto c = Chain::Build(f.t.channels);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(c.status().message(), HasSubstr("parent_id: the chain above"));
    EXPECT_THAT(c.status().message(), HasSubstr("loops"));
  }
  {
    Forest f;
    f.t.channels.parent[f.S] = 99;
    auto c = Chain::Build(f.t.channels);
    ASSERT_FALSE(c.ok());
    EXPECT_THAT(c.status().message(), HasSubstr("channels[9].parent_id: member 99 out of range"));
  }
}

TEST(ChainTest, EmptyTableIsAnEmptyChain) {
  Tables t;
  auto c = Chain::Build(t.channels);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->size(), 0u);
}

}  // namespace
}  // namespace mitra::channels

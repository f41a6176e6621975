// Influence learning on a workspace's tables: the action sources, the
// product line, the arcs' interaction kinds as prior groups, and the
// options' names.
#include "mitra/graph/workspace_influence.h"

#include <string>

#include "common/table_builder.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mitra::graph {
namespace {

using namespace ::mitra::testing;  // NOLINT: the table builders and kind names
using ::testing::ElementsAre;

constexpr int64_t kDay = 86400;
constexpr int64_t kT = 1'700'000'000;

void AddProduct(Tables& t, const std::string& id, const std::string& category) {
  t.products.ids.Add(id);
  t.products.name.push_back(id);
  t.products.category.push_back(category);
  t.products.unit_price.push_back(kNoNumber);
  t.products.unit_cost.push_back(kNoNumber);
}

void Buy(Tables& t, Index customer, Index product, int64_t time) {
  auto& x = t.transactions;
  x.order.push_back(kNoIndex);
  x.customer.push_back(customer);
  x.time.push_back(time);
  x.amount.push_back(10);
  x.quantity.push_back(1);
  x.product.push_back(product);
  x.channel.push_back(kNoIndex);
}

// 4 customers. Arcs: 0 -> 1 (a reply and an endorsement: the endorsement's
// weight 3 dominates), 1 -> 2 (two likes), 2 -> 3 (a referral).
// Purchases: scooter s: 0@T, 1@T+1d, 2@T+10d; helmet h: 1@T, 2@T+1h;
// one transaction without a product (not an action).
void Fill(Tables& t) {
  AddCustomers(t, 4);
  AddInteraction(t, 0, 1, kReply, kT - 30 * kDay);
  AddInteraction(t, 0, 1, kEndorsement, kT - 30 * kDay);
  AddInteraction(t, 1, 2, kLike, kT - 30 * kDay);
  AddInteraction(t, 1, 2, kLike, kT - 20 * kDay);
  AddInteraction(t, 2, 3, kReferral, kT - 30 * kDay);
  AddProduct(t, "s", "scooter");
  AddProduct(t, "h", "helmet");
  Buy(t, 0, 0, kT);
  Buy(t, 1, 0, kT + kDay);
  Buy(t, 2, 0, kT + 10 * kDay);
  Buy(t, 1, 1, kT);
  Buy(t, 2, 1, kT + 3600);
  Buy(t, 3, kNoIndex, kT);
}

WorkspaceInfluenceOptions Options() {
  WorkspaceInfluenceOptions o;
  o.learning.method = InfluenceMethod::kBernoulli;
  o.learning.window = 2 * kDay;
  return o;
}

TEST(WorkspaceInfluenceTest, PurchasesByHand) {
  Tables t;
  Fill(t);
  auto r = LearnWorkspaceInfluence(t, Options());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->graph.graph.num_arcs(), 3u);
  EXPECT_THAT(r->arc_kind, ElementsAre(kEndorsement, kLike, kReferral));
  // A_0 = 1 (s, followed by 1 within 2 days); A_1 = 2 (s: 2 came 9 days
  // later; h: 2 an hour later); A_2 = 2, 3 never bought.
  EXPECT_THAT(r->model.trials, ElementsAre(1u, 2u, 2u));
  EXPECT_THAT(r->model.estimate, ElementsAre(1.0, 0.5, 0.0));
  // One prior group per interaction kind; three arcs are too few to fit
  // any (20 with trials are needed): every kind has Beta(1, 1).
  ASSERT_EQ(r->model.priors.size(), static_cast<size_t>(kReferral + 1));
  for (int kind : {kEndorsement, kReply, kLike}) {
    EXPECT_FALSE(r->model.priors[kind].fitted);
    EXPECT_EQ(r->model.priors[kind].a, 1);
    EXPECT_EQ(r->model.priors[kind].b, 1);
  }
}

// With as_of set, actions after it are not seen: at T + 12h, 1's scooter
// (T + 1d), 2's scooter (T + 10d) have not happened, so 0's scooter is a
// trial on 0 -> 1 without success, and 1 has only its helmet, followed by
// 2's (T + 1h): p(1 -> 2) = 1/1.
TEST(WorkspaceInfluenceTest, ActionsAfterAsOfAreNotSeen) {
  Tables t;
  Fill(t);
  WorkspaceInfluenceOptions o = Options();
  o.graph.as_of = kT + kDay / 2;
  auto r = LearnWorkspaceInfluence(t, o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->graph.graph.num_arcs(), 3u);
  EXPECT_THAT(r->model.trials, ElementsAre(1u, 1u, 1u));
  EXPECT_THAT(r->model.estimate, ElementsAre(0.0, 1.0, 0.0));
}

TEST(WorkspaceInfluenceTest, ProductLineKeepsItsProducts) {
  Tables t;
  Fill(t);
  WorkspaceInfluenceOptions o = Options();
  o.product_line = "helmet";
  auto r = LearnWorkspaceInfluence(t, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->model.trials, ElementsAre(0u, 1u, 1u));
  EXPECT_THAT(r->model.estimate, ElementsAre(0.0, 1.0, 0.0));
}

TEST(WorkspaceInfluenceTest, ProgramJoinsAndReferralConversions) {
  Tables t;
  Fill(t);
  // Program 0: 0 joins, 1 joins a day later (its second feedback ignored).
  for (auto [c, time] : {std::pair<Index, int64_t>{0, kT}, {1, kT + kDay}, {1, kT + 2 * kDay}}) {
    t.feedback.program.push_back(0);
    t.feedback.product.push_back(kNoIndex);
    t.feedback.customer.push_back(c);
    t.feedback.time.push_back(time);
  }
  WorkspaceInfluenceOptions o = Options();
  o.action = ActionSource::kProgramJoins;
  auto joins = WorkspaceActionLog(t, o.action, "");
  ASSERT_TRUE(joins.ok());
  EXPECT_THAT(joins->node, ElementsAre(0u, 1u, 1u));
  auto r = LearnWorkspaceInfluence(t, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->model.trials, ElementsAre(1u, 1u, 0u));
  EXPECT_THAT(r->model.estimate, ElementsAre(1.0, 0.0, 0.0));
  // Referrals: 2 converts, then 3; an unconverted referral does not count.
  for (auto [referee, converted, time] :
       {std::tuple<Index, EnumValue, int64_t>{2, 1, kT}, {3, 1, kT + kDay}, {1, 0, kT}}) {
    t.referrals.referrer.push_back(0);
    t.referrals.referee.push_back(referee);
    t.referrals.time.push_back(time);
    t.referrals.converted.push_back(converted);
    t.referrals.value.push_back(kNoNumber);
  }
  o.action = ActionSource::kReferralConversions;
  r = LearnWorkspaceInfluence(t, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->model.trials, ElementsAre(0u, 0u, 1u));
  EXPECT_THAT(r->model.estimate, ElementsAre(0.0, 0.0, 1.0));
}

TEST(WorkspaceInfluenceTest, BadOptionsNameTheOption) {
  Tables t;
  Fill(t);
  auto expect_bad = [&](const WorkspaceInfluenceOptions& o, const std::string& name) {
    auto r = LearnWorkspaceInfluence(t, o);
    ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << name;
    EXPECT_THAT(std::string(r.status().message()), ::testing::StartsWith(name));
  };
  WorkspaceInfluenceOptions o = Options();
  o.product_line = "bicycle";
  expect_bad(o, "product_line: no product has the category \"bicycle\"");
  o.action = ActionSource::kProgramJoins;
  o.product_line = "helmet";
  expect_bad(o, "product_line: only purchases");
  o = Options();
  o.action = static_cast<ActionSource>(7);
  expect_bad(o, "action");
  o = Options();
  o.learning.arc_groups = {0, 0, 0};
  expect_bad(o, "arc_groups: must be empty");
  // Each struct's names name its own fields; nested options keep theirs.
  o.learning.names = FieldPath("learning");
  expect_bad(o, "learning.arc_groups: must be empty");
}

TEST(WorkspaceInfluenceTest, ErrorsNameTheOptionInTheCallersTerms) {
  Tables t;
  Fill(t);
  auto error = [&](WorkspaceInfluenceOptions o) {
    o.names = FieldPath("request");
    o.names.Rename("holdout_split", "request.split_unix_seconds");
    o.learning.names = FieldPath("request");
    o.graph.names = FieldPath("request.graph");
    auto r = LearnWorkspaceInfluence(t, o);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(r.status().message());
  };
  WorkspaceInfluenceOptions o = Options();
  o.product_line = "bicycle";
  EXPECT_EQ(error(o), "request.product_line: no product has the category \"bicycle\"");
  o = Options();
  o.learning.em_max_iterations = 0;
  EXPECT_EQ(error(o), "request.em_max_iterations: must be 1..100000, got 0");
  o = Options();
  o.graph.half_life_days = -1;
  EXPECT_EQ(error(o),
            "request.graph.half_life_days: must be finite and >= 0 (0: no decay), got -1");
  o = Options();
  o.holdout_split = int64_t{1} << 62;
  EXPECT_THAT(error(o), ::testing::StartsWith("request.split_unix_seconds: "));
  // Checked before anything is read: a bad option with a bad product line
  // names the option.
  o = Options();
  o.product_line = "bicycle";
  o.learning.window = 0;
  EXPECT_EQ(error(o), "request.window: must be > 0, got 0");
}

TEST(WorkspaceInfluenceTest, HoldoutSplitScoresTheLaterActions) {
  Tables t;
  Fill(t);
  WorkspaceInfluenceOptions o = Options();
  // Split at T + 5 days: training has 4 actions (scooter 0, 1; helmet 1, 2),
  // the test 2's scooter at T + 10 days. Units: the scooter with the nodes
  // that had not bought it before the split, 2 (buys: positive) and 3
  // (never: negative); both exposed (2 by 1, 3 by 2 who bought first).
  o.holdout_split = kT + 5 * kDay;
  auto r = LearnWorkspaceInfluence(t, o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->holdout.has_value());
  EXPECT_EQ(r->holdout->units, 2u);
  EXPECT_EQ(r->holdout->positives, 1u);
  EXPECT_EQ(r->holdout->exposed_units, 2u);
  EXPECT_EQ(r->holdout->training_episodes, 2u);
  EXPECT_EQ(r->holdout->test_episodes, 1u);
  // The whole log's model is the one without a split.
  EXPECT_THAT(r->model.trials, ElementsAre(1u, 2u, 2u));
  // A split after every action leaves no test period, named as the caller
  // names it.
  o.holdout_split = kT + 100 * kDay;
  o.names.Rename("holdout_split", "split");
  r = LearnWorkspaceInfluence(t, o);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(r.status().message()), ::testing::StartsWith("split: "));
}

}  // namespace
}  // namespace mitra::graph

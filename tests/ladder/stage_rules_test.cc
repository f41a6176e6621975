// Stage rules on hand-built customers: each expected stage, evidence value
// and first unmet requirement is worked out in the comments.
#include "mitra/ladder/stage_rules.h"

#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ladder/ladder_tables.h"

namespace mitra::ladder {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using I = Indicator;
constexpr int64_t D = testing::kDay;
constexpr int kReply = 1, kLike = 3, kPost = 7, kFlag = 10;
const double NaN = std::nan("");

// 0 zero; 1 buyer: purchases >= 2; 2 active: days_active in 10 days >= 1
// and flags received <= 0; 3 fan: referrals >= 1, p_alive >= 0.5 and
// purchases <= 10 (the same column as stage 1's).
LadderRules Hand() {
  LadderRules r;
  r.stages.push_back({"zero", Phase::kTransactional, {}});
  r.stages.push_back({"buyer", Phase::kTransactional, {Require(I::kPurchases, 0, 2)}});
  r.stages.push_back({"active", Phase::kRelationship,
                      {Require(I::kDaysActive, 10, 1), Require(I::kInteractionsReceived, 0, 0, 0, kFlag)}});
  r.stages.push_back({"fan", Phase::kCollaborative,
                      {Require(I::kReferrals, 0, 1), Require(I::kPAlive, 0, 0.5), Require(I::kPurchases, 0, 0, 10)}});
  return r;
}

// a = 0 .. e = 4; as_of 100 D.
struct Five {
  Tables t;
  std::vector<double> p_alive{0.8, 0.9, 0.9, NaN, NaN};
  Five() {
    using namespace testing;
    AddCustomers(t, 5);
    for (int k = 0; k < 2; ++k) Buy(t, 0, (10 + k) * D, 1);  // a: 2 purchases
    for (int k = 0; k < 2; ++k) Buy(t, 1, (10 + k) * D, 1);  // b: 2
    Buy(t, 2, 10 * D, 1);                                     // c: 1
    for (int k = 0; k < 3; ++k) Buy(t, 3, (10 + k) * D, 1);  // d: 3
    for (Index c : {0, 1, 2, 3}) AddInteraction(t, c, kNoIndex, 7, 95 * D);  // all active
    AddInteraction(t, 0, 1, kFlag, 50 * D);  // b is flagged once
    Refer(t, 0, kNoIndex, 20 * D, false);     // a, c, d refer
    Refer(t, 2, kNoIndex, 20 * D, false);
    Refer(t, 3, kNoIndex, 20 * D, false);
    t.customers.created[4] = 150 * D;         // e: first known after as_of
  }
  IndicatorInputs Inputs() const {
    IndicatorInputs in;
    in.as_of = 100 * D;
    in.p_alive = p_alive;
    return in;
  }
};

TEST(StageRulesTest, HandStagesEvidenceAndNextStep) {
  const Five w;
  auto a = AssignStages(w.t, Hand(), w.Inputs());
  ASSERT_TRUE(a.ok()) << a.status();
  // a: 2 purchases; active on day 95, no flags; referred, p_alive 0.8, 2 <= 10
  //    -> fan (3), the top: next -1.
  // b: 2 purchases; active, but one flag > 0 -> buyer (1); next: active's
  //    requirement 1 (flags), value 1.
  // c: 1 purchase < 2 -> zero (0), though it meets "active" and "fan":
  //    stages are cumulative. next: buyer's requirement 0, value 1.
  // d: 3 purchases; active; referred but p_alive NaN (no score) -> active
  //    (2); next: fan's requirement 1, value NaN.
  // e: nothing -> zero, not known at as_of (created 150 D): counted nowhere.
  EXPECT_THAT(a->stage, ElementsAre(3, 1, 0, 2, 0));
  EXPECT_THAT(a->next_unmet, ElementsAre(-1, 1, 0, 1, 0));
  EXPECT_THAT(a->known, ElementsAre(1, 1, 1, 1, 0));
  EXPECT_THAT(a->counts, ElementsAre(1, 1, 1, 1));
  // Five requirements over four distinct columns (purchases is shared).
  ASSERT_EQ(a->keys.size(), 5u);
  EXPECT_EQ(a->column[1][0], a->column[3][2]);
  // Evidence of a: every requirement of stages 1..3.
  EXPECT_EQ(a->Value(1, 0, 0), 2);    // purchases
  EXPECT_EQ(a->Value(2, 0, 0), 1);    // days active in 10 days
  EXPECT_EQ(a->Value(2, 1, 0), 0);    // flags received
  EXPECT_EQ(a->Value(3, 0, 0), 1);    // referrals
  EXPECT_EQ(a->Value(3, 1, 0), 0.8);  // p_alive
  // The unmet values.
  EXPECT_EQ(a->Value(2, 1, 1), 1);    // b's flag
  EXPECT_EQ(a->Value(1, 0, 2), 1);    // c's one purchase
  EXPECT_TRUE(std::isnan(a->Value(3, 1, 3)));
}

TEST(StageRulesTest, ValuesCanBeDropped) {
  const Five w;
  auto a = AssignStages(w.t, Hand(), w.Inputs(), /*keep_values=*/false);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_THAT(a->stage, ElementsAre(3, 1, 0, 2, 0));
  EXPECT_TRUE(a->values.empty());
}

TEST(StageRulesTest, AtMostBoundsAreInclusive) {
  Five w;
  // Two more purchases for a: 4 <= 10 still; eight more: 10 <= 10; nine: 11.
  for (int k = 0; k < 8; ++k) testing::Buy(w.t, 0, (20 + k) * D, 1);
  auto a = AssignStages(w.t, Hand(), w.Inputs());
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->stage[0], 3);
  testing::Buy(w.t, 0, 30 * D, 1);
  a = AssignStages(w.t, Hand(), w.Inputs());
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->stage[0], 2);
  EXPECT_EQ(a->next_unmet[0], 2);
  EXPECT_EQ(a->Value(3, 2, 0), 11);
}

// The one tenure rule, the same as the rank ladders' tenure
// (tests/leaders/rank_ladder_test.cc, TenureIsOneRule, works the same
// customers): member_days counts from the earliest join before as_of, else
// from the first interaction made, else there is none, which meets no
// requirement, not even ">= 0". as_of = 100 D.
TEST(StageRulesTest, TenureIsOneRule) {
  Tables t;
  testing::AddCustomers(t, 4);
  testing::AddCommunities(t, 1);
  // a joined at 40 D: 60 (its earlier reply is not used). b never joined:
  // from the like it made at 25.25 D, 74.75 (the reply it received at 10 D
  // is not one it made). c joins only at as_of and made nothing: none.
  // d: nothing: none.
  testing::AddMembership(t, 0, 0, 40 * D);
  testing::AddInteraction(t, 0, 1, kReply, 10 * D, kNoIndex);
  testing::AddInteraction(t, 1, 2, kLike, 25 * D + D / 4, kNoIndex);
  testing::AddInteraction(t, 1, kNoIndex, kPost, 90 * D, kNoIndex);
  testing::AddMembership(t, 2, 0, 100 * D);
  LadderRules r;
  r.stages.push_back({"zero", Phase::kTransactional, {}});
  r.stages.push_back({"known", Phase::kTransactional, {Require(I::kMemberDays, 0, 0)}});
  IndicatorInputs in;
  in.as_of = 100 * D;
  auto a = AssignStages(t, r, in);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_THAT(a->stage, ElementsAre(1, 1, 0, 0));
  EXPECT_THAT(a->next_unmet, ElementsAre(-1, -1, 0, 0));
  EXPECT_THAT(a->values[0], ElementsAre(60.0, 74.75, ::testing::IsNan(), ::testing::IsNan()));
}

TEST(StageRulesTest, DefaultLadder) {
  const LadderRules r = DefaultLadderRules();
  ASSERT_TRUE(ValidateLadderRules(r).ok());
  std::vector<std::string> names, labels;
  std::vector<Phase> phases;
  for (const Stage& s : r.stages) {
    names.push_back(s.name);
    phases.push_back(s.phase);
    for (const StageRequirement& q : s.requirements) labels.push_back(RequirementLabel(q));
  }
  EXPECT_THAT(names, ElementsAre("prospect", "customer", "repeat customer", "engaged member",
                                 "advocate", "collaborator"));
  EXPECT_THAT(phases, ElementsAre(Phase::kTransactional, Phase::kTransactional, Phase::kRelationship,
                                  Phase::kRelationship, Phase::kCollaborative, Phase::kCollaborative));
  EXPECT_THAT(labels, ElementsAre("purchases >= 1", "purchase_days >= 2", "purchases in 365 days >= 1",
                                  "communities >= 1", "days_active in 90 days >= 6",
                                  "referrals in 365 days >= 1", "programs in 730 days >= 2"));
  EXPECT_EQ(RequirementLabel(Require(I::kInteractionsReceived, 0, 0, 5, kReply)),
            "interactions_received[reply] <= 5");
  EXPECT_EQ(RequirementLabel(Require(I::kSpend, 30, 10, 20)), "spend in 30 days in [10, 20]");
}

TEST(StageRulesTest, DefaultLadderOnOneCustomersClimb) {
  // One customer climbing the default ladder rung by rung (as_of 1000 D).
  Tables t;
  testing::AddCustomers(t, 1);
  testing::AddCommunities(t, 1);
  IndicatorInputs in;
  in.as_of = 1000 * D;
  auto stage = [&]() {
    auto a = AssignStages(t, DefaultLadderRules(), in);
    EXPECT_TRUE(a.ok()) << a.status();
    return a.ok() ? static_cast<int>(a->stage[0]) : -1;
  };
  EXPECT_EQ(stage(), 0);                           // prospect
  testing::Buy(t, 0, 100 * D, 10);
  EXPECT_EQ(stage(), 1);                           // customer (the purchase is 900 days old)
  testing::Buy(t, 0, 900 * D, 10);
  EXPECT_EQ(stage(), 2);                           // two days, one in the last 365
  testing::AddMembership(t, 0, 0, 500 * D);
  for (int k = 0; k < 5; ++k) testing::AddInteraction(t, 0, kNoIndex, 7, (950 + k) * D, 0);
  EXPECT_EQ(stage(), 2);                           // 5 days active < 6
  testing::AddInteraction(t, 0, kNoIndex, 7, 911 * D, 0);  // day 911 is inside [910 D, 1000 D)
  EXPECT_EQ(stage(), 3);                           // engaged member
  testing::Refer(t, 0, kNoIndex, 600 * D, false);
  EXPECT_EQ(stage(), 3);                           // 400 days ago: outside 365
  testing::Refer(t, 0, kNoIndex, 700 * D, false);
  EXPECT_EQ(stage(), 4);                           // advocate
  const Index p0 = testing::AddProgram(t, "p0"), p1 = testing::AddProgram(t, "p1");
  testing::Answer(t, p0, 0, 260 * D);              // 740 days ago: outside 730
  testing::Answer(t, p1, 0, 800 * D);
  EXPECT_EQ(stage(), 4);
  testing::Answer(t, p0, 0, 280 * D);              // 720 days ago
  EXPECT_EQ(stage(), 5);                           // collaborator
}

TEST(StageRulesTest, BadRulesNameTheField) {
  auto message = [](const LadderRules& r) { return std::string(ValidateLadderRules(r).message()); };
  LadderRules r;
  EXPECT_THAT(message(r), StartsWith("stages: empty"));
  r = Hand();
  r.stages[0].requirements.push_back(Require(I::kPurchases, 0, 1));
  EXPECT_THAT(message(r), StartsWith("stages[0].requirements: stage 0"));
  r = Hand();
  r.stages[2].name = "buyer";
  EXPECT_THAT(message(r), StartsWith("stages[2].name: \"buyer\" is also stages[1]"));
  r = Hand();
  r.stages[3].name = "";
  EXPECT_THAT(message(r), StartsWith("stages[3].name: required"));
  r = Hand();
  r.stages[1].phase = static_cast<Phase>(4);
  EXPECT_THAT(message(r), StartsWith("stages[1].phase"));
  r = Hand();
  r.stages[3].phase = Phase::kTransactional;
  EXPECT_THAT(message(r), StartsWith("stages[3].phase: phases must not go down"));
  r = Hand();
  r.stages[2].requirements[0].at_most = 0.5;
  EXPECT_THAT(message(r), StartsWith("stages[2].requirements[0].at_most: 0.5 is below"));
  r = Hand();
  r.stages[2].requirements[1].at_least = NaN;
  EXPECT_THAT(message(r), StartsWith("stages[2].requirements[1].at_least"));
  r = Hand();
  r.stages[3].requirements[1].key.window_days = 7;
  EXPECT_THAT(message(r), StartsWith("stages[3].requirements[1].window_days: must be 0 for p_alive"));
  r = Hand();
  r.stages[1].requirements[0].key.kind = kReply;
  EXPECT_THAT(message(r), StartsWith("stages[1].requirements[0].kind"));
  // As_of is required.
  const Five w;
  IndicatorInputs in = w.Inputs();
  in.as_of = kNoTime;
  EXPECT_THAT(AssignStages(w.t, Hand(), in).status().message(), HasSubstr("as_of"));
}

// One validation of the rules and inputs, in each caller's terms: the
// options' own names for C++ callers, the request's where a message layer
// set them (nothing is renamed afterwards).
TEST(StageRulesTest, RulesAndInputsNamedByTheirCaller) {
  const Five w;
  LadderRules r = Hand();
  r.stages[2].requirements[0].at_most = 0.5;
  const std::string problem = "stages[2].requirements[0].at_most: 0.5 is below at_least 1";
  EXPECT_THAT(std::string(AssignStages(w.t, r, w.Inputs()).status().message()), StartsWith(problem));
  r.names = FieldPath("request.rules");
  EXPECT_THAT(std::string(AssignStages(w.t, r, w.Inputs()).status().message()),
              StartsWith("request.rules." + problem));
  EXPECT_THAT(std::string(CheckStageInputs(r, w.Inputs()).message()),
              StartsWith("request.rules." + problem));

  IndicatorInputs in = w.Inputs();
  in.default_margin_rate = 2;
  EXPECT_EQ(AssignStages(w.t, Hand(), in).status().message(),
            "default_margin_rate: must be in [0, 1], got 2");
  in.names = FieldPath("request");
  in.names.Rename("as_of", "request.as_of_unix_seconds");
  EXPECT_EQ(AssignStages(w.t, Hand(), in).status().message(),
            "request.default_margin_rate: must be in [0, 1], got 2");
  in.default_margin_rate = 0.25;
  in.as_of = kNoTime;
  EXPECT_EQ(CheckIndicatorInputs(in).message(), "request.as_of_unix_seconds: must be a time");
}

}  // namespace
}  // namespace mitra::ladder

// The ladder C ABI (mitra.h, "Ladder") on a small workspace: reports through
// the ABI equal the C++ drivers, the stages, evidence and money are those
// worked out by hand below, errors carry their codes and name the field, and
// failures return no buffer.
#include <cmath>
#include <string>
#include <vector>

#include "common/capi_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/core/workspace.h"
#include "mitra/ladder/messages.h"
#include "mitra/mitra.h"
#include "mitra/v1/batch.pb.h"
#include "mitra/v1/ladder.pb.h"

namespace {

namespace v1 = mitra::v1;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

constexpr int64_t kDay = 86400;
constexpr int64_t kAsOf = 1767225600;  // 2026-01-01

// a: bought on two days, a member active on 6 days of the last 90, referred
// b, answered two programs: a collaborator. b: referred by a, bought once:
// a customer. c: nothing: a prospect.
v1::Batch SmallBatch() {
  v1::Batch b;
  for (const char* id : {"a", "b", "c"}) b.add_customers()->set_id(id);
  auto* p = b.add_products();
  p->set_id("P");
  p->set_unit_price(10);
  p->set_unit_cost(6);  // margin rate 0.4
  b.add_communities()->set_id("k");
  for (const char* id : {"p0", "p1"}) {
    auto* prog = b.add_programs();
    prog->set_id(id);
    prog->set_start_unix_seconds(kAsOf - 400 * kDay);
  }
  auto buy = [&](const char* who, int64_t days_ago, double amount) {
    auto* x = b.add_transactions();
    x->set_customer_id(who);
    x->set_time_unix_seconds(kAsOf - days_ago * kDay);
    x->set_amount(amount);
    x->set_product_id("P");
  };
  buy("a", 300, 10);
  buy("a", 30, 10);
  buy("b", 100, 50);  // margin 20, the day a referred b
  auto* m = b.add_memberships();
  m->set_customer_id("a");
  m->set_community_id("k");
  m->set_joined_unix_seconds(kAsOf - 200 * kDay);
  for (int d = 1; d <= 6; ++d) {
    auto* i = b.add_interactions();
    i->set_from_customer_id("a");
    i->set_kind(v1::INTERACTION_KIND_POST);
    i->set_time_unix_seconds(kAsOf - d * kDay);
    i->set_community_id("k");
  }
  auto* r = b.add_referrals();
  r->set_referrer_id("a");
  r->set_referee_id("b");
  r->set_time_unix_seconds(kAsOf - 100 * kDay);
  r->set_converted(true);
  for (const char* prog : {"p0", "p1"}) {
    auto* f = b.add_feedback();
    f->set_program_id(prog);
    f->set_customer_id("a");
    f->set_time_unix_seconds(kAsOf - 50 * kDay);
  }
  return b;
}

using LadderCApi = mitra::testing::CApiTestOn<SmallBatch>;

TEST_F(LadderCApi, StagesWithEvidenceEqualTheCppDriver) {
  v1::LadderRequest req;
  req.set_as_of_unix_seconds(kAsOf);
  v1::LadderReport got;
  ASSERT_EQ(Call(mitra_workspace_ladder, req, &got), MITRA_OK);
  v1::LadderReport want;
  ASSERT_TRUE(mitra::ladder::LadderMessage(cpp_, req, &want).ok());
  EXPECT_EQ(got.SerializeAsString(), want.SerializeAsString());
  EXPECT_EQ(got.as_of_unix_seconds(), kAsOf);
  ASSERT_EQ(got.rules().stages_size(), 6);  // the default ladder, echoed
  EXPECT_THAT(got.stage_counts(), ElementsAre(1, 1, 0, 0, 0, 1));
  ASSERT_EQ(got.customers_size(), 3);
  const v1::CustomerStage& a = got.customers(0);
  EXPECT_EQ(a.customer_id(), "a");
  EXPECT_EQ(a.stage_name(), "collaborator");
  EXPECT_EQ(a.phase(), v1::LADDER_PHASE_COLLABORATIVE);
  EXPECT_FALSE(a.has_next());
  // Evidence: purchases 2; purchase days 2; purchases in 365 days 2;
  // communities 1; days active in 90 days 6; referrals in 365 days 1;
  // programs in 730 days 2.
  ASSERT_EQ(a.evidence_size(), 7);
  std::vector<double> values;
  for (const auto& e : a.evidence()) values.push_back(e.value());
  EXPECT_THAT(values, ElementsAre(2, 2, 2, 1, 6, 1, 2));
  EXPECT_EQ(a.evidence(4).label(), "days_active in 90 days >= 6");
  EXPECT_EQ(a.evidence(4).stage(), 3u);
  EXPECT_EQ(a.evidence(4).requirement(), 1u);
  // Involvement over 365 days: 2 purchases, spend 20, 6 posts, 2 feedback
  // responses in 2 programs, 1 referral.
  EXPECT_EQ(a.involvement().purchases(), 2);
  EXPECT_EQ(a.involvement().spend(), 20);
  EXPECT_EQ(a.involvement().posts(), 6);
  EXPECT_EQ(a.involvement().interactions(), 6);
  EXPECT_EQ(a.involvement().feedback(), 2);
  EXPECT_EQ(a.involvement().trials(), 2);
  EXPECT_EQ(a.involvement().referrals(), 1);
  // b: a customer; next: purchase_days >= 2, with 1.
  const v1::CustomerStage& b = got.customers(1);
  EXPECT_EQ(b.stage(), 1u);
  EXPECT_EQ(b.next().label(), "purchase_days >= 2");
  EXPECT_EQ(b.next().value(), 1);
  // c: a prospect; next: purchases >= 1, with 0.
  EXPECT_EQ(got.customers(2).stage_name(), "prospect");
  EXPECT_EQ(got.customers(2).next().label(), "purchases >= 1");
  EXPECT_EQ(got.customers(2).next().value(), 0);
}

TEST_F(LadderCApi, HistoryAndFilters) {
  v1::LadderRequest req;
  req.set_as_of_unix_seconds(kAsOf);
  req.set_history_periods(2);
  req.set_history_period_days(200);
  req.add_customer_ids("b");
  v1::LadderReport got;
  ASSERT_EQ(Call(mitra_workspace_ladder, req, &got), MITRA_OK);
  ASSERT_EQ(got.customers_size(), 1);
  EXPECT_EQ(got.customers(0).customer_id(), "b");
  ASSERT_EQ(got.history_size(), 2);
  // 200 days before as_of: a had bought once (300 days ago): a customer; c
  // (never dated, so always known) a prospect; b is first seen 100 days
  // before as_of (its purchase and referral): not known yet.
  EXPECT_EQ(got.history(0).end_unix_seconds(), kAsOf - 200 * kDay);
  EXPECT_THAT(got.history(0).counts(), ElementsAre(1, 1, 0, 0, 0, 0));
  EXPECT_THAT(got.history(1).counts(), ElementsAre(1, 1, 0, 0, 0, 1));
  // a customer -> collaborator, c prospect -> prospect; b enters as a customer.
  std::vector<uint32_t> t(36, 0);
  t[0 * 6 + 0] = 1;
  t[1 * 6 + 5] = 1;
  EXPECT_THAT(got.history(1).transitions(), ElementsAreArray(t));
  EXPECT_THAT(got.history(1).entered(), ElementsAre(0, 1, 0, 0, 0, 0));
  req.set_counts_only(true);
  ASSERT_EQ(Call(mitra_workspace_ladder, req, &got), MITRA_OK);
  EXPECT_EQ(got.customers_size(), 0);
  EXPECT_THAT(got.stage_counts(), ElementsAre(1, 1, 0, 0, 0, 1));
}

TEST_F(LadderCApi, ContributionAddsUpAndEqualsTheCppDriver) {
  v1::ContributionRequest req;
  req.set_as_of_unix_seconds(kAsOf);
  auto* change = req.add_changes();
  change->set_change_id("softer seat");
  change->set_value(30);
  change->add_contributor_ids("a");
  change->add_contributor_ids("b");
  v1::ContributionReport got;
  ASSERT_EQ(Call(mitra_workspace_contribution, req, &got), MITRA_OK);
  v1::ContributionReport want;
  ASSERT_TRUE(mitra::ladder::ContributionMessage(cpp_, req, &want).ok());
  EXPECT_EQ(got.SerializeAsString(), want.SerializeAsString());
  // a referred b, whose margin 50 * 0.4 = 20 came on the referral day:
  // (1 - 0.5) * 20 = 10. The change: 15 each. Nobody attends to anyone.
  ASSERT_EQ(got.customers_size(), 3);  // every customer, in dense order
  const v1::CustomerContribution& a = got.customers(0);
  EXPECT_EQ(a.customer_id(), "a");
  EXPECT_EQ(a.rank(), 1u);
  EXPECT_NEAR(a.referral_value(), 10, 1e-12);
  EXPECT_EQ(a.influence_value(), 0);
  EXPECT_EQ(a.cocreation_credit(), 15);
  EXPECT_NEAR(a.total(), 25, 1e-12);
  EXPECT_EQ(a.converted_referrals(), 1u);
  EXPECT_NEAR(a.own_margin(), 8, 1e-12);  // 2 * 10 * 0.4
  EXPECT_EQ(got.customers(1).total(), 15);
  EXPECT_EQ(got.customers(1).rank(), 2u);
  EXPECT_NEAR(got.total(), 40, 1e-12);
  EXPECT_NEAR(got.total(), got.referral_value() + got.influence_value() + got.cocreation_credit(), 1e-12);
  req.set_top(1);
  ASSERT_EQ(Call(mitra_workspace_contribution, req, &got), MITRA_OK);
  ASSERT_EQ(got.customers_size(), 1);
  EXPECT_EQ(got.customers(0).customer_id(), "a");
  EXPECT_NEAR(got.total(), 40, 1e-12);  // the sums still cover everyone
}

TEST_F(LadderCApi, ErrorsHaveTheirCodesAndNameTheField) {
  std::string message;
  v1::LadderReport ladder;
  v1::LadderRequest lr;
  lr.add_customer_ids("ghost");
  EXPECT_EQ(Call(mitra_workspace_ladder, lr, &ladder, &message), MITRA_NOT_FOUND);
  EXPECT_THAT(message, HasSubstr("request.customer_ids[0]: unknown customer id \"ghost\""));
  lr.Clear();
  lr.mutable_rules()->add_stages()->set_name("zero");
  lr.mutable_rules()->mutable_stages(0)->set_phase(v1::LADDER_PHASE_TRANSACTIONAL);
  auto* s1 = lr.mutable_rules()->add_stages();
  s1->set_name("one");
  s1->set_phase(v1::LADDER_PHASE_RELATIONSHIP);
  auto* req = s1->add_requirements();
  req->set_indicator(v1::LADDER_INDICATOR_COMMUNITIES);
  req->set_window_days(30);
  EXPECT_EQ(Call(mitra_workspace_ladder, lr, &ladder, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.rules.stages[1].requirements[0].window_days: must be 0 for communities"));
  req->set_window_days(0);
  req->set_indicator(v1::LADDER_INDICATOR_UNSPECIFIED);
  EXPECT_EQ(Call(mitra_workspace_ladder, lr, &ladder, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.rules.stages[1].requirements[0].indicator"));
  lr.Clear();
  lr.set_history_periods(5000);
  EXPECT_EQ(Call(mitra_workspace_ladder, lr, &ladder, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.history_periods: must be 1..1000"));
  lr.Clear();
  lr.set_as_of_unix_seconds(-100000000000LL);
  EXPECT_EQ(Call(mitra_workspace_ladder, lr, &ladder, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.as_of_unix_seconds"));

  v1::ContributionReport contribution;
  v1::ContributionRequest cr;
  cr.set_discount_rate(-1);
  EXPECT_EQ(Call(mitra_workspace_contribution, cr, &contribution, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.discount_rate: must be in [0, 100] (per year), got -1"));
  cr.Clear();
  cr.mutable_graph()->set_as_of_unix_seconds(kAsOf);
  EXPECT_EQ(Call(mitra_workspace_contribution, cr, &contribution, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.graph.as_of_unix_seconds: not used here"));
  cr.Clear();
  auto* change = cr.add_changes();
  change->set_value(5);
  change->add_contributor_ids("a");
  change->add_contributor_ids("nobody");
  EXPECT_EQ(Call(mitra_workspace_contribution, cr, &contribution, &message), MITRA_NOT_FOUND);
  EXPECT_THAT(message, HasSubstr("request.changes[0].contributor_ids[1]: unknown customer id \"nobody\""));
  change->set_contributor_ids(1, "a");
  EXPECT_EQ(Call(mitra_workspace_contribution, cr, &contribution, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.changes[0].contributor_ids[1]: listed twice"));
  // NULL workspace, malformed bytes, NULL out.
  ExpectBadArgumentsRefused<v1::LadderRequest>(mitra_workspace_ladder);
  ExpectBadArgumentsRefused<v1::ContributionRequest>(mitra_workspace_contribution);
}

}  // namespace

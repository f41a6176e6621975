// The co-creation C ABI (mitra.h, "Co-creation") against the C++ drivers
// and functions on a small workspace: reports through the ABI equal the C++
// results, errors carry their codes and name the field, failures return no
// buffer.
#include <cmath>
#include <string>
#include <vector>

#include "common/capi_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/cocreation/feedback.h"
#include "mitra/cocreation/messages.h"
#include "mitra/cocreation/panel.h"
#include "mitra/core/workspace.h"
#include "mitra/mitra.h"
#include "mitra/v1/batch.pb.h"
#include "mitra/v1/cocreation_analysis.pb.h"

namespace {

namespace v1 = mitra::v1;
using ::testing::HasSubstr;

constexpr int64_t kDay = 86400;
constexpr int64_t kT0 = 1735689600;  // 2025-01-01

// Customers c0..c5 (segment a: c0..c2, b: c3..c5), community K (c0, c3),
// program P (1..5: comfort, charging) answered by c0..c3.
v1::Batch SmallBatch() {
  v1::Batch b;
  for (int i = 0; i < 6; ++i) {
    auto* c = b.add_customers();
    c->set_id("c" + std::to_string(i));
    (*c->mutable_attributes())["segment"] = i < 3 ? "a" : "b";
  }
  b.add_communities()->set_id("K");
  for (int i : {0, 3}) {
    auto* m = b.add_memberships();
    m->set_customer_id("c" + std::to_string(i));
    m->set_community_id("K");
    m->set_joined_unix_seconds(kT0 - 100 * kDay);
  }
  auto* p = b.add_programs();
  p->set_id("P");
  p->set_start_unix_seconds(kT0);
  p->add_attributes("comfort");
  p->add_attributes("charging");
  const double comfort[] = {5, 4, 4, 3}, charging[] = {2, 1, 3, 2};
  const int wr[] = {10, 9, 7, 3};
  for (int i = 0; i < 4; ++i) {
    auto* f = b.add_feedback();
    f->set_program_id("P");
    f->set_customer_id("c" + std::to_string(i));
    (*f->mutable_ratings())["comfort"] = comfort[i];
    (*f->mutable_ratings())["charging"] = charging[i];
    f->set_would_recommend(wr[i]);
    f->set_time_unix_seconds(kT0 + i * kDay);
  }
  return b;
}

using CoCreationCApi = mitra::testing::CApiTestOn<SmallBatch>;

TEST_F(CoCreationCApi, FeedbackEqualsTheCppResult) {
  v1::FeedbackRequest req;
  req.set_fdr(0.1);
  v1::FeedbackReport got;
  ASSERT_EQ(Call(mitra_workspace_cocreation_feedback, req, &got), MITRA_OK);
  v1::FeedbackReport want;
  ASSERT_TRUE(mitra::cocreation::FeedbackMessage(cpp_, req, &want).ok());
  EXPECT_EQ(got.SerializeAsString(), want.SerializeAsString());
  // ... and the numbers of AggregateFeedback (worked by hand in
  // tests/cocreation/feedback_test.cc: charging flagged at q = 0.1, NPS 25).
  mitra::cocreation::FeedbackOptions o;
  o.fdr = 0.1;
  auto s = mitra::cocreation::AggregateFeedback(cpp_.tables(), o);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(got.programs_size(), 1);
  const v1::ProgramFeedback& p = got.programs(0);
  EXPECT_EQ(p.program_id(), "P");
  EXPECT_EQ(p.baseline(), "other attributes of the same answers (paired)");
  EXPECT_NEAR(p.nps().nps(), 25, 1e-12);
  EXPECT_NEAR(p.nps().variance(), 1718.75, 1e-9);
  ASSERT_EQ(p.attributes_size(), 2);
  EXPECT_EQ(p.attributes(1).attribute(), "charging");
  EXPECT_TRUE(p.attributes(1).significantly_worse());
  EXPECT_EQ(p.attributes(1).p_value(), s->groups[0].attributes[1].p_value);
  EXPECT_EQ(p.attributes(0).bayesian_average(), s->groups[0].attributes[0].bayesian_average);
}

TEST_F(CoCreationCApi, PanelEqualsTheCppResultAndIsSeeded) {
  v1::PanelRequest req;
  req.set_size(3);
  req.set_seed(7);
  req.set_fatigue_days(0);  // c0..c3 answered days ago: the 90-day default would skip them
  auto* q = req.add_quotas();
  q->set_dimension("attributes.segment");
  q->set_value("b");
  q->set_min(2);
  q = req.add_quotas();
  q->set_dimension("community");
  q->set_value("K");
  q->set_min(1);
  auto* st = req.add_stages();
  st->set_customer_id("c5");
  st->set_label("advocate");
  v1::PanelReport got, again;
  ASSERT_EQ(Call(mitra_workspace_cocreation_panel, req, &got), MITRA_OK);
  ASSERT_EQ(Call(mitra_workspace_cocreation_panel, req, &again), MITRA_OK);
  EXPECT_EQ(got.SerializeAsString(), again.SerializeAsString());
  v1::PanelReport want;
  ASSERT_TRUE(mitra::cocreation::PanelMessage(cpp_, req, &want).ok());
  EXPECT_EQ(got.SerializeAsString(), want.SerializeAsString());
  // The default fatigue window skips the four who answered.
  v1::PanelReport fatigued;
  req.clear_fatigue_days();
  ASSERT_EQ(Call(mitra_workspace_cocreation_panel, req, &fatigued), MITRA_OK);
  EXPECT_EQ(fatigued.fatigued(), 4u);
  EXPECT_EQ(fatigued.members_size(), 2);
  EXPECT_FALSE(fatigued.all_quotas_met());  // K's members both answered
  EXPECT_EQ(fatigued.quotas(1).problem(), "only 0 eligible customers have community=K");
  ASSERT_EQ(got.members_size(), 3);
  EXPECT_TRUE(got.all_quotas_met());
  EXPECT_EQ(got.quotas(0).quota().value(), "b");
  EXPECT_EQ(got.quotas(0).eligible(), 3u);
  EXPECT_GE(got.quotas(0).selected(), 2u);
  EXPECT_EQ(got.quotas(1).eligible(), 2u);  // c0, c3
  EXPECT_EQ(got.members(0).rank(), 1u);
  EXPECT_EQ(got.seed(), 7u);
  // The same panel as SelectPanel with the same options.
  mitra::cocreation::PanelOptions o;
  o.size = 3;
  o.seed = 7;
  o.fatigue_days = 0;
  o.quotas = {{mitra::cocreation::QuotaDimension::kAttribute, "segment", "b", 2, UINT32_MAX},
              {mitra::cocreation::QuotaDimension::kCommunity, "", "K", 1, UINT32_MAX}};
  auto p = mitra::cocreation::SelectPanel(cpp_.tables(), o);
  ASSERT_TRUE(p.ok());
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(got.members(i).customer_id(), cpp_.tables().customers.ids.Id(p->members[i].customer));
}

TEST_F(CoCreationCApi, AdoptionCreditsContributors) {
  v1::AdoptionRequest req;
  auto* d = req.add_decisions();
  d->set_id("D1");
  d->set_program_id("P");
  d->set_attribute("charging");
  d->set_outcome(v1::ADOPTION_OUTCOME_ADOPTED);
  d->set_decided_unix_seconds(kT0 + 2 * kDay);
  d->set_value(90);
  for (const char* c : {"c0", "c1", "c5"}) d->add_contributor_customer_ids(c);
  v1::AdoptionReport got;
  ASSERT_EQ(Call(mitra_workspace_cocreation_adoption, req, &got), MITRA_OK);
  v1::AdoptionReport want;
  ASSERT_TRUE(mitra::cocreation::AdoptionMessage(cpp_, req, &want).ok());
  EXPECT_EQ(got.SerializeAsString(), want.SerializeAsString());
  ASSERT_EQ(got.decisions_size(), 1);
  // Before the decision: c0 2, c1 1 (mean 1.5); at or after: c2 3, c3 2 (mean 2.5).
  EXPECT_EQ(got.decisions(0).source(), v1::ADOPTION_MEASURE_COMPUTED);
  EXPECT_DOUBLE_EQ(got.decisions(0).measure().before_mean(), 1.5);
  EXPECT_DOUBLE_EQ(got.decisions(0).measure().after_mean(), 2.5);
  EXPECT_DOUBLE_EQ(got.decisions(0).difference(), 1);
  EXPECT_EQ(got.decisions(0).contributors_with_feedback(), 2u);  // c5 never answered
  // 90 split three ways.
  ASSERT_EQ(got.contributors_size(), 3);
  for (const auto& c : got.contributors()) EXPECT_DOUBLE_EQ(c.value(), 30);
  ASSERT_EQ(got.programs_size(), 1);
  EXPECT_DOUBLE_EQ(got.programs(0).value_adopted(), 90);
}

TEST_F(CoCreationCApi, ErrorsNameTheFieldAndReturnNoBuffer) {
  std::string msg;
  v1::PanelReport panel;
  v1::PanelRequest pr;
  EXPECT_EQ(Call(mitra_workspace_cocreation_panel, pr, &panel, &msg), MITRA_INVALID_ARGUMENT);
  EXPECT_EQ(msg, "request.size: must be at least 1");
  pr.set_size(2);
  pr.add_quotas()->set_dimension("community");
  pr.mutable_quotas(0)->set_value("Z");
  EXPECT_EQ(Call(mitra_workspace_cocreation_panel, pr, &panel, &msg), MITRA_NOT_FOUND);
  EXPECT_EQ(msg, "request.quotas[0].value: unknown community id \"Z\"");
  pr.mutable_quotas(0)->set_dimension("segment");
  pr.mutable_quotas(0)->set_value("b");
  pr.mutable_quotas(0)->set_min(4);
  pr.set_strict(true);
  EXPECT_EQ(Call(mitra_workspace_cocreation_panel, pr, &panel, &msg), MITRA_FAILED_PRECONDITION);
  EXPECT_THAT(msg, HasSubstr("request.quotas[0] (segment=b, min 4) cannot be met, short by 2"));

  v1::FeedbackReport fr;
  v1::FeedbackRequest fq;
  fq.set_program_id("NOPE");
  EXPECT_EQ(Call(mitra_workspace_cocreation_feedback, fq, &fr, &msg), MITRA_NOT_FOUND);
  EXPECT_EQ(msg, "request.program_id: unknown program id \"NOPE\"");
  fq.Clear();
  fq.set_margin(NAN);
  EXPECT_EQ(Call(mitra_workspace_cocreation_feedback, fq, &fr, &msg), MITRA_INVALID_ARGUMENT);
  EXPECT_EQ(msg, "request.margin: must be in [0, 1), got nan");

  v1::AdoptionReport ar;
  v1::AdoptionRequest aq;
  auto* d = aq.add_decisions();
  d->set_program_id("P");
  d->set_outcome(v1::ADOPTION_OUTCOME_ADOPTED);
  d->set_decided_unix_seconds(kT0);
  d->set_value(-5);
  EXPECT_EQ(Call(mitra_workspace_cocreation_adoption, aq, &ar, &msg), MITRA_INVALID_ARGUMENT);
  EXPECT_EQ(msg, "request.decisions[0].value: must be finite and >= 0, got -5");
  d->set_value(5);
  d->add_contributor_customer_ids("ghost");
  EXPECT_EQ(Call(mitra_workspace_cocreation_adoption, aq, &ar, &msg), MITRA_NOT_FOUND);
  EXPECT_EQ(msg, "request.decisions[0].contributor_customer_ids[0]: unknown customer id \"ghost\"");
  d->clear_contributor_customer_ids();
  d->set_outcome(v1::ADOPTION_OUTCOME_UNSPECIFIED);
  EXPECT_EQ(Call(mitra_workspace_cocreation_adoption, aq, &ar, &msg), MITRA_INVALID_ARGUMENT);
  EXPECT_EQ(msg, "request.decisions[0].outcome: must be ADOPTED or REJECTED, got 0");

  // NULL workspace, malformed bytes, NULL out.
  ExpectBadArgumentsRefused<v1::PanelRequest>(mitra_workspace_cocreation_panel);
  ExpectBadArgumentsRefused<v1::FeedbackRequest>(mitra_workspace_cocreation_feedback);
  ExpectBadArgumentsRefused<v1::AdoptionRequest>(mitra_workspace_cocreation_adoption);
}

}  // namespace

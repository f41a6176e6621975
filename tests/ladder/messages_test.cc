// The ladder's message layer: rules to and from messages, value-score rules
// against the value area's own scores, adopted contributions named by id.
#include "mitra/ladder/messages.h"

#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/core/csv_import.h"
#include "mitra/value/customer_value.h"

namespace mitra::ladder {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(LadderMessagesTest, RulesRoundTrip) {
  const LadderRules rules = DefaultLadderRules();
  v1::LadderRules m;
  LadderRulesToMessage(rules, &m);
  ASSERT_EQ(m.stages_size(), 6);
  EXPECT_EQ(m.stages(3).name(), "engaged member");
  EXPECT_EQ(m.stages(3).phase(), v1::LADDER_PHASE_RELATIONSHIP);
  EXPECT_EQ(m.stages(3).requirements(1).indicator(), v1::LADDER_INDICATOR_DAYS_ACTIVE);
  EXPECT_EQ(m.stages(3).requirements(1).window_days(), 90);
  EXPECT_FALSE(m.stages(3).requirements(1).has_at_most());
  auto back = LadderRulesFrom(m, "rules");
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->stages.size(), rules.stages.size());
  for (size_t s = 0; s < rules.stages.size(); ++s) {
    EXPECT_EQ(back->stages[s].name, rules.stages[s].name);
    EXPECT_EQ(back->stages[s].phase, rules.stages[s].phase);
    ASSERT_EQ(back->stages[s].requirements.size(), rules.stages[s].requirements.size());
    for (size_t j = 0; j < rules.stages[s].requirements.size(); ++j)
      EXPECT_EQ(RequirementLabel(back->stages[s].requirements[j]),
                RequirementLabel(rules.stages[s].requirements[j]));
  }
  // The one validator's field names, under the caller's prefix: the
  // message only converts, and names the rules where it does.
  auto checked = [](const v1::LadderRules& m, absl::string_view where) -> absl::Status {
    absl::StatusOr<LadderRules> r = LadderRulesFrom(m, where);
    return r.ok() ? ValidateLadderRules(*r) : r.status();
  };
  m.mutable_stages(2)->mutable_requirements(0)->set_at_least(NAN);
  ASSERT_TRUE(LadderRulesFrom(m, "request.rules").ok());
  EXPECT_THAT(checked(m, "request.rules").message(),
              HasSubstr("request.rules.stages[2].requirements[0].at_least: must be finite"));
  m.mutable_stages(2)->mutable_requirements(0)->set_at_least(1);
  m.mutable_stages(4)->set_phase(v1::LADDER_PHASE_UNSPECIFIED);
  EXPECT_THAT(LadderRulesFrom(m, "request.rules").status().message(),
              HasSubstr("request.rules.stages[4].phase: unknown or unspecified phase 0"));
  m.mutable_stages(4)->set_phase(v1::LADDER_PHASE_COLLABORATIVE);
  m.mutable_stages(1)->mutable_requirements(0)->set_at_most(0.5);
  EXPECT_THAT(checked(m, "request.rules").message(),
              HasSubstr("request.rules.stages[1].requirements[0].at_most: 0.5 is below at_least 1"));
  // A negative bound means "none" inside; on the wire, absence says that.
  m.mutable_stages(1)->mutable_requirements(0)->set_at_most(-1);
  EXPECT_THAT(LadderRulesFrom(m, "request.rules").status().message(),
              HasSubstr("request.rules.stages[1].requirements[0].at_most: must be >= 0 (absent: no "
                        "bound), got -1"));
  EXPECT_THAT(checked(v1::LadderRules(), "x").message(), HasSubstr("x.stages: empty"));
}

// The sample workspace, loaded once.
const Workspace& Sample() {
  static const Workspace* ws = [] {
    auto* w = new Workspace();
    const fs::path dir = fs::path(MITRA_SOURCE_DIR) / "data" / "sample";
    for (const std::string& kind : KindNames()) {
      const fs::path p = dir / (kind + ".csv");
      if (fs::exists(p)) {
        EXPECT_TRUE(IngestCsvFile(*w, kind, p.string()).ok()) << kind;
      }
    }
    return w;
  }();
  return *ws;
}

TEST(LadderMessagesTest, ValueScoreRulesUseTheValueModel) {
  const Workspace& ws = Sample();
  const int64_t as_of = 1767225600;  // 2026-01-01
  // The value area's own scores: BG/NBD on days, in weeks, fitted on the
  // purchases before as_of.
  value::CustomerValueOptions vo;
  vo.summary.set_calibration_end_unix_seconds(as_of - 1);
  vo.summary.set_period_seconds(86400);
  vo.summary.set_unit_seconds(7 * 86400);
  vo.clv = value::ClvOptions{12, 2629800.0 / (7 * 86400), 0.01};
  auto v = value::ScoreCustomers(ws, vo);
  ASSERT_TRUE(v.ok()) << v.status();
  uint32_t alive = 0, valuable = 0;
  for (int i = 0; i < v->summaries.customer_id_size(); ++i) {
    alive += v->p_alive[i] >= 0.5;
    valuable += v->p_alive[i] >= 0.5 && v->clv[i] >= 100;
  }
  // "alive": p_alive >= 0.5; "valuable": clv >= 100 as well.
  v1::LadderRequest req;
  req.set_as_of_unix_seconds(as_of);
  req.set_counts_only(true);
  auto* rules = req.mutable_rules();
  rules->add_stages()->set_name("any");
  rules->mutable_stages(0)->set_phase(v1::LADDER_PHASE_TRANSACTIONAL);
  auto* s1 = rules->add_stages();
  s1->set_name("alive");
  s1->set_phase(v1::LADDER_PHASE_RELATIONSHIP);
  auto* r1 = s1->add_requirements();
  r1->set_indicator(v1::LADDER_INDICATOR_P_ALIVE);
  r1->set_at_least(0.5);
  auto* s2 = rules->add_stages();
  s2->set_name("valuable");
  s2->set_phase(v1::LADDER_PHASE_RELATIONSHIP);
  auto* r2 = s2->add_requirements();
  r2->set_indicator(v1::LADDER_INDICATOR_CLV);
  r2->set_at_least(100);
  v1::LadderReport report;
  ASSERT_TRUE(LadderMessage(ws, req, &report).ok());
  ASSERT_EQ(report.stage_counts_size(), 3);
  EXPECT_EQ(report.stage_counts(1) + report.stage_counts(2), alive);
  EXPECT_EQ(report.stage_counts(2), valuable);
  EXPECT_GT(valuable, 0u);
  EXPECT_GT(alive, valuable);
  // With history, the model is fitted at every period end.
  req.set_history_periods(3);
  ASSERT_TRUE(LadderMessage(ws, req, &report).ok());
  ASSERT_EQ(report.history_size(), 3);
  EXPECT_THAT(report.history(2).counts(), ElementsAre(report.stage_counts(0), report.stage_counts(1),
                                                      report.stage_counts(2)));
  // An earlier period is scored with the model fitted at its own end: the
  // same counts as a report as of that end.
  const v1::LadderReport with_history = report;
  v1::LadderRequest then = req;
  then.set_history_periods(0);
  then.set_as_of_unix_seconds(with_history.history(1).end_unix_seconds());
  ASSERT_TRUE(LadderMessage(ws, then, &report).ok());
  EXPECT_THAT(with_history.history(1).counts(),
              ElementsAre(report.stage_counts(0), report.stage_counts(1), report.stage_counts(2)));
  EXPECT_NE(with_history.history(1).counts(2), with_history.history(2).counts(2));
  // A workspace without purchases cannot be scored.
  Workspace empty;
  EXPECT_EQ(LadderMessage(empty, req, &report).code(), absl::StatusCode::kFailedPrecondition);
  req.mutable_value_scoring()->set_model(v1::VALUE_MODEL_GAMMA_GAMMA);
  EXPECT_THAT(LadderMessage(ws, req, &report).message(), HasSubstr("request.value_scoring.model"));
}

TEST(LadderMessagesTest, AdoptedContributionsNamedById) {
  const Workspace& ws = Sample();
  v1::LadderRequest req;
  auto* rules = req.mutable_rules();
  rules->add_stages()->set_name("any");
  rules->mutable_stages(0)->set_phase(v1::LADDER_PHASE_TRANSACTIONAL);
  auto* s1 = rules->add_stages();
  s1->set_name("co-creator");
  s1->set_phase(v1::LADDER_PHASE_COLLABORATIVE);
  auto* r1 = s1->add_requirements();
  r1->set_indicator(v1::LADDER_INDICATOR_ADOPTED_CONTRIBUTIONS);
  r1->set_at_least(1);
  auto* change = req.add_changes();
  change->set_value(1000);
  change->add_contributor_ids("C0354");
  change->add_contributor_ids("C0449");
  req.add_customer_ids("C0354");
  req.add_customer_ids("C0001");
  v1::LadderReport report;
  ASSERT_TRUE(LadderMessage(ws, req, &report).ok());
  EXPECT_THAT(report.stage_counts(), ElementsAre(4998, 2));
  ASSERT_EQ(report.customers_size(), 2);
  EXPECT_EQ(report.customers(0).stage_name(), "co-creator");
  EXPECT_EQ(report.customers(0).evidence(0).label(), "adopted_contributions >= 1");
  EXPECT_EQ(report.customers(1).stage(), 0u);
  EXPECT_EQ(report.customers(1).next().value(), 0);
}

// The request's options convert once and are validated once, by the C++
// checks, in the request's names.
TEST(LadderMessagesTest, RequestOptionsValidatedOnceInTheRequestsNames) {
  const Workspace& ws = Sample();
  v1::LadderRequest ladder;
  ladder.set_default_margin_rate(2);
  v1::LadderReport report;
  EXPECT_EQ(LadderMessage(ws, ladder, &report).message(),
            "request.default_margin_rate: must be in [0, 1], got 2");
  ladder.set_default_margin_rate(0.5);
  ladder.set_history_periods(1001);
  EXPECT_EQ(LadderMessage(ws, ladder, &report).message(),
            "request.history_periods: must be 1..1000, got 1001");

  // The influence graph's kind weights: the listed kinds over the influence
  // defaults (REFERRAL 0, the rest the leaders'), in one conversion.
  v1::ContributionRequest req;
  v1::KindWeight* w = req.mutable_graph()->add_kind_weights();
  w->set_kind(v1::INTERACTION_KIND_LIKE);
  w->set_weight(2);
  std::vector<ChangeCredit> changes;
  absl::StatusOr<ContributionOptions> o = ContributionOptionsFrom(ws, req, &changes);
  ASSERT_TRUE(o.ok()) << o.status();
  graph::KindWeights expected = DefaultInfluenceGraph().kind_weights;
  EXPECT_EQ(expected[v1::INTERACTION_KIND_REFERRAL], 0);
  expected[v1::INTERACTION_KIND_LIKE] = 2;
  EXPECT_EQ(o->graph.kind_weights, expected);
  w->set_weight(-1);
  v1::ContributionReport out;
  EXPECT_EQ(ContributionMessage(ws, req, &out).message(),
            "request.graph.kind_weights[0].weight: must be finite and >= 0, got -1");
  w->set_weight(1);
  // Named once, where the request is converted (not "request.request.").
  req.mutable_graph()->set_half_life_days(-1);
  EXPECT_EQ(ContributionMessage(ws, req, &out).message(),
            "request.graph.half_life_days: must be finite and >= 0 (0: no decay), got -1");
  req.mutable_graph()->clear_half_life_days();
  req.set_default_margin_rate(-1);
  EXPECT_EQ(ContributionMessage(ws, req, &out).message(),
            "request.default_margin_rate: must be in [0, 1], got -1");
}

TEST(LadderMessagesTest, AdoptedDecisionsBecomeCoCreationCredit) {
  const Workspace& ws = Sample();
  v1::ContributionRequest req;
  req.set_influence_share(0);
  req.set_joined_anyway_share(1);  // referral value: 0 (no acquisition cost)
  auto add = [&](v1::AdoptionOutcome outcome, std::optional<double> value,
                 std::vector<std::string> who, std::vector<double> weights) {
    v1::AdoptionDecision* d = req.add_decisions();
    d->set_program_id("ADV-2025");
    d->set_outcome(outcome);
    d->set_decided_unix_seconds(1750000000);
    if (value) d->set_value(*value);
    for (const std::string& c : who) d->add_contributor_customer_ids(c);
    for (double w : weights) d->add_contributor_weights(w);
  };
  add(v1::ADOPTION_OUTCOME_ADOPTED, 60, {"C0354", "C0449"}, {});          // 30 each
  add(v1::ADOPTION_OUTCOME_REJECTED, 100, {"C0354"}, {});                 // not adopted
  add(v1::ADOPTION_OUTCOME_ADOPTED, std::nullopt, {"C0354"}, {});         // no value
  add(v1::ADOPTION_OUTCOME_ADOPTED, 90, {"C0449", "C0462"}, {1, 2});      // 30, 60
  add(v1::ADOPTION_OUTCOME_ADOPTED, 10, {}, {});                          // nobody to credit
  req.set_top(3);
  v1::ContributionReport report;
  ASSERT_TRUE(ContributionMessage(ws, req, &report).ok());
  EXPECT_NEAR(report.cocreation_credit(), 150, 1e-9);
  EXPECT_NEAR(report.total(), 150, 1e-9);
  ASSERT_EQ(report.customers_size(), 3);
  // C0449 60, C0462 60 (customer order breaks the tie), C0354 30.
  EXPECT_EQ(report.customers(0).customer_id(), "C0449");
  EXPECT_NEAR(report.customers(0).cocreation_credit(), 60, 1e-9);
  EXPECT_EQ(report.customers(1).customer_id(), "C0462");
  EXPECT_NEAR(report.customers(1).cocreation_credit(), 60, 1e-9);
  EXPECT_EQ(report.customers(2).customer_id(), "C0354");
  EXPECT_NEAR(report.customers(2).cocreation_credit(), 30, 1e-9);
  // Adopted after as_of: not yet.
  req.set_as_of_unix_seconds(1750000000);
  ASSERT_TRUE(ContributionMessage(ws, req, &report).ok());
  EXPECT_EQ(report.cocreation_credit(), 0);
  // Errors name the decision.
  req.mutable_decisions(3)->set_contributor_weights(1, -2);
  EXPECT_THAT(ContributionMessage(ws, req, &report).message(),
              HasSubstr("request.decisions[3].contributor_weights[1]: must be finite and >= 0, got -2"));
  req.mutable_decisions(3)->set_contributor_weights(1, 2);
  req.mutable_decisions(0)->set_contributor_customer_ids(1, "nobody");
  EXPECT_EQ(ContributionMessage(ws, req, &report).code(), absl::StatusCode::kNotFound);
  // The same decisions feed the adopted_contributions indicator.
  req.mutable_decisions(0)->set_contributor_customer_ids(1, "C0449");
  v1::LadderRequest lr;
  *lr.mutable_decisions() = req.decisions();
  lr.set_counts_only(true);
  lr.mutable_rules()->add_stages()->set_name("any");
  lr.mutable_rules()->mutable_stages(0)->set_phase(v1::LADDER_PHASE_TRANSACTIONAL);
  auto* s1 = lr.mutable_rules()->add_stages();
  s1->set_name("two adopted");
  s1->set_phase(v1::LADDER_PHASE_COLLABORATIVE);
  auto* r1 = s1->add_requirements();
  r1->set_indicator(v1::LADDER_INDICATOR_ADOPTED_CONTRIBUTIONS);
  r1->set_at_least(2);
  v1::LadderReport ladder;
  ASSERT_TRUE(LadderMessage(ws, lr, &ladder).ok());
  EXPECT_THAT(ladder.stage_counts(), ElementsAre(4999, 1));  // C0449: D1 and D4
}

// counted_customer_ids: a report about some customers of the workspace.
// Counting the customers in two complementary halves splits the full
// report exactly: each half's customers have their full-report stages and
// the halves' funnels, entries and transition matrices add up to the full
// report's in every period.
TEST(LadderMessagesTest, CountedCustomersSplitTheReportExactly) {
  const Workspace& ws = Sample();
  v1::LadderRequest req;
  req.set_as_of_unix_seconds(1767225600);  // 2026-01-01
  req.set_history_periods(6);
  v1::LadderReport full;
  ASSERT_TRUE(LadderMessage(ws, req, &full).ok());
  std::map<std::string, uint32_t> stage_of;
  for (const auto& c : full.customers()) stage_of[c.customer_id()] = c.stage();
  v1::LadderRequest half[2] = {req, req};
  const auto& ids = ws.tables().customers.ids;
  for (size_t c = 0; c < ids.size(); ++c)
    half[c % 3 == 0 ? 0 : 1].add_counted_customer_ids(std::string(ids.Id(c)));
  v1::LadderReport part[2];
  size_t listed = 0;
  for (int h = 0; h < 2; ++h) {
    ASSERT_TRUE(LadderMessage(ws, half[h], &part[h]).ok());
    const std::set<std::string> mine(half[h].counted_customer_ids().begin(),
                                     half[h].counted_customer_ids().end());
    for (const auto& c : part[h].customers()) {
      EXPECT_TRUE(mine.count(c.customer_id())) << c.customer_id();
      EXPECT_EQ(c.stage(), stage_of.at(c.customer_id())) << c.customer_id();
      ++listed;
    }
  }
  EXPECT_EQ(listed, static_cast<size_t>(full.customers_size()));
  ASSERT_EQ(full.stage_counts_size(), 6);
  for (int s = 0; s < 6; ++s)
    EXPECT_EQ(part[0].stage_counts(s) + part[1].stage_counts(s), full.stage_counts(s)) << s;
  EXPECT_GT(part[0].stage_counts(2), 0u);
  EXPECT_GT(part[1].stage_counts(2), 0u);
  ASSERT_EQ(full.history_size(), 6);
  for (int k = 0; k < 6; ++k) {
    const auto &f = full.history(k), &a = part[0].history(k), &b = part[1].history(k);
    for (int s = 0; s < f.counts_size(); ++s) EXPECT_EQ(a.counts(s) + b.counts(s), f.counts(s));
    ASSERT_EQ(a.entered_size(), f.entered_size());
    for (int s = 0; s < f.entered_size(); ++s) EXPECT_EQ(a.entered(s) + b.entered(s), f.entered(s));
    ASSERT_EQ(a.transitions_size(), f.transitions_size());
    for (int s = 0; s < f.transitions_size(); ++s)
      EXPECT_EQ(a.transitions(s) + b.transitions(s), f.transitions(s)) << k << " " << s;
  }
  v1::LadderRequest bad = req;
  bad.add_counted_customer_ids("C0001");
  bad.add_counted_customer_ids("nobody");
  EXPECT_EQ(LadderMessage(ws, bad, &part[0]).code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(LadderMessage(ws, bad, &part[0]).message(),
              HasSubstr("request.counted_customer_ids[1]"));
}

// A customer who is not counted still counts as the other end of a counted
// customer's interactions and referrals.
TEST(LadderMessagesTest, UncountedCustomersAreContext) {
  Workspace ws;
  v1::Batch b;
  for (const char* id : {"a", "b"}) b.add_customers()->set_id(id);
  auto* i = b.add_interactions();
  i->set_from_customer_id("b");
  i->set_to_customer_id("a");
  i->set_kind(v1::INTERACTION_KIND_REPLY);
  i->set_time_unix_seconds(1000);
  ASSERT_TRUE(ws.Ingest(b).ok());
  v1::LadderRequest req;
  req.set_as_of_unix_seconds(86400);
  auto* st = req.mutable_rules()->add_stages();
  st->set_name("known");
  st->set_phase(v1::LADDER_PHASE_TRANSACTIONAL);
  st = req.mutable_rules()->add_stages();
  st->set_name("noticed");
  st->set_phase(v1::LADDER_PHASE_RELATIONSHIP);
  auto* r = st->add_requirements();
  r->set_indicator(v1::LADDER_INDICATOR_INTERACTIONS_RECEIVED);
  r->set_at_least(1);
  r = st->add_requirements();
  r->set_indicator(v1::LADDER_INDICATOR_DISTINCT_PEERS);
  r->set_at_least(1);
  req.add_counted_customer_ids("a");
  v1::LadderReport out;
  ASSERT_TRUE(LadderMessage(ws, req, &out).ok());
  ASSERT_EQ(out.customers_size(), 1);
  EXPECT_EQ(out.customers(0).customer_id(), "a");
  EXPECT_EQ(out.customers(0).stage_name(), "noticed");
  EXPECT_THAT(out.stage_counts(), ElementsAre(0, 1));  // b is not counted
}

}  // namespace
}  // namespace mitra::ladder

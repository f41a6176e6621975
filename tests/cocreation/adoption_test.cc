// Adoption tracking: before/after measures computed from feedback (an
// attribute, rescaled across programs, and NPS), given measures, program
// summaries and the contributor credit, worked by hand.
#include "mitra/cocreation/adoption.h"

#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "mitra/cocreation/credit.h"
#include "mitra/cocreation/stats.h"
#include "gtest/gtest.h"
#include "mitra/core/workspace.h"
#include "mitra/v1/batch.pb.h"

namespace mitra::cocreation {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kDay = 86400;
constexpr int64_t kT0 = 1735689600;         // 2025-01-01
constexpr int64_t kEffective = kT0 + 30 * kDay;

// Program P (1..5) and Q (1..10), both about product A. Charging ratings:
// P before the effective time 2, 1, 3; P after 4, 3, 5, 4; Q after 10.
// Would-recommend in P: before 10, 3; after 9, 9, 8.
void Load(Workspace& ws) {
  v1::Batch b;
  for (int i = 0; i < 8; ++i) b.add_customers()->set_id("u" + std::to_string(i));
  b.add_products()->set_id("A");
  for (const char* id : {"P", "Q"}) {
    auto* p = b.add_programs();
    p->set_id(id);
    p->set_product_id("A");
    p->set_start_unix_seconds(kT0);
    p->set_rating_min(1);
    p->set_rating_max(id[0] == 'P' ? 5 : 10);
  }
  struct Row { const char* program; int customer; double charging; int wr; int64_t time; };
  const Row rows[] = {{"P", 0, 2, 10, kT0 + kDay}, {"P", 1, 1, 3, kT0 + 2 * kDay},
                      {"P", 2, 3, -1, kT0 + 3 * kDay}, {"P", 3, 4, 9, kEffective},
                      {"P", 4, 3, 9, kEffective + kDay}, {"P", 5, 5, 8, kEffective + 2 * kDay},
                      {"P", 6, 4, -1, kEffective + 3 * kDay}, {"Q", 7, 10, -1, kEffective + 4 * kDay}};
  for (const Row& r : rows) {
    auto* f = b.add_feedback();
    f->set_program_id(r.program);
    f->set_customer_id("u" + std::to_string(r.customer));
    (*f->mutable_ratings())["charging"] = r.charging;
    if (r.wr >= 0) f->set_would_recommend(r.wr);
    f->set_time_unix_seconds(r.time);
  }
  ASSERT_TRUE(ws.Ingest(b).ok());
}

Decision MakeDecision(const std::string& attribute) {
  Decision d;
  d.id = "D1";
  d.program = 0;  // P
  d.attribute = attribute;
  d.adopted = true;
  d.decided = kEffective - 5 * kDay;
  d.effective = kEffective;
  return d;
}

TEST(TrackAdoption, AttributeBeforeAfterWithWelchInterval) {
  // Before: 2, 1, 3 -> mean 2, sd 1. After: 4, 3, 5, 4 and Q's 10 on 1..10
  // rescaled to P's 1..5: 1 + (10 - 1)/9 * 4 = 5 -> 4, 3, 5, 4, 5: mean 4.2,
  // squares of deviations .04 + 1.44 + .64 + .04 + .64 = 2.8, sd sqrt(0.7).
  // Difference 2.2; se = sqrt(1/3 + 0.7/5) = 0.687992; Welch df =
  // 0.473333^2 / ((1/3)^2/2 + 0.14^2/4) = 3.705936; t_0.975(3.705936) =
  // 2.865527 (mpmath); interval 2.2 -+ 1.971460 = [0.228540, 4.171460].
  Workspace ws;
  Load(ws);
  const std::vector<Decision> d = {MakeDecision("charging")};
  absl::StatusOr<AdoptionSummary> s = TrackAdoption(ws.tables(), d, AdoptionOptions{});
  ASSERT_TRUE(s.ok()) << s.status();
  const DecisionOutcome& o = s->decisions[0];
  EXPECT_EQ(o.source, MeasureSource::kComputed);
  EXPECT_EQ(o.measure.before_n, 3u);
  EXPECT_DOUBLE_EQ(o.measure.before_mean, 2);
  EXPECT_NEAR(o.measure.before_sd, 1, 1e-15);
  EXPECT_EQ(o.measure.after_n, 5u);
  EXPECT_NEAR(o.measure.after_mean, 4.2, 1e-14);
  EXPECT_NEAR(o.measure.after_sd, std::sqrt(0.7), 1e-14);
  EXPECT_NEAR(o.difference, 2.2, 1e-14);
  EXPECT_NEAR(o.df, 3.7059364087483918, 1e-12);
  EXPECT_NEAR(o.low, 0.22853983445321824, 1e-9);
  EXPECT_NEAR(o.high, 4.1714601655467821, 1e-9);
  EXPECT_TRUE(o.improved);
  ASSERT_EQ(s->programs.size(), 1u);
  EXPECT_EQ(s->programs[0].adopted, 1u);
  EXPECT_EQ(s->programs[0].improved, 1u);
}

TEST(TrackAdoption, NpsBeforeAfter) {
  // No attribute: NPS of P's answers. Before 10, 3: p = d = 1/2, NPS 0,
  // Var = 10000 (1 - 0) / 2 = 5000. After 9, 9, 8: p = 2/3, d = 0, NPS 66.667,
  // Var = 10000 (2/3 - 4/9) / 3 = 740.741. Difference 66.667 -+ 1.959964 sqrt(5740.741).
  Workspace ws;
  Load(ws);
  Decision d = MakeDecision("");
  d.product = kNoIndex;
  absl::StatusOr<AdoptionSummary> s = TrackAdoption(ws.tables(), std::vector<Decision>{d}, AdoptionOptions{});
  ASSERT_TRUE(s.ok()) << s.status();
  const DecisionOutcome& o = s->decisions[0];
  EXPECT_EQ(o.measure.before_n, 2u);
  EXPECT_EQ(o.measure.after_n, 3u);
  EXPECT_NEAR(o.measure.before_mean, 0, 1e-12);
  EXPECT_NEAR(o.measure.after_mean, 200.0 / 3, 1e-12);
  EXPECT_NEAR(o.measure.before_sd, std::sqrt(5000.0 * 2), 1e-9);  // per-answer sd: sqrt(n Var)
  const double se = std::sqrt(5000 + 20000.0 / 27);
  EXPECT_NEAR(o.low, 200.0 / 3 - 1.959963984540054 * se, 1e-9);
  EXPECT_FALSE(o.improved);  // the interval includes 0
}

TEST(TrackAdoption, GivenMeasureAndContributorsWithFeedback) {
  // A follow-up survey: before 2.2 (sd 0.9, n 200), after 3.6 (sd 0.8, n 80).
  // se = sqrt(0.81/200 + 0.64/80) = sqrt(0.00405 + 0.008) = 0.109772.
  Workspace ws;
  Load(ws);
  Decision d = MakeDecision("charging");
  d.given = BeforeAfter{2.2, 0.9, 200, 3.6, 0.8, 80};
  d.contributors = {0, 1, 7};  // u7 answered Q, not P
  absl::StatusOr<AdoptionSummary> s = TrackAdoption(ws.tables(), std::vector<Decision>{d}, AdoptionOptions{});
  ASSERT_TRUE(s.ok()) << s.status();
  const DecisionOutcome& o = s->decisions[0];
  EXPECT_EQ(o.source, MeasureSource::kGiven);
  EXPECT_NEAR(o.difference, 1.4, 1e-14);
  const double se = std::sqrt(0.00405 + 0.008);
  EXPECT_NEAR(o.high - o.difference, StudentTQuantile(0.975, o.df) * se, 1e-12);
  EXPECT_NEAR(o.df, WelchDf(0.81, 200, 0.64, 80), 1e-12);
  EXPECT_EQ(o.contributors_with_feedback, 2u);
  // Without standard deviations: the difference alone.
  d.given = BeforeAfter{2.2, kNoNumber, 200, 3.6, kNoNumber, 80};
  s = TrackAdoption(ws.tables(), std::vector<Decision>{d}, AdoptionOptions{});
  ASSERT_TRUE(s.ok());
  EXPECT_NEAR(s->decisions[0].difference, 1.4, 1e-14);
  EXPECT_TRUE(std::isnan(s->decisions[0].low));
  EXPECT_FALSE(s->decisions[0].improved);
}

TEST(CoCreationCredit, SplitsAdoptedValueEquallyOrByWeight) {
  // D1 adopted, 900 over u0, u1, u2 equally: 300 each. D2 adopted, 100 with
  // weights u0 3, u3 1: 75 and 25. D3 rejected (500) and D4 adopted without
  // a value credit no one. u0 = 375, u1 = u2 = 300, u3 = 25.
  std::vector<Decision> d(4, MakeDecision("charging"));
  d[0].value = 900;
  d[0].contributors = {0, 1, 2};
  d[1].value = 100;
  d[1].contributors = {0, 3};
  d[1].weights = {3, 1};
  d[2].value = 500;
  d[2].adopted = false;
  d[2].contributors = {4};
  d[3].contributors = {5};
  // D4 without a value and D3 rejected are not changes; D2 keeps its weights.
  const std::vector<ChangeCredit> changes = AdoptedChanges(d);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1].shares, (std::vector<double>{3, 1}));
  EXPECT_EQ(changes[0].time, kEffective);  // the effective time, 5 days after the decision
  d[1].effective = kNoTime;
  EXPECT_EQ(AdoptedChanges(d)[1].time, d[1].decided);  // none: the decision's
  const std::vector<double> credit = CoCreationCredit(8, changes).value();
  EXPECT_EQ(credit, (std::vector<double>{375, 300, 300, 25, 0, 0, 0, 0}));
  // TrackAdoption gives the same and sums the program: 3 adopted of 4, value 1000.
  Workspace ws;
  Load(ws);
  absl::StatusOr<AdoptionSummary> s = TrackAdoption(ws.tables(), d, AdoptionOptions{});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->credit, credit);
  ASSERT_EQ(s->programs.size(), 1u);
  EXPECT_EQ(s->programs[0].decisions, 4u);
  EXPECT_EQ(s->programs[0].adopted, 3u);
  EXPECT_EQ(s->programs[0].rejected, 1u);
  EXPECT_DOUBLE_EQ(s->programs[0].adoption_rate, 0.75);
  EXPECT_DOUBLE_EQ(s->programs[0].value_adopted, 1000);
}

TEST(TrackAdoption, RejectsBadDecisions) {
  Workspace ws;
  Load(ws);
  auto expect = [&](const Decision& d, const char* text) {
    absl::StatusOr<AdoptionSummary> s = TrackAdoption(ws.tables(), std::vector<Decision>{MakeDecision("x"), d},
                                                      AdoptionOptions{});
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(s.status().message()), HasSubstr(text));
  };
  Decision d = MakeDecision("charging");
  d.value = -1;
  expect(d, "decisions[1].value: must be finite and >= 0, got -1");
  d = MakeDecision("charging");
  d.contributors = {0, 1};
  d.weights = {1};
  expect(d, "decisions[1].contributor_weights: must be empty or one per contributor (2), got 1");
  d.weights = {1, NAN};
  expect(d, "decisions[1].contributor_weights[1]: must be finite and >= 0");
  d = MakeDecision("charging");
  d.effective = d.decided - 1;
  expect(d, "decisions[1].effective_unix_seconds: before the decision");
  d = MakeDecision("charging");
  d.contributors = {2, 0, 2};
  expect(d, "decisions[1].contributor_customer_ids[2]: listed twice (as [0])");
  d = MakeDecision("charging");
  d.given = BeforeAfter{NAN, 1, 3, 2, 1, 3};
  expect(d, "decisions[1].measure: a mean must be finite");
  AdoptionOptions o;
  o.confidence = 0;
  EXPECT_EQ(TrackAdoption(ws.tables(), std::vector<Decision>{}, o).status().message(),
            "confidence: must be in (0, 1), got 0");
  // The same checks in a request's terms.
  o.names = FieldPath("request");
  EXPECT_EQ(TrackAdoption(ws.tables(), std::vector<Decision>{}, o).status().message(),
            "request.confidence: must be in (0, 1), got 0");
  o.confidence = 0.9;
  d = MakeDecision("charging");
  d.value = -1;
  EXPECT_EQ(TrackAdoption(ws.tables(), std::vector<Decision>{d}, o).status().message(),
            "request.decisions[0].value: must be finite and >= 0, got -1");
  EXPECT_EQ(CheckDecisions(ws.tables(), std::vector<Decision>{d}, "request.decisions").message(),
            "request.decisions[0].value: must be finite and >= 0, got -1");
}

}  // namespace
}  // namespace mitra::cocreation

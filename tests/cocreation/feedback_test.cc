// Feedback aggregation on tiny programs worked by hand: means, Bayesian
// averages, top-box shares with Wilson bounds, NPS, the paired and Welch
// shortfall tests with Benjamini-Hochberg, and the reviewer-bias correction.
#include "mitra/cocreation/feedback.h"

#include <cmath>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "mitra/core/workspace.h"
#include "mitra/v1/batch.pb.h"

namespace mitra::cocreation {
namespace {

constexpr int64_t kT0 = 1735689600;  // 2025-01-01

struct Answer {
  std::string customer, product;
  std::vector<std::pair<std::string, double>> ratings;
  int would_recommend = -1;  // -1: not asked
};

// One program P (scale lo..hi, the given attributes) and its answers.
void Load(Workspace& ws, const std::vector<std::string>& attributes, const std::vector<Answer>& answers,
          double lo = 1, double hi = 5) {
  v1::Batch b;
  for (const Answer& a : answers)
    if (!a.customer.empty()) {
      bool seen = false;
      for (const auto& c : b.customers()) seen |= c.id() == a.customer;
      if (!seen) b.add_customers()->set_id(a.customer);
    }
  for (const char* p : {"A", "B"}) b.add_products()->set_id(p);
  auto* p = b.add_programs();
  p->set_id("P");
  p->set_start_unix_seconds(kT0);
  p->set_rating_min(lo);
  p->set_rating_max(hi);
  for (const std::string& a : attributes) p->add_attributes(a);
  int64_t t = kT0;
  for (const Answer& a : answers) {
    auto* f = b.add_feedback();
    f->set_program_id("P");
    f->set_customer_id(a.customer);
    f->set_product_id(a.product);
    for (const auto& [k, v] : a.ratings) (*f->mutable_ratings())[k] = v;
    if (a.would_recommend >= 0) f->set_would_recommend(a.would_recommend);
    f->set_time_unix_seconds(t += 3600);
  }
  ASSERT_TRUE(ws.Ingest(b).ok());
}

// Four answers on 1..5 about comfort and charging:
//   u0: comfort 5, charging 2, recommend 10     u1: 4, 1, 9
//   u2: 4, 3, 7                                  u3: 3, 2, 3
std::vector<Answer> FourAnswers() {
  return {{"u0", "", {{"comfort", 5}, {"charging", 2}}, 10},
          {"u1", "", {{"comfort", 4}, {"charging", 1}}, 9},
          {"u2", "", {{"comfort", 4}, {"charging", 3}}, 7},
          {"u3", "", {{"comfort", 3}, {"charging", 2}}, 3}};
}

TEST(AggregateFeedback, HandComputedTable) {
  Workspace ws;
  Load(ws, {"comfort", "charging"}, FourAnswers());
  FeedbackOptions o;
  o.fdr = 0.10;
  absl::StatusOr<FeedbackSummary> s = AggregateFeedback(ws.tables(), o);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->groups.size(), 1u);
  const GroupFeedback& g = s->groups[0];
  EXPECT_EQ(g.responses, 4u);
  EXPECT_EQ(g.respondents, 4u);
  EXPECT_EQ(g.product, kNoIndex);
  EXPECT_EQ(g.top_box_rating, 4);  // 1 + 0.75 * 4
  // Grand mean over all 8 ratings: (16 + 8) / 8 = 3, the prior mean.
  EXPECT_DOUBLE_EQ(g.prior_mean, 3);
  EXPECT_EQ(g.prior_weight, 10);
  ASSERT_EQ(g.attributes.size(), 2u);
  const AttributeFeedback& comfort = g.attributes[0];
  const AttributeFeedback& charging = g.attributes[1];
  EXPECT_EQ(comfort.attribute, "comfort");  // the program's order
  EXPECT_EQ(charging.attribute, "charging");
  // comfort 5 4 4 3: mean 4, squares of deviations 1 + 0 + 0 + 1 = 2, sd sqrt(2/3).
  EXPECT_EQ(comfort.n, 4u);
  EXPECT_DOUBLE_EQ(comfort.mean, 4);
  EXPECT_NEAR(comfort.sd, std::sqrt(2.0 / 3), 1e-15);
  // charging 2 1 3 2: mean 2, sd sqrt(2/3).
  EXPECT_DOUBLE_EQ(charging.mean, 2);
  EXPECT_NEAR(charging.sd, std::sqrt(2.0 / 3), 1e-15);
  // Bayesian averages with m = 10, C = 3: (4*4 + 10*3)/14 = 46/14; (4*2 + 30)/14 = 38/14.
  EXPECT_NEAR(comfort.bayesian_average, 46.0 / 14, 1e-15);
  EXPECT_NEAR(charging.bayesian_average, 38.0 / 14, 1e-15);
  // Top box (>= 4): comfort 3 of 4, charging 0 of 4; Wilson bounds as stats.h.
  EXPECT_EQ(comfort.positives, 3u);
  EXPECT_DOUBLE_EQ(comfort.positive_share, 0.75);
  EXPECT_NEAR(comfort.wilson.low, Wilson(3, 4, s->z).low, 0);
  EXPECT_EQ(charging.positives, 0u);
  EXPECT_NEAR(s->z, 1.959963984540054, 1e-15);
  // NPS: promoters 10, 9; passive 7; detractor 3: p = .5, d = .25, NPS 25,
  // Var = 10000 (0.75 - 0.0625) / 4 = 1718.75.
  EXPECT_EQ(g.nps.n, 4u);
  EXPECT_NEAR(g.nps.nps, 25, 1e-12);
  EXPECT_NEAR(g.nps.variance, 1718.75, 1e-9);
  // Paired test against the other attributes, on the 0..1 scale x = (r - 1)/4:
  // charging d = x_charging - x_comfort = -.75, -.75, -.25, -.25: mean -0.5,
  // variance (4 * 0.0625) / 3 = 1/12; margin 0.1: t = (-0.5 + 0.1) / sqrt(1/12 / 4)
  // = -2.771281, df 3, p = P(T_3 <= -2.771281) = 0.0347471 (mpmath).
  EXPECT_TRUE(charging.tested);
  EXPECT_EQ(charging.baseline_n, 4u);
  EXPECT_DOUBLE_EQ(charging.difference, -2);  // 4 * -0.5 on the scale
  EXPECT_DOUBLE_EQ(charging.baseline_mean, 4);
  EXPECT_NEAR(charging.statistic, -2.7712812921102038, 1e-13);
  EXPECT_EQ(charging.df, 3);
  EXPECT_NEAR(charging.p_value, 0.034747061485401885, 1e-13);
  // comfort: d = +.75, +.75, +.25, +.25: t = (0.5 + 0.1) / 0.144338 = 4.156922, p 0.987344.
  EXPECT_NEAR(comfort.statistic, 4.156921938165305, 1e-13);
  EXPECT_NEAR(comfort.p_value, 0.9873435106694973, 1e-12);
  // BH over the 2 tests at q = 0.10: sorted 0.0347 <= 1 * 0.1 / 2 = 0.05 -> charging flagged;
  // q-values 0.0347 * 2 = 0.069494 and 0.987344.
  EXPECT_EQ(g.tests, 2u);
  EXPECT_EQ(g.flagged, 1u);
  EXPECT_TRUE(charging.significantly_worse);
  EXPECT_FALSE(comfort.significantly_worse);
  EXPECT_NEAR(charging.q_value, 2 * 0.034747061485401885, 1e-13);
  EXPECT_NEAR(comfort.q_value, 0.9873435106694973, 1e-12);

  // At q = 0.05 the threshold for the smallest of 2 is 0.025 < 0.0347: nothing flagged.
  o.fdr = 0.05;
  s = AggregateFeedback(ws.tables(), o);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->groups[0].flagged, 0u);
  // A given prior mean and weight: charging (4*2 + 2*3.5)/6 = 2.5.
  o.prior_mean = 3.5;
  o.prior_weight = 2;
  s = AggregateFeedback(ws.tables(), o);
  ASSERT_TRUE(s.ok());
  EXPECT_NEAR(s->groups[0].attributes[1].bayesian_average, 2.5, 1e-15);
  EXPECT_EQ(s->groups[0].prior_mean, 3.5);
}

TEST(AggregateFeedback, ScaleOneToTenTopBoxAndNoRatings) {
  // On 1..10 the top quarter starts at 1 + 0.75 * 9 = 7.75: 8 counts, 7 does not.
  // "range" is listed but never rated: reported with n = 0 and the prior.
  Workspace ws;
  Load(ws, {"comfort", "range"},
       {{"a", "", {{"comfort", 8}}, -1}, {"b", "", {{"comfort", 7}}, -1}, {"c", "", {{"comfort", 10}}, -1}},
       1, 10);
  absl::StatusOr<FeedbackSummary> s = AggregateFeedback(ws.tables(), FeedbackOptions{});
  ASSERT_TRUE(s.ok()) << s.status();
  const GroupFeedback& g = s->groups[0];
  EXPECT_DOUBLE_EQ(g.top_box_rating, 7.75);
  EXPECT_EQ(g.attributes[0].positives, 2u);
  EXPECT_EQ(g.attributes[1].attribute, "range");
  EXPECT_EQ(g.attributes[1].n, 0u);
  EXPECT_DOUBLE_EQ(g.attributes[1].bayesian_average, g.prior_mean);  // (8 + 7 + 10) / 3
  EXPECT_NEAR(g.prior_mean, 25.0 / 3, 1e-14);
  EXPECT_FALSE(g.attributes[1].tested);
  EXPECT_FALSE(g.attributes[0].tested);  // one rating per answer: nothing to pair with
  EXPECT_EQ(g.nps.n, 0u);
  EXPECT_TRUE(std::isnan(g.nps.nps));
}

// Product A: u0 4, u1 4, h 1 (a harsh reviewer); product B: u0 4, u1 4.
std::vector<Answer> TwoProducts() {
  return {{"u0", "A", {{"q", 4}}, -1}, {"u1", "A", {{"q", 4}}, -1}, {"h", "A", {{"q", 1}}, -1},
          {"u0", "B", {{"q", 4}}, -1}, {"u1", "B", {{"q", 4}}, -1}};
}

TEST(AggregateFeedback, ReviewerBiasCorrectionByHand) {
  // x = (r - 1)/4: 4 -> .75, 1 -> 0. Item means: A (.75 + .75 + 0)/3 = .5, B .75.
  // Offsets with lambda = 1: u0 and u1 ((.75 - .5) + (.75 - .75)) / (1 + 2) = 1/12;
  // h (0 - .5) / (1 + 1) = -1/4.
  // Corrected A = mean(.75 - 1/12, .75 - 1/12, 0 + 1/4) = (19/12) / 3 = 19/36 -> 1 + 4 * 19/36 = 3.111111;
  // corrected B = .75 - 1/12 = 2/3 -> 1 + 8/3 = 3.666667.
  Workspace ws;
  Load(ws, {"q"}, TwoProducts());
  FeedbackOptions o;
  o.bias_shrinkage = 1;
  absl::StatusOr<FeedbackSummary> s = AggregateFeedback(ws.tables(), o);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->groups.size(), 2u);  // (P, A) then (P, B)
  EXPECT_EQ(s->groups[0].product, 0u);
  EXPECT_EQ(s->groups[1].product, 1u);
  EXPECT_DOUBLE_EQ(s->groups[0].attributes[0].mean, 3);
  EXPECT_NEAR(s->groups[0].attributes[0].corrected_mean, 1 + 4 * 19.0 / 36, 1e-14);
  EXPECT_NEAR(s->groups[1].attributes[0].corrected_mean, 1 + 8.0 / 3, 1e-14);
  EXPECT_EQ(s->groups[0].respondents, 3u);
  // Infinite shrinkage would leave the means alone; lambda = 1e12 nearly so.
  o.bias_shrinkage = 1e12;
  s = AggregateFeedback(ws.tables(), o);
  ASSERT_TRUE(s.ok());
  EXPECT_NEAR(s->groups[0].attributes[0].corrected_mean, 3, 1e-9);
}

TEST(AggregateFeedback, WelchAgainstABaselineProduct) {
  // A against baseline product B (same program): x_A = .75, .75, 0 (mean .5,
  // variance .375 / 2 = .1875), x_B = .75, .75 (variance 0).
  // se = sqrt(.1875/3) = .25; t = (.5 - .75 + .1) / .25 = -0.6; Welch df =
  // (.0625)^2 / ((.0625)^2 / 2) = 2; p = 1/2 - 0.6 / (2 sqrt(2.36)) = 0.3047166 (t_2 closed form).
  Workspace ws;
  Load(ws, {"q"}, TwoProducts());
  FeedbackOptions o;
  o.baseline_product = 1;  // B
  o.product = 0;           // report A only
  absl::StatusOr<FeedbackSummary> s = AggregateFeedback(ws.tables(), o);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->groups.size(), 1u);
  const AttributeFeedback& a = s->groups[0].attributes[0];
  ASSERT_TRUE(a.tested);
  EXPECT_EQ(a.baseline_n, 2u);
  EXPECT_DOUBLE_EQ(a.baseline_mean, 4);
  EXPECT_DOUBLE_EQ(a.difference, -1);
  EXPECT_NEAR(a.statistic, -0.6, 1e-14);
  EXPECT_NEAR(a.df, 2, 1e-12);
  EXPECT_NEAR(a.p_value, 0.5 - 0.6 / (2 * std::sqrt(2.36)), 1e-14);
  EXPECT_FALSE(a.significantly_worse);
  // B against itself is no test: reported untested.
  o.product = 1;
  s = AggregateFeedback(ws.tables(), o);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->groups[0].attributes[0].tested);
}

TEST(AggregateFeedback, RejectsOptionsOutOfRange) {
  Workspace ws;
  Load(ws, {"q"}, TwoProducts());
  auto expect = [&](FeedbackOptions o, const char* text) {
    absl::StatusOr<FeedbackSummary> s = AggregateFeedback(ws.tables(), o);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find(text), std::string::npos) << s.status();
  };
  FeedbackOptions o;
  o.prior_weight = -1;
  expect(o, "prior_weight: must be finite and >= 0, got -1");
  // The same check, named in a request's terms.
  o.names = FieldPath("request");
  EXPECT_EQ(AggregateFeedback(ws.tables(), o).status().message(),
            "request.prior_weight: must be finite and >= 0, got -1");
  o = {};
  o.prior_mean = INFINITY;  // NaN: the grand mean
  expect(o, "prior_mean: must be finite, got inf");
  o = {};
  o.top_box = 0;
  expect(o, "top_box");
  o = {};
  o.confidence = 1;
  expect(o, "confidence");
  o = {};
  o.fdr = std::nan("");
  expect(o, "fdr");
  o = {};
  o.margin = -0.1;
  expect(o, "margin");
  o = {};
  o.bias_shrinkage = INFINITY;
  expect(o, "bias_shrinkage");
}

}  // namespace
}  // namespace mitra::cocreation

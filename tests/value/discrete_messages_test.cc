// The sBG and BG/BB messages: the papers' estimates through the request
// layer, the projections against the closed forms and direct sums, the
// residual value's basis, and errors that name the request's fields.
#include "mitra/value/discrete_messages.h"

#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "value/discrete_reference.h"

namespace mitra::value {
namespace {

using ::testing::HasSubstr;
using testing::LoadDonations;
using testing::LoadRetention;

// Years 0..7 of both of Fader & Hardie's cohorts: the paper's calibration.
v1::SbgFitRequest PaperRequest() {
  const testing::Retention data = LoadRetention();
  v1::SbgFitRequest r;
  for (const auto& [name, alive] : {std::pair{"regular", &data.regular}, {"high end", &data.high_end}}) {
    v1::SbgCohort* c = r.add_cohorts();
    c->set_name(name);
    c->mutable_survivors()->Add(alive->begin(), alive->begin() + 8);
  }
  r.set_horizon(12);
  return r;
}

TEST(DiscreteMessagesTest, SbgFitsEachCohortAsThePaperAndProjectsYears8To12) {
  const testing::Retention data = LoadRetention();
  v1::SbgFitResult out;
  ASSERT_TRUE(FitSbgCohorts(PaperRequest(), &out).ok());
  ASSERT_EQ(out.cohorts_size(), 2);
  // Fader & Hardie 2007, table 1: regular 0.704, 1.182; high end 0.668, 3.806.
  const double paper[2][2] = {{0.704, 1.182}, {0.668, 3.806}};
  const std::vector<double>* actual[2] = {&data.regular, &data.high_end};
  for (int i = 0; i < 2; ++i) {
    const v1::SbgCohortResult& c = out.cohorts(i);
    EXPECT_EQ(c.name(), i == 0 ? "regular" : "high end");
    EXPECT_NEAR(c.model().alpha(), paper[i][0], 5e-4);
    EXPECT_NEAR(c.model().beta(), paper[i][1], 5e-4);
    EXPECT_EQ(c.model().report().standard_errors().size(), 2u);
    EXPECT_LT(c.model().report().log_likelihood(), 0);
    EXPECT_EQ(c.observed_periods(), 7);
    EXPECT_EQ(c.size(), 1000);
    EXPECT_EQ(c.active(), (*actual[i])[7]);
    ASSERT_EQ(c.survivors_size(), 13);
    ASSERT_EQ(c.retention_size(), 12);
    for (int t = 8; t <= 12; ++t) {
      // The paper's rounded estimates give the same customers to within 1,
      // and what happened is within 5 %.
      EXPECT_NEAR(c.survivors(t), 1000 * SbgSurvival({paper[i][0], paper[i][1]}, t), 1.0);
      EXPECT_NEAR(c.survivors(t) / (*actual[i])[t], 1.0, 0.05);
      // r(t) = S(t) / S(t - 1).
      EXPECT_NEAR(c.retention(t - 1), c.survival(t) / c.survival(t - 1), 1e-12);
    }
    EXPECT_EQ(c.derl(), 0);  // no discount rate, no DERL
    EXPECT_FALSE(c.has_residual_value());
  }
}

TEST(DiscreteMessagesTest, SbgLostCountsAreTheSameCohort) {
  v1::SbgFitRequest by_survivors = PaperRequest();
  v1::SbgFitRequest by_lost = by_survivors;
  for (v1::SbgCohort& c : *by_lost.mutable_cohorts()) {
    c.set_size(c.survivors(0));
    for (int t = 1; t < c.survivors_size(); ++t) c.add_lost(c.survivors(t - 1) - c.survivors(t));
    c.clear_survivors();
  }
  v1::SbgFitResult a, b;
  ASSERT_TRUE(FitSbgCohorts(by_survivors, &a).ok());
  ASSERT_TRUE(FitSbgCohorts(by_lost, &b).ok());
  EXPECT_DOUBLE_EQ(a.cohorts(1).model().alpha(), b.cohorts(1).model().alpha());
  EXPECT_DOUBLE_EQ(a.cohorts(1).model().beta(), b.cohorts(1).model().beta());
}

TEST(DiscreteMessagesTest, SbgResidualValueIsActiveTimesDerlTimesValueWithItsBasis) {
  v1::SbgFitRequest r = PaperRequest();
  r.set_discount_rate(0.1);
  r.set_value_per_period(50);
  v1::SbgFitResult out;
  ASSERT_TRUE(FitSbgCohorts(r, &out).ok());
  const v1::SbgCohortResult& c = out.cohorts(0);
  const SbgParams p{c.model().alpha(), c.model().beta()};
  // DERL after 7 renewals by direct summation: sum_{t >= 8} S(t) / S(7) 1.1^-(t - 8).
  double direct = 0;
  for (int t = 8; t < 3000; ++t) direct += SbgSurvival(p, t) / SbgSurvival(p, 7) * std::pow(1.1, -(t - 8));
  EXPECT_NEAR(c.derl(), direct, 1e-8 * direct);
  EXPECT_GT(c.retention_elasticity(), 1);  // a 1 % better retention is worth more than 1 %
  EXPECT_DOUBLE_EQ(c.residual_payments(), 241 * c.derl());
  ASSERT_TRUE(c.has_residual_value());
  EXPECT_DOUBLE_EQ(c.residual_value(), 241 * c.derl() * 50);
  EXPECT_EQ(c.residual_value_basis().kind(), v1::MONEY_BASIS_KIND_ESTIMATED);
  EXPECT_THAT(c.residual_value_basis().source(), HasSubstr("request.value_per_period"));
  EXPECT_FALSE(c.residual_value_basis().has_low());
}

TEST(DiscreteMessagesTest, SbgErrorsNameTheRequestsFields) {
  auto error = [](const v1::SbgFitRequest& r) {
    v1::SbgFitResult out;
    return std::string(FitSbgCohorts(r, &out).message());
  };
  v1::SbgFitRequest r = PaperRequest();
  r.mutable_cohorts(1)->set_survivors(3, 900);
  EXPECT_THAT(error(r), HasSubstr("request.cohorts[1].survivors[3]: 900 customers is more than"));
  r = PaperRequest();
  r.mutable_cohorts(0)->set_survivors(2, std::nan(""));
  EXPECT_THAT(error(r), HasSubstr("request.cohorts[0].survivors[2]: must be finite"));
  r = PaperRequest();
  v1::SbgCohort* c = r.mutable_cohorts(0);
  c->clear_survivors();
  c->set_size(10);
  c->add_lost(4);
  c->add_lost(7);
  EXPECT_THAT(error(r), HasSubstr("request.cohorts[0].lost[1]: the cohort has lost more than its size"));
  c->add_survivors(10);
  EXPECT_THAT(error(r), HasSubstr("request.cohorts[0]: give survivors or size with lost, not both"));
  r = PaperRequest();
  r.set_discount_rate(-1);
  EXPECT_THAT(error(r), HasSubstr("request.discount_rate: must be finite and > 0"));
  r = PaperRequest();
  r.set_value_per_period(10);
  EXPECT_THAT(error(r), HasSubstr("request.value_per_period: needs a discount_rate"));
  r = PaperRequest();
  (*r.mutable_options()->mutable_initial())["gamma"] = 1;
  EXPECT_THAT(error(r), HasSubstr("request.options.initial.gamma: not a parameter"));
  r = PaperRequest();
  (*r.mutable_options()->mutable_initial())["beta"] = -1;
  EXPECT_THAT(error(r), HasSubstr("request.options.initial.beta"));
  r = PaperRequest();
  r.mutable_options()->set_penalizer(-1);
  EXPECT_THAT(error(r), HasSubstr("request.options.penalizer"));
  EXPECT_THAT(error(v1::SbgFitRequest()), HasSubstr("request.cohorts: no cohorts to fit"));
}

v1::BgBbFitRequest DonationsRequest() {
  const testing::Donations d = LoadDonations();
  v1::BgBbFitRequest r;
  r.mutable_x()->Add(d.x.begin(), d.x.end());
  r.mutable_t_x()->Add(d.t_x.begin(), d.t_x.end());
  r.mutable_n()->Add(d.n.begin(), d.n.end());
  r.mutable_weight()->Add(d.weight.begin(), d.weight.end());
  return r;
}

TEST(DiscreteMessagesTest, BgBbFitsThePapersEstimates) {
  v1::BgBbModel m;
  ASSERT_TRUE(FitBgBbHistories(DonationsRequest(), &m).ok());
  // Fader, Hardie & Shang 2010: 1.204, 0.750, 0.657, 2.783; LL -33,225.6.
  EXPECT_NEAR(m.alpha(), 1.204, 5e-4);
  EXPECT_NEAR(m.beta(), 0.750, 5e-4);
  EXPECT_NEAR(m.gamma(), 0.657, 5e-4);
  EXPECT_NEAR(m.delta(), 2.783, 5e-4);
  EXPECT_NEAR(m.report().log_likelihood(), -33225.6, 0.05);
  EXPECT_EQ(m.report().rows(), 22);
  EXPECT_DOUBLE_EQ(m.report().total_weight(), 11104);
  EXPECT_EQ(m.report().standard_errors().size(), 4u);
  EXPECT_EQ(m.report().log_covariance_size(), 16);
  absl::StatusOr<BgBbParams> p = BgBbParamsFrom(m);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->delta, m.delta());
}

TEST(DiscreteMessagesTest, BgBbErrorsNameTheRequestsFields) {
  auto error = [](const v1::BgBbFitRequest& r) {
    v1::BgBbModel out;
    return std::string(FitBgBbHistories(r, &out).message());
  };
  v1::BgBbFitRequest r = DonationsRequest();
  r.mutable_t_x()->RemoveLast();
  EXPECT_THAT(error(r), HasSubstr("request.t_x: 21 values, but x has 22"));
  r = DonationsRequest();
  r.set_t_x(3, 7);
  EXPECT_THAT(error(r), HasSubstr("request row 3: t_x = 7"));
  r = DonationsRequest();
  r.set_weight(0, -1);
  EXPECT_THAT(error(r), HasSubstr("request row 0: weight must be finite and >= 0"));
  EXPECT_THAT(error(v1::BgBbFitRequest()), HasSubstr("request.x: no histories to fit"));
  v1::BgBbModel bad;
  bad.set_alpha(1);
  EXPECT_THAT(BgBbParamsFrom(bad).status().message(), HasSubstr("model.beta: must be finite and > 0"));
  v1::SbgModel sbad;
  sbad.set_alpha(std::nan(""));
  EXPECT_THAT(SbgParamsFrom(sbad).status().message(), HasSubstr("model.alpha"));
}

}  // namespace
}  // namespace mitra::value

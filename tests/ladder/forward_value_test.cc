#include "mitra/ladder/forward_value.h"

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mitra::ladder {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kDay = 86400;
constexpr int64_t kStart = 1704067200;  // 2024-01-01
constexpr int kCustomers = 400;
constexpr int kReferees = 100;          // the last 100 customers
constexpr int kAlreadyActive = 30;      // of them, buying before their referral

std::string Id(int i) { return "c" + std::to_string(i); }

// Every product sells at 100 and costs 60, so the margin share is 0.4
// exactly. Customers buy at rates of their own; pairs (c2k -> c2k+1) for
// k < 50 are the only interaction arcs, so c2k's influence can only reach
// c2k+1. The last 100 customers are referees of converted referrals; 30 of
// them bought before their referral.
v1::Batch World(uint64_t seed) {
  v1::Batch b;
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::gamma_distribution<double> rate(2.0, 1.0 / 40);  // purchases per day
  for (int p = 0; p < 30; ++p) {
    v1::Product* m = b.add_products();
    m->set_id("p" + std::to_string(p));
    m->set_unit_price(100);
    m->set_unit_cost(60);
  }
  int tx = 0;
  auto buy = [&](int c, int64_t t) {
    v1::Transaction* m = b.add_transactions();
    m->set_id("t" + std::to_string(tx++));
    m->set_customer_id(Id(c));
    m->set_time_unix_seconds(t);
    m->set_amount(std::round(50 + 150 * u(gen)));
    m->set_product_id("p" + std::to_string(static_cast<int>(30 * u(gen))));
  };
  for (int c = 0; c < kCustomers; ++c) {
    v1::Customer* m = b.add_customers();
    m->set_id(Id(c));
    const bool referee = c >= kCustomers - kReferees;
    const int r = c - (kCustomers - kReferees);
    const bool active = referee && r < kAlreadyActive;
    // A referee's referral is on day 200 + r; she starts then unless
    // already active (from day 10).
    const int64_t start = kStart + (referee && !active ? 200 + r : 10 + c % 50) * kDay;
    m->set_created_unix_seconds(start);
    const double lambda = rate(gen);
    for (double day = (start - kStart) / kDay; day < 700;) {
      buy(c, kStart + static_cast<int64_t>(day * kDay));
      day += -std::log(1 - u(gen)) / lambda;
    }
    if (referee) {
      v1::Referral* f = b.add_referrals();
      f->set_referrer_id(Id(r % 60));
      f->set_referee_id(Id(c));
      f->set_time_unix_seconds(kStart + (200 + r) * kDay - 3600);
      f->set_converted(true);
    }
  }
  for (int k = 0; k < 50; ++k)
    for (int i = 0; i < 3; ++i) {
      v1::Interaction* m = b.add_interactions();
      m->set_from_customer_id(Id(2 * k));
      m->set_to_customer_id(Id(2 * k + 1));
      m->set_kind(v1::INTERACTION_KIND_REPLY);
      m->set_time_unix_seconds(kStart + (20 + 100 * i) * kDay);
    }
  return b;
}

ForwardValueOptions Options() {
  ForwardValueOptions o;
  o.as_of = kStart + 700 * kDay;
  o.horizon_days = 182;
  o.value.summary.set_period_seconds(kDay);
  o.value.summary.set_unit_seconds(7 * kDay);
  o.value.clv = {12, 2629800.0 / (7 * kDay), 0.01};
  o.acquisition_cost = 20;
  o.rr_sets = 400000;
  o.worlds = 10;
  return o;
}

TEST(ForwardValue, MoneyIsMarginAndEveryPieceMatchesItsClosedForm) {
  Workspace ws;
  ASSERT_TRUE(ws.Ingest(World(7)).ok());
  const ForwardValueOptions o = Options();
  absl::StatusOr<ForwardValue> f = EstimateForwardValue(ws, o);
  ASSERT_TRUE(f.ok()) << f.status();
  const Tables& t = ws.tables();
  EXPECT_NEAR(f->margin_share, 0.4, 1e-12);

  // Referral: the share who joined anyway is the planted 30 of 100, and each
  // customer's value is expected referrals x (1 - s) x (v + A) with v the
  // mean over past referees of their first purchase's margin plus the
  // margin of their CLV.
  EXPECT_DOUBLE_EQ(f->referral.joined_anyway_share, 0.3);
  std::vector<double> first_amount(kCustomers, -1);
  for (size_t i = 0; i < t.transactions.customer.size(); ++i)
    if (first_amount[t.transactions.customer[i]] < 0)  // ingested in time order per customer
      first_amount[t.transactions.customer[i]] = t.transactions.amount[i];
  double v = 0;
  int known = 0;
  for (int c = kCustomers - kReferees; c < kCustomers; ++c) {
    const Index j = *t.customers.ids.Find(Id(c));
    const double clv = f->clv[j];
    if (std::isnan(clv)) continue;
    v += 0.4 * first_amount[j] + 0.4 * clv;
    ++known;
  }
  ASSERT_GT(known, 90);
  v /= known;
  EXPECT_NEAR(f->referral.referee_value, v, 1e-9 * v);
  const Index c0 = *t.customers.ids.Find(Id(0));
  EXPECT_GT(f->referral.expected_referrals[c0], 0);
  EXPECT_NEAR(f->referral.crv[c0], f->referral.expected_referrals[c0] * 0.7 * (v + 20),
              1e-9 * f->referral.crv[c0]);

  // Influence: c2k's one arc reaches c2k+1 with its learned posterior mean
  // p, so CIV = E[N(H)] x p x m x spend of c2k+1. p is near 0.013, so
  // c2k is in about 0.013 x 1,000 x 10 = 130 of the sets rooted at c2k+1:
  // a Monte-Carlo error near 9% per pair and 1.2% over the 50 pairs.
  graph::WorkspaceInfluenceOptions lo;
  lo.graph.as_of = o.as_of - 1;
  absl::StatusOr<graph::WorkspaceInfluence> learned = graph::LearnWorkspaceInfluence(t, lo);
  ASSERT_TRUE(learned.ok()) << learned.status();
  double sum = 0, closed_form = 0;
  for (int k = 0; k < 50; ++k) {
    const Index a = *t.customers.ids.Find(Id(2 * k)), b = *t.customers.ids.Find(Id(2 * k + 1));
    const graph::CsrGraph& g = learned->graph.graph;
    ASSERT_EQ(g.out().offsets[a + 1] - g.out().offsets[a], 1u);
    const double p = learned->model.posterior_mean[g.out().offsets[a]];
    const double expected = f->expected_purchases[a] * p * 0.4 * f->expected_spend[b];
    EXPECT_NEAR(f->influence[a], expected, 0.4 * expected) << "c" << 2 * k;
    closed_form += expected;
    EXPECT_LE(f->influence_low[a], f->influence[a]);
    EXPECT_GE(f->influence_high[a], f->influence[a]);
    EXPECT_EQ(f->influence[b], 0) << "c" << 2 * k + 1 << " reaches nobody";
    sum += f->influence[a];
  }
  EXPECT_NEAR(sum, closed_form, 0.05 * closed_form);
  EXPECT_NEAR(f->influence_total, sum, 1e-6 * sum);
  EXPECT_LE(f->influence_total_low, f->influence_total);
  EXPECT_GE(f->influence_total_high, f->influence_total);
  EXPECT_GT(f->arcs_with_trials, 0u);
}

TEST(ForwardValue, OptionsAreNamedInTheCallersTerms) {
  Workspace ws;
  ASSERT_TRUE(ws.Ingest(World(7)).ok());
  ForwardValueOptions o = Options();
  o.names = FieldPath("request").Sub("forward");
  o.horizon_days = 0;
  EXPECT_THAT(EstimateForwardValue(ws, o).status().message(),
              HasSubstr("request.forward.horizon_days: must be in (0, 1e6], got 0"));
  o = Options();
  o.names = FieldPath("request").Sub("forward");
  o.worlds = 1;
  EXPECT_THAT(EstimateForwardValue(ws, o).status().message(),
              HasSubstr("request.forward.worlds"));
  o = Options();
  o.names = FieldPath("request").Sub("forward");
  o.referral_draws = 1;
  EXPECT_THAT(EstimateForwardValue(ws, o).status().message(),
              HasSubstr("request.forward.referral_draws"));
  o = Options();
  o.acquisition_cost = -1;
  EXPECT_THAT(EstimateForwardValue(ws, o).status().message(), HasSubstr("acquisition_cost"));
}

}  // namespace
}  // namespace mitra::ladder

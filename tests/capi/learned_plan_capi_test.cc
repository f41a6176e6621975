// Activation plans on learned probabilities through the C ABI
// (mitra_workspace_activation_plan with plan.probabilities LEARNED): the
// plan's reach against its closed form at the posterior means, and the
// reach over the posterior against the Beta variances it must add.
#include <cmath>
#include <string>
#include <vector>

#include "common/capi_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/mitra.h"
#include "mitra/v1/activation.pb.h"
#include "mitra/v1/batch.pb.h"
#include "mitra/v1/graph.pb.h"

namespace {

namespace v1 = mitra::v1;
using ::testing::HasSubstr;

constexpr int64_t kT = 1709251200;  // 2024-03-01T00:00:00Z

// A star: h -> f0..f5 (replies), and sparse, overdispersed evidence: h buys
// items i0..i3; f_k buys the first kSuccesses[k] of them an hour later. Each
// follower's only in-arc is from h, so weighted cascade gives every arc p = 1
// and a plan seeding h reaches 7, while the learned probabilities are about
// successes / 4, shrunk towards the fitted prior.
constexpr int kSuccesses[6] = {4, 3, 1, 0, 2, 0};

mitra_workspace* StarWorkspace() {
  v1::Batch b;
  b.add_customers()->set_id("h");
  for (int k = 0; k < 6; ++k) b.add_customers()->set_id("f" + std::to_string(k));
  for (int i = 0; i < 4; ++i) {
    auto* p = b.add_products();
    p->set_id("i" + std::to_string(i));
    p->set_category("x");
  }
  int tx = 0;
  auto buy = [&](const std::string& c, int item, int64_t t) {
    auto* x = b.add_transactions();
    x->set_id("t" + std::to_string(tx++));
    x->set_customer_id(c);
    x->set_time_unix_seconds(t);
    x->set_amount(1);
    x->set_product_id("i" + std::to_string(item));
  };
  for (int k = 0; k < 6; ++k) {
    auto* i = b.add_interactions();
    i->set_from_customer_id("h");
    i->set_to_customer_id("f" + std::to_string(k));
    i->set_kind(v1::INTERACTION_KIND_REPLY);
    i->set_time_unix_seconds(kT - 30 * 86400);
    for (int item = 0; item < kSuccesses[k]; ++item) buy("f" + std::to_string(k), item, kT + 3600);
  }
  for (int item = 0; item < 4; ++item) buy("h", item, kT);
  mitra_workspace* ws = nullptr;
  EXPECT_EQ(mitra_workspace_create(&ws, nullptr), MITRA_OK);
  EXPECT_TRUE(mitra::testing::IngestThroughCApi(ws, b).ok());
  return ws;
}

v1::LearnInfluenceRequest Learning() {
  v1::LearnInfluenceRequest l;
  l.set_method(v1::INFLUENCE_METHOD_BERNOULLI);
  return l;
}

v1::WorkspacePlanRequest LearnedPlan() {
  v1::WorkspacePlanRequest r;
  r.mutable_plan()->set_k(1);
  r.mutable_plan()->set_epsilon(0.5);
  r.mutable_plan()->set_probabilities(v1::EDGE_PROBABILITIES_LEARNED);
  r.mutable_plan()->set_check_runs(40000);
  r.set_candidates(v1::CANDIDATE_SOURCE_ALL);
  r.mutable_graph()->set_half_life_days(0);
  *r.mutable_learning() = Learning();
  r.set_posterior_worlds(2000);
  r.set_posterior_runs(200);
  return r;
}

mitra::testing::CApiResult WorkspacePlan(mitra_workspace* ws, const v1::WorkspacePlanRequest& r,
                                         v1::WorkspacePlan* out) {
  auto c = mitra::testing::CallCApi(
      r.SerializeAsString(),
      [&](const uint8_t* q, size_t ql, uint8_t** o, size_t* ol, mitra_error** e) {
        return mitra_workspace_activation_plan(ws, q, ql, o, ol, e);
      });
  if (c.status == MITRA_OK) {
    EXPECT_TRUE(out->ParseFromString(c.bytes));
  }
  return c;
}

TEST(LearnedPlanCApi, ReachMatchesTheClosedFormAndTheInterval) {
  mitra_workspace* ws = StarWorkspace();
  // The learned posteriors, as mitra_workspace_learn_influence reports them.
  v1::LearnInfluenceRequest lr = Learning();
  lr.mutable_graph()->set_half_life_days(0);
  auto lc = mitra::testing::CallCApi(
      lr.SerializeAsString(),
      [&](const uint8_t* q, size_t ql, uint8_t** o, size_t* ol, mitra_error** e) {
        return mitra_workspace_learn_influence(ws, q, ql, o, ol, e);
      });
  ASSERT_EQ(lc.status, MITRA_OK) << lc.message;
  v1::LearnInfluenceReport learned;
  ASSERT_TRUE(learned.ParseFromString(lc.bytes));
  ASSERT_EQ(learned.arcs_size(), 6);
  // Seeding h on a star: reach = 1 + sum of p. At the posterior means, and
  // over the posterior: the worlds' reach varies by sum Var(p_k) (Beta) plus
  // each world's Monte-Carlo error, E[sum p(1 - p)] / runs.
  double mean = 1, var = 0, bernoulli = 0;
  for (int k = 0; k < 6; ++k) {
    const v1::LearnedArc& a = learned.arcs(k);
    EXPECT_EQ(a.trials(), 4u);
    EXPECT_EQ(a.successes(), kSuccesses[k]);
    const double al = a.alpha(), be = a.beta(), m = al / (al + be);
    const double v = al * be / ((al + be) * (al + be) * (al + be + 1));
    mean += m;
    var += v;
    bernoulli += m - (v + m * m);
  }
  // Sparse evidence leaves real doubt: the fitted prior is far from
  // degenerate.
  EXPECT_GT(std::sqrt(var), 0.2);

  v1::WorkspacePlan plan;
  auto c = WorkspacePlan(ws, LearnedPlan(), &plan);
  ASSERT_EQ(c.status, MITRA_OK) << c.message;
  ASSERT_EQ(plan.leaders_size(), 1);
  EXPECT_EQ(plan.leaders(0).customer_id(), "h");
  const v1::SpreadEstimate& check = plan.plan().check();
  EXPECT_NEAR(check.mean(), mean, 4 * check.std_error());
  EXPECT_LT(check.mean(), 6);  // weighted cascade would reach all 7
  const v1::PosteriorReach& p = plan.posterior_reach();
  EXPECT_EQ(p.worlds(), 2000u);
  EXPECT_EQ(p.runs_per_world(), 200u);
  EXPECT_DOUBLE_EQ(p.confidence(), check.confidence());
  EXPECT_EQ(p.actions(), 4u + 10u);
  EXPECT_EQ(p.arcs_with_trials(), 6u);
  const double world_sd = std::sqrt(var + bernoulli / 200);
  EXPECT_NEAR(p.mean(), mean, 4 * world_sd / std::sqrt(2000.0));
  EXPECT_NEAR(p.world_sd(), world_sd, 0.1 * world_sd);
  // The posterior's interval also covers the estimates' doubt: on this
  // sparse evidence far wider than the Monte-Carlo interval of the check.
  EXPECT_GT(p.high() - p.low(), 5 * (check.ci_high() - check.ci_low()));
  EXPECT_NEAR(p.high() - p.low(), 2 * 1.959963984540054 * p.world_sd(), 1e-9);
  mitra_workspace_free(ws);
}

TEST(LearnedPlanCApi, ErrorsNameTheRequestField) {
  mitra_workspace* ws = StarWorkspace();
  auto error = [&](const v1::WorkspacePlanRequest& r) {
    v1::WorkspacePlan out;
    auto c = WorkspacePlan(ws, r, &out);
    EXPECT_EQ(c.status, MITRA_INVALID_ARGUMENT) << c.message;
    return c.message;
  };
  v1::WorkspacePlanRequest r = LearnedPlan();
  r.mutable_plan()->set_probabilities(v1::EDGE_PROBABILITIES_WEIGHTED_CASCADE);
  EXPECT_THAT(error(r), HasSubstr("request.learning: only with plan.probabilities LEARNED"));
  r = LearnedPlan();
  r.mutable_plan()->set_model(v1::DIFFUSION_MODEL_LT);
  EXPECT_THAT(error(r), HasSubstr("request.plan.model: must be IC with LEARNED"));
  r = LearnedPlan();
  r.mutable_plan()->set_directed(false);
  EXPECT_THAT(error(r), HasSubstr("request.plan.directed: must be true with LEARNED"));
  r = LearnedPlan();
  r.mutable_learning()->mutable_graph();
  EXPECT_THAT(error(r), HasSubstr("request.learning.graph: must be unset (request.graph is used)"));
  r = LearnedPlan();
  r.mutable_learning()->set_window_seconds(0);
  EXPECT_THAT(error(r), HasSubstr("request.learning.window_seconds: must be > 0, got 0"));
  r = LearnedPlan();
  r.mutable_learning()->set_em_max_iterations(0);
  EXPECT_THAT(error(r), HasSubstr("request.learning.em_max_iterations: must be 1..100000, got 0"));
  r = LearnedPlan();
  r.set_posterior_worlds(1);
  EXPECT_THAT(error(r), HasSubstr("request.posterior_worlds: must be 2..10000, got 1"));
  r = LearnedPlan();
  r.set_posterior_runs(1);
  EXPECT_THAT(error(r), HasSubstr("request.posterior_runs: must be 2..100000000, got 1"));
  // Edge arrays carry no posterior: LEARNED is refused there.
  v1::PlanRequest pr;
  pr.set_k(1);
  pr.set_probabilities(v1::EDGE_PROBABILITIES_LEARNED);
  const uint32_t src[1] = {0}, dst[1] = {1};
  auto c = mitra::testing::CallCApi(
      pr.SerializeAsString(),
      [&](const uint8_t* q, size_t ql, uint8_t** o, size_t* ol, mitra_error** e) {
        return mitra_activation_plan(2, src, dst, nullptr, 1, q, ql, o, ol, e);
      });
  EXPECT_EQ(c.status, MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(c.message, HasSubstr("request.probabilities: LEARNED needs each arc's learned posterior"));
  mitra_workspace_free(ws);
}

}  // namespace

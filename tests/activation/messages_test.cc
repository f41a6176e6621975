#include "mitra/activation/messages.h"

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mitra::activation {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// 0 -> 1, 0 -> 2, 1 -> 3, 4 -> 5; node 6 alone.
const std::vector<uint32_t> kSrc = {0, 0, 1, 4};
const std::vector<uint32_t> kDst = {1, 2, 3, 5};

v1::PlanRequest Certain() {
  v1::PlanRequest r;
  r.set_probabilities(v1::EDGE_PROBABILITIES_CONSTANT);
  r.set_p(1.0);
  r.set_k(2);
  return r;
}

absl::Status PlanStatus(const v1::PlanRequest& r, std::vector<uint32_t> src = kSrc,
                        std::vector<uint32_t> dst = kDst, uint32_t n = 7) {
  v1::Plan plan;
  return PlanFromEdges(n, src, dst, {}, r, &plan);
}

TEST(ActivationMessagesTest, PlanOnCertainEdges) {
  v1::PlanRequest r = Certain();
  for (int i = 0; i < 7; ++i) r.add_groups(i < 4 ? 0 : i < 6 ? 1 : 2);
  v1::Plan plan;
  ASSERT_TRUE(PlanFromEdges(7, kSrc, kDst, {}, r, &plan).ok());
  EXPECT_THAT(plan.seeds(), ElementsAre(0u, 4u));
  EXPECT_THAT(plan.costs(), ElementsAre(1.0, 1.0));
  EXPECT_DOUBLE_EQ(plan.check().mean(), 6.0);
  EXPECT_DOUBLE_EQ(plan.check().ci_low(), 6.0);
  EXPECT_THAT(plan.check().group_mean(), ElementsAre(4.0, 2.0, 0.0));
  EXPECT_NEAR(plan.check().confidence(), 0.95, 1e-9);
  EXPECT_EQ(plan.check().runs(), 10000u);
  EXPECT_DOUBLE_EQ(plan.total_cost(), 2.0);
  EXPECT_DOUBLE_EQ(plan.cost_per_reached(), 2.0 / 6.0);
  EXPECT_EQ(plan.num_nodes(), 7u);
  EXPECT_EQ(plan.num_arcs(), 4u);
  EXPECT_GT(plan.approximation(), 0.5);
  // The same with given per-edge values, and deterministic for a seed.
  v1::PlanRequest g;
  g.set_probabilities(v1::EDGE_PROBABILITIES_GIVEN);
  for (int i = 0; i < 4; ++i) g.add_edge_values(1.0);
  g.set_k(2);
  v1::Plan a, b;
  ASSERT_TRUE(PlanFromEdges(7, kSrc, kDst, {}, g, &a).ok());
  ASSERT_TRUE(PlanFromEdges(7, kSrc, kDst, {}, g, &b).ok());
  EXPECT_THAT(a.seeds(), ElementsAre(0u, 4u));
  EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString());
}

TEST(ActivationMessagesTest, AlgorithmChoiceIsReported) {
  // Absent: IMM, reported as IMM, no OPIM-C bounds.
  v1::Plan imm;
  ASSERT_TRUE(PlanFromEdges(7, kSrc, kDst, {}, Certain(), &imm).ok());
  EXPECT_EQ(imm.algorithm(), v1::INFLUENCE_ALGORITHM_IMM);
  EXPECT_EQ(imm.rounds(), 0u);
  EXPECT_EQ(imm.certified_ratio(), 0.0);
  v1::PlanRequest explicit_imm = Certain();
  explicit_imm.set_algorithm(v1::INFLUENCE_ALGORITHM_IMM);
  v1::Plan same;
  ASSERT_TRUE(PlanFromEdges(7, kSrc, kDst, {}, explicit_imm, &same).ok());
  EXPECT_EQ(imm.SerializeAsString(), same.SerializeAsString());
  // OPIM-C on certain edges: the same best pair (0 reaches 4 nodes, 4 two),
  // every spread exact, so the check is 6 and the lower bound of the seeds'
  // spread is at most 6; OPT = 6, so the upper bound is at least 6.
  v1::PlanRequest r = Certain();
  r.set_algorithm(v1::INFLUENCE_ALGORITHM_OPIM_C);
  v1::Plan plan;
  ASSERT_TRUE(PlanFromEdges(7, kSrc, kDst, {}, r, &plan).ok());
  EXPECT_EQ(plan.algorithm(), v1::INFLUENCE_ALGORITHM_OPIM_C);
  EXPECT_THAT(plan.seeds(), ElementsAre(0u, 4u));
  EXPECT_DOUBLE_EQ(plan.check().mean(), 6.0);
  EXPECT_GE(plan.rounds(), 1u);
  EXPECT_LE(plan.spread_lower_bound(), 6.0);
  EXPECT_GE(plan.opt_upper_bound(), 6.0);
  EXPECT_DOUBLE_EQ(plan.certified_ratio(), plan.spread_lower_bound() / plan.opt_upper_bound());
  EXPECT_GE(plan.certified_ratio(), 1 - std::exp(-1.0) - 0.1);
  EXPECT_EQ(plan.rr_sets_sampled(), 2 * plan.rr_sets());
  EXPECT_THAT(plan.guarantee(), HasSubstr("OPIM-C certified"));
}

TEST(ActivationMessagesTest, DefaultKIsCappedAtNumNodes) {
  v1::PlanRequest r = Certain();
  r.clear_k();
  v1::Plan plan;
  ASSERT_TRUE(PlanFromEdges(7, kSrc, kDst, {}, r, &plan).ok());
  EXPECT_EQ(plan.seeds_size(), 7);
  EXPECT_DOUBLE_EQ(plan.check().mean(), 7.0);
}

TEST(ActivationMessagesTest, SimulateGivenDuplicatesAndUndirected) {
  v1::SimulateRequest s;
  s.set_probabilities(v1::EDGE_PROBABILITIES_GIVEN);
  s.add_edge_values(0.5);
  s.add_edge_values(0.5);
  s.add_seeds(0);
  s.set_runs(40000);
  v1::SpreadEstimate e;
  // Two chances of 0.5 along 0 -> 1: p = 0.75, spread 1.75.
  ASSERT_TRUE(SimulateFromEdges(2, std::vector<uint32_t>{0, 0}, std::vector<uint32_t>{1, 1}, {},
                                s, &e)
                  .ok());
  EXPECT_LE(e.ci_low(), 1.75);
  EXPECT_GE(e.ci_high(), 1.75);
  EXPECT_EQ(e.runs(), 40000u);
  // Undirected: 1 - 0 carries 0 -> 1.
  v1::SimulateRequest u;
  u.set_probabilities(v1::EDGE_PROBABILITIES_CONSTANT);
  u.set_p(1);
  u.set_directed(false);
  u.add_seeds(0);
  u.add_groups(0);
  u.add_groups(1);
  ASSERT_TRUE(
      SimulateFromEdges(2, std::vector<uint32_t>{1}, std::vector<uint32_t>{0}, {}, u, &e).ok());
  EXPECT_DOUBLE_EQ(e.mean(), 2.0);
  EXPECT_THAT(e.group_mean(), ElementsAre(1.0, 1.0));
}

TEST(ActivationMessagesTest, ErrorsNameTheField) {
  struct Case {
    std::function<void(v1::PlanRequest*)> edit;
    std::string field;
  } cases[] = {
      {[](v1::PlanRequest* r) { r->set_epsilon(1.5); }, "request.epsilon"},
      {[](v1::PlanRequest* r) { r->set_ell(0); }, "request.ell"},
      {[](v1::PlanRequest* r) { r->set_k(8); }, "request.k"},
      {[](v1::PlanRequest* r) { r->set_budget(2); }, "request.k"},
      {[](v1::PlanRequest* r) { r->clear_k(); r->set_budget(2); }, "request.costs"},
      {[](v1::PlanRequest* r) { r->clear_p(); }, "request.p"},
      {[](v1::PlanRequest* r) { r->set_p(1.5); }, "request.p"},
      {[](v1::PlanRequest* r) { r->set_lambda(1); }, "request.lambda"},
      {[](v1::PlanRequest* r) { r->add_edge_values(1); }, "request.edge_values"},
      {[](v1::PlanRequest* r) { r->set_model(static_cast<v1::DiffusionModel>(9)); }, "request.model"},
      {[](v1::PlanRequest* r) { r->add_must_include(7); }, "request.must_include[0]"},
      {[](v1::PlanRequest* r) { r->add_excluded(1); r->add_excluded(99); }, "request.excluded[1]"},
      {[](v1::PlanRequest* r) { r->add_groups(0); }, "request.groups"},
      {[](v1::PlanRequest* r) { r->add_group_quota(1); }, "request.group_quota"},
      {[](v1::PlanRequest* r) { r->set_check_runs(1); }, "request.check_runs"},
      {[](v1::PlanRequest* r) { r->set_threads(-1); }, "request.threads"},
      {[](v1::PlanRequest* r) { r->add_costs(1); }, "request.costs"},
      {[](v1::PlanRequest* r) {
         for (int i = 0; i < 7; ++i) r->add_costs(i == 3 ? -1 : 1);
       },
       "request.costs[3]"},
      {[](v1::PlanRequest* r) { r->add_must_include(1); r->add_excluded(1); }, "request.must_include"},
      {[](v1::PlanRequest* r) { r->set_algorithm(static_cast<v1::InfluenceAlgorithm>(3)); },
       "request.algorithm: unknown value 3"},
      {[](v1::PlanRequest* r) {
         r->set_algorithm(v1::INFLUENCE_ALGORITHM_OPIM_C);
         r->set_fresh_rr_sets(true);
       },
       "request.fresh_rr_sets: only with algorithm IMM"},
  };
  for (const Case& c : cases) {
    v1::PlanRequest r = Certain();
    c.edit(&r);
    absl::Status s = PlanStatus(r);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.field));
  }
  EXPECT_THAT(std::string(PlanStatus(Certain(), {0, 9}, {1, 2}).message()), HasSubstr("src[1]"));
  EXPECT_THAT(std::string(PlanStatus(Certain(), {}, {}, 0).message()), HasSubstr("num_nodes"));
  // LT weights into a node must sum to <= 1.
  v1::PlanRequest lt = Certain();
  lt.set_model(v1::DIFFUSION_MODEL_LT);
  EXPECT_THAT(std::string(PlanStatus(lt, {0, 1}, {2, 2}).message()),
              HasSubstr("request.probabilities"));
  v1::SimulateRequest s;
  s.add_seeds(9);
  v1::SpreadEstimate e;
  EXPECT_THAT(std::string(SimulateFromEdges(7, kSrc, kDst, {}, s, &e).message()),
              HasSubstr("request.seeds[0]"));
  s.clear_seeds();
  s.set_runs(1);
  EXPECT_THAT(std::string(SimulateFromEdges(7, kSrc, kDst, {}, s, &e).message()),
              HasSubstr("request.runs"));
}

}  // namespace
}  // namespace mitra::activation

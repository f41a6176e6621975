#include "mitra/activation/imm.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "exact.h"
#include "test_graphs.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/graph/edge_list.h"

namespace mitra::activation {
namespace {

using testing::AllSetSpreads;
using testing::Arc;
using testing::Build;
using testing::AsU32;
using testing::ExactSpread;
using testing::ExpectOpimBoundsHold;
using testing::MeasuredRun;
using testing::NetHeptWc;
using testing::RandomWc;
using testing::RunAndMeasure;
using testing::SmallIc;
using testing::SmallLt;
using ::testing::HasSubstr;

// Both algorithms (IMM, OPIM-C) share the sampling, the constraints and
// the greedy; these run for each.
class ImmAlgorithmTest : public ::testing::TestWithParam<ImAlgorithm> {
 protected:
  ImmOptions Options() const {
    ImmOptions o;
    o.algorithm = GetParam();
    return o;
  }
  bool opim() const { return GetParam() == ImAlgorithm::kOpimC; }
  // IMM's estimate comes from the RR sets that chose the seeds (biased
  // upwards); OPIM-C's from R2, which did not choose them.
  double tolerance() const { return opim() ? 0.1 : 0.3; }
};

INSTANTIATE_TEST_SUITE_P(Algorithms, ImmAlgorithmTest,
                         ::testing::Values(ImAlgorithm::kImm, ImAlgorithm::kOpimC),
                         [](const auto& info) {
                           return info.param == ImAlgorithm::kImm ? "Imm" : "OpimC";
                         });

// Against the brute-force optimum of the 14-node graph (IC and LT, k = 2
// and 3, epsilon 0.1 and 0.5): the exact spread of the seeds honours the
// (1 - 1/e - epsilon) guarantee and the estimate is within epsilon OPT of
// it; then what each algorithm reports of its sampling.
TEST_P(ImmAlgorithmTest, WithinGuaranteeOfBruteForceOptimum) {
  for (Model m : {Model::kIndependentCascade, Model::kLinearThreshold}) {
    const auto arcs = m == Model::kIndependentCascade ? SmallIc() : SmallLt();
    const DiffusionGraph dg = Build(14, arcs, m);
    for (int k : {2, 3}) {
      const auto all = AllSetSpreads(14, arcs, m, k);
      double opt = 0;
      for (const auto& [mask, s] : all) opt = std::max(opt, s);
      for (double eps : {0.1, 0.5}) {
        ImmOptions o = Options();
        o.k = k;
        o.epsilon = eps;
        o.seed = 3;
        auto r = Imm(dg, o);
        ASSERT_TRUE(r.ok()) << r.status();
        ASSERT_EQ(r->seeds.size(), static_cast<size_t>(k));
        EXPECT_EQ(r->algorithm, GetParam());
        const double exact = ExactSpread(14, arcs, m, AsU32(r->seeds));
        EXPECT_GE(exact, (1 - std::exp(-1.0) - eps) * opt) << "k " << k << " eps " << eps;
        // The estimate agrees with the exact spread of the seeds (OPIM-C's
        // comes from R2, which did not choose them: unbiased, and with >=
        // theta_0 sets within eps OPT).
        EXPECT_NEAR(r->estimated_spread, exact, eps * opt);
        double sum = 0;
        for (double g : r->marginal_gains) sum += g;
        EXPECT_NEAR(sum, r->estimated_spread, 1e-9);
        if (!opim()) {
          EXPECT_NEAR(r->approximation, 1 - std::exp(-1.0) - eps, 1e-12);
          EXPECT_GT(r->ell_adjusted, r->ell);
          EXPECT_GE(static_cast<double>(r->rr_sets), r->theta);
          continue;
        }
        ExpectOpimBoundsHold(*r, exact, opt);
        EXPECT_EQ(r->rr_sets_sampled, 2 * r->rr_sets);
        EXPECT_LE(static_cast<double>(r->rr_sets), r->theta);
        EXPECT_GE(r->rounds, 1u);
        EXPECT_DOUBLE_EQ(r->ell_adjusted, r->ell);
        EXPECT_DOUBLE_EQ(r->lower_bound, k);  // L = k: every node is counted
        std::printf("%s k=%d eps=%.1f: exact %.4f opt %.4f, %d rounds, %llu + %llu RR sets, "
                    "certified %.3f\n",
                    m == Model::kIndependentCascade ? "IC" : "LT", k, eps, exact, opt,
                    static_cast<int>(r->rounds), static_cast<unsigned long long>(r->rr_sets),
                    static_cast<unsigned long long>(r->rr_sets), r->certified_ratio);
      }
    }
  }
}

TEST_P(ImmAlgorithmTest, SameSeedSameResultForAnyThreadCount) {
  for (Model m : {Model::kIndependentCascade, Model::kLinearThreshold}) {
    const DiffusionGraph dg = RandomWc(1000, 6000, 77, m);
    ImmOptions o = Options();
    o.k = 10;
    o.epsilon = 0.3;
    o.seed = 42;
    o.threads = 1;
    auto a = Imm(dg, o);
    o.threads = 2;
    auto b = Imm(dg, o);
    o.threads = 3;
    auto c = Imm(dg, o);
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    for (const auto* x : {&*b, &*c}) {
      EXPECT_EQ(a->seeds, x->seeds);
      EXPECT_EQ(a->marginal_gains, x->marginal_gains);
      EXPECT_EQ(a->rr_sets, x->rr_sets);
      EXPECT_EQ(a->rounds, x->rounds);
      EXPECT_EQ(a->estimated_spread, x->estimated_spread);
      EXPECT_EQ(a->spread_lower_bound, x->spread_lower_bound);
      EXPECT_EQ(a->opt_upper_bound, x->opt_upper_bound);
      EXPECT_EQ(a->rr_memory_bytes, x->rr_memory_bytes);
    }
    // A different seed draws other RR sets.
    o.seed = 43;
    auto d = Imm(dg, o);
    ASSERT_TRUE(d.ok());
    EXPECT_NE(a->estimated_spread, d->estimated_spread);
    // The estimate agrees with an independent Monte-Carlo run.
    SpreadOptions so;
    so.runs = 20000;
    so.threads = 2;
    auto mc = EstimateSpread(dg, a->seeds, so);
    ASSERT_TRUE(mc.ok());
    EXPECT_NEAR(a->estimated_spread, mc->mean, tolerance() * mc->mean);
    EXPECT_GE(a->approximation, 1 - std::exp(-1.0) - 0.3 - 1e-12);
    if (opim()) {
      EXPECT_LE(a->spread_lower_bound, mc->ci_high);
    }
  }
}

TEST(ImmTest, FreshRrSets) {
  const DiffusionGraph dg = RandomWc(1000, 6000, 1, Model::kIndependentCascade);
  ImmOptions o;
  o.k = 5;
  o.epsilon = 0.3;
  o.fresh_rr_sets = true;
  auto r = Imm(dg, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->seeds.size(), 5u);
  EXPECT_GT(r->rr_sets_sampled, r->rr_sets);
}

TEST_P(ImmAlgorithmTest, ConstraintsRespected) {
  CsrGraph g;
  const uint32_t n = 1000;
  const DiffusionGraph dg = RandomWc(n, 6000, 2, Model::kIndependentCascade, &g);
  ImmOptions base = Options();
  base.k = 8;
  base.epsilon = 0.3;
  auto plain = Imm(dg, base);
  ASSERT_TRUE(plain.ok());
  ASSERT_EQ(plain->seeds.size(), 8u);

  // Excluded: none of the plain plan's seeds may appear.
  ImmOptions ex = base;
  ex.excluded = plain->seeds;
  auto r = Imm(dg, ex);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->seeds.size(), 8u);
  for (NodeId v : r->seeds) EXPECT_THAT(plain->seeds, ::testing::Not(::testing::Contains(v)));

  // Candidates: only even nodes.
  ImmOptions ca = base;
  for (NodeId v = 0; v < n; v += 2) ca.candidates.push_back(v);
  r = Imm(dg, ca);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->seeds.size(), 8u);
  for (NodeId v : r->seeds) EXPECT_EQ(v % 2, 0u);

  // Must-include: first, in order, and k counts them.
  ImmOptions mu = base;
  mu.must_include = {999, 500};
  r = Imm(dg, mu);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->seeds.size(), 8u);
  EXPECT_EQ(r->seeds[0], 999u);
  EXPECT_EQ(r->seeds[1], 500u);

  // Quotas: group = v % 3, at most 1, 2, 0 seeds.
  ImmOptions qu = base;
  qu.groups.resize(n);
  for (NodeId v = 0; v < n; ++v) qu.groups[v] = v % 3;
  qu.group_quota = {1, 2, 0};
  r = Imm(dg, qu);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->seeds.size(), 3u);  // quotas allow only 3
  std::vector<int> per(3, 0);
  for (NodeId v : r->seeds) ++per[v % 3];
  EXPECT_EQ(per[0], 1);
  EXPECT_EQ(per[1], 2);
  EXPECT_EQ(per[2], 0);
  EXPECT_NEAR(r->gamma, 0.5, 1e-12);
  EXPECT_GE(r->approximation, 0.5 - 0.3 - 1e-12);
  // OPIM-C's lower bound on OPT is the most counted nodes a feasible seed
  // set holds: 3 here, 10 with the budget, 8 with the targets.
  if (opim()) {
    EXPECT_DOUBLE_EQ(r->lower_bound, 3);
  }

  // Budget: costs 1 + (v % 5); budget 10.
  ImmOptions bu = base;
  bu.budget = 10;
  bu.costs.resize(n);
  for (NodeId v = 0; v < n; ++v) bu.costs[v] = 1 + v % 5;
  r = Imm(dg, bu);
  ASSERT_TRUE(r.ok());
  double cost = 0;
  for (NodeId v : r->seeds) cost += bu.costs[v];
  EXPECT_LE(cost, 10);
  EXPECT_DOUBLE_EQ(r->total_cost, cost);
  EXPECT_GE(r->seeds.size(), 2u);
  EXPECT_NEAR(r->gamma, (1 - std::exp(-1.0)) / 2, 1e-12);
  if (opim()) {
    EXPECT_DOUBLE_EQ(r->lower_bound, 10);
  }

  // Targets: reach counted only on 0..99; the estimate cannot exceed 100.
  ImmOptions ta = base;
  for (NodeId v = 0; v < 100; ++v) ta.targets.push_back(v);
  r = Imm(dg, ta);
  ASSERT_TRUE(r.ok());
  EXPECT_LE(r->estimated_spread, 100);
  if (opim()) {
    EXPECT_DOUBLE_EQ(r->lower_bound, 8);
  }
  SpreadOptions so;
  so.runs = 20000;
  so.targets = ta.targets;
  auto mc = EstimateSpread(dg, r->seeds, so);
  ASSERT_TRUE(mc.ok());
  EXPECT_NEAR(r->estimated_spread, mc->mean, tolerance() * mc->mean);
  if (opim()) {
    EXPECT_LE(r->spread_lower_bound, mc->ci_high);
  }
}

TEST(ImmTest, BudgetOnSmallGraphAgainstBruteForce) {
  // Costs: hubs 0 and 5 are expensive (3); others cost 1; budget 4.
  const auto arcs = SmallIc();
  const DiffusionGraph dg = Build(14, arcs, Model::kIndependentCascade);
  ImmOptions o;
  o.budget = 4;
  o.costs.assign(14, 1.0);
  o.costs[0] = o.costs[5] = 3;
  o.epsilon = 0.1;
  auto r = Imm(dg, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_LE(r->total_cost, 4);
  // Brute force over every affordable set (sizes 1..4; one pass per size).
  double opt = 0;
  for (int size = 1; size <= 4; ++size)
    for (const auto& [mask, spread] : AllSetSpreads(14, arcs, Model::kIndependentCascade, size)) {
      double c = 0;
      for (uint32_t v = 0; v < 14; ++v)
        if (mask >> v & 1) c += o.costs[v];
      if (c <= 4) opt = std::max(opt, spread);
    }
  const double got = ExactSpread(14, arcs, Model::kIndependentCascade, AsU32(r->seeds));
  EXPECT_GE(got, r->approximation * opt);
  std::printf("budget: exact spread %.4f, optimum %.4f\n", got, opt);
}

TEST(ImmTest, RejectsBadInput) {
  const DiffusionGraph dg = Build(14, SmallIc(), Model::kIndependentCascade);
  auto expect = [&](const ImmOptions& o, const std::string& field) {
    auto r = Imm(dg, o);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_THAT(r.status().message(), HasSubstr(field));
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ImmOptions o;
  o.k = 2;
  for (double e : {0.0, 1.0, -0.5, nan}) {
    o.epsilon = e;
    expect(o, "epsilon");
  }
  o = ImmOptions{};
  o.k = 0;
  expect(o, "k: must");
  o.k = 15;
  expect(o, "k: must");
  o = ImmOptions{};
  o.k = 2;
  o.candidates = {3, 14};
  expect(o, "candidates[1]");
  o.candidates.clear();
  o.excluded = {99};
  expect(o, "excluded[0]");
  o.excluded = {1};
  o.must_include = {1};
  expect(o, "must_include[0]");
  o.excluded.clear();
  o.must_include = {1, 2, 3};
  expect(o, "more than k");
  o.must_include.clear();
  o.targets = {20};
  expect(o, "targets[0]");
  o.targets.clear();
  o.budget = 3;
  o.costs.assign(14, 1.0);
  o.costs[4] = -1;
  expect(o, "costs[4]");
  o.costs[4] = nan;
  expect(o, "costs[4]");
  o.costs.resize(3);
  expect(o, "costs: 3 values");
  o.costs.assign(14, 1.0);
  o.budget = nan;
  expect(o, "budget");
  o.budget.reset();
  o.costs.clear();
  o.groups.assign(14, 0);
  expect(o, "group_quota");
  o.group_quota = {1};
  o.groups[5] = 2;
  expect(o, "groups[5]");
  o.groups.clear();
  o.group_quota.clear();
  o.ell = 0;
  expect(o, "ell");
  o.ell = 1;
  o.threads = 0;
  expect(o, "threads");
}

// NetHEPT (the IMM authors' file: each listed line one directed arc, 15,229
// nodes, 62,752 arcs), IC, weighted cascade, k = 50. The authors' IMM at
// epsilon = 0.1 reaches a Monte-Carlo spread of 963.6 +- 0.9.
TEST(ImmTest, NetHeptWeightedCascade) {
  const DiffusionGraph dg = NetHeptWc();
  for (double eps : {0.5, 0.1}) {
    ImmOptions o;
    o.k = 50;
    o.epsilon = eps;
    o.threads = 2;
    const MeasuredRun m = RunAndMeasure(dg, o);
    const ImmResult& r = m.result;
    std::printf("NetHEPT eps=%.1f: %.3f s, %llu RR sets, estimate %.1f, MC %.1f +- %.1f\n", eps,
                m.seconds, static_cast<unsigned long long>(r.rr_sets), r.estimated_spread,
                m.mc.mean, m.mc.ci_high - m.mc.mean);
    if (eps == 0.1) {
      // At least the authors' figure within Monte-Carlo error (both intervals).
      EXPECT_GE(m.mc.ci_high, 963.6 - 0.9);
      EXPECT_NEAR(r.estimated_spread, m.mc.mean, 0.1 * m.mc.mean);
    } else {
      // The looser run stays within 5% of the authors' epsilon = 0.1 figure.
      EXPECT_GE(m.mc.mean, 0.95 * 963.6);
      EXPECT_NEAR(r.estimated_spread, m.mc.mean, 0.5 * m.mc.mean);
    }
  }
}

}  // namespace
}  // namespace mitra::activation

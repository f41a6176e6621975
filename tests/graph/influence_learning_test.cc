#include "mitra/graph/influence_learning.h"

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "graph/beta_distribution.h"
#include "graph/beta_prior_fit.h"
#include "gtest/gtest.h"
#include "mitra/core/memory_budget.h"
#include "planted_cascades.h"

namespace mitra::graph {
namespace {

using ::testing::HasSubstr;

// 0 -> 1, 0 -> 2, 1 -> 2 (arcs 0, 1, 2), window 10. Items (rows shuffled):
//   7: 0@0, 1@5, 2@20        3: 0@0, 2@3
//   9: 1@0, 0@1              4: 0@10, 0@12 (a repeat, ignored)
//   5: 2@0
// A_0 = 4, A_1 = 2, A_2 = 3.
// 0->1: propagated on 7 (delay 5); on 9 node 1 acted first.  A_0&1 = 2 (7, 9).
// 0->2: propagated on 3 (delay 3); on 7 the delay 20 > 10.   A_0&2 = 2 (7, 3).
// 1->2: not propagated (on 7 the delay is 15).               A_1&2 = 1 (7).
struct TinyLog {
  CsrGraph g = *CsrGraph::FromEdges(3, std::vector<NodeId>{0, 0, 1}, std::vector<NodeId>{1, 2, 2});
  ActionLog log{{2, 0, 1, 0, 0, 2, 1, 0, 0, 2},
                {7, 7, 9, 4, 9, 3, 7, 3, 4, 5},
                {20, 0, 0, 12, 1, 3, 5, 0, 10, 0}};
};

InfluenceOptions Tiny(InfluenceMethod method) {
  InfluenceOptions o;
  o.method = method;
  o.window = 10;
  return o;
}

TEST(InfluenceLearningTest, BernoulliCountsByHand) {
  TinyLog t;
  auto m = LearnInfluence(t.g, t.log, Tiny(InfluenceMethod::kBernoulli));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->episodes, 5u);
  EXPECT_EQ(m->actions, 9u);
  EXPECT_THAT(m->trials, ::testing::ElementsAre(4u, 4u, 2u));
  EXPECT_THAT(m->successes, ::testing::ElementsAre(1.0, 1.0, 0.0));
  EXPECT_THAT(m->estimate, ::testing::ElementsAre(0.25, 0.25, 0.0));
}

TEST(InfluenceLearningTest, JaccardCountsByHand) {
  TinyLog t;
  auto m = LearnInfluence(t.g, t.log, Tiny(InfluenceMethod::kJaccard));
  ASSERT_TRUE(m.ok()) << m.status();
  // A_u|v = A_u + A_v - A_u&v: 4 + 2 - 2, 4 + 3 - 2, 2 + 3 - 1.
  EXPECT_THAT(m->trials, ::testing::ElementsAre(4u, 5u, 4u));
  EXPECT_THAT(m->estimate, ::testing::ElementsAre(0.25, 0.2, 0.0));
}

TEST(InfluenceLearningTest, ContinuousTimeDecaysWithTheDelay) {
  TinyLog t;
  InfluenceOptions o = Tiny(InfluenceMethod::kContinuousTime);
  o.decay = 4;
  auto m = LearnInfluence(t.g, t.log, o);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_THAT(m->trials, ::testing::ElementsAre(4u, 4u, 2u));
  EXPECT_DOUBLE_EQ(m->estimate[0], std::exp(-5.0 / 4) / 4);
  EXPECT_DOUBLE_EQ(m->estimate[1], std::exp(-3.0 / 4) / 4);
  EXPECT_EQ(m->estimate[2], 0);
  // decay 0 means the window (10).
  o.decay = 0;
  m = LearnInfluence(t.g, t.log, o);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_DOUBLE_EQ(m->estimate[0], std::exp(-0.5) / 4);
}

TEST(InfluenceLearningTest, EmTrialsExcludeEpisodesWhereTheTargetActedFirst) {
  TinyLog t;
  auto m = LearnInfluence(t.g, t.log, Tiny(InfluenceMethod::kExpectationMaximization));
  ASSERT_TRUE(m.ok()) << m.status();
  // 0->1: items 7 (success), 3, 4 (failures); on 9 node 1 acted first.
  // 0->2: 3 (success), 7 (too late), 9, 4. 1->2: 7, 9. One candidate per
  // activation, so EM gives positives / trials.
  EXPECT_THAT(m->trials, ::testing::ElementsAre(3u, 4u, 2u));
  EXPECT_NEAR(m->estimate[0], 1.0 / 3, 1e-12);
  EXPECT_NEAR(m->estimate[1], 0.25, 1e-12);
  EXPECT_EQ(m->estimate[2], 0);
  EXPECT_TRUE(m->em_converged);
  EXPECT_NEAR(m->em_log_likelihood,
              std::log(1.0 / 3) + 2 * std::log(2.0 / 3) + std::log(0.25) + 3 * std::log(0.75),
              1e-12);
}

// Two parents 0, 1 of node 2, window 1:
//   3 x {0@0, 1@0, 2@1}, 1 x {0@0, 2@1}, 2 x {0@0}, 3 x {1@0}, 1 x {1@0, 2@1}.
// log L = 3 ln(1 - (1-a)(1-b)) + ln a + 2 ln(1-a) + 3 ln(1-b) + ln b.
double TwoParentLogLikelihood(double a, double b) {
  return 3 * std::log(1 - (1 - a) * (1 - b)) + std::log(a) + 2 * std::log1p(-a) +
         3 * std::log1p(-b) + std::log(b);
}

TEST(InfluenceLearningTest, EmReachesTheBruteForceMaximumLikelihood) {
  CsrGraph g = *CsrGraph::FromEdges(3, std::vector<NodeId>{0, 1}, std::vector<NodeId>{2, 2});
  ActionLog log;
  uint32_t item = 0;
  auto episode = [&](std::vector<std::pair<NodeId, int64_t>> acts, int copies) {
    for (int c = 0; c < copies; ++c, ++item) {
      for (auto [v, t] : acts) {
        log.node.push_back(v);
        log.item.push_back(item);
        log.time.push_back(t);
      }
    }
  };
  episode({{0, 0}, {1, 0}, {2, 1}}, 3);
  episode({{0, 0}, {2, 1}}, 1);
  episode({{0, 0}}, 2);
  episode({{1, 0}}, 3);
  episode({{1, 0}, {2, 1}}, 1);
  InfluenceOptions o;
  o.window = 1;
  o.em_tolerance = 1e-13;
  o.em_max_iterations = 100000;
  auto m = LearnInfluence(g, log, o);
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_TRUE(m->em_converged);
  // Brute force: a grid of step 1e-3, then one of step 1e-6 around its best.
  double best = -INFINITY, ba = 0, bb = 0;
  for (int i = 1; i < 1000; ++i) {
    for (int j = 1; j < 1000; ++j) {
      const double v = TwoParentLogLikelihood(i * 1e-3, j * 1e-3);
      if (v > best) best = v, ba = i * 1e-3, bb = j * 1e-3;
    }
  }
  const double ca = ba, cb = bb;
  for (int i = -1000; i <= 1000; ++i) {
    for (int j = -1000; j <= 1000; ++j) {
      const double a = ca + i * 1e-6, b = cb + j * 1e-6;
      const double v = TwoParentLogLikelihood(a, b);
      if (v > best) best = v, ba = a, bb = b;
    }
  }
  EXPECT_NEAR(m->estimate[0], ba, 2e-6);
  EXPECT_NEAR(m->estimate[1], bb, 2e-6);
  EXPECT_NEAR(m->em_log_likelihood, TwoParentLogLikelihood(m->estimate[0], m->estimate[1]), 1e-12);
  EXPECT_GE(m->em_log_likelihood, best - 1e-10);
  // Trials: 0 -> 2 on 3 + 1 + 2 episodes, 1 -> 2 on 3 + 3 + 1. The shared
  // activations are split, so node 0 is credited with fewer than the 4
  // propagations Bernoulli would count.
  EXPECT_THAT(m->trials, ::testing::ElementsAre(6u, 7u));
  EXPECT_LT(m->successes[0], 4);
}

TEST(BetaDistributionTest, ClosedForms) {
  // I_x(2, 3) = sum_{j=2..4} C(4, j) x^j (1-x)^(4-j).
  EXPECT_NEAR(BetaCdf(2, 3, 0.4), 0.5248, 1e-14);
  EXPECT_NEAR(BetaCdf(2, 3, 0.9), 1 - (0.1 * 0.1 * 0.1 * 0.1 + 4 * 0.9 * 0.1 * 0.1 * 0.1), 1e-14);
  // Beta(a, 1): x^a; Beta(1, b): 1 - (1-x)^b.
  EXPECT_NEAR(BetaCdf(2.5, 1, 0.3), std::pow(0.3, 2.5), 1e-14);
  EXPECT_NEAR(BetaCdf(1, 7.5, 0.05), 1 - std::pow(0.95, 7.5), 1e-14);
  EXPECT_NEAR(BetaQuantile(1, 1, 0.3), 0.3, 1e-13);
  EXPECT_NEAR(BetaQuantile(3, 1, 0.05), std::pow(0.05, 1.0 / 3), 1e-12);
  EXPECT_NEAR(BetaQuantile(1, 4, 0.95), 1 - std::pow(0.05, 0.25), 1e-12);
  // Symmetric: the median of Beta(a, a) is 1/2; quantiles mirror.
  EXPECT_NEAR(BetaQuantile(40.5, 40.5, 0.5), 0.5, 1e-12);
  EXPECT_NEAR(BetaQuantile(4, 20, 0.05) + BetaQuantile(20, 4, 0.95), 1, 1e-12);
  // Far from the mean on either side: 1 - (1-x)^b with b = 200.
  EXPECT_NEAR(BetaCdf(1, 200, 0.02), 1 - std::pow(0.98, 200), 1e-14);
  EXPECT_NEAR(BetaCdf(1, 200, 0.001), 1 - std::pow(0.999, 200), 1e-14);
  // A sparse arc's posterior (small a, large b): the quantile inverts the CDF.
  EXPECT_NEAR(BetaCdf(0.132, 53.76, BetaQuantile(0.132, 53.76, 0.95)), 0.95, 1e-12);
  EXPECT_NEAR(BetaCdf(0.132, 53.76, BetaQuantile(0.132, 53.76, 0.05)), 0.05, 1e-12);
  // A large posterior (the series at its slowest): the quantile inverts the CDF.
  const double x = BetaQuantile(304, 1520, 0.05);
  EXPECT_NEAR(BetaCdf(304, 1520, x), 0.05, 1e-12);
}

TEST(BetaPriorFitTest, RecoversThePriorOfBetaBinomialCounts) {
  Rng rng(5);
  std::vector<double> s;
  std::vector<uint32_t> n;
  std::vector<uint64_t> arcs;
  for (uint64_t k = 0; k < 20000; ++k) {
    const double p = testing::PlantedProbability(rng);  // Beta(4, 20)
    n.push_back(5 + static_cast<uint32_t>(rng.Below(60)));
    uint32_t hits = 0;
    for (uint32_t t = 0; t < n.back(); ++t) hits += rng.Uniform() < p;
    s.push_back(hits);
    arcs.push_back(k);
  }
  BetaPrior prior = FitBetaPrior(arcs, s, n);
  EXPECT_TRUE(prior.fitted);
  EXPECT_NEAR(prior.a / (prior.a + prior.b), 4.0 / 24, 0.005);
  EXPECT_NEAR(prior.a + prior.b, 24, 3);
  // A maximum: no neighbouring (a, b) does better.
  const double best = BetaBinomialLogLikelihood(prior.a, prior.b, arcs, s, n);
  for (double da : {-1e-3, 1e-3}) {
    EXPECT_LE(BetaBinomialLogLikelihood(prior.a * (1 + da), prior.b, arcs, s, n), best);
    EXPECT_LE(BetaBinomialLogLikelihood(prior.a, prior.b * (1 + da), arcs, s, n), best);
  }
}

TEST(InfluenceLearningTest, BadOptionsNameTheOption) {
  TinyLog t;
  auto expect_bad = [&](InfluenceOptions o, const std::string& name) {
    auto m = LearnInfluence(t.g, t.log, o);
    ASSERT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument) << name;
    EXPECT_THAT(std::string(m.status().message()), ::testing::StartsWith(name));
  };
  InfluenceOptions o;
  o.window = 0;
  expect_bad(o, "window");
  o = {};
  o.decay = -1;
  expect_bad(o, "decay");
  o.decay = NAN;
  expect_bad(o, "decay");
  o = {};
  o.em_max_iterations = 0;
  expect_bad(o, "em_max_iterations");
  o = {};
  o.em_tolerance = 0;
  expect_bad(o, "em_tolerance");
  o = {};
  o.interval = 1;
  expect_bad(o, "interval");
  o = {};
  o.arc_groups = {0, 1};
  expect_bad(o, "arc_groups");
  o.arc_groups = {0, 1, 70000};
  expect_bad(o, "arc_groups[2]");
  o = {};
  o.method = static_cast<InfluenceMethod>(9);
  expect_bad(o, "method");
  // The log's columns.
  TinyLog bad;
  bad.log.node[4] = 3;
  auto m = LearnInfluence(bad.g, bad.log, {});
  EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("node[4]: node 3 out of range"));
  bad.log.node[4] = 0;
  bad.log.item.pop_back();
  m = LearnInfluence(bad.g, bad.log, {});
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("item has 9 rows"));
  bad.log.item.clear();
  bad.log.time.pop_back();
  m = LearnInfluence(bad.g, bad.log, {});
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("time has 9 rows"));
}

// One check words every error in the caller's terms: a request's message
// layer names the options once and reads the same errors under its path.
TEST(InfluenceLearningTest, ErrorsNameTheOptionInTheCallersTerms) {
  TinyLog t;
  auto error = [&](InfluenceOptions o) {
    o.names = FieldPath("request");
    o.names.Rename("window", "request.window_seconds");
    auto m = LearnInfluence(t.g, t.log, o);
    EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(m.status().message());
  };
  InfluenceOptions o;
  o.em_max_iterations = 100001;  // bounded: no request holds a host for ever
  EXPECT_EQ(error(o), "request.em_max_iterations: must be 1..100000, got 100001");
  o = {};
  o.window = -5;
  EXPECT_EQ(error(o), "request.window_seconds: must be > 0, got -5");
  o = {};
  o.em_tolerance = INFINITY;
  EXPECT_EQ(error(o), "request.em_tolerance: must be finite and > 0, got inf");
  o = {};
  o.interval = 0;
  EXPECT_EQ(error(o), "request.interval: must be in (0, 1), got 0");
  o = {};
  o.arc_groups = {0, 1, 70000};
  EXPECT_EQ(error(o), "request.arc_groups[2]: group 70000 must be < 65536");
  // The largest bound is accepted.
  o = {};
  o.em_max_iterations = 100000;
  o.names = FieldPath("request");
  EXPECT_TRUE(LearnInfluence(t.g, t.log, o).ok());
}

TEST(InfluenceLearningTest, MemoryBudgetNamesTheParameter) {
  testing::PlantedOptions po;
  po.nodes = 300;
  po.episodes = 300;
  const testing::PlantedCascades c = testing::SimulatePlantedCascades(po);
  InfluenceOptions o;
  o.window = 1;
  MemoryBudget budget;
  o.memory = &budget;
  budget.set_limit(1000);
  auto m = LearnInfluence(c.graph, c.log, o);
  ASSERT_EQ(m.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(m.status().message()), ::testing::StartsWith("graph: "));
  // Room for the arrays but not for the candidate lists of a wide window.
  const double arrays = c.graph.num_arcs() * 88.0 + c.log.node.size() * 40.0;
  budget.set_limit(static_cast<uint64_t>(arrays) + 64);
  o.window = 1000000;
  m = LearnInfluence(c.graph, c.log, o);
  ASSERT_EQ(m.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(m.status().message()), ::testing::StartsWith("window: "));
  o.names = FieldPath("request");
  m = LearnInfluence(c.graph, c.log, o);
  EXPECT_THAT(std::string(m.status().message()), ::testing::StartsWith("request.window: "));
  o.names = FieldPath();
  EXPECT_EQ(budget.in_use(), 0u);
  budget.set_limit(0);
  m = LearnInfluence(c.graph, c.log, o);
  EXPECT_TRUE(m.ok()) << m.status();
}

TEST(InfluenceLearningTest, AHandfulOfArcsTakesTheUniformPrior) {
  // Three arcs in all: too few to estimate a prior from (a fit ran to
  // Beta(0.0017, 156955) on one arc), so every group is Beta(1, 1) and each
  // posterior is Beta(1 + s, 1 + n - s).
  TinyLog t;
  InfluenceOptions o = Tiny(InfluenceMethod::kBernoulli);
  o.arc_groups = {0, 0, 3};
  auto m = LearnInfluence(t.g, t.log, o);
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_EQ(m->priors.size(), 4u);
  for (const BetaPrior& p : m->priors) {
    EXPECT_EQ(p.a, 1);
    EXPECT_EQ(p.b, 1);
    EXPECT_FALSE(p.fitted);
    EXPECT_EQ(p.arcs_fitted, 0u);
  }
  // Trials 4, 4, 2 and successes 1, 1, 0 (BernoulliCountsByHand).
  const double alpha[] = {2, 2, 1}, beta[] = {4, 4, 3};
  for (size_t k = 0; k < 3; ++k) {
    EXPECT_NEAR(m->posterior_alpha[k], alpha[k], 1e-12);
    EXPECT_NEAR(m->posterior_beta[k], beta[k], 1e-12);
    EXPECT_NEAR(m->posterior_mean[k], alpha[k] / (alpha[k] + beta[k]), 1e-15);
    EXPECT_NEAR(m->lower[k], BetaQuantile(alpha[k], beta[k], 0.05), 1e-15);
    EXPECT_NEAR(m->upper[k], BetaQuantile(alpha[k], beta[k], 0.95), 1e-15);
  }
}

TEST(InfluenceLearningTest, GroupsWithEnoughArcsGetTheirOwnPriors) {
  // A star 0 -> 1..40: node 0 acts on 12 items; leaf j follows on the first
  // (j % 7) of them (within the window), so arc j has 12 trials and j % 7
  // successes. Arcs 1..30 are group 0 (30 arcs: a prior of its own), arcs
  // 31..40 group 2 (10 arcs: the prior pooled over all 40); group 1 has none.
  constexpr int kLeaves = 40, kItems = 12;
  std::vector<NodeId> src(kLeaves, 0), dst(kLeaves);
  for (int j = 0; j < kLeaves; ++j) dst[j] = j + 1;
  const CsrGraph g = *CsrGraph::FromEdges(kLeaves + 1, src, dst);
  ActionLog log;
  for (uint32_t item = 0; item < kItems; ++item) {
    log.node.push_back(0);
    log.item.push_back(item);
    log.time.push_back(100);
    for (int j = 1; j <= kLeaves; ++j)
      if (static_cast<int>(item) < j % 7) {
        log.node.push_back(j);
        log.item.push_back(item);
        log.time.push_back(101);
      }
  }
  InfluenceOptions o = Tiny(InfluenceMethod::kBernoulli);
  o.arc_groups.assign(kLeaves, 0);
  for (int k = 30; k < kLeaves; ++k) o.arc_groups[k] = 2;
  auto m = LearnInfluence(g, log, o);
  ASSERT_TRUE(m.ok()) << m.status();
  std::vector<uint64_t> group0, all;
  for (uint64_t k = 0; k < kLeaves; ++k) {
    ASSERT_EQ(m->trials[k], static_cast<uint32_t>(kItems));
    ASSERT_EQ(m->successes[k], static_cast<double>((k + 1) % 7));
    if (k < 30) group0.push_back(k);
    all.push_back(k);
  }
  const BetaPrior own = FitBetaPrior(group0, m->successes, m->trials);
  const BetaPrior pooled = FitBetaPrior(all, m->successes, m->trials);
  ASSERT_EQ(m->priors.size(), 3u);
  EXPECT_TRUE(m->priors[0].fitted);
  EXPECT_EQ(m->priors[0].arcs_fitted, 30u);
  EXPECT_DOUBLE_EQ(m->priors[0].a, own.a);
  EXPECT_DOUBLE_EQ(m->priors[0].b, own.b);
  for (uint32_t gk : {1u, 2u}) {
    EXPECT_FALSE(m->priors[gk].fitted);
    EXPECT_EQ(m->priors[gk].arcs_fitted, 0u);
    EXPECT_DOUBLE_EQ(m->priors[gk].a, pooled.a);
    EXPECT_DOUBLE_EQ(m->priors[gk].b, pooled.b);
  }
  // Over-dispersed counts (0..6 of 12): a finite, moderate prior, not a bound.
  EXPECT_LT(own.a + own.b, 1e3);
}

// The planted-truth study: EM + shrinkage against the oracle that sees every
// try (successes / trials), per band of trial counts.
TEST(InfluenceLearningPlantedTest, PosteriorMeansMatchTheOracle) {
  const testing::PlantedCascades c = testing::SimulatePlantedCascades();
  InfluenceOptions o;
  o.window = 1;
  o.em_tolerance = 1e-9;
  o.em_max_iterations = 2000;
  auto m = LearnInfluence(c.graph, c.log, o);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(m->em_converged);
  // Discrete time with a window of one step: the trials are the oracle's.
  ASSERT_EQ(m->trials, c.trials);
  struct Band {
    uint32_t lo, hi;
    double learned = 0, oracle = 0;
    uint64_t arcs = 0;
  };
  std::vector<Band> bands = {{1, 10}, {10, 30}, {30, 100}, {100, 300}, {300, UINT32_MAX}};
  uint64_t covered = 0;
  for (size_t k = 0; k < c.p.size(); ++k) {
    covered += m->lower[k] <= c.p[k] && c.p[k] <= m->upper[k];
    for (Band& b : bands) {
      if (c.trials[k] < b.lo || c.trials[k] >= b.hi) continue;
      ++b.arcs;
      b.learned += std::fabs(m->posterior_mean[k] - c.p[k]);
      b.oracle += std::fabs(static_cast<double>(c.successes[k]) / c.trials[k] - c.p[k]);
    }
  }
  const double coverage = static_cast<double>(covered) / c.p.size();
  std::printf("arcs %zu, prior a %.3f b %.3f, EM iterations %d, coverage %.4f\n", c.p.size(),
              m->priors[0].a, m->priors[0].b, m->em_iterations, coverage);
  for (const Band& b : bands) {
    std::printf("trials [%u, %u): %lu arcs, MAE learned %.4f oracle %.4f\n", b.lo, b.hi,
                static_cast<unsigned long>(b.arcs), b.learned / b.arcs, b.oracle / b.arcs);
    ASSERT_GE(b.arcs, 100u) << b.lo;
    EXPECT_LE(b.learned, 1.25 * b.oracle) << "band from " << b.lo;
  }
  EXPECT_LE(bands.back().learned / bands.back().arcs, 0.02);
  // Empirical Bayes finds the planted Beta(4, 20): mean 1/6, a + b = 24.
  EXPECT_NEAR(m->priors[0].a / (m->priors[0].a + m->priors[0].b), 1.0 / 6, 0.01);
  EXPECT_NEAR(m->priors[0].a + m->priors[0].b, 24, 4);
  EXPECT_GE(coverage, 0.85);
  EXPECT_LE(coverage, 0.95);
}

}  // namespace
}  // namespace mitra::graph

#include "mitra/activation/influence_value.h"

#include <cmath>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "directed_graph.h"
#include "mitra/graph/csr_graph.h"

namespace mitra::activation {
namespace {

using ::testing::HasSubstr;

// A posterior so tight that every world is p itself.
ArcPosterior Tight(const std::vector<double>& p) {
  ArcPosterior post;
  for (double x : p) {
    post.alpha.push_back(x * 1e7);
    post.beta.push_back((1 - x) * 1e7);
  }
  return post;
}

// The exact sum over j != i of P(i activates j) v_j, over all live-edge
// worlds of the arcs (g's out-arcs in order, probabilities p).
std::vector<double> BruteForce(const graph::CsrGraph& g, const std::vector<double>& p,
                               const std::vector<double>& v) {
  const uint32_t n = g.num_nodes();
  const auto& out = g.out();
  const size_t m = out.targets.size();
  std::vector<double> civ(n, 0);
  for (uint32_t world = 0; world < (1u << m); ++world) {
    double prob = 1;
    for (size_t k = 0; k < m; ++k) prob *= (world >> k & 1) ? p[k] : 1 - p[k];
    for (uint32_t i = 0; i < n; ++i) {
      std::vector<uint8_t> on(n, 0);
      std::vector<uint32_t> stack = {i};
      on[i] = 1;
      while (!stack.empty()) {
        const uint32_t u = stack.back();
        stack.pop_back();
        for (uint32_t k = out.offsets[u]; k < out.offsets[u + 1]; ++k)
          if ((world >> k & 1) && !on[out.targets[k]]) {
            on[out.targets[k]] = 1;
            stack.push_back(out.targets[k]);
          }
      }
      for (uint32_t j = 0; j < n; ++j)
        if (j != i && on[j]) civ[i] += prob * v[j];
    }
  }
  return civ;
}

TEST(InfluenceValue, MatchesTheExactValueOverAllLiveEdgeWorlds) {
  // 0 -> 1, 0 -> 2, 1 -> 2, 2 -> 3, 3 -> 1: paths and a cycle.
  const graph::CsrGraph g = Directed(4, {0, 0, 1, 2, 3}, {1, 2, 2, 3, 1});
  const std::vector<double> p = {0.6, 0.2, 0.5, 0.7, 0.3};
  const std::vector<double> v = {100, 40, 250, 10};
  const std::vector<double> exact = BruteForce(g, p, v);
  InfluenceValueOptions o;
  o.rr_sets = 200000;
  o.batches = 4;
  o.threads = 2;
  auto r = EstimateInfluenceValue(g, Tight(p), v, o);
  ASSERT_TRUE(r.ok()) << r.status();
  const std::vector<double> ones(4, 1.0);
  const std::vector<double> reach = BruteForce(g, p, ones);
  for (uint32_t i = 0; i < 4; ++i) {
    std::printf("node %u: CIV %.3f (exact %.3f), reach %.4f (exact %.4f)\n", i, r->value[i],
                exact[i], r->reach[i], reach[i]);
    // Sampling error: a few hundredths of the total value at 200k sets x 4.
    EXPECT_NEAR(r->value[i], exact[i], 4.0) << i;
    EXPECT_NEAR(r->reach[i], reach[i], 0.01) << i;
    EXPECT_LE(r->low[i], r->value[i]);
    EXPECT_GE(r->high[i], r->value[i]);
  }
  // A sink has no one to influence.
  EXPECT_GT(exact[0], exact[3]);
}

TEST(InfluenceValue, SourceWeightsScaleEachNodeAndTheTotalCarriesItsOwnInterval) {
  const graph::CsrGraph g = Directed(4, {0, 0, 1, 2, 3}, {1, 2, 2, 3, 1});
  const std::vector<double> v = {100, 40, 250, 10};
  ArcPosterior post{{2, 3, 5, 7, 2}, {4, 9, 5, 3, 6}};
  InfluenceValueOptions o;
  o.rr_sets = 20000;
  o.batches = 8;
  auto plain = EstimateInfluenceValue(g, post, v, o);
  ASSERT_TRUE(plain.ok()) << plain.status();
  const std::vector<double> w = {3, 0, 0.5, 2};
  o.source_weight = w;
  auto weighted = EstimateInfluenceValue(g, post, v, o);
  ASSERT_TRUE(weighted.ok()) << weighted.status();
  // The same seed draws the same worlds and sets: each value scales exactly.
  double sum = 0;
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(weighted->value[i], w[i] * plain->value[i], 1e-9 * (1 + plain->value[i])) << i;
    sum += weighted->value[i];
  }
  EXPECT_NEAR(weighted->total, sum, 1e-9 * sum);
  EXPECT_LT(weighted->total_low, weighted->total);
  EXPECT_GT(weighted->total_high, weighted->total);
  // The total moves with the worlds as a whole: its interval is narrower
  // than the sum of the nodes' (they are positively correlated, so not by
  // much, but never wider).
  double width = 0;
  for (int i = 0; i < 4; ++i) width += weighted->high[i] - weighted->low[i];
  EXPECT_LE(weighted->total_high - weighted->total_low, width + 1e-9);
  const std::vector<double> bad = {1, -1, 1, 1};
  o.source_weight = bad;
  o.names = FieldPath("request");
  EXPECT_THAT(EstimateInfluenceValue(g, post, v, o).status().message(),
              HasSubstr("request.source_weight[1]: must be finite and >= 0, got -1"));
}

TEST(InfluenceValue, IntervalCarriesThePosteriorsSpread) {
  // One arc 0 -> 1 whose p is uniform on [0, 1] (Beta(1, 1)): CIV_0 =
  // E[p] v_1 = 50 for v_1 = 100, and its posterior sd is 100 / sqrt(12).
  const graph::CsrGraph g = Directed(2, {0}, {1});
  ArcPosterior post{{1.0}, {1.0}};
  InfluenceValueOptions o;
  o.rr_sets = 2000;
  o.batches = 400;
  // Sampling adds about 2 to each batch's sd of 28.9 (2,000 sets); with
  // 400 worlds the mean's standard error is 1.4 and the sd's about 1.
  o.confidence = 0.9;
  auto r = EstimateInfluenceValue(g, post, std::vector<double>{0, 100}, o);
  ASSERT_TRUE(r.ok()) << r.status();
  const double z = 1.6448536269514722;
  const double sd = (r->high[0] - r->low[0]) / (2 * z);
  std::printf("CIV %.2f (exact 50), posterior sd %.2f (exact %.2f)\n", r->value[0], sd,
              100 / std::sqrt(12.0));
  EXPECT_NEAR(r->value[0], 50, 4.5);
  EXPECT_NEAR(sd, 100 / std::sqrt(12.0), 3);
  EXPECT_DOUBLE_EQ(r->value[1], 0);
  // Reproducible, and the same on one thread as on two up to summation order.
  auto again = EstimateInfluenceValue(g, post, std::vector<double>{0, 100}, o);
  EXPECT_EQ(again->value, r->value);
  o.threads = 2;
  auto two = EstimateInfluenceValue(g, post, std::vector<double>{0, 100}, o);
  EXPECT_NEAR(two->value[0], r->value[0], 1e-9);
}

TEST(InfluenceValue, BadInputNamesTheArray) {
  const graph::CsrGraph g = Directed(3, {0, 1}, {1, 2});
  InfluenceValueOptions o;
  o.names = FieldPath("request");
  const std::vector<double> v = {1, 2, 3};
  EXPECT_EQ(EstimateInfluenceValue(g, {{1}, {1}}, v, o).status().message(),
            "request.posterior.alpha: 1 values, but the graph has 2 arcs");
  EXPECT_EQ(EstimateInfluenceValue(g, {{1, 0}, {1, 1}}, v, o).status().message(),
            "request.posterior.alpha[1]: must be finite and > 0, got 0");
  EXPECT_THAT(EstimateInfluenceValue(g, {{1, 1}, {1, 1}}, std::vector<double>{1, NAN, 3}, o)
                  .status()
                  .message(),
              HasSubstr("request.node_value[1]: must be finite"));
  o.batches = 1;
  EXPECT_THAT(EstimateInfluenceValue(g, {{1, 1}, {1, 1}}, v, o).status().message(),
              HasSubstr("request.batches: must be 2..10000"));
  o = {};
  MemoryBudget tiny;
  tiny.set_limit(64);
  o.memory = &tiny;
  const absl::Status s = EstimateInfluenceValue(g, {{1, 1}, {1, 1}}, v, o).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(s.message(), HasSubstr("threads: "));
}

}  // namespace
}  // namespace mitra::activation

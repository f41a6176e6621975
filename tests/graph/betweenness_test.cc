#include "mitra/graph/betweenness.h"

#include "fixture_values.h"
#include "gtest/gtest.h"

namespace mitra::graph {
namespace {

using testing::ExpectNear;
using testing::LoadFixtureGraph;
using testing::LoadValues;

std::vector<double> Compute(const CsrGraph& g, BetweennessOptions o) {
  auto r = Betweenness(g, o);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : std::vector<double>{};
}

void CheckAll(const CsrGraph& g, const std::string& values, bool has_weighted) {
  auto want = LoadValues(values);
  for (int threads : {1, 2}) {
    BetweennessOptions o;
    o.threads = threads;
    o.use_weights = false;
    ExpectNear(Compute(g, o), want["betweenness"], 1e-9, values + " normalized");
    o.normalized = false;
    ExpectNear(Compute(g, o), want["betweenness_raw"], 1e-9, values + " raw");
    o.normalized = true;
    o.endpoints = true;
    ExpectNear(Compute(g, o), want["betweenness_endpoints"], 1e-9, values + " endpoints");
    if (has_weighted) {
      o.endpoints = false;
      o.use_weights = true;
      ExpectNear(Compute(g, o), want["betweenness_weighted"], 1e-9, values + " weighted");
    }
  }
}

TEST(BetweennessTest, MatchesNetworkx) {
  CheckAll(LoadFixtureGraph("karate.txt", false, false), "karate_values.csv", false);
  CheckAll(LoadFixtureGraph("karate_weighted.txt", false, true), "karate_values.csv", true);
  CheckAll(LoadFixtureGraph("small_directed.txt", true, false), "small_directed_values.csv",
           false);
  CheckAll(LoadFixtureGraph("random_directed.txt", true, true), "random_directed_values.csv",
           true);
}

// Path 0 - 1 - ... - (n-1): node i lies on i (n-1-i) pairs.
TEST(BetweennessTest, PathClosedForm) {
  const uint32_t n = 9;
  std::vector<uint32_t> s, d;
  for (uint32_t i = 0; i + 1 < n; ++i) {
    s.push_back(i);
    d.push_back(i + 1);
  }
  BuildOptions b;
  b.directed = false;
  auto g = CsrGraph::FromEdges(n, s, d, {}, b);
  BetweennessOptions o;
  o.normalized = false;
  auto x = Compute(*g, o);
  for (uint32_t i = 0; i < n; ++i) EXPECT_DOUBLE_EQ(x[i], double(i) * (n - 1 - i)) << i;
  o.normalized = true;
  x = Compute(*g, o);
  for (uint32_t i = 0; i < n; ++i) {
    EXPECT_DOUBLE_EQ(x[i], 2.0 * i * (n - 1 - i) / ((n - 1.0) * (n - 2.0))) << i;
  }
}

// Star: the centre lies on all (n-1)(n-2)/2 leaf pairs; weights that are
// all equal change nothing.
TEST(BetweennessTest, StarClosedForm) {
  const uint32_t n = 7;
  std::vector<uint32_t> s, d;
  for (uint32_t i = 1; i < n; ++i) {
    s.push_back(0);
    d.push_back(i);
  }
  BuildOptions b;
  b.directed = false;
  BetweennessOptions o;
  o.normalized = false;
  for (bool weighted : {false, true}) {
    std::vector<double> w;
    if (weighted) w.assign(n - 1, 2.5);
    auto g = CsrGraph::FromEdges(n, s, d, w, b);
    auto x = Compute(*g, o);
    EXPECT_DOUBLE_EQ(x[0], (n - 1.0) * (n - 2.0) / 2);
    for (uint32_t i = 1; i < n; ++i) EXPECT_EQ(x[i], 0.0);
  }
}

TEST(BetweennessTest, RejectsZeroWeightsForWeightedPaths) {
  auto g = CsrGraph::FromEdges(3, {0, 1}, {1, 2}, {1.0, 0.0});
  EXPECT_EQ(Betweenness(*g).status().code(), absl::StatusCode::kInvalidArgument);
  BetweennessOptions o;
  o.use_weights = false;
  EXPECT_TRUE(Betweenness(*g, o).ok());
  o.threads = 0;
  EXPECT_FALSE(Betweenness(*g, o).ok());
}

}  // namespace
}  // namespace mitra::graph

namespace mitra::graph {
namespace {

// Pivot sampling: all n pivots is exact; fewer give the same estimate for
// the same seed and an unbiased estimate (n/k scaling) close to exact.
TEST(BetweennessTest, SampledSources) {
  const CsrGraph g = testing::LoadFixtureGraph("random_directed.txt", true, true);
  BetweennessOptions o;
  o.use_weights = false;
  auto exact = Betweenness(g, o);
  o.sample_sources = 300;
  auto all = Betweenness(g, o);
  ASSERT_TRUE(exact.ok() && all.ok());
  testing::ExpectNear(*all, *exact, 1e-12, "k = n");
  o.sample_sources = 150;
  o.seed = 3;
  auto a = Betweenness(g, o);
  o.threads = 2;
  auto b = Betweenness(g, o);
  ASSERT_TRUE(a.ok() && b.ok());
  testing::ExpectNear(*a, *b, 1e-12, "threads");
  double sum_exact = 0, sum_est = 0;
  for (size_t v = 0; v < exact->size(); ++v) {
    sum_exact += (*exact)[v];
    sum_est += (*a)[v];
  }
  EXPECT_NEAR(sum_est / sum_exact, 1.0, 0.1);
  o.sample_sources = 301;
  EXPECT_FALSE(Betweenness(g, o).ok());
}

}  // namespace
}  // namespace mitra::graph

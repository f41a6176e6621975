#include "mitra/graph/pagerank.h"

#include <numeric>

#include "fixture_values.h"
#include "gtest/gtest.h"

namespace mitra::graph {
namespace {

using testing::ExpectNear;
using testing::LoadFixtureGraph;
using testing::LoadValues;

std::vector<double> Rank(const CsrGraph& g, PageRankOptions o) {
  o.tolerance = 1e-14;
  auto r = PageRank(g, o);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return {};
  EXPECT_NEAR(std::accumulate(r->rank.begin(), r->rank.end(), 0.0), 1.0, 1e-12);
  return r->rank;
}

// Both solvers, against networkx (fixtures), to 1e-9 and in practice ~1e-14.
class PageRankFixtureTest : public ::testing::TestWithParam<PageRankSolver> {};

TEST_P(PageRankFixtureTest, Karate) {
  const CsrGraph g = LoadFixtureGraph("karate.txt", false, false);
  const CsrGraph gw = LoadFixtureGraph("karate_weighted.txt", false, true);
  auto want = LoadValues("karate_values.csv");
  PageRankOptions o;
  o.solver = GetParam();
  ExpectNear(Rank(g, o), want["pagerank"], 1e-9, "pagerank");
  ExpectNear(Rank(gw, o), want["pagerank_weighted"], 1e-9, "weighted pagerank");
  o.teleport.assign(34, 0.0);
  o.teleport[0] = 1.0;
  o.teleport[5] = 0.5;
  o.teleport[33] = 2.0;
  ExpectNear(Rank(g, o), want["ppr"], 1e-9, "personalized pagerank");
}

TEST_P(PageRankFixtureTest, SmallDirectedWithDanglingNodeAndSelfLoop) {
  const CsrGraph g = LoadFixtureGraph("small_directed.txt", true, false);
  auto want = LoadValues("small_directed_values.csv");
  PageRankOptions o;
  o.solver = GetParam();
  ExpectNear(Rank(g, o), want["pagerank"], 1e-9, "pagerank");
  o.teleport = {0, 1, 0, 0, 3, 0, 0, 0};
  ExpectNear(Rank(g, o), want["ppr"], 1e-9, "personalized pagerank");
}

TEST_P(PageRankFixtureTest, RandomDirected) {
  const CsrGraph g = LoadFixtureGraph("random_directed.txt", true, true);
  auto want = LoadValues("random_directed_values.csv");
  PageRankOptions o;
  o.solver = GetParam();
  ExpectNear(Rank(g, o), want["pagerank_weighted"], 1e-9, "weighted pagerank");
  o.use_weights = false;
  ExpectNear(Rank(g, o), want["pagerank"], 1e-9, "pagerank");
  o.teleport.assign(300, 0.0);
  for (int v = 0; v < 300; v += 7) o.teleport[v] = 1.0;
  ExpectNear(Rank(g, o), want["ppr"], 1e-9, "personalized pagerank");
}

TEST(PageRankTest, ReorderedAndSinglePrecision) {
  const CsrGraph g = LoadFixtureGraph("random_directed.txt", true, true);
  auto want = LoadValues("random_directed_values.csv");
  for (PageRankSolver solver : {PageRankSolver::kGaussSeidel, PageRankSolver::kPower}) {
    PageRankOptions o;
    o.solver = solver;
    o.reorder = PageRankReorder::kAlways;
    ExpectNear(Rank(g, o), want["pagerank_weighted"], 1e-9, "reordered");
    o.threads = 2;
    o.use_weights = false;
    ExpectNear(Rank(g, o), want["pagerank"], 1e-9, "reordered, unweighted");
    o.single_precision = true;
    o.tolerance = 1e-6;
    auto r = PageRank(g, o);
    ASSERT_TRUE(r.ok()) << r.status();
    ExpectNear(r->rank, want["pagerank"], 1e-7, "float");
  }
}

INSTANTIATE_TEST_SUITE_P(Solvers, PageRankFixtureTest,
                         ::testing::Values(PageRankSolver::kGaussSeidel, PageRankSolver::kPower),
                         [](const ::testing::TestParamInfo<PageRankSolver>& info) {
                           return info.param == PageRankSolver::kGaussSeidel ? "GaussSeidel"
                                                                             : "Power";
                         });

// A plan serves many runs (here personalised vectors) and gives the same
// values as the one-shot call.
TEST(PageRankTest, PlanReusedAcrossTeleportVectors) {
  const CsrGraph g = LoadFixtureGraph("random_directed.txt", true, true);
  for (PageRankReorder reorder : {PageRankReorder::kNever, PageRankReorder::kAlways}) {
    const PageRankPlan plan = PageRankPlan::Create(g, true, reorder);
    EXPECT_EQ(plan.num_nodes(), 300u);
    EXPECT_EQ(plan.reordered(), reorder == PageRankReorder::kAlways);
    for (uint32_t seed_node : {0u, 17u, 299u}) {
      PageRankOptions o;
      o.tolerance = 1e-13;
      o.teleport.assign(300, 0.0);
      o.teleport[seed_node] = 1.0;
      auto a = PageRank(plan, o);
      auto b = PageRank(g, o);
      ASSERT_TRUE(a.ok() && b.ok());
      ExpectNear(a->rank, b->rank, 1e-12, "plan");
      EXPECT_GT(a->rank[seed_node], 0.15);
    }
  }
}

TEST(PageRankTest, DirectedCycleIsUniform) {
  const uint32_t n = 7;
  std::vector<uint32_t> s, d;
  for (uint32_t i = 0; i < n; ++i) {
    s.push_back(i);
    d.push_back((i + 1) % n);
  }
  auto g = CsrGraph::FromEdges(n, s, d);
  for (double x : Rank(*g, {})) EXPECT_NEAR(x, 1.0 / n, 1e-14);
}

// Undirected star, centre 0 and k leaves, n = k + 1, damping a:
// x_c = (1-a)/n + a k x_l, x_l = (1-a)/n + a x_c / k
//  => x_c = (1 + a k) / (n (1 + a)), x_l = (1 - x_c) / k.
TEST(PageRankTest, StarClosedForm) {
  const uint32_t k = 9, n = k + 1;
  const double a = 0.85;
  std::vector<uint32_t> s, d;
  for (uint32_t i = 1; i <= k; ++i) {
    s.push_back(0);
    d.push_back(i);
  }
  BuildOptions b;
  b.directed = false;
  auto g = CsrGraph::FromEdges(n, s, d, {}, b);
  const double xc = (1 + a * k) / (n * (1 + a));
  for (PageRankSolver solver : {PageRankSolver::kGaussSeidel, PageRankSolver::kPower}) {
    PageRankOptions o;
    o.solver = solver;
    auto x = Rank(*g, o);
    EXPECT_NEAR(x[0], xc, 1e-13);
    for (uint32_t i = 1; i <= k; ++i) EXPECT_NEAR(x[i], (1 - xc) / k, 1e-13);
  }
}

// Leaves pointing at a dangling centre: the centre's rank goes back
// uniformly. x_l = (1-a)/n + a x_c / n, x_c = x_l + a k x_l
//  => x_l = 1 / (n + a k n ... ) solved with sum 1: x_c = (1 + a k) x_l.
TEST(PageRankTest, DanglingCentreRedistributesUniformly) {
  const uint32_t k = 5, n = k + 1;
  const double a = 0.85;
  std::vector<uint32_t> s, d;
  for (uint32_t i = 1; i <= k; ++i) {
    s.push_back(i);
    d.push_back(0);
  }
  auto g = CsrGraph::FromEdges(n, s, d);
  auto x = Rank(*g, {});
  const double xl = 1.0 / (k + 1 + a * k);
  EXPECT_NEAR(x[0], (1 + a * k) * xl, 1e-13);
  for (uint32_t i = 1; i <= k; ++i) EXPECT_NEAR(x[i], xl, 1e-13);
}

TEST(PageRankTest, ValidatesInput) {
  auto g = CsrGraph::FromEdges(3, {0, 1}, {1, 2});
  PageRankOptions o;
  o.damping = 1.0;
  EXPECT_FALSE(PageRank(*g, o).ok());
  o = {};
  o.teleport = {1, 2};
  EXPECT_FALSE(PageRank(*g, o).ok());
  o.teleport = {0, 0, 0};
  EXPECT_FALSE(PageRank(*g, o).ok());
  o.teleport = {1, -1, 1};
  EXPECT_FALSE(PageRank(*g, o).ok());
  o = {};
  o.max_iterations = 0;
  EXPECT_FALSE(PageRank(*g, o).ok());
  o = {};
  o.max_iterations = 2;
  o.tolerance = 0;
  EXPECT_EQ(PageRank(*g, o).status().code(), absl::StatusCode::kFailedPrecondition);
  o.require_convergence = false;
  auto r = PageRank(*g, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->iterations, 2);
  EXPECT_FALSE(r->converged);
  EXPECT_TRUE(PageRank(CsrGraph(), {}).ok());
}

}  // namespace
}  // namespace mitra::graph

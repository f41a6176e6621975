#include "mitra/graph/pagerank.h"

#include <cmath>
#include <numeric>
#include <string>
#include <tuple>

#include "graph/sliced_ell.h"  // the layout hooks
#include "fixture_values.h"
#include "gtest/gtest.h"
#include "mitra/graph/rmat.h"

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

// Where the sweeps run: the graph's own CSR rows, or the relabelled copy in
// the sliced layout of large graphs (forced here on the small fixtures),
// with its AVX2 code (and 2 threads) or its portable code (1 thread).
enum class Layout { kCsr, kSliced, kSlicedPortable };

// Every solver and layout, against networkx (fixtures), to 1e-9 and in
// practice ~1e-14.
class PageRankFixtureTest
    : public ::testing::TestWithParam<std::tuple<PageRankSolver, Layout>> {
 protected:
  void SetUp() override {
    if (layout() == Layout::kCsr) return;
    SetSlicedEllMinRows(0);
    SetSlicedEllSimd(layout() == Layout::kSliced);
  }
  void TearDown() override {
    SetSlicedEllMinRows(uint32_t{1} << 18);
    SetSlicedEllSimd(true);
  }
  Layout layout() const { return std::get<1>(GetParam()); }
  PageRankOptions Options() const {
    PageRankOptions o;
    o.solver = std::get<0>(GetParam());
    if (layout() != Layout::kCsr) o.reorder = PageRankReorder::kAlways;
    if (layout() == Layout::kSliced) o.threads = 2;
    return o;
  }
};

TEST_P(PageRankFixtureTest, Karate) {
  const CsrGraph g = LoadFixtureGraph("karate.txt", false, false);
  const CsrGraph gw = LoadFixtureGraph("karate_weighted.txt", false, true);
  auto want = LoadValues("karate_values.csv");
  PageRankOptions o = Options();
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
  PageRankOptions o = Options();
  ExpectNear(Rank(g, o), want["pagerank"], 1e-9, "pagerank");
  o.teleport = {0, 1, 0, 0, 3, 0, 0, 0};
  ExpectNear(Rank(g, o), want["ppr"], 1e-9, "personalized pagerank");
}

TEST_P(PageRankFixtureTest, RandomDirected) {
  const CsrGraph g = LoadFixtureGraph("random_directed.txt", true, true);
  auto want = LoadValues("random_directed_values.csv");
  PageRankOptions o = Options();
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
  for (PageRankSolver solver : {PageRankSolver::kGaussSeidel, PageRankSolver::kPower,
                                PageRankSolver::kGaussSeidelGoogle, PageRankSolver::kAuto}) {
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

INSTANTIATE_TEST_SUITE_P(
    Solvers, PageRankFixtureTest,
    ::testing::Combine(::testing::Values(PageRankSolver::kGaussSeidel, PageRankSolver::kPower,
                                         PageRankSolver::kGaussSeidelGoogle,
                                         PageRankSolver::kAuto),
                       ::testing::Values(Layout::kCsr, Layout::kSliced, Layout::kSlicedPortable)),
    [](const ::testing::TestParamInfo<std::tuple<PageRankSolver, Layout>>& info) {
      const PageRankSolver solver = std::get<0>(info.param);
      const Layout layout = std::get<1>(info.param);
      return std::string(solver == PageRankSolver::kGaussSeidel ? "GaussSeidel"
                         : solver == PageRankSolver::kPower     ? "Power"
                         : solver == PageRankSolver::kAuto      ? "Auto"
                                                                : "GaussSeidelGoogle") +
             (layout == Layout::kCsr      ? "Csr"
              : layout == Layout::kSliced ? "Sliced"
                                          : "SlicedPortable");
    });

// Gauss-Seidel on the Google equation agrees with the default solver on a
// random skewed graph (R-MAT, scale 12, reordered, with and without
// weights, uniform and personalised), for 1 and 2 threads, and gives
// bit-identical values when run again with the same thread count.
// A weighted R-MAT graph (weights 1 + i % weight_mod) and a teleport vector
// on every step-th node (1 + v % 3).
struct WeightedRmat {
  CsrGraph graph;
  std::vector<double> teleport;
};
WeightedRmat MakeWeightedRmat(int scale, uint64_t edges, uint64_t seed, int weight_mod,
                              uint32_t step) {
  RmatOptions ro;
  ro.scale = scale;
  ro.edges = edges;
  ro.seed = seed;
  auto e = GenerateRmat(ro);
  EXPECT_TRUE(e.ok());
  std::vector<double> w(e->src.size());
  for (size_t i = 0; i < w.size(); ++i) w[i] = 1 + static_cast<double>(i % weight_mod);
  auto g = CsrGraph::FromEdges(e->num_nodes, e->src, e->dst, w);
  EXPECT_TRUE(g.ok()) << g.status();
  std::vector<double> teleport(e->num_nodes, 0.0);
  for (uint32_t v = 0; v < e->num_nodes; v += step) teleport[v] = 1.0 + v % 3;
  return {*std::move(g), std::move(teleport)};
}

TEST(PageRankTest, GoogleSweepsAgreeOnRandomGraph) {
  const auto [graph, teleport] = MakeWeightedRmat(12, 40000, 3, 5, 13);
  const CsrGraph* g = &graph;
  for (bool weights : {true, false}) {
    for (bool personalised : {false, true}) {
      PageRankOptions o;
      o.solver = PageRankSolver::kGaussSeidel;  // the reference
      o.tolerance = 1e-13;
      o.use_weights = weights;
      if (personalised) o.teleport = teleport;
      auto want = PageRank(*g, o);
      ASSERT_TRUE(want.ok()) << want.status();
      o.solver = PageRankSolver::kGaussSeidelGoogle;
      o.reorder = PageRankReorder::kAlways;
      for (int threads : {1, 2}) {
        o.threads = threads;
        auto a = PageRank(*g, o);
        auto b = PageRank(*g, o);
        ASSERT_TRUE(a.ok() && b.ok()) << a.status();
        ExpectNear(a->rank, want->rank, 1e-11, "google sweeps");
        EXPECT_EQ(a->rank, b->rank) << "threads " << threads;
        EXPECT_LT(a->iterations, want->iterations);
        EXPECT_NEAR(std::accumulate(a->rank.begin(), a->rank.end(), 0.0), 1.0, 1e-12);
      }
    }
  }
}

// On graphs of >= 2^16 nodes the Google sweeps start in float and finish
// in double; the result still agrees with the default solver to the
// tolerance's order (here R-MAT scale 16, weighted and personalised, with
// isolated nodes, so padded rows; 1 and 2 threads, deterministic).
TEST(PageRankTest, GoogleSweepsFloatPhaseOnLargerGraph) {
  const auto [graph, teleport] = MakeWeightedRmat(16, 300000, 5, 7, 11);
  const CsrGraph* g = &graph;
  PageRankOptions o;
  o.solver = PageRankSolver::kGaussSeidel;  // the reference
  o.tolerance = 1e-13;
  o.teleport = teleport;
  auto want = PageRank(*g, o);
  ASSERT_TRUE(want.ok()) << want.status();
  o.tolerance = 1e-11;
  o.solver = PageRankSolver::kGaussSeidelGoogle;
  o.reorder = PageRankReorder::kAlways;
  for (int threads : {1, 2}) {
    o.threads = threads;
    auto a = PageRank(*g, o);
    auto b = PageRank(*g, o);
    ASSERT_TRUE(a.ok() && b.ok()) << a.status();
    double l1 = 0;
    for (size_t v = 0; v < a->rank.size(); ++v) l1 += std::fabs(a->rank[v] - want->rank[v]);
    EXPECT_LT(l1, 1e-10) << "threads " << threads;
    EXPECT_EQ(a->rank, b->rank) << "threads " << threads;
    EXPECT_NEAR(std::accumulate(a->rank.begin(), a->rank.end(), 0.0), 1.0, 1e-12);
  }
}

// Isolated nodes (no in- and no out-edges) are taken out of the reordered
// Google sweeps and get their closed-form value (d D + 1 - d) p_v; with
// teleport mass on them, on dangling nodes and on a zero-in-degree source,
// the values agree with the default solver (1 and 2 threads).
TEST(PageRankTest, IsolatedNodesClosedForm) {
  // 0 -> 1 -> 2 -> 0, 3 -> 1, 1 -> 4 (dangling), 2 -> 5 -> 6 (dangling);
  // 7, 8, 9 isolated.
  const std::vector<uint32_t> src = {0, 1, 2, 3, 1, 2, 5};
  const std::vector<uint32_t> dst = {1, 2, 0, 1, 4, 5, 6};
  auto g = CsrGraph::FromEdges(10, src, dst);
  ASSERT_TRUE(g.ok()) << g.status();
  for (bool personalised : {false, true}) {
    PageRankOptions o;
    o.tolerance = 1e-14;
    if (personalised) o.teleport = {1, 0, 0, 2, 1, 0, 3, 0.5, 0, 4};
    auto want = PageRank(*g, o);
    ASSERT_TRUE(want.ok()) << want.status();
    o.solver = PageRankSolver::kGaussSeidelGoogle;
    o.reorder = PageRankReorder::kAlways;
    for (int threads : {1, 2}) {
      o.threads = threads;
      auto a = PageRank(*g, o);
      ASSERT_TRUE(a.ok()) << a.status();
      ExpectNear(a->rank, want->rank, 1e-12, "isolated");
      // Closed form: x_v = (d D + 1 - d) p_v for an isolated v.
      const std::vector<double>& x = a->rank;
      const double dangling = x[4] + x[6] + x[7] + x[8] + x[9];
      const double psum = personalised ? 11.5 : 10.0;
      const double p7 = (personalised ? 0.5 : 1.0) / psum;
      EXPECT_NEAR(x[7], (0.85 * dangling + 0.15) * p7, 1e-13);
      if (personalised) {
        EXPECT_EQ(x[8], 0.0);
      }
    }
  }
}

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

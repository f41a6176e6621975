#include "mitra/graph/katz.h"

#include <cmath>

#include "fixture_values.h"
#include "gtest/gtest.h"

namespace mitra::graph {
namespace {

using testing::ExpectNear;
using testing::LoadFixtureGraph;
using testing::LoadValues;

std::vector<double> Compute(const CsrGraph& g, KatzOptions o) {
  auto r = Katz(g, o);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? r->centrality : std::vector<double>{};
}

TEST(KatzTest, MatchesNetworkx) {
  const CsrGraph karate = LoadFixtureGraph("karate.txt", false, false);
  const CsrGraph karate_w = LoadFixtureGraph("karate_weighted.txt", false, true);
  auto want = LoadValues("karate_values.csv");
  KatzOptions o;
  o.alpha = 0.1;
  ExpectNear(Compute(karate, o), want["katz"], 1e-9, "karate katz");
  o.normalized = false;
  ExpectNear(Compute(karate, o), want["katz_raw"], 1e-9, "karate katz raw");
  o.normalized = true;
  o.alpha = 0.02;
  ExpectNear(Compute(karate_w, o), want["katz_weighted"], 1e-9, "karate weighted katz");

  const CsrGraph small = LoadFixtureGraph("small_directed.txt", true, false);
  want = LoadValues("small_directed_values.csv");
  o = {};
  o.alpha = 0.1;
  ExpectNear(Compute(small, o), want["katz"], 1e-9, "small katz");
  o.normalized = false;
  ExpectNear(Compute(small, o), want["katz_raw"], 1e-9, "small katz raw");

  const CsrGraph rnd = LoadFixtureGraph("random_directed.txt", true, true);
  want = LoadValues("random_directed_values.csv");
  o = {};
  o.alpha = 0.05;
  o.use_weights = false;
  ExpectNear(Compute(rnd, o), want["katz"], 1e-9, "random katz");
  o.normalized = false;
  ExpectNear(Compute(rnd, o), want["katz_raw"], 1e-9, "random katz raw");
  o.normalized = true;
  o.use_weights = true;
  o.alpha = 0.01;
  ExpectNear(Compute(rnd, o), want["katz_weighted"], 1e-9, "random weighted katz");
}

// Directed path 0 -> 1 -> ... : x_i = beta (1 - alpha^(i+1)) / (1 - alpha).
TEST(KatzTest, DirectedPathClosedForm) {
  const uint32_t n = 6;
  std::vector<uint32_t> s, d;
  for (uint32_t i = 0; i + 1 < n; ++i) {
    s.push_back(i);
    d.push_back(i + 1);
  }
  auto g = CsrGraph::FromEdges(n, s, d);
  KatzOptions o;
  o.alpha = 0.3;
  o.beta = 2.0;
  o.normalized = false;
  auto x = Compute(*g, o);
  for (uint32_t i = 0; i < n; ++i) {
    EXPECT_NEAR(x[i], 2.0 * (1 - std::pow(0.3, i + 1)) / 0.7, 1e-12) << i;
  }
}

// Undirected star, k leaves: x_c = beta (1 + alpha k) / (1 - alpha^2 k),
// x_l = alpha x_c + beta.
TEST(KatzTest, StarClosedForm) {
  const uint32_t k = 8;
  std::vector<uint32_t> s, d;
  for (uint32_t i = 1; i <= k; ++i) {
    s.push_back(0);
    d.push_back(i);
  }
  BuildOptions b;
  b.directed = false;
  auto g = CsrGraph::FromEdges(k + 1, s, d, {}, b);
  KatzOptions o;
  o.alpha = 0.2;
  o.normalized = false;
  auto x = Compute(*g, o);
  const double xc = (1 + 0.2 * k) / (1 - 0.04 * k);
  EXPECT_NEAR(x[0], xc, 1e-12);
  for (uint32_t i = 1; i <= k; ++i) EXPECT_NEAR(x[i], 0.2 * xc + 1, 1e-12);
}

TEST(KatzTest, DivergesWhenAlphaTooLarge) {
  BuildOptions b;
  b.directed = false;
  auto g = CsrGraph::FromEdges(3, {0, 1, 2}, {1, 2, 0}, {}, b);  // triangle, lambda = 2
  KatzOptions o;
  o.alpha = 0.6;
  auto r = Katz(*g, o);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
  o.alpha = -1;
  EXPECT_EQ(Katz(*g, o).status().code(), absl::StatusCode::kInvalidArgument);
  o.alpha = 0.1;
  o.beta_per_node = {1, 2};
  EXPECT_EQ(Katz(*g, o).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mitra::graph

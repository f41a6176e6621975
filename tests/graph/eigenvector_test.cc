#include "mitra/graph/eigenvector.h"

#include <cmath>

#include "fixture_values.h"
#include "gtest/gtest.h"

namespace mitra::graph {
namespace {

using testing::ExpectNear;
using testing::LoadFixtureGraph;
using testing::LoadValues;

std::vector<double> Compute(const CsrGraph& g, EigenvectorOptions o) {
  auto r = EigenvectorCentrality(g, o);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? r->centrality : std::vector<double>{};
}

TEST(EigenvectorTest, MatchesNetworkx) {
  EigenvectorOptions o;
  o.tolerance = 1e-14;
  auto want = LoadValues("karate_values.csv");
  ExpectNear(Compute(LoadFixtureGraph("karate.txt", false, false), o), want["eigenvector"], 1e-9,
             "karate");
  ExpectNear(Compute(LoadFixtureGraph("karate_weighted.txt", false, true), o),
             want["eigenvector_weighted"], 1e-9, "karate weighted");
  want = LoadValues("small_directed_values.csv");
  ExpectNear(Compute(LoadFixtureGraph("small_directed.txt", true, false), o), want["eigenvector"],
             1e-9, "small directed");
  want = LoadValues("random_directed_values.csv");
  const CsrGraph rnd = LoadFixtureGraph("random_directed.txt", true, true);
  ExpectNear(Compute(rnd, o), want["eigenvector_weighted"], 1e-9, "random weighted");
  o.use_weights = false;
  ExpectNear(Compute(rnd, o), want["eigenvector"], 1e-9, "random");
}

// Star with k leaves: lambda = sqrt(k); centre 1/sqrt(2), leaves 1/sqrt(2k).
TEST(EigenvectorTest, StarClosedForm) {
  const uint32_t k = 4;
  BuildOptions b;
  b.directed = false;
  auto g = CsrGraph::FromEdges(k + 1, {0, 0, 0, 0}, {1, 2, 3, 4}, {}, b);
  EigenvectorOptions o;
  auto x = Compute(*g, o);
  EXPECT_NEAR(x[0], 1 / std::sqrt(2.0), 1e-10);
  for (uint32_t i = 1; i <= k; ++i) EXPECT_NEAR(x[i], 1 / std::sqrt(2.0 * k), 1e-10);
}

TEST(EigenvectorTest, Validates) {
  EXPECT_FALSE(EigenvectorCentrality(CsrGraph()).ok());
  auto g = CsrGraph::FromEdges(2, {0}, {1});
  EigenvectorOptions o;
  o.max_iterations = 0;
  EXPECT_FALSE(EigenvectorCentrality(*g, o).ok());
}

}  // namespace
}  // namespace mitra::graph

#include "mitra/graph/hits.h"

#include <numeric>

#include "fixture_values.h"
#include "gtest/gtest.h"

namespace mitra::graph {
namespace {

using testing::ExpectNear;
using testing::LoadFixtureGraph;
using testing::LoadValues;

HitsResult Compute(const CsrGraph& g, HitsOptions o = {}) {
  auto r = Hits(g, o);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : HitsResult{};
}

// networkx's hits (principal singular vectors by ARPACK, tests/graph/fixtures).
TEST(HitsTest, MatchesNetworkx) {
  HitsOptions o;
  o.tolerance = 1e-15;
  auto want = LoadValues("random_directed_values.csv");
  const CsrGraph rnd = LoadFixtureGraph("random_directed.txt", true, true);
  HitsResult r = Compute(rnd, o);
  ExpectNear(r.hubs, want["hits_hubs_weighted"], 1e-10, "random weighted hubs");
  ExpectNear(r.authorities, want["hits_authorities_weighted"], 1e-10, "random weighted auth");
  o.use_weights = false;
  r = Compute(rnd, o);
  ExpectNear(r.hubs, want["hits_hubs"], 1e-10, "random hubs");
  ExpectNear(r.authorities, want["hits_authorities"], 1e-10, "random authorities");
  o.use_weights = true;
  want = LoadValues("karate_values.csv");
  r = Compute(LoadFixtureGraph("karate.txt", false, false), o);
  ExpectNear(r.hubs, want["hits_hubs"], 1e-10, "karate hubs");
  ExpectNear(r.authorities, want["hits_authorities"], 1e-10, "karate authorities");
  r = Compute(LoadFixtureGraph("karate_weighted.txt", false, true), o);
  ExpectNear(r.hubs, want["hits_hubs_weighted"], 1e-10, "karate weighted hubs");
  ExpectNear(r.authorities, want["hits_authorities_weighted"], 1e-10, "karate weighted auth");
  want = LoadValues("small_directed_values.csv");
  r = Compute(LoadFixtureGraph("small_directed.txt", true, false), o);
  ExpectNear(r.hubs, want["hits_hubs"], 1e-10, "small directed hubs");
  ExpectNear(r.authorities, want["hits_authorities"], 1e-10, "small directed authorities");
}

// Askers 0, 1 each ask answerers 2, 3, 4 (a complete bipartite K(2, 3)): hubs
// 1/2 on the askers, authorities 1/3 on the answerers, 0 elsewhere. With
// asker 0's questions weighted 3, A = [3 3 3; 1 1 1] has the one singular
// pair u = (3, 1) / sqrt(10), v = (1, 1, 1) / sqrt(3): hubs 3/4 and 1/4.
TEST(HitsTest, CompleteBipartiteClosedForm) {
  const std::vector<NodeId> src = {0, 0, 0, 1, 1, 1}, dst = {2, 3, 4, 2, 3, 4};
  auto g = CsrGraph::FromEdges(6, src, dst);
  ASSERT_TRUE(g.ok());
  HitsResult r = Compute(*g);
  ExpectNear(r.hubs, {0.5, 0.5, 0, 0, 0, 0}, 1e-14, "hubs");
  ExpectNear(r.authorities, {0, 0, 1.0 / 3, 1.0 / 3, 1.0 / 3, 0}, 1e-14, "authorities");
  auto w = CsrGraph::FromEdges(6, src, dst, std::vector<double>{3, 3, 3, 1, 1, 1});
  ASSERT_TRUE(w.ok());
  r = Compute(*w);
  ExpectNear(r.hubs, {0.75, 0.25, 0, 0, 0, 0}, 1e-14, "weighted hubs");
  ExpectNear(r.authorities, {0, 0, 1.0 / 3, 1.0 / 3, 1.0 / 3, 0}, 1e-14, "weighted auth");
}

TEST(HitsTest, SumsToOneOrIsZeroWithoutArcs) {
  const CsrGraph rnd = LoadFixtureGraph("random_directed.txt", true, true);
  HitsResult r = Compute(rnd);
  EXPECT_NEAR(std::accumulate(r.hubs.begin(), r.hubs.end(), 0.0), 1.0, 1e-14);
  EXPECT_NEAR(std::accumulate(r.authorities.begin(), r.authorities.end(), 0.0), 1.0, 1e-14);
  auto none = CsrGraph::FromEdges(3, {}, {});
  ASSERT_TRUE(none.ok());
  r = Compute(*none);
  EXPECT_EQ(r.hubs, std::vector<double>(3, 0.0));
  EXPECT_EQ(r.authorities, std::vector<double>(3, 0.0));
  auto zero = CsrGraph::FromEdges(2, {0}, {1}, std::vector<double>{0.0});
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(Compute(*zero).authorities, std::vector<double>(2, 0.0));
  EXPECT_TRUE(Compute(CsrGraph()).hubs.empty());
}

TEST(HitsTest, ValidatesAndReportsNonConvergence) {
  auto g = CsrGraph::FromEdges(2, {0}, {1});
  HitsOptions o;
  o.tolerance = 0;
  o.names = FieldPath("request.hits");
  auto r = Hits(*g, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("request.hits.tolerance"), std::string::npos)
      << r.status();
  o = HitsOptions();
  o.max_iterations = 0;
  EXPECT_EQ(Hits(*g, o).status().code(), absl::StatusCode::kInvalidArgument);
  // Two iterations cannot reach 1e-15 on the fixture graph.
  o = HitsOptions();
  o.max_iterations = 2;
  o.tolerance = 1e-15;
  r = Hits(LoadFixtureGraph("random_directed.txt", true, true), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("hits: no convergence in 2 iterations"), std::string::npos);
}

}  // namespace
}  // namespace mitra::graph

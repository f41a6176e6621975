#include "mitra/graph/leiden.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <vector>

#include "fixture_values.h"
#include "gtest/gtest.h"
#include "mitra/graph/edge_list.h"

namespace mitra::graph {
namespace {

using testing::FixturePath;
using testing::LoadFixtureGraph;
using testing::LoadValues;

// Every community induces a connected subgraph: a BFS from one member that
// stays inside the community reaches all its members.
void ExpectConnectedCommunities(const CsrGraph& g, const std::vector<uint32_t>& membership) {
  const uint32_t n = g.num_nodes();
  std::vector<uint32_t> size(n, 0), reached(n, 0);
  std::vector<uint8_t> seen(n, 0), started(n, 0);
  for (uint32_t v = 0; v < n; ++v) ++size[membership[v]];
  std::vector<uint32_t> queue;
  for (uint32_t s = 0; s < n; ++s) {
    const uint32_t c = membership[s];
    if (started[c]) continue;
    started[c] = 1;
    queue.assign(1, s);
    seen[s] = 1;
    for (size_t h = 0; h < queue.size(); ++h) {
      for (NodeId u : g.out_neighbors(queue[h])) {
        if (membership[u] == c && !seen[u]) {
          seen[u] = 1;
          queue.push_back(u);
        }
      }
    }
    EXPECT_EQ(queue.size(), size[c]) << "community " << c << " is not connected";
  }
}

std::vector<uint32_t> Labels(const std::vector<double>& v) { return {v.begin(), v.end()}; }

TEST(ModularityTest, MatchesNetworkx) {
  const CsrGraph karate = LoadFixtureGraph("karate.txt", false, false);
  const CsrGraph karate_w = LoadFixtureGraph("karate_weighted.txt", false, true);
  const CsrGraph rnd = LoadFixtureGraph("random_directed.txt", true, true);
  const std::vector<uint32_t> club = Labels(LoadValues("karate_values.csv")["club"]);
  std::vector<uint32_t> mod3(34), mod5(300);
  for (uint32_t v = 0; v < 34; ++v) mod3[v] = v % 3;
  for (uint32_t v = 0; v < 300; ++v) mod5[v] = v % 5;
  std::ifstream in(FixturePath("modularity_values.csv"));
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("graph,", 0) == 0) continue;
    for (char& ch : line)
      if (ch == ',') ch = ' ';
    std::istringstream row(line);
    std::string graph, weight, partition;
    double gamma, want;
    row >> graph >> weight >> partition >> gamma >> want;
    const CsrGraph& g = graph == "karate" ? karate : graph == "karate_weighted" ? karate_w : rnd;
    const auto& labels = partition == "club" ? club : partition == "mod3" ? mod3 : mod5;
    auto q = Modularity(g, labels, gamma, weight != "none");
    ASSERT_TRUE(q.ok()) << q.status();
    EXPECT_NEAR(*q, want, 1e-12) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 15);
}

TEST(ModularityTest, Validates) {
  const CsrGraph karate = LoadFixtureGraph("karate.txt", false, false);
  EXPECT_FALSE(Modularity(karate, std::vector<uint32_t>(33, 0)).ok());
  EXPECT_FALSE(Modularity(karate, std::vector<uint32_t>(34, 34)).ok());
  EXPECT_FALSE(Modularity(karate, std::vector<uint32_t>(34, 0), -1).ok());
  auto empty = CsrGraph::FromEdges(3, {}, {});
  EXPECT_FALSE(Modularity(*empty, {0, 1, 2}).ok());
}

TEST(LeidenTest, KarateReachesTheOptimumWithConnectedCommunities) {
  const CsrGraph g = LoadFixtureGraph("karate.txt", false, false);
  double best = -1;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    LeidenOptions o;
    o.seed = seed;
    o.max_iterations = 100;
    auto r = Leiden(g, o);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_TRUE(r->stable);
    ExpectConnectedCommunities(g, r->membership);
    auto q = Modularity(g, r->membership);
    ASSERT_TRUE(q.ok());
    EXPECT_NEAR(r->quality, *q, 1e-12);
    EXPECT_GT(r->quality, 0.40) << "seed " << seed;
    best = std::max(best, r->quality);
  }
  // Brandes et al. (2008) proved 0.41979 optimal (4 communities).
  EXPECT_GE(best, 0.4197);
  EXPECT_LE(best, 0.41979 + 1e-5);
}

TEST(LeidenTest, SameSeedSamePartition) {
  const CsrGraph g = LoadFixtureGraph("karate.txt", false, false);
  LeidenOptions o;
  o.seed = 7;
  auto a = Leiden(g, o);
  auto b = Leiden(g, o);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->membership, b->membership);
  EXPECT_EQ(a->quality, b->quality);
}

TEST(LeidenTest, WeightedAndResolution) {
  const CsrGraph g = LoadFixtureGraph("karate_weighted.txt", false, true);
  LeidenOptions o;
  auto r = Leiden(g, o);
  ASSERT_TRUE(r.ok());
  ExpectConnectedCommunities(g, r->membership);
  EXPECT_GT(r->quality, 0.43);  // weighted karate's best known is ~0.4449
  // A lower resolution favours fewer, larger communities.
  o.resolution = 0.3;
  auto coarse = Leiden(g, o);
  ASSERT_TRUE(coarse.ok());
  EXPECT_LT(coarse->num_communities, r->num_communities);
  auto q = Modularity(g, coarse->membership, 0.3);
  EXPECT_NEAR(coarse->quality, *q, 1e-12);
}

// Ten 5-cliques joined in a ring by single edges: the cliques.
TEST(LeidenTest, RingOfCliques) {
  const uint32_t k = 10, c = 5;
  std::vector<uint32_t> s, d;
  for (uint32_t q = 0; q < k; ++q) {
    for (uint32_t i = 0; i < c; ++i)
      for (uint32_t j = i + 1; j < c; ++j) {
        s.push_back(q * c + i);
        d.push_back(q * c + j);
      }
    s.push_back(q * c);
    d.push_back(((q + 1) % k) * c + 1);
  }
  BuildOptions b;
  b.directed = false;
  auto g = CsrGraph::FromEdges(k * c, s, d, {}, b);
  auto r = Leiden(*g, {});
  ASSERT_TRUE(r.ok());
  std::vector<uint32_t> want(k * c);
  for (uint32_t v = 0; v < k * c; ++v) want[v] = v / c;
  EXPECT_EQ(r->membership, want);
}

TEST(LeidenTest, CpmExtremes) {
  // Karate plus a disjoint triangle (34..36) and an isolated node 37.
  const CsrGraph karate = LoadFixtureGraph("karate.txt", false, false);
  std::vector<uint32_t> s, d;
  for (uint32_t u = 0; u < 34; ++u)
    for (NodeId v : karate.out_neighbors(u))
      if (u < v) {
        s.push_back(u);
        d.push_back(v);
      }
  for (auto [u, v] : {std::pair<uint32_t, uint32_t>{34, 35}, {35, 36}, {34, 36}}) {
    s.push_back(u);
    d.push_back(v);
  }
  BuildOptions b;
  b.directed = false;
  auto g = CsrGraph::FromEdges(38, s, d, {}, b);
  LeidenOptions o;
  o.quality = LeidenQuality::kCpm;
  o.resolution = 5;  // above any edge weight: every merge loses
  auto singletons = Leiden(*g, o);
  ASSERT_TRUE(singletons.ok());
  EXPECT_EQ(singletons->num_communities, 38u);
  EXPECT_DOUBLE_EQ(singletons->quality, 0.0);
  o.resolution = 0;  // every merge along an edge gains: connected components
  for (uint64_t seed : {1, 2, 3}) {
    o.seed = seed;
    auto comps = Leiden(*g, o);
    ASSERT_TRUE(comps.ok());
    EXPECT_EQ(comps->num_communities, 3u);
    for (uint32_t v = 0; v < 34; ++v) EXPECT_EQ(comps->membership[v], 0u);
    EXPECT_EQ(comps->membership[35], 1u);
    EXPECT_EQ(comps->membership[36], 1u);
    EXPECT_EQ(comps->membership[37], 2u);
    EXPECT_DOUBLE_EQ(comps->quality, 81.0);  // all 78 + 3 edges are internal
  }
  // In between, CPM's density threshold: every community is denser than
  // gamma... at least its quality matches CpmQuality and is >= singletons.
  o.resolution = 0.2;
  auto mid = Leiden(*g, o);
  ASSERT_TRUE(mid.ok());
  ExpectConnectedCommunities(*g, mid->membership);
  auto h = CpmQuality(*g, mid->membership, 0.2);
  ASSERT_TRUE(h.ok());
  EXPECT_NEAR(mid->quality, *h, 1e-12);
  EXPECT_GT(mid->quality, 0);
}

TEST(LeidenTest, Validates) {
  auto directed = CsrGraph::FromEdges(2, {0}, {1});
  EXPECT_FALSE(Leiden(*directed, {}).ok());
  const CsrGraph g = LoadFixtureGraph("karate.txt", false, false);
  LeidenOptions o;
  o.resolution = -1;
  EXPECT_FALSE(Leiden(g, o).ok());
  o = {};
  o.randomness = 0;
  EXPECT_FALSE(Leiden(g, o).ok());
  o = {};
  o.max_iterations = 0;
  EXPECT_FALSE(Leiden(g, o).ok());
  o = {};
  o.node_sizes.assign(34, 1.0);
  EXPECT_FALSE(Leiden(g, o).ok());  // sizes are for CPM
  o.quality = LeidenQuality::kCpm;
  o.node_sizes.assign(3, 1.0);
  EXPECT_FALSE(Leiden(g, o).ok());
  auto empty = CsrGraph::FromEdges(3, {}, {}, {}, BuildOptions{.directed = false});
  EXPECT_FALSE(Leiden(*empty, {}).ok());
}

// A real graph: NetHEPT's ties, every community connected.
TEST(LeidenTest, NetHeptCommunitiesAreConnected) {
  EdgeListOptions eo;
  eo.build.directed = false;
  auto g = LoadEdgeList(std::string(MITRA_REFERENCE_DATA_DIR) + "/graphs/nethept.txt", eo);
  ASSERT_TRUE(g.ok()) << g.status();
  auto r = Leiden(g->graph, {});
  ASSERT_TRUE(r.ok());
  ExpectConnectedCommunities(g->graph, r->membership);
  EXPECT_GT(r->quality, 0.8);
  std::cout << "nethept: modularity " << r->quality << ", " << r->num_communities
            << " communities, " << r->iterations << " iterations\n";
}

// ---- Directed modularity -------------------------------------------------------

// The largest directed modularity over every partition of a small graph
// (restricted growth strings: each set partition once), by Modularity.
double BestDirectedModularity(const CsrGraph& g) {
  const uint32_t n = g.num_nodes();
  std::vector<uint32_t> label(n, 0);
  double best = -1;
  std::function<void(uint32_t, uint32_t)> walk = [&](uint32_t v, uint32_t used) {
    if (v == n) {
      best = std::max(best, *Modularity(g, label));
      return;
    }
    for (uint32_t c = 0; c <= used && c < n; ++c) {
      label[v] = c;
      walk(v + 1, std::max(used, c + 1));
    }
  };
  walk(0, 0);
  return best;
}

// Random weighted digraphs of 8 nodes: every run's quality is the directed
// modularity of its partition (Modularity, the form networkx computes) and
// never above the brute-force optimum; the best of 8 seeds reaches it.
TEST(LeidenDirectedTest, ReachesTheBruteForceOptimumOnSmallDigraphs) {
  std::mt19937_64 rng(11);
  int differs_from_undirected = 0;
  for (int trial = 0; trial < 12; ++trial) {
    const uint32_t n = 8;
    std::vector<NodeId> src, dst;
    std::vector<double> w;
    for (uint32_t u = 0; u < n; ++u)
      for (uint32_t v = 0; v < n; ++v)
        if (u != v && rng() % 100 < 30) {
          src.push_back(u);
          dst.push_back(v);
          w.push_back(1 + static_cast<double>(rng() % 4));
        }
    auto g = CsrGraph::FromEdges(n, src, dst, w);
    ASSERT_TRUE(g.ok());
    const double optimum = BestDirectedModularity(*g);
    double best = -1;
    for (uint64_t seed = 1; seed <= 8; ++seed) {
      LeidenOptions o;
      o.directed = true;
      o.seed = seed;
      o.max_iterations = 50;
      auto r = Leiden(*g, o);
      ASSERT_TRUE(r.ok()) << r.status();
      EXPECT_EQ(r->quality, *Modularity(*g, r->membership));
      EXPECT_LE(r->quality, optimum + 1e-12);
      best = std::max(best, r->quality);
    }
    EXPECT_NEAR(best, optimum, 1e-12) << "trial " << trial;
    // The undirected optimum, read as directed, is often worse: the two
    // objectives are not the same.
    auto u = g->Undirected(Symmetrize::kSum);
    auto ur = Leiden(*u, {.max_iterations = 50});
    ASSERT_TRUE(ur.ok());
    differs_from_undirected += *Modularity(*g, ur->membership) < optimum - 1e-9;
  }
  EXPECT_GT(differs_from_undirected, 0);
}

// Planted truth: four groups of 30 whose members point at each other
// (p = 0.3) and seldom elsewhere (0.01), with arcs one way only between
// groups in a cycle (0.08 from group i to i + 1): the groups come back.
TEST(LeidenDirectedTest, RecoversPlantedGroups) {
  std::mt19937_64 rng(5);
  const uint32_t n = 120;
  std::vector<NodeId> src, dst;
  auto coin = [&](double p) { return static_cast<double>(rng() % 1000000) < p * 1e6; };
  for (uint32_t u = 0; u < n; ++u)
    for (uint32_t v = 0; v < n; ++v) {
      if (u == v) continue;
      const uint32_t a = u / 30, b = v / 30;
      const double p = a == b ? 0.3 : (b == (a + 1) % 4 ? 0.08 : 0.01);
      if (coin(p)) {
        src.push_back(u);
        dst.push_back(v);
      }
    }
  auto g = CsrGraph::FromEdges(n, src, dst);
  ASSERT_TRUE(g.ok());
  LeidenOptions o;
  o.directed = true;
  auto r = Leiden(*g, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->num_communities, 4u);
  for (uint32_t v = 0; v < n; ++v) EXPECT_EQ(r->membership[v], v / 30) << v;
  ExpectConnectedCommunities(*g->Undirected(), r->membership);
  EXPECT_EQ(r->quality, *Modularity(*g, r->membership));
  // Without weights on a weighted copy, the same.
  std::vector<double> w(src.size(), 3.0);
  auto weighted = CsrGraph::FromEdges(n, src, dst, w);
  o.use_weights = false;
  auto rw = Leiden(*weighted, o);
  ASSERT_TRUE(rw.ok());
  EXPECT_EQ(rw->membership, r->membership);
}

// A digraph whose every arc is reciprocated with the same weight has the
// undirected graph's modularity for any partition.
TEST(LeidenDirectedTest, ReciprocatedArcsScoreAsTheUndirectedGraph) {
  CsrGraph karate = LoadFixtureGraph("karate.txt", false, false);
  std::vector<NodeId> src, dst;
  for (uint32_t u = 0; u < karate.num_nodes(); ++u)
    for (NodeId v : karate.out_neighbors(u)) {
      src.push_back(u);
      dst.push_back(v);
    }
  auto g = CsrGraph::FromEdges(karate.num_nodes(), src, dst);
  ASSERT_TRUE(g.ok());
  LeidenOptions o;
  o.directed = true;
  auto r = Leiden(*g, o);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(*Modularity(karate, r->membership), r->quality, 1e-12);
  EXPECT_NEAR(r->quality, 0.4198, 5e-4);  // karate's optimum, 0.41979
}

TEST(LeidenDirectedTest, Validates) {
  auto d = CsrGraph::FromEdges(3, {0, 1}, {1, 2});
  auto u = CsrGraph::FromEdges(3, {0, 1}, {1, 2}, {}, {.directed = false});
  LeidenOptions o;
  o.directed = true;
  EXPECT_NE(Leiden(*u, o).status().message().find("directed: directed modularity needs a directed graph"),
            std::string::npos)
      << Leiden(*u, o).status();
  o.quality = LeidenQuality::kCpm;
  EXPECT_NE(Leiden(*d, o).status().message().find("applies to modularity only"), std::string::npos);
  EXPECT_NE(Leiden(*d, {}).status().message().find("options.directed"), std::string::npos);
  auto empty = CsrGraph::FromEdges(3, {}, {});
  o.quality = LeidenQuality::kModularity;
  EXPECT_FALSE(Leiden(*empty, o).ok());
}

}  // namespace
}  // namespace mitra::graph

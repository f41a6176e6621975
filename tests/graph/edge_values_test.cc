// Values per edge: edge betweenness and truss numbers, through EdgeValues
// (the request layer the C ABI calls), against networkx's values
// (tests/graph/fixtures/*_edge_values.csv), closed forms and brute force.
#include <algorithm>
#include <set>
#include <utility>

#include "common/random.h"
#include "fixture_values.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "mitra/graph/betweenness.h"
#include "mitra/graph/ktruss.h"
#include "mitra/graph/messages.h"

namespace mitra::graph {
namespace {

using testing::ExpectNear;
using testing::LoadFixtureGraph;
using testing::LoadValues;

std::vector<NodeId> Ids(const std::vector<double>& v) { return {v.begin(), v.end()}; }

absl::StatusOr<std::vector<double>> Values(const CsrGraph& g, const std::vector<NodeId>& src,
                                           const std::vector<NodeId>& dst,
                                           const std::string& request) {
  v1::EdgeValuesRequest r;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(request, &r)) << request;
  std::vector<double> values(src.size(), -7);
  v1::EdgeValuesReport report;
  if (absl::Status s = EdgeValues(g, src, dst, r, absl::MakeSpan(values), &report); !s.ok()) {
    EXPECT_EQ(values, std::vector<double>(src.size(), -7)) << "written on failure";
    return s;
  }
  EXPECT_EQ(report.num_nodes(), g.num_nodes());
  return values;
}

std::vector<double> Ok(absl::StatusOr<std::vector<double>> v) {
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : std::vector<double>{};
}

struct Fixture {
  const char* graph;
  bool directed, weighted;
};

TEST(EdgeValuesTest, MatchNetworkx) {
  for (const Fixture& f : {Fixture{"karate.txt", false, false},
                           Fixture{"karate_weighted.txt", false, true},
                           Fixture{"small_directed.txt", true, false},
                           Fixture{"random_directed.txt", true, true}}) {
    const CsrGraph g = LoadFixtureGraph(f.graph, f.directed, f.weighted);
    std::string values_file = f.graph;
    values_file.replace(values_file.find(".txt"), 4, "_edge_values.csv");
    auto want = LoadValues(values_file);
    const std::vector<NodeId> src = Ids(want["src"]), dst = Ids(want["dst"]);
    ASSERT_EQ(src.size(), g.num_edges()) << f.graph;
    const std::string unweighted = " use_weights: false";
    ExpectNear(Ok(Values(g, src, dst, "betweenness {" + unweighted + " }")),
               want["edge_betweenness"], 1e-12, f.graph);
    ExpectNear(Ok(Values(g, src, dst, "betweenness { normalized: false" + unweighted + " }")),
               want["edge_betweenness_raw"], 1e-9, f.graph);
    // Two threads, and the edges given the other way round (undirected).
    ExpectNear(Ok(Values(g, src, dst, "betweenness { threads: 2" + unweighted + " }")),
               want["edge_betweenness"], 1e-12, std::string(f.graph) + " 2 threads");
    if (!f.directed) {
      ExpectNear(Ok(Values(g, dst, src, "betweenness {" + unweighted + " }")),
                 want["edge_betweenness"], 1e-12, std::string(f.graph) + " reversed");
    }
    if (f.weighted) {
      ExpectNear(Ok(Values(g, src, dst, "betweenness {}")), want["edge_betweenness_weighted"],
                 1e-12, std::string(f.graph) + " weighted");
    }
    EXPECT_EQ(Ok(Values(g, src, dst, "truss {}")), want["truss"]) << f.graph;
  }
}

// A path of n nodes: the edge (i, i + 1) separates i + 1 nodes from
// n - 1 - i, so (i + 1)(n - 1 - i) pairs cross it (unordered: undirected,
// not normalised).
TEST(EdgeValuesTest, PathClosedForm) {
  const uint32_t n = 7;
  std::vector<NodeId> src, dst;
  for (uint32_t i = 0; i + 1 < n; ++i) {
    src.push_back(i);
    dst.push_back(i + 1);
  }
  BuildOptions b;
  b.directed = false;
  auto g = CsrGraph::FromEdges(n, src, dst, {}, b);
  ASSERT_TRUE(g.ok());
  const std::vector<double> got = Ok(Values(*g, src, dst, "betweenness { normalized: false }"));
  for (uint32_t i = 0; i + 1 < n; ++i) EXPECT_DOUBLE_EQ(got[i], (i + 1.0) * (n - 1 - i)) << i;
  // Directed: ordered pairs (s, t) with s <= i < t only.
  auto d = CsrGraph::FromEdges(n, src, dst);
  ASSERT_TRUE(d.ok());
  const std::vector<double> dir = Ok(Values(*d, src, dst, "betweenness { normalized: false }"));
  for (uint32_t i = 0; i + 1 < n; ++i) EXPECT_DOUBLE_EQ(dir[i], (i + 1.0) * (n - 1 - i)) << i;
}

// Truss numbers by brute force: the k-truss by repeated removal of edges in
// fewer than k - 2 triangles, for every k.
std::vector<uint32_t> BruteTruss(uint32_t n, const std::vector<std::pair<NodeId, NodeId>>& edges) {
  std::vector<uint32_t> truss(edges.size(), 0);
  for (size_t i = 0; i < edges.size(); ++i) {
    if (edges[i].first != edges[i].second) truss[i] = 2;
  }
  for (uint32_t k = 3;; ++k) {
    std::set<std::pair<NodeId, NodeId>> alive;
    for (auto [u, v] : edges) {
      if (u != v) alive.insert({std::min(u, v), std::max(u, v)});
    }
    for (bool dropped = true; dropped;) {
      dropped = false;
      for (auto it = alive.begin(); it != alive.end();) {
        uint32_t triangles = 0;
        for (NodeId w = 0; w < n; ++w) {
          triangles += alive.count({std::min(it->first, w), std::max(it->first, w)}) &&
                       alive.count({std::min(it->second, w), std::max(it->second, w)});
        }
        if (triangles < k - 2) {
          it = alive.erase(it);
          dropped = true;
        } else {
          ++it;
        }
      }
    }
    if (alive.empty()) return truss;
    for (size_t i = 0; i < edges.size(); ++i) {
      auto [u, v] = edges[i];
      if (alive.count({std::min(u, v), std::max(u, v)})) truss[i] = k;
    }
  }
}

TEST(EdgeValuesTest, TrussAgainstBruteForce) {
  // A K5 with a chord-sharing triangle fan, a pendant, a self-loop, a
  // duplicate and a reversed duplicate, read as directed (truss ignores it).
  std::vector<std::pair<NodeId, NodeId>> edges;
  for (NodeId u = 0; u < 5; ++u)
    for (NodeId v = u + 1; v < 5; ++v) edges.push_back({u, v});
  for (auto e : std::vector<std::pair<NodeId, NodeId>>{
           {4, 5}, {5, 6}, {4, 6}, {6, 7}, {5, 7}, {7, 8}, {8, 8}, {5, 6}, {6, 5}, {9, 2}})
    edges.push_back(e);
  // And a random graph of 40 nodes and 200 arcs.
  Rng rng(20261207);
  for (int i = 0; i < 200; ++i) {
    edges.push_back({static_cast<NodeId>(10 + rng.Below(40)), static_cast<NodeId>(10 + rng.Below(40))});
  }
  std::vector<NodeId> src, dst;
  for (auto [u, v] : edges) {
    src.push_back(u);
    dst.push_back(v);
  }
  auto g = CsrGraph::FromEdges(50, src, dst);
  ASSERT_TRUE(g.ok());
  const std::vector<uint32_t> want = BruteTruss(50, edges);
  const std::vector<double> got = Ok(Values(*g, src, dst, "truss {}"));
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(got[i], want[i]) << src[i] << "-" << dst[i];
  EXPECT_EQ(got[0], 5);   // K5
  EXPECT_EQ(got[16], 0);  // the self-loop
}

TEST(EdgeValuesTest, ErrorsNameTheField) {
  auto g = CsrGraph::FromEdges(3, {0, 1}, {1, 2});
  ASSERT_TRUE(g.ok());
  const std::vector<NodeId> src = {0, 1}, dst = {1, 2};
  EXPECT_EQ(Values(*g, src, dst, "").status().message(),
            "request.algorithm: required: one of betweenness, truss");
  EXPECT_EQ(Values(*g, src, dst, "betweenness { endpoints: true }").status().message(),
            "request.betweenness.endpoints: not defined for edges");
  EXPECT_EQ(Values(*g, src, dst, "betweenness { threads: 300 }").status().message(),
            "request.betweenness.threads: must be 1..256, got 300");
  BetweennessOptions o;
  o.endpoints = true;
  EXPECT_EQ(EdgeBetweenness(*g, o).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mitra::graph

// One validation per options struct: a C++ caller reads the options' own
// names, a request (converted by src/graph/messages.cc) reads its paths,
// from the same check in the algorithm.
#include "mitra/graph/messages.h"

#include <cmath>
#include <string>
#include <vector>

#include "common/invalid_message.h"
#include "gtest/gtest.h"
#include "google/protobuf/text_format.h"
#include "mitra/core/memory_budget.h"
#include "mitra/graph/betweenness.h"
#include "mitra/graph/eigenvector.h"
#include "mitra/graph/hits.h"
#include "mitra/graph/katz.h"
#include "mitra/graph/leiden.h"
#include "mitra/graph/pagerank.h"
#include "mitra/graph/sampled_betweenness.h"

namespace mitra::graph {
namespace {

using ::mitra::testing::InvalidMessage;

// A path 0 -> 1 -> 2 (weights 1, 0 when asked).
CsrGraph Path(bool zero_weight = false) {
  const std::vector<double> w = {1, zero_weight ? 0.0 : 1.0};
  absl::StatusOr<CsrGraph> g = CsrGraph::FromEdges(3, {0, 1}, {1, 2}, w);
  EXPECT_TRUE(g.ok()) << g.status();
  return *std::move(g);
}

// The request's error, and that nothing was written.
std::string Request(const CsrGraph& g, const std::string& text) {
  v1::CentralityRequest r;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &r)) << text;
  std::vector<double> values(g.num_nodes(), -7);
  v1::CentralityReport report;
  const std::string m = InvalidMessage(Centrality(g, r, absl::MakeSpan(values), &report));
  for (double v : values) EXPECT_EQ(v, -7) << text;
  return m;
}

TEST(GraphValidateOnce, PageRank) {
  const CsrGraph g = Path();
  PageRankOptions o;
  o.damping = 1;
  EXPECT_EQ(InvalidMessage(PageRank(g, o)), "damping: must be in [0, 1), got 1");
  EXPECT_EQ(Request(g, "pagerank { damping: 1 }"), "request.pagerank.damping: must be in [0, 1), got 1");
  o = {};
  o.teleport = {1, -1, 1};
  EXPECT_EQ(InvalidMessage(PageRank(g, o)), "teleport[1]: must be finite and >= 0, got -1");
  EXPECT_EQ(Request(g, "pagerank { personalization: [1, -1, 1] }"),
            "request.pagerank.personalization[1]: must be finite and >= 0, got -1");
  o.teleport = {0, 0, 0};
  EXPECT_EQ(InvalidMessage(PageRank(PageRankPlan::Create(g), o)), "teleport: must have a positive sum");
  o = {};
  o.max_iterations = 100001;
  EXPECT_EQ(InvalidMessage(PageRank(g, o)), "max_iterations: must be 1..100000, got 100001");
  // A tolerance of 0 runs max_iterations (a fixed-iteration run when
  // unconverged results are allowed), for C++ callers and requests alike.
  v1::CentralityRequest r;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      "pagerank { tolerance: 0 max_iterations: 3 allow_unconverged: true }", &r));
  std::vector<double> values(3);
  v1::CentralityReport report;
  ASSERT_TRUE(Centrality(g, r, absl::MakeSpan(values), &report).ok());
  EXPECT_EQ(report.iterations(), 3);
  EXPECT_FALSE(report.converged());
}

TEST(GraphValidateOnce, KatzAndEigenvector) {
  const CsrGraph g = Path();
  KatzOptions k;
  k.beta_per_node = {1, NAN, 1};
  EXPECT_EQ(InvalidMessage(Katz(g, k)), "beta_per_node[1]: must be finite, got nan");
  EXPECT_EQ(Request(g, "katz { beta_per_node: [1, nan, 1] }"),
            "request.katz.beta_per_node[1]: must be finite, got nan");
  k = {};
  k.tolerance = 0;  // could never be met
  EXPECT_EQ(InvalidMessage(Katz(g, k)), "tolerance: must be finite and > 0, got 0");
  EXPECT_EQ(Request(g, "katz { tolerance: 0 }"), "request.katz.tolerance: must be finite and > 0, got 0");

  EigenvectorOptions e;
  e.tolerance = 0;
  EXPECT_EQ(InvalidMessage(EigenvectorCentrality(g, e)), "tolerance: must be finite and > 0, got 0");
  e = {};
  e.max_iterations = 0;
  EXPECT_EQ(InvalidMessage(EigenvectorCentrality(g, e)), "max_iterations: must be 1..100000, got 0");
  EXPECT_EQ(Request(g, "eigenvector { max_iterations: 0 }"),
            "request.eigenvector.max_iterations: must be 1..100000, got 0");
}

TEST(GraphValidateOnce, Hits) {
  const CsrGraph g = Path();
  HitsOptions h;
  h.max_iterations = 0;
  EXPECT_EQ(InvalidMessage(Hits(g, h)), "max_iterations: must be 1..100000, got 0");
  EXPECT_EQ(Request(g, "hits { max_iterations: 0 }"),
            "request.hits.max_iterations: must be 1..100000, got 0");
  EXPECT_EQ(Request(g, "hits { hubs: true tolerance: -1 }"),
            "request.hits.tolerance: must be finite and > 0, got -1");
  // The request picks the vector: hubs or authorities of the one result.
  const HitsResult want = *Hits(g, {});
  for (bool hubs : {false, true}) {
    v1::CentralityRequest r;
    r.mutable_hits()->set_hubs(hubs);
    std::vector<double> values(g.num_nodes());
    v1::CentralityReport report;
    ASSERT_TRUE(Centrality(g, r, absl::MakeSpan(values), &report).ok());
    EXPECT_EQ(values, hubs ? want.hubs : want.authorities);
    EXPECT_EQ(report.algorithm(), hubs ? "hits_hubs" : "hits_authorities");
    EXPECT_EQ(report.iterations(), want.iterations);
    EXPECT_EQ(report.hits_counterpart_size(), 0);  // only when asked
    // With the counterpart, the other vector of the same result.
    r.mutable_hits()->set_counterpart(true);
    ASSERT_TRUE(Centrality(g, r, absl::MakeSpan(values), &report).ok());
    EXPECT_EQ(values, hubs ? want.hubs : want.authorities);
    const std::vector<double> other(report.hits_counterpart().begin(),
                                    report.hits_counterpart().end());
    EXPECT_EQ(other, hubs ? want.authorities : want.hubs);
  }
}

TEST(GraphValidateOnce, Betweenness) {
  const CsrGraph g = Path(/*zero_weight=*/true);
  BetweennessOptions o;
  o.threads = 300;
  EXPECT_EQ(InvalidMessage(Betweenness(g, o)), "threads: must be 1..256, got 300");
  EXPECT_EQ(Request(g, "betweenness { threads: 300 }"),
            "request.betweenness.threads: must be 1..256, got 300");
  o = {};
  o.sample_sources = 4;
  EXPECT_EQ(InvalidMessage(Betweenness(g, o)), "sample_sources: must be 0..3 (the number of nodes), got 4");
  EXPECT_EQ(Request(g, "betweenness { sample_sources: 4 use_weights: false }"),
            "request.betweenness.sample_sources: must be 0..3 (the number of nodes), got 4");
  o = {};
  EXPECT_EQ(InvalidMessage(Betweenness(g, o)),
            "use_weights: weighted shortest paths need positive weights; arc 1 weighs 0 (set it to "
            "false for hop counts)");
  EXPECT_EQ(Request(g, "betweenness { }"),
            "request.betweenness.use_weights: weighted shortest paths need positive weights; arc 1 "
            "weighs 0 (set it to false for hop counts)");
  // A memory-budget refusal names the parameter the same way.
  MemoryBudget budget;
  budget.set_limit(16);
  o = {};
  o.use_weights = false;
  o.memory = &budget;
  absl::StatusOr<std::vector<double>> b = Betweenness(g, o);
  ASSERT_TRUE(IsMemoryBudgetError(b.status())) << b.status();
  EXPECT_EQ(std::string(b.status().message()).rfind("threads: ", 0), 0u) << b.status();
  o.names = FieldPath("request.betweenness");
  b = Betweenness(g, o);
  EXPECT_EQ(std::string(b.status().message()).rfind("request.betweenness.threads: ", 0), 0u) << b.status();
}

TEST(GraphValidateOnce, SampledBetweenness) {
  const CsrGraph g = Path();
  SampledBetweennessOptions o;
  o.delta = 1;
  EXPECT_EQ(InvalidMessage(SampledBetweenness(g, o)), "delta: must be in (0, 1), got 1");
  EXPECT_EQ(Request(g, "sampled_betweenness { delta: 1 }"),
            "request.sampled_betweenness.delta: must be in (0, 1), got 1");
  o = {};
  o.epsilon = 1e-9;
  o.delta = 1e-300;
  o.vertex_diameter = 3;
  const std::string bare = InvalidMessage(SampledBetweenness(g, o));
  EXPECT_EQ(bare.rfind("epsilon: ", 0), 0u) << bare;
  EXPECT_NE(bare.find(" samples needed; raise it or delta"), std::string::npos) << bare;
  const std::string request =
      Request(g, "sampled_betweenness { epsilon: 1e-9 delta: 1e-300 vertex_diameter: 3 }");
  EXPECT_EQ(request.rfind("request.sampled_betweenness.epsilon: ", 0), 0u) << request;
  EXPECT_NE(request.find("raise it or request.sampled_betweenness.delta"), std::string::npos) << request;
}

TEST(GraphValidateOnce, Leiden) {
  absl::StatusOr<CsrGraph> g = CsrGraph::FromEdges(3, {0, 1}, {1, 2}, {}, BuildOptions{.directed = false});
  ASSERT_TRUE(g.ok());
  auto request = [&](const std::string& text) {
    v1::LeidenRequest r;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &r)) << text;
    std::vector<uint32_t> membership(3, 7);
    v1::LeidenReport report;
    const std::string m = InvalidMessage(LeidenCommunities(*g, r, absl::MakeSpan(membership), &report));
    for (uint32_t c : membership) EXPECT_EQ(c, 7u) << text;
    return m;
  };
  LeidenOptions o;
  o.randomness = 0;
  EXPECT_EQ(InvalidMessage(Leiden(*g, o)), "randomness: must be finite and > 0, got 0");
  EXPECT_EQ(request("randomness: 0"), "request.randomness: must be finite and > 0, got 0");
  o = {};
  o.max_iterations = 10001;
  EXPECT_EQ(InvalidMessage(Leiden(*g, o)), "max_iterations: must be 1..10000, got 10001");
  EXPECT_EQ(request("max_iterations: 10001"), "request.max_iterations: must be 1..10000, got 10001");
  o = {};
  o.quality = LeidenQuality::kCpm;
  o.node_sizes = {1, -1, 1};
  EXPECT_EQ(InvalidMessage(Leiden(*g, o)), "node_sizes[1]: must be finite and >= 0, got -1");
  EXPECT_EQ(request("quality: LEIDEN_QUALITY_CPM node_sizes: [1, -1, 1]"),
            "request.node_sizes[1]: must be finite and >= 0, got -1");
  absl::StatusOr<CsrGraph> empty = CsrGraph::FromEdges(3, {}, {}, {}, BuildOptions{.directed = false});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(InvalidMessage(Leiden(*empty, {})), "quality: modularity needs a graph with edge weight");
}

TEST(GraphValidateOnce, GraphMessage) {
  v1::Graph m;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      "num_nodes: 3 src: [0, 1] dst: [1, 3] weight: [1, 1]", &m));
  EXPECT_EQ(InvalidMessage(GraphFromMessage(m)), "graph.dst[1]: node 3 out of range (num_nodes 3)");
  m.set_dst(1, 2);
  m.set_weight(0, -1);
  EXPECT_EQ(InvalidMessage(GraphFromMessage(m)), "graph.weight[0]: must be finite and >= 0, got -1");
  m.add_weight(1);
  EXPECT_EQ(InvalidMessage(GraphFromMessage(m)), "graph.weight: 3 values, but src has 2");
  const std::vector<NodeId> src = {0}, dst = {5};
  EXPECT_EQ(InvalidMessage(GraphFromEdges(3, src, dst, {}, true)), "dst[0]: node 5 out of range (num_nodes 3)");
}

}  // namespace
}  // namespace mitra::graph

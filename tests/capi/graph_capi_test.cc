// The graph C ABI (mitra.h, "Graphs") against the C++ functions and the
// networkx values of tests/graph/fixtures: edge arrays and a request in,
// per-node values and a report out; errors name the field; a failing call
// writes nothing.
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/capi_fixture.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "graph/fixture_values.h"
#include "gtest/gtest.h"
#include "mitra/graph/csr_graph.h"
#include "mitra/graph/leiden.h"
#include "mitra/graph/messages.h"
#include "mitra/graph/pagerank.h"
#include "mitra/mitra.h"
#include "mitra/v1/batch.pb.h"
#include "mitra/v1/graph.pb.h"

namespace {

namespace v1 = mitra::v1;
using mitra::graph::testing::FixturePath;
using mitra::graph::testing::LoadValues;
using ::testing::HasSubstr;

struct Edges {
  uint32_t n = 0;
  std::vector<uint32_t> src, dst;
  std::vector<double> weight;
};

Edges ReadEdges(const std::string& name, bool weighted = false) {
  std::ifstream in(FixturePath(name));
  EXPECT_TRUE(in.good()) << name;
  Edges e;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream row(line);
    uint32_t u, v;
    double w = 1;
    row >> u >> v;
    if (weighted) row >> w;
    e.src.push_back(u);
    e.dst.push_back(v);
    if (weighted) e.weight.push_back(w);
    e.n = std::max({e.n, u + 1, v + 1});
  }
  return e;
}

struct Result {
  mitra_status status;
  std::string message;
  std::vector<double> values;
  v1::CentralityReport report;
};

Result Centrality(const Edges& e, const v1::CentralityRequest& request, uint32_t n = 0) {
  if (n == 0) n = e.n;
  const std::string bytes = request.SerializeAsString();
  Result r;
  r.values.assign(n, -7.0);  // a sentinel: failing calls must leave it
  uint8_t* out = nullptr;
  size_t len = 0;
  mitra_error* err = nullptr;
  r.status = mitra_graph_centrality(n, e.src.data(), e.dst.data(),
                                    e.weight.empty() ? nullptr : e.weight.data(), e.src.size(),
                                    reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                                    r.values.data(), &out, &len, &err);
  if (err != nullptr) r.message = mitra_error_message(err);
  mitra_error_free(err);
  if (r.status == MITRA_OK) {
    EXPECT_TRUE(r.report.ParseFromArray(out, static_cast<int>(len)));
  } else {
    EXPECT_EQ(out, nullptr);
    EXPECT_EQ(len, 0u);
    for (double v : r.values) EXPECT_EQ(v, -7.0) << "a failed call wrote values";
  }
  mitra_free(out);
  return r;
}

void ExpectValues(const std::vector<double>& got, const std::vector<double>& want, double tol,
                  const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << what << " node " << i;
}

v1::CentralityRequest Undirected(v1::CentralityRequest r) {
  r.set_directed(false);
  return r;
}

v1::CentralityRequest PageRankRequest(double tol = 1e-13) {
  v1::CentralityRequest r;
  r.mutable_pagerank()->set_tolerance(tol);
  return r;
}

TEST(GraphCApi, KaratePageRankEqualsNetworkx) {
  const Edges e = ReadEdges("karate.txt");
  const auto want = LoadValues("karate_values.csv");
  Result r = Centrality(e, Undirected(PageRankRequest()));
  ASSERT_EQ(r.status, MITRA_OK) << r.message;
  ExpectValues(r.values, want.at("pagerank"), 1e-9, "pagerank");
  EXPECT_EQ(r.report.algorithm(), "pagerank");
  EXPECT_TRUE(r.report.converged());
  EXPECT_GT(r.report.iterations(), 0);
  EXPECT_EQ(r.report.num_nodes(), 34u);
  EXPECT_EQ(r.report.num_edges(), 78u);
  // ... and the C++ function's values exactly.
  auto g = mitra::graph::CsrGraph::FromEdges(e.n, e.src, e.dst, {}, {.directed = false});
  ASSERT_TRUE(g.ok());
  mitra::graph::PageRankOptions options;
  options.tolerance = 1e-13;
  auto cpp = mitra::graph::PageRank(*g, options);
  ASSERT_TRUE(cpp.ok());
  EXPECT_EQ(r.values, cpp->rank);
}

TEST(GraphCApi, KarateEveryAlgorithmEqualsNetworkx) {
  const Edges e = ReadEdges("karate.txt");
  const auto want = LoadValues("karate_values.csv");
  v1::CentralityRequest ppr = PageRankRequest();
  for (uint32_t v = 0; v < e.n; ++v) ppr.mutable_pagerank()->add_personalization(v == 0 ? 1 : v == 5 ? 0.5 : v == 33 ? 2 : 0);
  v1::CentralityRequest katz, katz_raw, eig, bc, bc_raw, bc_end, core;
  katz.mutable_katz()->set_alpha(0.1);
  katz_raw.mutable_katz()->set_normalized(false);
  eig.mutable_eigenvector();
  bc.mutable_betweenness();
  bc_raw.mutable_betweenness()->set_normalized(false);
  bc_end.mutable_betweenness()->set_endpoints(true);
  core.mutable_kcore();
  const std::vector<std::pair<std::string, v1::CentralityRequest>> cases = {
      {"ppr", ppr}, {"katz", katz}, {"katz_raw", katz_raw}, {"eigenvector", eig},
      {"betweenness", bc}, {"betweenness_raw", bc_raw}, {"betweenness_endpoints", bc_end},
      {"core", core}};
  for (const auto& [column, request] : cases) {
    Result r = Centrality(e, Undirected(request));
    ASSERT_EQ(r.status, MITRA_OK) << column << ": " << r.message;
    ExpectValues(r.values, want.at(column), 1e-9, column);
  }
}

TEST(GraphCApi, WeightedKarateEqualsNetworkx) {
  const Edges e = ReadEdges("karate_weighted.txt", true);
  const auto want = LoadValues("karate_values.csv");
  v1::CentralityRequest katz, eig, bc;
  katz.mutable_katz()->set_alpha(0.02);
  eig.mutable_eigenvector();
  bc.mutable_betweenness();
  for (const auto& [column, request] : std::vector<std::pair<std::string, v1::CentralityRequest>>{
           {"pagerank_weighted", PageRankRequest()}, {"katz_weighted", katz},
           {"eigenvector_weighted", eig}, {"betweenness_weighted", bc}}) {
    Result r = Centrality(e, Undirected(request));
    ASSERT_EQ(r.status, MITRA_OK) << column << ": " << r.message;
    ExpectValues(r.values, want.at(column), 1e-9, column);
  }
}

TEST(GraphCApi, DirectedFixturesEqualNetworkx) {
  for (const char* name : {"small_directed", "random_directed"}) {
    const Edges e = ReadEdges(std::string(name) + ".txt");
    const auto want = LoadValues(std::string(name) + "_values.csv");
    const double alpha = std::string(name) == "small_directed" ? 0.1 : 0.05;
    v1::CentralityRequest katz, eig, bc, core;
    katz.mutable_katz()->set_alpha(alpha);
    eig.mutable_eigenvector();
    bc.mutable_betweenness();
    core.mutable_kcore();
    for (const auto& [column, request] : std::vector<std::pair<std::string, v1::CentralityRequest>>{
             {"pagerank", PageRankRequest()}, {"katz", katz}, {"eigenvector", eig},
             {"betweenness", bc}, {"core", core}}) {
      Result r = Centrality(e, request);  // directed when not said otherwise
      ASSERT_EQ(r.status, MITRA_OK) << name << " " << column << ": " << r.message;
      ExpectValues(r.values, want.at(column), 1e-9, std::string(name) + " " + column);
    }
  }
}

TEST(GraphCApi, SampledBetweennessReportsItsGuarantee) {
  const Edges e = ReadEdges("karate.txt");
  const auto want = LoadValues("karate_values.csv");
  v1::CentralityRequest r;
  r.set_directed(false);
  r.mutable_sampled_betweenness()->set_epsilon(0.03);
  r.mutable_sampled_betweenness()->set_delta(0.1);
  r.mutable_sampled_betweenness()->set_seed(7);
  Result got = Centrality(e, r);
  ASSERT_EQ(got.status, MITRA_OK) << got.message;
  EXPECT_EQ(got.report.epsilon(), 0.03);
  EXPECT_EQ(got.report.delta(), 0.1);
  EXPECT_GT(got.report.samples(), 0u);
  EXPECT_GE(got.report.vertex_diameter_bound(), 2u);
  // RK normalisation: 2 x networkx's raw value / (n (n - 1)) when undirected.
  const double n = 34;
  for (size_t v = 0; v < 34; ++v)
    EXPECT_NEAR(got.values[v], 2 * want.at("betweenness_raw")[v] / (n * (n - 1)), 0.03) << v;
  Result again = Centrality(e, r);
  EXPECT_EQ(again.values, got.values) << "same seed, same values";
}

TEST(GraphCApi, LeidenAndModularity) {
  const Edges e = ReadEdges("karate.txt");
  double best = -1;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    v1::LeidenRequest req;
    req.set_seed(seed);
    req.set_max_iterations(100);
    const std::string bytes = req.SerializeAsString();
    std::vector<uint32_t> membership(e.n, 999);
    uint8_t* out = nullptr;
    size_t len = 0;
    ASSERT_EQ(mitra_graph_leiden(e.n, e.src.data(), e.dst.data(), nullptr, e.src.size(),
                                 reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                                 membership.data(), &out, &len, nullptr),
              MITRA_OK);
    v1::LeidenReport report;
    ASSERT_TRUE(report.ParseFromArray(out, static_cast<int>(len)));
    mitra_free(out);
    best = std::max(best, report.quality());
    double q = 0;
    ASSERT_EQ(mitra_graph_modularity(e.n, e.src.data(), e.dst.data(), nullptr, e.src.size(), 0,
                                     membership.data(), 1.0, &q, nullptr),
              MITRA_OK);
    EXPECT_NEAR(q, report.quality(), 1e-12);
    uint32_t k = 0;
    for (uint32_t c : membership) k = std::max(k, c + 1);
    EXPECT_EQ(k, report.num_communities());
  }
  EXPECT_GE(best, 0.4197);
}

TEST(GraphCApi, ModularityEqualsNetworkx) {
  const Edges e = ReadEdges("karate.txt");
  const auto want = LoadValues("karate_values.csv");
  std::vector<uint32_t> club;
  for (double c : want.at("club")) club.push_back(static_cast<uint32_t>(c));
  double q = 0;
  ASSERT_EQ(mitra_graph_modularity(e.n, e.src.data(), e.dst.data(), nullptr, e.src.size(), 0,
                                   club.data(), 1.0, &q, nullptr),
            MITRA_OK);
  EXPECT_NEAR(q, 0.3582347140039448, 1e-12);
}

struct ErrorCase {
  const char* name;
  std::string request_text;
  std::vector<uint32_t> src, dst;
  uint32_t n;
  mitra_status status;
  const char* message;
};

TEST(GraphCApi, ErrorsNameTheField) {
  const std::vector<ErrorCase> cases = {
      {"nan damping", "pagerank { damping: nan }", {0}, {1}, 2, MITRA_INVALID_ARGUMENT,
       "request.pagerank.damping: must be in [0, 1), got nan"},
      {"damping 1.5", "pagerank { damping: 1.5 }", {0}, {1}, 2, MITRA_INVALID_ARGUMENT,
       "request.pagerank.damping: must be in [0, 1), got 1.5"},
      {"node out of range", "pagerank {}", {0, 1}, {1, 5}, 3, MITRA_INVALID_ARGUMENT,
       "dst[1]: node 5 out of range (num_nodes 3)"},
      {"personalization length", "pagerank { personalization: [1, 2] }", {0}, {1}, 3,
       MITRA_INVALID_ARGUMENT, "request.pagerank.personalization: 2 values, but the graph has 3 nodes"},
      {"no algorithm", "", {0}, {1}, 2, MITRA_INVALID_ARGUMENT, "request.algorithm: required"},
      {"epsilon", "sampled_betweenness { epsilon: 0 }", {0}, {1}, 2, MITRA_INVALID_ARGUMENT,
       "request.sampled_betweenness.epsilon: must be in (0, 1), got 0"},
      {"katz alpha", "katz { alpha: -1 }", {0}, {1}, 2, MITRA_INVALID_ARGUMENT,
       "request.katz.alpha: must be finite and > 0, got -1"},
      {"iterations", "eigenvector { max_iterations: 0 }", {0}, {1}, 2, MITRA_INVALID_ARGUMENT,
       "request.eigenvector.max_iterations: must be 1..100000, got 0"},
      {"katz diverges", "katz { alpha: 5 max_iterations: 50 }", {0, 1}, {1, 0}, 2,
       MITRA_FAILED_PRECONDITION, "katz"},
  };
  for (const ErrorCase& c : cases) {
    v1::CentralityRequest r;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(c.request_text, &r)) << c.name;
    Edges e{c.n, c.src, c.dst, {}};
    Result got = Centrality(e, r, c.n);
    EXPECT_EQ(got.status, c.status) << c.name << ": " << got.message;
    EXPECT_THAT(got.message, HasSubstr(c.message)) << c.name;
  }
}

TEST(GraphCApi, BadArgumentsAndBytes) {
  const uint32_t src[] = {0}, dst[] = {1};
  double values[2] = {-7, -7};
  uint8_t* out = nullptr;
  size_t len = 0;
  mitra_error* err = nullptr;
  const uint8_t garbage[] = {0xff, 0xff, 0xff};
  EXPECT_EQ(mitra_graph_centrality(2, src, dst, nullptr, 1, garbage, sizeof garbage, values, &out, &len, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("not a valid serialized mitra.v1.CentralityRequest"));
  mitra_error_free(err);
  EXPECT_EQ(mitra_graph_centrality(2, nullptr, dst, nullptr, 1, nullptr, 0, values, &out, &len, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("src is NULL"));
  mitra_error_free(err);
  const double weights[] = {-1};
  v1::CentralityRequest pr;
  pr.mutable_pagerank();
  const std::string b = pr.SerializeAsString();
  EXPECT_EQ(mitra_graph_centrality(2, src, dst, weights, 1, reinterpret_cast<const uint8_t*>(b.data()),
                                   b.size(), values, &out, &len, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("weights[0]: must be finite and >= 0, got -1"));
  mitra_error_free(err);
  EXPECT_EQ(values[0], -7);
  // Modularity: a community id out of range, and a bad resolution.
  const uint32_t membership[] = {0, 9};
  double q = -7;
  EXPECT_EQ(mitra_graph_modularity(2, src, dst, nullptr, 1, 0, membership, 1.0, &q, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("membership[1]: community 9 out of range"));
  mitra_error_free(err);
  const uint32_t ok_membership[] = {0, 0};
  EXPECT_EQ(mitra_graph_modularity(2, src, dst, nullptr, 1, 0, ok_membership, NAN, &q, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("resolution: must be finite and >= 0, got nan"));
  mitra_error_free(err);
  EXPECT_EQ(q, -7);
  // Leiden: bad resolution; nothing written.
  v1::LeidenRequest lr;
  lr.set_resolution(-1);
  const std::string lb = lr.SerializeAsString();
  uint32_t m[2] = {77, 77};
  EXPECT_EQ(mitra_graph_leiden(2, src, dst, nullptr, 1, reinterpret_cast<const uint8_t*>(lb.data()),
                               lb.size(), m, &out, &len, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("request.resolution: must be finite and >= 0, got -1"));
  mitra_error_free(err);
  EXPECT_EQ(m[0], 77u);
  EXPECT_EQ(out, nullptr);
}

TEST(GraphCApi, EmptyGraph) {
  v1::CentralityRequest r;
  r.mutable_kcore();
  Edges e;
  Result got = Centrality(e, r, 0);
  EXPECT_EQ(got.status, MITRA_OK) << got.message;
}

// The interaction graph of a small workspace: one node per customer, the
// default kind weights, node_ids = customer ids; a community's subgraph.
TEST(GraphCApi, InteractionGraphOfAWorkspace) {
  mitra_workspace* ws = nullptr;
  ASSERT_EQ(mitra_workspace_create(&ws, nullptr), MITRA_OK);
  v1::Batch b;
  for (const char* id : {"a", "b", "c"}) b.add_customers()->set_id(id);
  b.add_communities()->set_id("k");
  auto add = [&](const char* from, const char* to, v1::InteractionKind kind, int64_t t, bool in_k) {
    auto* i = b.add_interactions();
    i->set_from_customer_id(from);
    i->set_to_customer_id(to);
    i->set_kind(kind);
    i->set_time_unix_seconds(t);
    if (in_k) i->set_community_id("k");
  };
  const int64_t t0 = 1710000000;
  add("a", "b", v1::INTERACTION_KIND_REPLY, t0, true);
  add("a", "b", v1::INTERACTION_KIND_ENDORSEMENT, t0, true);
  add("c", "a", v1::INTERACTION_KIND_LIKE, t0, false);
  ASSERT_TRUE(mitra::testing::IngestThroughCApi(ws, b).ok());
  auto call = [&](const v1::InteractionGraphRequest& r, v1::Graph* g, std::string* message) {
    const mitra::testing::CApiResult c = mitra::testing::CallCApi(
        r.SerializeAsString(), [&](const uint8_t* q, size_t ql, uint8_t** o, size_t* ol,
                                   mitra_error** e) {
          return mitra_workspace_interaction_graph(ws, q, ql, o, ol, e);
        });
    *message = c.message;
    if (c.status == MITRA_OK) {
      EXPECT_TRUE(g->ParseFromString(c.bytes));
    }
    return c.status;
  };
  v1::Graph g;
  std::string message;
  v1::InteractionGraphRequest r;
  r.set_half_life_days(0);
  ASSERT_EQ(call(r, &g, &message), MITRA_OK) << message;
  EXPECT_EQ(g.num_nodes(), 3u);
  EXPECT_TRUE(g.directed());
  EXPECT_THAT(g.node_ids(), ::testing::ElementsAre("a", "b", "c"));
  ASSERT_EQ(g.src_size(), 2);
  EXPECT_EQ(g.src(0), 0u);
  EXPECT_EQ(g.dst(0), 1u);
  EXPECT_DOUBLE_EQ(g.weight(0), 1 + 3);  // reply 1 + endorsement 3
  EXPECT_EQ(g.src(1), 2u);
  EXPECT_DOUBLE_EQ(g.weight(1), 0.5);  // like
  EXPECT_EQ(g.as_of_unix_seconds(), t0);
  // Overridden kind weights, and the community's subgraph.
  auto* kw = r.add_kind_weights();
  kw->set_kind(v1::INTERACTION_KIND_ENDORSEMENT);
  kw->set_weight(10);
  r.set_community_id("k");
  ASSERT_EQ(call(r, &g, &message), MITRA_OK) << message;
  EXPECT_THAT(g.node_ids(), ::testing::ElementsAre("a", "b"));
  ASSERT_EQ(g.src_size(), 1);
  EXPECT_DOUBLE_EQ(g.weight(0), 11);
  // Errors.
  r.set_community_id("nope");
  EXPECT_EQ(call(r, &g, &message), MITRA_NOT_FOUND);
  EXPECT_THAT(message, HasSubstr("request.community_id: unknown community id \"nope\""));
  r.set_community_id("");
  r.set_half_life_days(-1);
  EXPECT_EQ(call(r, &g, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.half_life_days: must be finite and >= 0"));
  r.clear_half_life_days();
  r.add_kind_weights()->set_kind(v1::INTERACTION_KIND_ENDORSEMENT);
  EXPECT_EQ(call(r, &g, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.kind_weights[1].kind: INTERACTION_KIND_ENDORSEMENT is listed twice"));
  mitra_workspace_free(ws);
}

// The hand-counted workspace of tests/graph/fixtures/influence_workspace
// (its README has the counts), read through the C ABI's CSV ingest.
mitra_workspace* InfluenceWorkspace() {
  mitra_workspace* ws = nullptr;
  EXPECT_EQ(mitra_workspace_create(&ws, nullptr), MITRA_OK);
  for (const char* kind : {"customers", "products", "interactions", "transactions"}) {
    const std::string path = FixturePath(std::string("influence_workspace/") + kind + ".csv");
    mitra_error* err = nullptr;
    EXPECT_EQ(mitra_workspace_ingest_csv(ws, kind, path.c_str(), &err), MITRA_OK)
        << (err ? mitra_error_message(err) : "");
    mitra_error_free(err);
  }
  return ws;
}

mitra::testing::CApiResult LearnInfluence(mitra_workspace* ws, const v1::LearnInfluenceRequest& r,
                                          v1::LearnInfluenceReport* report) {
  mitra::testing::CApiResult c = mitra::testing::CallCApi(
      r.SerializeAsString(),
      [&](const uint8_t* q, size_t ql, uint8_t** o, size_t* ol, mitra_error** e) {
        return mitra_workspace_learn_influence(ws, q, ql, o, ol, e);
      });
  if (c.status == MITRA_OK) {
    EXPECT_TRUE(report->ParseFromString(c.bytes));
  }
  return c;
}

TEST(GraphCApi, LearnInfluenceCountsByHand) {
  mitra_workspace* ws = InfluenceWorkspace();
  v1::LearnInfluenceRequest r;
  r.set_window_seconds(2 * 86400);
  r.mutable_graph()->set_half_life_days(0);
  for (v1::InfluenceMethod method : {v1::INFLUENCE_METHOD_BERNOULLI, v1::INFLUENCE_METHOD_EM}) {
    r.set_method(method);
    v1::LearnInfluenceReport rep;
    auto c = LearnInfluence(ws, r, &rep);
    ASSERT_EQ(c.status, MITRA_OK) << c.message;
    EXPECT_EQ(rep.method(), method);
    EXPECT_EQ(rep.window_seconds(), 2 * 86400);
    EXPECT_EQ(rep.num_arcs(), 3u);
    EXPECT_EQ(rep.arcs_with_trials(), 3u);
    EXPECT_EQ(rep.actions(), 9u);
    EXPECT_EQ(rep.items(), 4u);
    ASSERT_EQ(rep.arcs_size(), 3);
    // Graph order: a -> b, a -> c, b -> c.
    const char* want[3][2] = {{"a", "b"}, {"a", "c"}, {"b", "c"}};
    const v1::InteractionKind kinds[3] = {v1::INTERACTION_KIND_REPLY, v1::INTERACTION_KIND_LIKE,
                                          v1::INTERACTION_KIND_REPLY};
    const double successes[3] = {2, 1, 1};
    for (int k = 0; k < 3; ++k) {
      const v1::LearnedArc& a = rep.arcs(k);
      EXPECT_EQ(a.from_customer_id(), want[k][0]);
      EXPECT_EQ(a.to_customer_id(), want[k][1]);
      EXPECT_EQ(a.kind(), kinds[k]);
      EXPECT_EQ(a.trials(), 3u);
      EXPECT_NEAR(a.successes(), successes[k], 1e-9);
      EXPECT_NEAR(a.estimate(), successes[k] / 3, 1e-9);
      // The posterior is its kind's prior updated by the counts.
      const v1::InfluencePrior* prior = nullptr;
      for (const v1::InfluencePrior& p : rep.priors())
        if (p.kind() == a.kind()) prior = &p;
      ASSERT_NE(prior, nullptr);
      EXPECT_NEAR(a.alpha(), prior->a() + a.successes(), 1e-9);
      EXPECT_NEAR(a.beta(), prior->b() + a.trials() - a.successes(), 1e-9);
      EXPECT_NEAR(a.posterior_mean(), a.alpha() / (a.alpha() + a.beta()), 1e-12);
      EXPECT_LT(a.low(), a.posterior_mean());
      EXPECT_GT(a.high(), a.posterior_mean());
    }
    // Reply (2 arcs) and like (1 arc) have arcs; nothing else is listed.
    // Three arcs are too few to fit a prior from (20 are needed): both
    // kinds have the uniform Beta(1, 1), fitted on no arc.
    ASSERT_EQ(rep.priors_size(), 2);
    EXPECT_EQ(rep.priors(0).kind(), v1::INTERACTION_KIND_REPLY);
    EXPECT_EQ(rep.priors(1).kind(), v1::INTERACTION_KIND_LIKE);
    for (const v1::InfluencePrior& p : rep.priors()) {
      EXPECT_EQ(p.arcs(), 0u);
      EXPECT_EQ(p.a(), 1);
      EXPECT_EQ(p.b(), 1);
    }
    EXPECT_FALSE(rep.has_holdout());
  }
  // Scooters only: a -> b 2/2, a -> c 0/2, b -> c 1/3; arcs with >= 3
  // trials only.
  r.set_method(v1::INFLUENCE_METHOD_BERNOULLI);
  r.set_product_line("scooter");
  r.set_min_trials(3);
  v1::LearnInfluenceReport rep;
  auto c = LearnInfluence(ws, r, &rep);
  ASSERT_EQ(c.status, MITRA_OK) << c.message;
  ASSERT_EQ(rep.arcs_size(), 1);
  EXPECT_EQ(rep.arcs(0).from_customer_id(), "b");
  EXPECT_NEAR(rep.arcs(0).estimate(), 1.0 / 3, 1e-12);
  EXPECT_EQ(rep.arcs_with_trials(), 3u);
  mitra_workspace_free(ws);
}

TEST(GraphCApi, LearnInfluenceHoldoutTable) {
  mitra_workspace* ws = InfluenceWorkspace();
  v1::LearnInfluenceRequest r;
  r.set_window_seconds(2 * 86400);
  r.set_method(v1::INFLUENCE_METHOD_BERNOULLI);
  const int64_t t = 1709251200;  // 2024-03-01T00:00:00Z
  r.set_split_unix_seconds(t + 3 * 86400);
  v1::LearnInfluenceReport rep;
  auto c = LearnInfluence(ws, r, &rep);
  ASSERT_EQ(c.status, MITRA_OK) << c.message;
  const v1::HoldoutTable& h = rep.holdout();
  EXPECT_EQ(h.split_unix_seconds(), t + 3 * 86400);
  // Test: c's p1. Units (p1, c) positive and (p1, d) negative; c exposed.
  EXPECT_EQ(h.units(), 2u);
  EXPECT_EQ(h.positives(), 1u);
  EXPECT_EQ(h.exposed_units(), 1u);
  EXPECT_EQ(h.training_items(), 4u);
  EXPECT_EQ(h.test_items(), 1u);
  ASSERT_EQ(h.scores_size(), 4);
  EXPECT_EQ(h.scores(0).model(), "learned");
  EXPECT_EQ(h.scores(1).model(), "weighted_cascade");
  EXPECT_EQ(h.scores(2).model(), "uniform");
  EXPECT_EQ(h.scores(3).model(), "no_influence");
  for (const v1::HoldoutScore& s : h.scores()) {
    EXPECT_NEAR(s.mean_log_likelihood(), s.log_likelihood() / 2, 1e-12);
    EXPECT_LT(s.log_likelihood(), 0);
  }
  // No influence, by hand: q_c = (A_c + 1) / (4 + 2) = (2 + 1) / 6 (c's
  // training actions: p3, h1), q_d = 1 / 6. ln q_c + ln(1 - q_d).
  EXPECT_NEAR(h.scores(3).log_likelihood(), std::log(0.5) + std::log(5.0 / 6), 1e-12);
  EXPECT_DOUBLE_EQ(h.scores(3).auc(), 1.0);  // c scores above d
  mitra_workspace_free(ws);
}

TEST(GraphCApi, LearnInfluenceErrorsNameTheRequestField) {
  mitra_workspace* ws = InfluenceWorkspace();
  auto error = [&](const v1::LearnInfluenceRequest& r, mitra_status want) {
    v1::LearnInfluenceReport rep;
    auto c = LearnInfluence(ws, r, &rep);
    EXPECT_EQ(c.status, want) << c.message;
    EXPECT_TRUE(c.bytes.empty());
    return c.message;
  };
  v1::LearnInfluenceRequest r;
  r.set_em_max_iterations(0);
  EXPECT_THAT(error(r, MITRA_INVALID_ARGUMENT),
              HasSubstr("request.em_max_iterations: must be 1..100000, got 0"));
  r.Clear();
  r.set_window_seconds(0);
  EXPECT_THAT(error(r, MITRA_INVALID_ARGUMENT), HasSubstr("request.window_seconds: must be > 0, got 0"));
  r.Clear();
  r.set_decay_seconds(-1);
  EXPECT_THAT(error(r, MITRA_INVALID_ARGUMENT), HasSubstr("request.decay_seconds: must be finite"));
  r.Clear();
  r.set_product_line("bicycle");
  EXPECT_THAT(error(r, MITRA_INVALID_ARGUMENT),
              HasSubstr("request.product_line: no product has the category \"bicycle\""));
  r.Clear();
  r.set_action(v1::INFLUENCE_ACTION_SOURCE_PROGRAM_JOINS);
  r.set_product_line("scooter");
  EXPECT_THAT(error(r, MITRA_INVALID_ARGUMENT),
              HasSubstr("request.product_line: only purchases have a product line"));
  r.Clear();
  r.set_method(static_cast<v1::InfluenceMethod>(9));
  EXPECT_THAT(error(r, MITRA_INVALID_ARGUMENT), HasSubstr("request.method: unknown influence method 9"));
  r.Clear();
  r.mutable_graph()->set_community_id("k");
  EXPECT_THAT(error(r, MITRA_INVALID_ARGUMENT), HasSubstr("request.graph.community_id: "));
  r.Clear();
  r.mutable_graph()->set_half_life_days(-1);
  EXPECT_THAT(error(r, MITRA_INVALID_ARGUMENT), HasSubstr("request.graph.half_life_days: "));
  r.Clear();
  r.set_split_unix_seconds(1);  // before every action: no training period
  EXPECT_THAT(error(r, MITRA_FAILED_PRECONDITION), HasSubstr("request.split_unix_seconds: "));
  mitra_workspace_free(ws);
}

// Block shares of a PageRank sweep, added up by the caller as mitra.dask
// does, give mitra_graph_centrality's PageRank (itself checked against
// networkx above); the blocks hold the out-edges of node ranges.
TEST(GraphCApi, TransitionProductBlocksGivePageRank) {
  const Edges e = ReadEdges("random_directed.txt", true);
  const uint32_t n = e.n;
  v1::CentralityRequest request;
  request.mutable_pagerank()->set_tolerance(1e-14);
  const Result want = Centrality(e, request);
  ASSERT_EQ(want.status, MITRA_OK) << want.message;
  const std::vector<uint32_t> bounds = {0, 100, 101, 250, n};
  struct Block {
    std::vector<uint32_t> src, dst;
    std::vector<double> w;
  };
  std::vector<Block> blocks(bounds.size() - 1);
  for (size_t i = 0; i < e.src.size(); ++i) {
    size_t b = 0;
    while (e.src[i] >= bounds[b + 1]) ++b;
    blocks[b].src.push_back(e.src[i]);
    blocks[b].dst.push_back(e.dst[i]);
    blocks[b].w.push_back(e.weight[i]);
  }
  std::vector<double> y(n);
  const std::vector<double> x = mitra::graph::testing::BlockPowerIteration(
      n, [&](const std::vector<double>& x, std::vector<double>* sum, double* dangling) {
        for (size_t b = 0; b < blocks.size(); ++b) {
          double share = -1;
          mitra_error* err = nullptr;
          ASSERT_EQ(mitra_graph_transition_product(n, blocks[b].src.data(), blocks[b].dst.data(),
                                                   blocks[b].w.data(), blocks[b].src.size(),
                                                   bounds[b], bounds[b + 1], x.data() + bounds[b],
                                                   y.data(), &share, &err),
                    MITRA_OK)
              << (err ? mitra_error_message(err) : "");
          for (uint32_t v = 0; v < n; ++v) (*sum)[v] += y[v];
          *dangling += share;
        }
      });
  double l1 = 0;
  for (uint32_t v = 0; v < n; ++v) l1 += std::fabs(x[v] - want.values[v]);
  EXPECT_LT(l1, 1e-12);
}

TEST(GraphCApi, TransitionProductErrorsNameTheArgument) {
  const uint32_t src[] = {0, 2, 1};
  const uint32_t dst[] = {1, 0, 2};
  const double w[] = {1, 1, -1};
  const double x[] = {0.5, 0.5};
  double y[3] = {-7, -7, -7}, dangling = -7;
  auto error = [&](const double* weights, size_t m, uint32_t first, uint32_t last,
                   mitra_status want) {
    mitra_error* err = nullptr;
    EXPECT_EQ(mitra_graph_transition_product(3, src, dst, weights, m, first, last, x, y,
                                             &dangling, &err),
              want);
    std::string message = err ? mitra_error_message(err) : "";
    mitra_error_free(err);
    return message;
  };
  EXPECT_THAT(error(nullptr, 2, 0, 2, MITRA_INVALID_ARGUMENT),
              HasSubstr("src[1]: node 2 outside the block [0, 2)"));
  EXPECT_THAT(error(nullptr, 1, 2, 4, MITRA_INVALID_ARGUMENT),
              HasSubstr("first, last: the block [2, 4) must lie within [0, num_nodes = 3]"));
  EXPECT_THAT(error(w, 3, 0, 3, MITRA_INVALID_ARGUMENT), HasSubstr("weights[2]"));
  mitra_error* err = nullptr;
  EXPECT_EQ(mitra_graph_transition_product(3, src, dst, nullptr, 1, 0, 2, x, y, nullptr, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("dangling"));
  mitra_error_free(err);
  EXPECT_EQ(mitra_graph_transition_product(3, src, dst, nullptr, 1, 0, 2, nullptr, y, &dangling,
                                           &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("x"));
  mitra_error_free(err);
  for (double v : y) EXPECT_EQ(v, -7);  // failing calls write nothing
  EXPECT_EQ(dangling, -7);
  // A block of one node with one edge: y = x[0] on its target.
  ASSERT_EQ(error(nullptr, 1, 0, 1, MITRA_OK), "");
  EXPECT_EQ(y[0], 0);
  EXPECT_EQ(y[1], 0.5);
  EXPECT_EQ(y[2], 0);
  EXPECT_EQ(dangling, 0);
}

}  // namespace

namespace {

// Per-edge values through the C function: a triangle 0-1-2 with a pendant
// 2-3 given twice (a duplicate), undirected. Truss: the triangle's edges 3,
// the pendant 2. Edge betweenness (raw, unordered pairs): 0-1 is only on
// its own pair's path (1); 0-2 and 1-2 carry their pair and the pair with 3
// (2 each); 2-3 the three pairs that end at 3.
TEST(GraphCApi, EdgeValues) {
  const uint32_t src[] = {0, 1, 2, 3, 2}, dst[] = {1, 2, 0, 2, 3};
  double values[5] = {-7, -7, -7, -7, -7};
  uint8_t* out = nullptr;
  size_t len = 0;
  mitra_error* err = nullptr;
  v1::EdgeValuesRequest r;
  r.mutable_truss();
  std::string b = r.SerializeAsString();
  ASSERT_EQ(mitra_graph_edge_values(4, src, dst, nullptr, 5, reinterpret_cast<const uint8_t*>(b.data()),
                                    b.size(), values, &out, &len, &err),
            MITRA_OK)
      << mitra_error_message(err);
  EXPECT_THAT(values, ::testing::ElementsAre(3, 3, 3, 2, 2));
  v1::EdgeValuesReport report;
  ASSERT_TRUE(report.ParseFromArray(out, static_cast<int>(len)));
  EXPECT_EQ(report.algorithm(), "truss");
  mitra_free(out);
  r.Clear();
  r.mutable_betweenness()->set_normalized(false);
  r.set_directed(false);
  b = r.SerializeAsString();
  ASSERT_EQ(mitra_graph_edge_values(4, src, dst, nullptr, 5, reinterpret_cast<const uint8_t*>(b.data()),
                                    b.size(), values, &out, &len, &err),
            MITRA_OK)
      << mitra_error_message(err);
  EXPECT_THAT(values, ::testing::ElementsAre(1, 2, 2, 3, 3));
  mitra_free(out);
  // Errors: nothing written.
  std::fill(values, values + 5, -7.0);
  r.mutable_betweenness()->set_endpoints(true);
  b = r.SerializeAsString();
  EXPECT_EQ(mitra_graph_edge_values(4, src, dst, nullptr, 5, reinterpret_cast<const uint8_t*>(b.data()),
                                    b.size(), values, &out, &len, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("request.betweenness.endpoints: not defined for edges"));
  mitra_error_free(err);
  EXPECT_EQ(mitra_graph_edge_values(4, src, dst, nullptr, 5, reinterpret_cast<const uint8_t*>(b.data()),
                                    b.size(), nullptr, &out, &len, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("values is NULL"));
  mitra_error_free(err);
  const uint32_t bad_dst[] = {1, 2, 0, 2, 9};
  EXPECT_EQ(mitra_graph_edge_values(4, src, bad_dst, nullptr, 5, reinterpret_cast<const uint8_t*>(b.data()),
                                    b.size(), values, &out, &len, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("dst[4]"));
  mitra_error_free(err);
  EXPECT_EQ(values[0], -7);
}

}  // namespace

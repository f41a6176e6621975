// The workspace request (WorkspacePlanMessage) hands the interaction graph's
// CSR straight to the diffusion graph. These tests hold it to the two
// other ways of getting the same plan: PlanOnWorkspace on a DiffusionGraph
// built from the same CSR by hand (directed, the default), and PlanFromEdges
// on the graph's arcs as edge arrays (directed = false, where the request
// reads the graph as an undirected edge list).
#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/sample_data.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/activation/messages.h"
#include "mitra/graph/interaction_graph.h"

namespace mitra::activation {
namespace {

std::vector<uint32_t> Seeds(const v1::Plan& p) { return {p.seeds().begin(), p.seeds().end()}; }

v1::WorkspacePlanRequest AllCandidates() {
  v1::WorkspacePlanRequest r;
  r.set_candidates(v1::CANDIDATE_SOURCE_ALL);
  r.mutable_plan()->set_k(5);
  r.mutable_plan()->set_seed(3);
  r.mutable_plan()->set_epsilon(0.5);
  r.mutable_plan()->set_check_runs(300);
  return r;
}

TEST(WorkspacePlanMessageTest, DirectedEqualsPlanOnWorkspaceOnTheSameGraph) {
  const Workspace& ws = testing::SampleWorkspace();
  const Tables& t = ws.tables();
  for (v1::DiffusionModel model : {v1::DIFFUSION_MODEL_IC, v1::DIFFUSION_MODEL_LT}) {
    v1::WorkspacePlanRequest request = AllCandidates();
    request.mutable_plan()->set_model(model);
    v1::WorkspacePlan got;
    ASSERT_TRUE(WorkspacePlanMessage(ws, request, &got).ok());

    auto ig = graph::BuildInteractionGraph(t, {});
    ASSERT_TRUE(ig.ok()) << ig.status();
    auto p = WeightedCascadeProbabilities(ig->graph);
    ASSERT_TRUE(p.ok());
    const Model m = model == v1::DIFFUSION_MODEL_LT ? Model::kLinearThreshold
                                                     : Model::kIndependentCascade;
    auto dg = DiffusionGraph::Create(ig->graph, m, *p);
    ASSERT_TRUE(dg.ok()) << dg.status();
    WorkspacePlanOptions o;
    o.candidates = CandidateSource::kAll;
    o.plan.imm.k = 5;
    o.plan.imm.seed = 3;
    o.plan.imm.epsilon = 0.5;
    o.plan.check_runs = 300;
    auto want = PlanOnWorkspace(t, *dg, o);
    ASSERT_TRUE(want.ok()) << want.status();

    ASSERT_EQ(got.leaders_size(), 5);
    for (int i = 0; i < 5; ++i)
      EXPECT_EQ(got.leaders(i).customer_id(), t.customers.ids.Id(want->plan.seeds[i].node));
    EXPECT_EQ(got.plan().num_arcs(), ig->graph.num_arcs());
    EXPECT_EQ(got.plan().imm_estimate(), want->plan.imm_estimate);
    EXPECT_EQ(got.plan().check().mean(), want->plan.check.mean);
    EXPECT_EQ(got.plan().rr_sets(), want->plan.imm.rr_sets);
  }
}

TEST(WorkspacePlanMessageTest, UndirectedEqualsTheArcsAsAnUndirectedEdgeList) {
  // The sample plus two self-interactions, so that the self-loops the
  // request keeps count once, as on edge arrays.
  Workspace ws;
  ASSERT_TRUE(testing::IngestSample(ws).ok());
  v1::Batch loops;
  for (const char* id : {"C0004", "C0016"}) {
    v1::Interaction* x = loops.add_interactions();
    x->set_from_customer_id(id);
    x->set_to_customer_id(id);
    x->set_kind(v1::INTERACTION_KIND_REPLY);
    x->set_time_unix_seconds(1704067200);
  }
  ASSERT_TRUE(ws.Ingest(loops).ok());
  const Tables& t = ws.tables();

  for (v1::EdgeProbabilities rule :
       {v1::EDGE_PROBABILITIES_WEIGHTED_CASCADE, v1::EDGE_PROBABILITIES_INTERACTION}) {
    v1::WorkspacePlanRequest request = AllCandidates();
    request.mutable_graph()->set_keep_self_loops(true);
    request.mutable_plan()->set_directed(false);
    request.mutable_plan()->set_probabilities(rule);
    v1::WorkspacePlan got;
    ASSERT_TRUE(WorkspacePlanMessage(ws, request, &got).ok());

    graph::InteractionGraphOptions go;
    go.keep_self_loops = true;
    auto ig = graph::BuildInteractionGraph(t, go);
    ASSERT_TRUE(ig.ok()) << ig.status();
    ASSERT_EQ(ig->graph.num_self_loops(), 2u);
    const graph::Adjacency& a = ig->graph.out();
    std::vector<uint32_t> src;
    for (uint32_t u = 0; u < ig->graph.num_nodes(); ++u)
      src.insert(src.end(), ig->graph.out_degree(u), u);
    v1::Plan want;
    ASSERT_TRUE(PlanFromEdges(ig->graph.num_nodes(), src, a.targets, a.weights, request.plan(),
                              &want)
                    .ok());

    EXPECT_EQ(got.plan().num_arcs(), want.num_arcs());
    EXPECT_EQ(Seeds(got.plan()), Seeds(want));
    EXPECT_EQ(got.plan().imm_estimate(), want.imm_estimate());
    EXPECT_EQ(got.plan().check().mean(), want.check().mean());
    // Undirected: each unordered pair twice, each self-loop once.
    std::set<std::pair<uint32_t, uint32_t>> pairs;
    for (size_t k = 0; k < src.size(); ++k)
      pairs.emplace(std::min(src[k], a.targets[k]), std::max(src[k], a.targets[k]));
    EXPECT_EQ(got.plan().num_arcs(), 2 * (pairs.size() - 2) + 2);
  }
}


// One check per option, three callers: C++ reads the option's own name, an
// edge-array request its field, a workspace request the nested field (and
// the workspace's own name for a list the plan is given from it).
TEST(WorkspacePlanMessageTest, OneCheckNamesTheOptionInEachCallersTerms) {
  const Workspace& ws = testing::SampleWorkspace();
  const Tables& t = ws.tables();
  auto ig = graph::BuildInteractionGraph(t, {});
  ASSERT_TRUE(ig.ok()) << ig.status();
  auto dg = DiffusionGraph::Create(graph::CsrGraph(ig->graph), Model::kIndependentCascade,
                                   ArcRule{});
  ASSERT_TRUE(dg.ok()) << dg.status();
  const std::string problem = "must be in (0, 1), got 2";

  WorkspacePlanOptions o;
  o.candidates = CandidateSource::kAll;
  o.plan.imm.epsilon = 2;
  EXPECT_EQ(PlanOnWorkspace(t, *dg, o).status().message(), "epsilon: " + problem);

  v1::PlanRequest edges;
  edges.set_epsilon(2);
  edges.set_k(1);
  v1::Plan plan;
  EXPECT_EQ(PlanFromEdges(2, std::vector<uint32_t>{0}, std::vector<uint32_t>{1}, {}, edges, &plan)
                .message(),
            "request.epsilon: " + problem);

  v1::WorkspacePlanRequest request = AllCandidates();
  request.mutable_plan()->set_epsilon(2);
  v1::WorkspacePlan got;
  EXPECT_EQ(WorkspacePlanMessage(ws, request, &got).message(), "request.plan.epsilon: " + problem);

  // must_include is the plan's list, made from the request's must_include_ids.
  o = {};
  o.candidates = CandidateSource::kAll;
  o.must_include = {0, 0};
  EXPECT_EQ(PlanOnWorkspace(t, *dg, o).status().message(), "must_include[1]: node 0 listed twice");
  request = AllCandidates();
  request.add_must_include_ids(std::string(t.customers.ids.Id(0)));
  request.add_must_include_ids(std::string(t.customers.ids.Id(0)));
  EXPECT_EQ(WorkspacePlanMessage(ws, request, &got).message(),
            "request.must_include_ids[1]: node 0 listed twice");
}

}  // namespace
}  // namespace mitra::activation

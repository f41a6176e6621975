#include "mitra/activation/messages.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/money_basis_message.h"
#include "common/request_errors.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "mitra/activation/posterior.h"
#include "mitra/core/text_checks.h"
#include "mitra/graph/influence_messages.h"
#include "mitra/graph/messages.h"
#include "mitra/leaders/messages.h"

namespace mitra::activation {
namespace {

constexpr uint32_t kDefaultK = 50;

// On the wire, 0 threads means the default, 1.
int Threads(int32_t v) { return v == 0 ? 1 : v; }

// Fits the options' unsigned fields; the options' check names what is out
// of range.
template <typename T>
std::vector<T> Copy(const google::protobuf::RepeatedField<T>& v) {
  return std::vector<T>(v.begin(), v.end());
}

// The arc index of u -> v in g's sorted out-rows (it exists).
uint64_t ArcOf(const graph::CsrGraph& g, NodeId u, NodeId v) {
  const auto& out = g.out();
  auto begin = out.targets.begin() + out.offsets[u];
  auto end = out.targets.begin() + out.offsets[u + 1];
  return static_cast<uint64_t>(std::lower_bound(begin, end, v) - out.targets.begin());
}

// What a request asks of the diffusion graph. A GIVEN rule's values are
// per edge (rule.values stays empty: GivenArcValues makes them per arc).
struct DiffusionSpec {
  Model model = Model::kIndependentCascade;
  ArcRule rule;
  bool directed = true;
};

// The request's model, probabilities and direction, its fields at `at`.
// What exists only on the wire is refused here (unknown values, fields
// that do not go with the rule, GIVEN's per-edge values, one per edge of
// num_edges); the rule's own values are checked with the graph.
template <typename Request>
absl::StatusOr<DiffusionSpec> DiffusionFrom(const Request& r, size_t num_edges,
                                            const FieldPath& at) {
  DiffusionSpec d;
  switch (r.model()) {
    case v1::DIFFUSION_MODEL_UNSPECIFIED:
    case v1::DIFFUSION_MODEL_IC: d.model = Model::kIndependentCascade; break;
    case v1::DIFFUSION_MODEL_LT: d.model = Model::kLinearThreshold; break;
    default: return Invalid(at("model"), absl::StrCat("unknown value ", r.model()));
  }
  const int kind = r.probabilities();
  if (kind < 0 || kind > v1::EDGE_PROBABILITIES_LEARNED)
    return Invalid(at("probabilities"), absl::StrCat("unknown value ", kind));
  if (r.has_p() && kind != v1::EDGE_PROBABILITIES_CONSTANT)
    return Invalid(at("p"), "only with probabilities CONSTANT");
  if (r.has_lambda() && kind != v1::EDGE_PROBABILITIES_INTERACTION)
    return Invalid(at("lambda"), "only with probabilities INTERACTION");
  if (!r.edge_values().empty() && kind != v1::EDGE_PROBABILITIES_GIVEN)
    return Invalid(at("edge_values"), "only with probabilities GIVEN");
  if (kind == v1::EDGE_PROBABILITIES_CONSTANT && !r.has_p())
    return Invalid(at("p"), "required with probabilities CONSTANT");
  if (kind == v1::EDGE_PROBABILITIES_GIVEN) {
    if (static_cast<size_t>(r.edge_values_size()) != num_edges)
      return Invalid(at("edge_values"),
                     absl::StrCat(r.edge_values_size(), " values, but there are ", num_edges,
                                  " edges"));
    for (int i = 0; i < r.edge_values_size(); ++i)
      if (absl::Status s = CheckRange(r.edge_values(i), absl::StrCat(at("edge_values"), "[", i, "]"),
                                      r.edge_values(i) >= 0 && r.edge_values(i) <= 1, "in [0, 1]");
          !s.ok())
        return s;
  }
  using Kind = ArcRule::Kind;
  switch (kind) {
    case v1::EDGE_PROBABILITIES_UNSPECIFIED:
    case v1::EDGE_PROBABILITIES_WEIGHTED_CASCADE: d.rule.kind = Kind::kWeightedCascade; break;
    case v1::EDGE_PROBABILITIES_TRIVALENCY:
      d.rule.kind = Kind::kTrivalency;
      d.rule.seed = r.has_seed() ? r.seed() : 1;
      break;
    case v1::EDGE_PROBABILITIES_CONSTANT:
      d.rule.kind = Kind::kConstant;
      d.rule.p = r.p();
      break;
    case v1::EDGE_PROBABILITIES_INTERACTION:
      d.rule.kind = Kind::kInteraction;
      d.rule.lambda = r.has_lambda() ? r.lambda() : 1.0;
      break;
    case v1::EDGE_PROBABILITIES_LEARNED:
      // The model is learned from the workspace (WorkspacePlanMessageAt).
      d.rule.kind = Kind::kLearned;
      break;
    default: d.rule.kind = Kind::kGiven;
  }
  // The per-arc values the graph is given are made from edge_values; an LT
  // sum over 1 is the rule's problem, so it is named by the rule.
  d.rule.names = at;
  d.rule.names.Rename("arc_values", at("probabilities"));
  d.directed = r.has_directed() ? r.directed() : true;
  return d;
}

// GIVEN edge values per arc of g (built from these edges): duplicates
// combine (IC: 1 - prod(1 - p); LT: sum).
std::vector<double> GivenArcValues(const graph::CsrGraph& g, absl::Span<const NodeId> src,
                                   absl::Span<const NodeId> dst,
                                   const google::protobuf::RepeatedField<double>& edge_values,
                                   const DiffusionSpec& d) {
  std::vector<double> keep(g.num_arcs(), 1.0), sum(g.num_arcs(), 0.0);
  auto add = [&](NodeId u, NodeId v, double p) {
    const uint64_t k = ArcOf(g, u, v);
    keep[k] *= 1 - p;
    sum[k] += p;
  };
  for (size_t i = 0; i < src.size(); ++i) {
    add(src[i], dst[i], edge_values[static_cast<int>(i)]);
    if (!d.directed && src[i] != dst[i]) add(dst[i], src[i], edge_values[static_cast<int>(i)]);
  }
  if (d.model == Model::kLinearThreshold) return sum;
  for (size_t k = 0; k < keep.size(); ++k) keep[k] = 1 - keep[k];
  return keep;
}

// g read as an undirected edge list, as edge arrays with directed = false
// are: u->v and v->u add up, a self-loop counts once.
absl::StatusOr<graph::CsrGraph> UndirectedEdges(const graph::CsrGraph& g) {
  const graph::Adjacency& a = g.out();
  std::vector<NodeId> src;
  src.reserve(a.targets.size());
  for (uint32_t u = 0; u < g.num_nodes(); ++u) src.insert(src.end(), g.out_degree(u), u);
  graph::BuildOptions o;
  o.directed = false;
  o.keep_self_loops = true;
  return graph::CsrGraph::FromEdges(g.num_nodes(), src, a.targets, a.weights, o);
}

// Edge arrays: their one CSR, then the shared path.
template <typename Request>
absl::StatusOr<DiffusionGraph> Diffusion(uint32_t num_nodes, absl::Span<const NodeId> src,
                                         absl::Span<const NodeId> dst,
                                         absl::Span<const double> weights, const Request& r) {
  absl::StatusOr<DiffusionSpec> d = DiffusionFrom(r, src.size(), FieldPath("request"));
  if (!d.ok()) return d.status();
  if (d->rule.kind == ArcRule::Kind::kLearned)
    return Invalid("request.probabilities",
                   "LEARNED needs each arc's learned posterior, which edge arrays do not carry: "
                   "plan on a workspace (mitra_workspace_activation_plan with request.learning)");
  absl::StatusOr<graph::CsrGraph> g =
      graph::GraphFromEdges(num_nodes, src, dst, weights, d->directed);
  if (!g.ok()) return g.status();
  if (d->rule.kind == ArcRule::Kind::kGiven)
    d->rule.values = GivenArcValues(*g, src, dst, r.edge_values(), *d);
  return DiffusionGraph::Create(*std::move(g), d->model, std::move(d->rule));
}

}  // namespace

absl::StatusOr<DiffusionGraph> DiffusionGraphFromEdges(uint32_t num_nodes,
                                                       absl::Span<const NodeId> src,
                                                       absl::Span<const NodeId> dst,
                                                       absl::Span<const double> weights,
                                                       const v1::PlanRequest& request) {
  return Diffusion(num_nodes, src, dst, weights, request);
}

absl::StatusOr<DiffusionGraph> DiffusionGraphFromEdges(uint32_t num_nodes,
                                                       absl::Span<const NodeId> src,
                                                       absl::Span<const NodeId> dst,
                                                       absl::Span<const double> weights,
                                                       const v1::SimulateRequest& request) {
  return Diffusion(num_nodes, src, dst, weights, request);
}

namespace {

// The options of a plan request whose fields sit at `at`. Only what exists
// on the wire alone is refused here; Plan's one check names the rest in the
// request's terms (on a workspace, the costs of a budget come from the
// workspace's own fields before that check).
absl::StatusOr<PlanOptions> PlanOptionsOf(const v1::PlanRequest& r, uint32_t n,
                                          const FieldPath& at) {
  PlanOptions po;
  ImmOptions& o = po.imm;
  o.names = at;
  if (n == 0) return Invalid("num_nodes", "must be > 0 to plan");
  if (r.has_budget()) {
    if (r.has_k()) return Invalid(at("k"), "not with a budget (give one or the other)");
    o.budget = r.budget();
  } else {
    o.k = r.has_k() ? r.k() : std::min(kDefaultK, n);
  }
  o.costs = Copy(r.costs());
  if (r.has_epsilon()) o.epsilon = r.epsilon();
  if (r.has_ell()) o.ell = r.ell();
  if (r.has_seed()) o.seed = r.seed();
  o.threads = Threads(r.threads());
  o.candidates = Copy(r.candidates());
  o.excluded = Copy(r.excluded());
  o.must_include = Copy(r.must_include());
  o.targets = Copy(r.targets());
  o.groups = Copy(r.groups());
  o.group_quota = Copy(r.group_quota());
  if (r.has_check_runs()) po.check_runs = r.check_runs();
  if (r.has_check_seed()) po.check_seed = r.check_seed();
  o.fresh_rr_sets = r.fresh_rr_sets();
  if (r.has_max_rr_sets()) o.max_rr_sets = r.max_rr_sets();
  switch (r.algorithm()) {
    case v1::INFLUENCE_ALGORITHM_UNSPECIFIED:
    case v1::INFLUENCE_ALGORITHM_IMM: o.algorithm = ImAlgorithm::kImm; break;
    case v1::INFLUENCE_ALGORITHM_OPIM_C:
      if (o.fresh_rr_sets)
        return Invalid(at("fresh_rr_sets"), "only with algorithm IMM (OPIM-C's R1 and R2 "
                                            "are independent already)");
      o.algorithm = ImAlgorithm::kOpimC;
      break;
    default: return Invalid(at("algorithm"), absl::StrCat("unknown value ", r.algorithm()));
  }
  return po;
}

}  // namespace

absl::StatusOr<PlanOptions> PlanOptionsFrom(const v1::PlanRequest& r, uint32_t n) {
  return PlanOptionsOf(r, n, FieldPath("request"));
}

absl::StatusOr<SpreadOptions> SpreadOptionsFrom(const v1::SimulateRequest& r, uint32_t n,
                                                std::vector<NodeId>* seeds) {
  (void)n;  // EstimateSpread's one check names ids out of range
  SpreadOptions o;
  o.names = FieldPath("request");
  if (r.has_runs()) o.runs = r.runs();
  if (r.has_seed()) o.seed = r.seed();
  o.threads = Threads(r.threads());
  o.targets = Copy(r.targets());
  o.groups = Copy(r.groups());
  *seeds = Copy(r.seeds());
  return o;
}

void SpreadEstimateMessage(const SpreadEstimate& e, double z, v1::SpreadEstimate* out) {
  out->Clear();
  out->set_mean(e.mean);
  out->set_std_error(e.std_error);
  out->set_ci_low(e.ci_low);
  out->set_ci_high(e.ci_high);
  out->set_runs(e.runs);
  for (double g : e.group_mean) out->add_group_mean(g);
  out->set_confidence(std::erf(z / std::sqrt(2.0)));
}

void PlanMessage(const PlanResult& r, uint32_t num_nodes, uint64_t num_arcs, v1::Plan* out) {
  out->Clear();
  for (const PlannedSeed& s : r.seeds) {
    out->add_seeds(s.node);
    out->add_marginal_gains(s.marginal_gain);
    out->add_costs(s.cost);
  }
  out->set_imm_estimate(r.imm_estimate);
  SpreadEstimateMessage(r.check, SpreadOptions().z, out->mutable_check());
  out->set_check_seed(r.check_seed);
  out->set_total_cost(r.total_cost);
  out->set_cost_per_reached(r.cost_per_reached);
  ToMessage(r.cost_basis, out->mutable_cost_basis());
  out->set_approximation(r.approximation);
  out->set_gamma(r.gamma);
  out->set_epsilon(r.epsilon);
  out->set_ell(r.ell);
  out->set_ell_adjusted(r.imm.ell_adjusted);
  out->set_guarantee(r.guarantee);
  out->set_rr_sets(r.imm.rr_sets);
  out->set_rr_sets_sampled(r.imm.rr_sets_sampled);
  out->set_theta(r.imm.theta);
  out->set_lower_bound(r.imm.lower_bound);
  out->set_rr_memory_bytes(r.imm.rr_memory_bytes);
  out->set_num_nodes(num_nodes);
  out->set_num_arcs(num_arcs);
  const bool opim = r.imm.algorithm == ImAlgorithm::kOpimC;
  out->set_algorithm(opim ? v1::INFLUENCE_ALGORITHM_OPIM_C : v1::INFLUENCE_ALGORITHM_IMM);
  if (opim) {
    out->set_rounds(r.imm.rounds);
    out->set_spread_lower_bound(r.imm.spread_lower_bound);
    out->set_opt_upper_bound(r.imm.opt_upper_bound);
    out->set_certified_ratio(r.imm.certified_ratio);
  }
}

absl::Status PlanFromEdges(uint32_t num_nodes, absl::Span<const NodeId> src,
                           absl::Span<const NodeId> dst, absl::Span<const double> weights,
                           const v1::PlanRequest& request, v1::Plan* out) {
  absl::StatusOr<PlanOptions> o = PlanOptionsFrom(request, num_nodes);
  if (!o.ok()) return o.status();
  absl::StatusOr<DiffusionGraph> dg =
      DiffusionGraphFromEdges(num_nodes, src, dst, weights, request);
  if (!dg.ok()) return dg.status();
  absl::StatusOr<PlanResult> r = Plan(*dg, *o);
  if (!r.ok()) return r.status();
  PlanMessage(*r, dg->num_nodes(), dg->num_arcs(), out);
  return absl::OkStatus();
}

absl::Status SimulateFromEdges(uint32_t num_nodes, absl::Span<const NodeId> src,
                               absl::Span<const NodeId> dst, absl::Span<const double> weights,
                               const v1::SimulateRequest& request, v1::SpreadEstimate* out) {
  std::vector<NodeId> seeds;
  absl::StatusOr<SpreadOptions> o = SpreadOptionsFrom(request, num_nodes, &seeds);
  if (!o.ok()) return o.status();
  absl::StatusOr<DiffusionGraph> dg =
      DiffusionGraphFromEdges(num_nodes, src, dst, weights, request);
  if (!dg.ok()) return dg.status();
  absl::StatusOr<SpreadEstimate> e = EstimateSpread(*dg, seeds, *o);
  if (!e.ok()) return e.status();
  SpreadEstimateMessage(*e, o->z, out);
  return absl::OkStatus();
}

namespace {

absl::StatusOr<std::vector<Index>> CustomerIndices(
    const Workspace& ws, const google::protobuf::RepeatedPtrField<std::string>& ids,
    absl::string_view where) {
  std::vector<Index> out;
  for (int i = 0; i < ids.size(); ++i) {
    absl::StatusOr<Index> c = CustomerIndex(ws, ids[i], absl::StrCat(where, "[", i, "]"));
    if (!c.ok()) return c.status();
    out.push_back(*c);
  }
  return out;
}

// What only goes with LEARNED probabilities, and what LEARNED excludes:
// refused on the wire, before anything is learned or planned.
absl::Status CheckLearnedFields(const v1::WorkspacePlanRequest& r, const DiffusionSpec& d,
                                const FieldPath& at) {
  if (d.rule.kind != ArcRule::Kind::kLearned) {
    const char* only = "only with plan.probabilities LEARNED";
    if (r.has_learning()) return Invalid(at("learning"), only);
    if (r.has_posterior_worlds()) return Invalid(at("posterior_worlds"), only);
    if (r.has_posterior_runs()) return Invalid(at("posterior_runs"), only);
    return absl::OkStatus();
  }
  if (d.model != Model::kIndependentCascade)
    return Invalid(at.Sub("plan")("model"),
                   "must be IC with LEARNED probabilities (they are independent cascade "
                   "probabilities)");
  if (!d.directed)
    return Invalid(at.Sub("plan")("directed"),
                   "must be true with LEARNED probabilities (they are learned per direction)");
  const FieldPath learning = at.Sub("learning");
  if (r.learning().has_graph())
    return Invalid(learning("graph"), absl::StrCat("must be unset (", at("graph"), " is used)"));
  if (r.learning().has_split_unix_seconds())
    return Invalid(learning("split_unix_seconds"),
                   "not used by a plan (mitra_workspace_learn_influence scores a holdout)");
  if (r.learning().has_min_trials())
    return Invalid(learning("min_trials"), "not used by a plan");
  return absl::OkStatus();
}

void PosteriorReachMessage(const PosteriorSpread& p, const PosteriorSpreadOptions& o,
                           const graph::InfluenceModel& model, v1::PosteriorReach* out) {
  out->set_mean(p.mean);
  out->set_low(p.low);
  out->set_high(p.high);
  out->set_confidence(o.confidence);
  out->set_world_sd(p.world_sd);
  out->set_sampling_std_error(p.sampling_std_error);
  out->set_worlds(p.worlds);
  out->set_runs_per_world(o.spread.runs);
  out->set_actions(model.actions);
  uint64_t with_trials = 0;
  for (uint32_t n : model.trials) with_trials += n > 0;
  out->set_arcs_with_trials(with_trials);
}

}  // namespace

absl::Status WorkspacePlanMessage(const Workspace& ws, const v1::WorkspacePlanRequest& request,
                                  v1::WorkspacePlan* out) {
  return WorkspacePlanMessageAt(ws, request, out, FieldPath("request"));
}

absl::Status WorkspacePlanMessageAt(const Workspace& ws, const v1::WorkspacePlanRequest& request,
                                    v1::WorkspacePlan* out, const FieldPath& at) {
  const Tables& t = ws.tables();
  const uint32_t n = static_cast<uint32_t>(t.customers.ids.size());
  const v1::PlanRequest& pr = request.plan();
  const struct {
    int size;
    const char* name;
  } node_level[] = {{pr.edge_values_size(), "edge_values"}, {pr.costs_size(), "costs"},
                    {pr.candidates_size(), "candidates"},   {pr.excluded_size(), "excluded"},
                    {pr.must_include_size(), "must_include"}, {pr.targets_size(), "targets"},
                    {pr.groups_size(), "groups"},           {pr.group_quota_size(), "group_quota"}};
  for (const auto& f : node_level)
    if (f.size > 0)
      return Invalid(at.Sub("plan")(f.name),
                     "must be empty on a workspace (use the request's fields that name customers "
                     "and communities)");
  if (pr.probabilities() == v1::EDGE_PROBABILITIES_GIVEN)
    return Invalid(at.Sub("plan")("probabilities"), "GIVEN needs edge arrays, not a workspace");
  if (n == 0) return Invalid("workspace", "has no customers to plan on");
  if (!request.graph().community_id().empty())
    return Invalid(at.Sub("graph")("community_id"),
                   "must be empty (the whole workspace is used)");
  if (request.leaders().has_graph())
    return Invalid(at.Sub("leaders")("graph"), absl::StrCat("must be unset (", at("graph"),
                                                            " is used)"));
  if (!request.leaders().community_id().empty())
    return Invalid(at.Sub("leaders")("community_id"),
                   "must be empty (every community is used)");

  // The request's own fields; the plan's and leaders' sit below them, and
  // a few are named otherwise than in C++ (ids, not dense indices).
  WorkspacePlanOptions o;
  o.names = at;
  for (const char* field : {"excluded", "must_include"})
    o.names.Rename(field, at(absl::StrCat(field, "_ids")));
  o.names.Rename("target_communities", at("target_community_ids"));
  absl::StatusOr<graph::InteractionGraphOptions> go =
      graph::InteractionGraphOptionsFrom(request.graph(), at.Sub("graph"));
  if (!go.ok()) return go.status();
  absl::StatusOr<leaders::LeaderOptions> lo =
      leaders::LeaderOptionsFrom(request.leaders(), at.Sub("leaders"));
  if (!lo.ok()) return lo.status();
  o.leaders = *std::move(lo);
  o.leaders.graph = *go;
  o.leaders.reputation.as_of = go->as_of;
  absl::StatusOr<PlanOptions> po = PlanOptionsOf(pr, n, at.Sub("plan"));
  if (!po.ok()) return po.status();
  o.plan = *std::move(po);
  o.plan.imm.memory = &ws.memory_budget();
  absl::StatusOr<DiffusionSpec> d = DiffusionFrom(pr, 0, at.Sub("plan"));
  if (!d.ok()) return d.status();
  if (absl::Status s = CheckLearnedFields(request, *d, at); !s.ok()) return s;
  const bool learned = d->rule.kind == ArcRule::Kind::kLearned;
  // LEARNED: the reach over the posterior, at the check's confidence.
  PosteriorSpreadOptions posterior;
  if (learned) {
    posterior.names = at;
    posterior.names.Rename("worlds", at("posterior_worlds"));
    posterior.spread.names = at;
    posterior.spread.names.Rename("runs", at("posterior_runs"));
    if (request.has_posterior_worlds()) posterior.worlds = request.posterior_worlds();
    posterior.spread.runs = request.has_posterior_runs() ? request.posterior_runs() : 1000;
    posterior.confidence = std::erf(SpreadOptions().z / std::sqrt(2.0));
    if (absl::Status s = CheckPosteriorSpreadOptions(posterior); !s.ok()) return s;
  }
  switch (request.candidates()) {
    case v1::CANDIDATE_SOURCE_UNSPECIFIED:
    case v1::CANDIDATE_SOURCE_LEADERS: o.candidates = CandidateSource::kLeaders; break;
    case v1::CANDIDATE_SOURCE_ALL: o.candidates = CandidateSource::kAll; break;
    default:
      return Invalid(at("candidates"), absl::StrCat("unknown value ", request.candidates()));
  }
  for (const auto& [id, cost] : request.costs()) {
    absl::StatusOr<Index> c = CustomerIndex(ws, id, at("costs"));
    if (!c.ok()) return c.status();
    o.costs.emplace_back(*c, cost);
  }
  if (request.has_cost_attribute()) o.cost_attribute = request.cost_attribute();
  if (request.has_default_cost()) {
    o.default_cost = request.default_cost();
    o.default_cost_set = true;
  }
  absl::StatusOr<std::vector<Index>> excluded =
      CustomerIndices(ws, request.excluded_ids(), at("excluded_ids"));
  if (!excluded.ok()) return excluded.status();
  o.excluded = *std::move(excluded);
  absl::StatusOr<std::vector<Index>> must =
      CustomerIndices(ws, request.must_include_ids(), at("must_include_ids"));
  if (!must.ok()) return must.status();
  o.must_include = *std::move(must);
  for (int i = 0; i < request.target_community_ids_size(); ++i) {
    absl::StatusOr<Index> c = CommunityIndex(ws, request.target_community_ids(i),
                                             absl::StrCat(at("target_community_ids"), "[", i, "]"));
    if (!c.ok()) return c.status();
    o.target_communities.push_back(*c);
  }
  for (const auto& [id, quota] : request.community_quota()) {
    absl::StatusOr<Index> c = CommunityIndex(ws, id, at("community_quota"));
    if (!c.ok()) return c.status();
    o.community_quota.emplace_back(*c, quota);
  }

  // LEARNED: the model is learned on the very interaction graph the plan
  // uses (the request's graph options), so that the arcs are the same; its
  // graph is kept for the draws over the posterior.
  graph::CsrGraph learned_graph;
  std::shared_ptr<const graph::InfluenceModel> model;
  absl::StatusOr<graph::CsrGraph> g;
  if (learned) {
    absl::StatusOr<graph::WorkspaceInfluenceOptions> wo =
        graph::WorkspaceInfluenceOptionsFrom(request.learning(), at.Sub("learning"));
    if (!wo.ok()) return wo.status();
    wo->graph = *go;
    absl::StatusOr<graph::WorkspaceInfluence> li = graph::LearnWorkspaceInfluence(ws, *wo);
    if (!li.ok()) return li.status();
    learned_graph = std::move(li->graph.graph);
    model = std::make_shared<const graph::InfluenceModel>(std::move(li->model));
    d->rule.learned = model;
    g = learned_graph;
  } else {
    absl::StatusOr<graph::InteractionGraph> ig = graph::BuildInteractionGraph(t, *go);
    if (!ig.ok()) return ig.status();
    // The interaction graph's CSR is taken over as it is (directed), or
    // read as an undirected edge list.
    g = d->directed ? std::move(ig->graph) : UndirectedEdges(ig->graph);
  }
  if (!g.ok()) return g.status();
  absl::StatusOr<DiffusionGraph> dg =
      DiffusionGraph::Create(*std::move(g), d->model, std::move(d->rule));
  if (!dg.ok()) return dg.status();

  // The options' one check, in the request's terms, then the plan.
  absl::StatusOr<WorkspacePlanResult> r = PlanOnWorkspace(t, *dg, o);
  if (!r.ok()) return r.status();
  out->Clear();
  PlanMessage(r->plan, dg->num_nodes(), dg->num_arcs(), out->mutable_plan());
  for (size_t i = 0; i < r->leaders.size(); ++i) {
    const PlannedLeader& l = r->leaders[i];
    v1::PlannedLeader* m = out->add_leaders();
    m->set_customer_id(std::string(t.customers.ids.Id(l.customer)));
    if (l.community != kNoIndex)
      m->set_community_id(std::string(t.communities.ids.Id(l.community)));
    m->set_leader_rank(l.leader_rank);
    m->set_leader_score(l.leader_score);
    if (l.home != kNoIndex) m->set_home_community_id(std::string(t.communities.ids.Id(l.home)));
    m->set_marginal_gain(r->plan.seeds[i].marginal_gain);
    m->set_cost(r->plan.seeds[i].cost);
    ToMessage(l.cost_basis, m->mutable_cost_basis());
  }
  for (const CommunityReach& c : r->reach) {
    v1::CommunityReach* m = out->add_reach();
    if (c.community != kNoIndex)
      m->set_community_id(std::string(t.communities.ids.Id(c.community)));
    m->set_customers(c.customers);
    m->set_expected_reached(c.expected_reached);
  }
  out->set_candidates(r->candidates);
  out->set_as_of_unix_seconds(r->as_of == kNoTime ? 0 : r->as_of);
  if (learned) {
    posterior.spread.seed = r->plan.check_seed;
    posterior.spread.threads = o.plan.imm.threads;
    posterior.spread.targets = r->targets;
    posterior.spread.memory = &ws.memory_budget();
    std::vector<NodeId> seeds;
    for (const PlannedSeed& s : r->plan.seeds) seeds.push_back(s.node);
    absl::StatusOr<PosteriorSpread> p = EstimateSpreadOverPosterior(
        learned_graph, PosteriorOf(*model), Model::kIndependentCascade, seeds, posterior);
    if (!p.ok()) return p.status();
    PosteriorReachMessage(*p, posterior, *model, out->mutable_posterior_reach());
  }
  return absl::OkStatus();
}

}  // namespace mitra::activation

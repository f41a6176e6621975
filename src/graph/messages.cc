#include "mitra/graph/messages.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/request_errors.h"
#include "absl/strings/str_cat.h"
#include "mitra/core/time_format.h"
#include "mitra/graph/betweenness.h"
#include "mitra/graph/eigenvector.h"
#include "mitra/graph/hits.h"
#include "mitra/graph/katz.h"
#include "mitra/graph/kcore.h"
#include "mitra/graph/ktruss.h"
#include "mitra/graph/pagerank.h"
#include "mitra/graph/sampled_betweenness.h"

namespace mitra::graph {
namespace {

std::string Field(absl::string_view where, absl::string_view name) {
  return absl::StrCat(where, ".", name);
}

// The wire's 0 is "not given": one thread.
int Threads(int32_t v) { return v == 0 ? 1 : v; }

std::vector<double> ToVector(const google::protobuf::RepeatedField<double>& v) {
  return std::vector<double>(v.begin(), v.end());
}

// The betweenness options of a request, named at `at`.
BetweennessOptions BetweennessOptionsFrom(const v1::BetweennessOptions& b, const char* at) {
  BetweennessOptions o;
  o.names = FieldPath(at);
  o.normalized = !b.has_normalized() || b.normalized();
  o.endpoints = b.endpoints();
  o.use_weights = !b.has_use_weights() || b.use_weights();
  o.threads = Threads(b.threads());
  o.sample_sources = b.sample_sources();
  if (b.has_seed()) o.seed = b.seed();
  return o;
}

}  // namespace

// ---- Graphs ------------------------------------------------------------------

absl::StatusOr<CsrGraph> GraphFromEdges(uint32_t num_nodes, absl::Span<const NodeId> src,
                                        absl::Span<const NodeId> dst,
                                        absl::Span<const double> weights, bool directed,
                                        const FieldPath& at) {
  if (num_nodes == UINT32_MAX) return Invalid(at("num_nodes"), "at most 2^32 - 2 nodes");
  if (dst.size() != src.size())
    return Invalid(at("dst"), absl::StrCat(dst.size(), " values, but src has ", src.size()));
  if (!weights.empty() && weights.size() != src.size())
    return Invalid(at("weights"), absl::StrCat(weights.size(), " values, but src has ", src.size()));
  for (size_t i = 0; i < src.size(); ++i) {
    if (src[i] >= num_nodes)
      return Invalid(absl::StrCat(at("src"), "[", i, "]"),
                     absl::StrCat("node ", src[i], " out of range (num_nodes ", num_nodes, ")"));
    if (dst[i] >= num_nodes)
      return Invalid(absl::StrCat(at("dst"), "[", i, "]"),
                     absl::StrCat("node ", dst[i], " out of range (num_nodes ", num_nodes, ")"));
    if (!weights.empty() && !(std::isfinite(weights[i]) && weights[i] >= 0))
      return Invalid(absl::StrCat(at("weights"), "[", i, "]"),
                     absl::StrCat("must be finite and >= 0, got ", weights[i]));
  }
  BuildOptions options;
  options.directed = directed;
  options.keep_self_loops = true;
  return CsrGraph::FromEdges(num_nodes, src, dst, weights, options);
}

absl::StatusOr<CsrGraph> GraphFromMessage(const v1::Graph& graph, std::optional<bool> directed) {
  FieldPath at("graph");
  at.Rename("weights", "graph.weight");
  return GraphFromEdges(graph.num_nodes(), {graph.src().data(), static_cast<size_t>(graph.src_size())},
                        {graph.dst().data(), static_cast<size_t>(graph.dst_size())},
                        {graph.weight().data(), static_cast<size_t>(graph.weight_size())},
                        directed.value_or(graph.directed()), at);
}

absl::StatusOr<KindWeights> KindWeightsFrom(
    const google::protobuf::RepeatedPtrField<v1::KindWeight>& weights, const KindWeights& base,
    absl::string_view where, absl::string_view option, FieldPath* names) {
  KindWeights out = base;
  bool seen[kInteractionKinds] = {};
  for (int i = 0; i < weights.size(); ++i) {
    const v1::KindWeight& kw = weights[i];
    const std::string at = absl::StrCat(where, "[", i, "]");
    const int kind = static_cast<int>(kw.kind());
    if (kind <= 0 || kind >= kInteractionKinds)
      return Invalid(Field(at, "kind"), absl::StrCat("unknown or unspecified interaction kind ", kind));
    if (seen[kind])
      return Invalid(Field(at, "kind"),
                     absl::StrCat(v1::InteractionKind_Name(kw.kind()), " is listed twice"));
    seen[kind] = true;
    if (names != nullptr) {
      names->Rename(KindOption(option, kind), Field(at, "weight"));
    } else if (absl::Status s = CheckRange(kw.weight(), Field(at, "weight"), kw.weight() >= 0,
                                           "finite and >= 0");
               !s.ok()) {
      return s;
    }
    out[kind] = kw.weight();
  }
  return out;
}

absl::StatusOr<InteractionGraphOptions> InteractionGraphOptionsFrom(
    const v1::InteractionGraphRequest& r, const FieldPath& at) {
  InteractionGraphOptions o;
  o.names = at;
  o.names.Rename("as_of", at("as_of_unix_seconds"));
  absl::StatusOr<KindWeights> w = KindWeightsFrom(r.kind_weights(), DefaultKindWeights(),
                                                  at("kind_weights"), "kind_weights", &o.names);
  if (!w.ok()) return w.status();
  o.kind_weights = *w;
  if (r.has_half_life_days()) o.half_life_days = r.half_life_days();
  // as_of = kNoTime means "not given": a given time is never read as that.
  if (r.has_as_of_unix_seconds()) {
    if (absl::Status s = CheckTime(r.as_of_unix_seconds(), at("as_of_unix_seconds")); !s.ok())
      return s;
    o.as_of = r.as_of_unix_seconds();
  }
  o.keep_self_loops = r.keep_self_loops();
  return o;
}

absl::StatusOr<InteractionGraph> BuildInteractionGraph(const Workspace& ws,
                                                       const v1::InteractionGraphRequest& request) {
  absl::StatusOr<InteractionGraphOptions> o = InteractionGraphOptionsFrom(request, FieldPath("request"));
  if (!o.ok()) return o.status();
  if (request.community_id().empty()) return BuildInteractionGraph(ws.tables(), *o);
  absl::StatusOr<Index> c = CommunityIndex(ws, request.community_id(), "request.community_id");
  if (!c.ok()) return c.status();
  return BuildCommunityGraph(ws.tables(), *c, *o);
}

absl::Status InteractionGraphMessage(const Workspace& ws, const v1::InteractionGraphRequest& request,
                                     v1::Graph* out) {
  absl::StatusOr<InteractionGraph> ig = BuildInteractionGraph(ws, request);
  if (!ig.ok()) return ig.status();
  const CsrGraph& g = ig->graph;
  out->Clear();
  out->set_num_nodes(g.num_nodes());
  out->set_directed(g.directed());
  out->set_as_of_unix_seconds(ig->as_of == kNoTime ? 0 : ig->as_of);
  const Adjacency& a = g.out();
  const int m = static_cast<int>(a.targets.size());
  out->mutable_src()->Reserve(m);
  out->mutable_dst()->Reserve(m);
  if (g.weighted()) out->mutable_weight()->Reserve(m);
  for (uint32_t u = 0; u < g.num_nodes(); ++u) {
    for (uint32_t k = a.offsets[u]; k < a.offsets[u + 1]; ++k) {
      out->add_src(u);
      out->add_dst(a.targets[k]);
      if (g.weighted()) out->add_weight(a.weights[k]);
    }
  }
  const IdInterner& ids = ws.tables().customers.ids;
  out->mutable_node_ids()->Reserve(static_cast<int>(ig->customer.size()));
  for (Index c : ig->customer) out->add_node_ids(std::string(ids.Id(c)));
  return absl::OkStatus();
}

// ---- Algorithms ----------------------------------------------------------------

bool CentralityDirected(const v1::CentralityRequest& request, bool fallback) {
  return request.has_directed() ? request.directed() : fallback;
}

absl::Status Centrality(const CsrGraph& g, const v1::CentralityRequest& r,
                        absl::Span<double> values, v1::CentralityReport* report) {
  const uint32_t n = g.num_nodes();
  if (values.size() != n)
    return Invalid("values", absl::StrCat(values.size(), " values, but the graph has ", n, " nodes"));
  std::vector<double> result;
  report->Clear();
  report->set_num_nodes(n);
  report->set_num_edges(g.num_edges());
  switch (r.algorithm_case()) {
    case v1::CentralityRequest::kPagerank: {
      const v1::PageRankOptions& p = r.pagerank();
      report->set_algorithm("pagerank");
      PageRankOptions o;
      o.names = FieldPath("request.pagerank");
      o.names.Rename("teleport", "request.pagerank.personalization");
      if (p.has_damping()) o.damping = p.damping();
      if (p.has_tolerance()) o.tolerance = p.tolerance();
      if (p.has_max_iterations()) o.max_iterations = p.max_iterations();
      o.teleport = ToVector(p.personalization());
      o.use_weights = !p.has_use_weights() || p.use_weights();
      o.require_convergence = !p.allow_unconverged();
      absl::StatusOr<PageRankResult> pr = PageRank(g, o);
      if (!pr.ok()) return pr.status();
      report->set_iterations(pr->iterations);
      report->set_converged(pr->converged);
      report->set_last_change(pr->last_change);
      result = std::move(pr->rank);
      break;
    }
    case v1::CentralityRequest::kKatz: {
      const v1::KatzOptions& k = r.katz();
      report->set_algorithm("katz");
      KatzOptions o;
      o.names = FieldPath("request.katz");
      if (k.has_alpha()) o.alpha = k.alpha();
      if (k.has_beta()) o.beta = k.beta();
      o.beta_per_node = ToVector(k.beta_per_node());
      if (k.has_tolerance()) o.tolerance = k.tolerance();
      if (k.has_max_iterations()) o.max_iterations = k.max_iterations();
      o.normalized = !k.has_normalized() || k.normalized();
      o.use_weights = !k.has_use_weights() || k.use_weights();
      absl::StatusOr<KatzResult> kr = Katz(g, o);
      if (!kr.ok()) return kr.status();
      report->set_iterations(kr->iterations);
      report->set_converged(true);
      report->set_last_change(kr->last_change);
      result = std::move(kr->centrality);
      break;
    }
    case v1::CentralityRequest::kEigenvector: {
      const v1::EigenvectorOptions& e = r.eigenvector();
      report->set_algorithm("eigenvector");
      EigenvectorOptions o;
      o.names = FieldPath("request.eigenvector");
      if (e.has_tolerance()) o.tolerance = e.tolerance();
      if (e.has_max_iterations()) o.max_iterations = e.max_iterations();
      o.use_weights = !e.has_use_weights() || e.use_weights();
      absl::StatusOr<EigenvectorResult> er = EigenvectorCentrality(g, o);
      if (!er.ok()) return er.status();
      report->set_iterations(er->iterations);
      report->set_converged(true);
      report->set_last_change(er->last_change);
      result = std::move(er->centrality);
      break;
    }
    case v1::CentralityRequest::kBetweenness: {
      report->set_algorithm("betweenness");
      absl::StatusOr<std::vector<double>> br =
          Betweenness(g, BetweennessOptionsFrom(r.betweenness(), "request.betweenness"));
      if (!br.ok()) return br.status();
      report->set_converged(true);
      result = std::move(*br);
      break;
    }
    case v1::CentralityRequest::kSampledBetweenness: {
      const v1::SampledBetweennessOptions& b = r.sampled_betweenness();
      report->set_algorithm("sampled_betweenness");
      SampledBetweennessOptions o;
      o.names = FieldPath("request.sampled_betweenness");
      if (b.has_epsilon()) o.epsilon = b.epsilon();
      if (b.has_delta()) o.delta = b.delta();
      if (b.has_seed()) o.seed = b.seed();
      o.use_weights = !b.has_use_weights() || b.use_weights();
      o.vertex_diameter = b.vertex_diameter();
      o.threads = Threads(b.threads());
      absl::StatusOr<SampledBetweennessResult> sr = SampledBetweenness(g, o);
      if (!sr.ok()) return sr.status();
      report->set_converged(true);
      report->set_epsilon(sr->epsilon);
      report->set_delta(sr->delta);
      report->set_samples(sr->samples);
      report->set_vertex_diameter_bound(sr->vertex_diameter);
      report->set_connected_samples(sr->connected_samples);
      result = std::move(sr->betweenness);
      break;
    }
    case v1::CentralityRequest::kKcore: {
      report->set_algorithm("kcore");
      report->set_converged(true);
      const std::vector<uint32_t> core = CoreNumbers(g);
      result.assign(core.begin(), core.end());
      break;
    }
    case v1::CentralityRequest::kHits: {
      const v1::HitsOptions& h = r.hits();
      report->set_algorithm(h.hubs() ? "hits_hubs" : "hits_authorities");
      HitsOptions o;
      o.names = FieldPath("request.hits");
      if (h.has_tolerance()) o.tolerance = h.tolerance();
      if (h.has_max_iterations()) o.max_iterations = h.max_iterations();
      o.use_weights = !h.has_use_weights() || h.use_weights();
      absl::StatusOr<HitsResult> hr = Hits(g, o);
      if (!hr.ok()) return hr.status();
      report->set_iterations(hr->iterations);
      report->set_converged(true);
      report->set_last_change(hr->last_change);
      if (h.counterpart()) {
        const std::vector<double>& other = h.hubs() ? hr->authorities : hr->hubs;
        report->mutable_hits_counterpart()->Add(other.begin(), other.end());
      }
      result = std::move(h.hubs() ? hr->hubs : hr->authorities);
      break;
    }
    case v1::CentralityRequest::ALGORITHM_NOT_SET:
      return Invalid("request.algorithm",
                     "required: one of pagerank, katz, eigenvector, betweenness, "
                     "sampled_betweenness, kcore, hits");
  }
  if (result.size() != n) return absl::InternalError("centrality: result size differs from the graph's");
  std::copy(result.begin(), result.end(), values.begin());
  return absl::OkStatus();
}

bool EdgeValuesDirected(const v1::EdgeValuesRequest& request) {
  return !request.has_directed() || request.directed();
}

absl::Status EdgeValues(const CsrGraph& g, absl::Span<const NodeId> src,
                        absl::Span<const NodeId> dst, const v1::EdgeValuesRequest& r,
                        absl::Span<double> values, v1::EdgeValuesReport* report) {
  if (src.size() != dst.size() || values.size() != src.size())
    return Invalid("values", absl::StrCat(values.size(), " values for ", src.size(), " edges"));
  report->Clear();
  report->set_num_nodes(g.num_nodes());
  report->set_num_edges(g.num_edges());
  std::vector<double> arcs;
  bool both_ways = false;  // an undirected edge's value adds its two arcs'
  switch (r.algorithm_case()) {
    case v1::EdgeValuesRequest::kBetweenness: {
      report->set_algorithm("edge_betweenness");
      absl::StatusOr<std::vector<double>> b =
          EdgeBetweenness(g, BetweennessOptionsFrom(r.betweenness(), "request.betweenness"));
      if (!b.ok()) return b.status();
      arcs = *std::move(b);
      both_ways = !g.directed();
      break;
    }
    case v1::EdgeValuesRequest::kTruss: {
      report->set_algorithm("truss");
      const std::vector<uint32_t> t = TrussNumbers(g);
      arcs.assign(t.begin(), t.end());
      break;
    }
    case v1::EdgeValuesRequest::ALGORITHM_NOT_SET:
      return Invalid("request.algorithm", "required: one of betweenness, truss");
  }
  const Adjacency& out = g.out();
  // The arc u -> v in u's sorted row (the graph was built from these edges).
  auto arc = [&](NodeId u, NodeId v) {
    const auto b = out.targets.begin() + out.offsets[u], e = out.targets.begin() + out.offsets[u + 1];
    return static_cast<size_t>(std::lower_bound(b, e, v) - out.targets.begin());
  };
  std::vector<double> result(src.size());
  for (size_t i = 0; i < src.size(); ++i) {
    const NodeId u = src[i], v = dst[i];
    result[i] = arcs[arc(u, v)] + (both_ways && u != v ? arcs[arc(v, u)] : 0.0);
  }
  std::copy(result.begin(), result.end(), values.begin());
  return absl::OkStatus();
}

absl::Status Centrality(const v1::Graph& graph, const v1::CentralityRequest& request,
                        absl::Span<double> values, v1::CentralityReport* report) {
  absl::StatusOr<CsrGraph> g = GraphFromMessage(graph, CentralityDirected(request, graph.directed()));
  if (!g.ok()) return g.status();
  return Centrality(*g, request, values, report);
}

absl::StatusOr<LeidenOptions> LeidenOptionsFrom(const v1::LeidenRequest& r) {
  LeidenOptions o;
  o.names = FieldPath("request");
  switch (r.quality()) {
    case v1::LEIDEN_QUALITY_UNSPECIFIED:
    case v1::LEIDEN_QUALITY_MODULARITY: o.quality = LeidenQuality::kModularity; break;
    case v1::LEIDEN_QUALITY_CPM: o.quality = LeidenQuality::kCpm; break;
    default:
      return Invalid("request.quality", absl::StrCat("unknown quality ", static_cast<int>(r.quality())));
  }
  // Said in the request's terms (the enum value's name) before Leiden says
  // it in its own.
  if (r.node_sizes_size() > 0 && o.quality != LeidenQuality::kCpm)
    return Invalid("request.node_sizes", "apply to LEIDEN_QUALITY_CPM only");
  if (r.has_resolution()) o.resolution = r.resolution();
  if (r.has_randomness()) o.randomness = r.randomness();
  if (r.has_seed()) o.seed = r.seed();
  if (r.has_max_iterations()) o.max_iterations = r.max_iterations();
  o.use_weights = !r.has_use_weights() || r.use_weights();
  o.node_sizes = ToVector(r.node_sizes());
  if (r.directed() && o.quality != LeidenQuality::kModularity)
    return Invalid("request.directed", "applies to LEIDEN_QUALITY_MODULARITY only");
  o.directed = r.directed();
  return o;
}

absl::Status LeidenCommunities(const CsrGraph& graph, const v1::LeidenRequest& request,
                               absl::Span<uint32_t> membership, v1::LeidenReport* report) {
  const uint32_t n = graph.num_nodes();
  if (membership.size() != n)
    return Invalid("membership", absl::StrCat(membership.size(), " values, but the graph has ", n, " nodes"));
  absl::StatusOr<LeidenOptions> o = LeidenOptionsFrom(request);
  if (!o.ok()) return o.status();
  absl::StatusOr<LeidenResult> r;
  if (o->directed && !graph.directed()) {
    return Invalid("request.directed", "the graph is undirected");
  } else if (graph.directed() && !o->directed) {
    absl::StatusOr<CsrGraph> u =
        graph.Undirected(graph.weighted() ? Symmetrize::kSum : Symmetrize::kCollapse);
    if (!u.ok()) return u.status();
    r = Leiden(*u, *o);
  } else {
    r = Leiden(graph, *o);
  }
  if (!r.ok()) return r.status();
  report->Clear();
  report->set_num_communities(r->num_communities);
  report->set_quality(r->quality);
  report->set_iterations(r->iterations);
  report->set_stable(r->stable);
  std::copy(r->membership.begin(), r->membership.end(), membership.begin());
  return absl::OkStatus();
}

absl::StatusOr<double> ModularityChecked(const CsrGraph& graph, absl::Span<const uint32_t> membership,
                                         double resolution) {
  const uint32_t n = graph.num_nodes();
  if (membership.size() != n)
    return Invalid("membership", absl::StrCat(membership.size(), " values, but the graph has ", n, " nodes"));
  for (size_t i = 0; i < membership.size(); ++i)
    if (membership[i] >= n)
      return Invalid(absl::StrCat("membership[", i, "]"),
                     absl::StrCat("community ", membership[i], " out of range (num_nodes ", n, ")"));
  if (absl::Status s = CheckRange(resolution, "resolution", resolution >= 0, "finite and >= 0"); !s.ok())
    return s;
  return Modularity(graph, membership, resolution);
}

}  // namespace mitra::graph

// The C ABI of the graph algorithms (mitra.h, "Graphs"). Graphs are caller
// edge arrays; options and reports are messages; per-node results go into
// caller arrays, written only when the call succeeds (each result is
// computed into a temporary first).
#include <algorithm>
#include <vector>

#include "capi_internal.h"
#include "mitra/graph/influence_messages.h"
#include "mitra/graph/messages.h"
#include "mitra/graph/pagerank_block.h"
#include "mitra/mitra.h"

using namespace mitra::capi;  // NOLINT: the C ABI files share these helpers

namespace {

namespace v1 = mitra::v1;
namespace graph = mitra::graph;

// The edge arrays, checked for NULL, as a CsrGraph.
absl::StatusOr<graph::CsrGraph> EdgeGraph(uint32_t num_nodes, const uint32_t* src,
                                          const uint32_t* dst, const double* weights,
                                          size_t num_edges, bool directed) {
  if (num_edges > 0) {
    if (src == nullptr) return Null("src");
    if (dst == nullptr) return Null("dst");
  }
  const size_t m = src ? num_edges : 0;
  return graph::GraphFromEdges(num_nodes, {src, m}, {dst, dst ? num_edges : 0},
                               weights == nullptr ? absl::Span<const double>()
                                                  : absl::Span<const double>(weights, num_edges),
                               directed);
}

// The shape of a call that computes one value per node or edge: the request
// parsed, the edge arrays read as a graph as the request says, `compute(g,
// request, result, report)` into a temporary of `count` values, then the
// report emitted and the values copied to `out` (nothing can fail once
// they are).
template <class Request, class Report, class T, class Directed, class Compute>
absl::Status PerItemCall(uint32_t num_nodes, const uint32_t* src, const uint32_t* dst,
                         const double* weights, size_t num_edges, const uint8_t* request,
                         size_t request_len, size_t count, T* out, const char* out_name,
                         uint8_t** report, size_t* report_len, Directed directed,
                         Compute compute) {
  if (absl::Status s = CheckOut(report, report_len); !s.ok()) return s;
  if (out == nullptr && count > 0) return Null(out_name);
  google::protobuf::Arena arena;
  auto* req = NewMessage<Request>(arena);
  if (absl::Status s = ParseMessage(request, request_len, req, "request"); !s.ok()) return s;
  absl::StatusOr<graph::CsrGraph> g =
      EdgeGraph(num_nodes, src, dst, weights, num_edges, directed(*req));
  if (!g.ok()) return g.status();
  std::vector<T> result(count);
  auto* rep = NewMessage<Report>(arena);
  if (absl::Status s = compute(*g, *req, absl::MakeSpan(result), rep); !s.ok()) return s;
  if (absl::Status s = EmitMessage(*rep, report, report_len); !s.ok()) return s;
  std::copy(result.begin(), result.end(), out);
  return absl::OkStatus();
}

}  // namespace

extern "C" {

mitra_status mitra_graph_centrality(uint32_t num_nodes, const uint32_t* src, const uint32_t* dst,
                                    const double* weights, size_t num_edges,
                                    const uint8_t* request, size_t request_len, double* values,
                                    uint8_t** report, size_t* report_len,
                                    mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return PerItemCall<v1::CentralityRequest, v1::CentralityReport>(
        num_nodes, src, dst, weights, num_edges, request, request_len, num_nodes, values,
        "values", report, report_len,
        [](const v1::CentralityRequest& r) { return graph::CentralityDirected(r); },
        [](const graph::CsrGraph& g, const v1::CentralityRequest& r, absl::Span<double> result,
           v1::CentralityReport* rep) { return graph::Centrality(g, r, result, rep); });
  });
}

mitra_status mitra_graph_edge_values(uint32_t num_nodes, const uint32_t* src, const uint32_t* dst,
                                     const double* weights, size_t num_edges,
                                     const uint8_t* request, size_t request_len, double* values,
                                     uint8_t** report, size_t* report_len,
                                     mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return PerItemCall<v1::EdgeValuesRequest, v1::EdgeValuesReport>(
        num_nodes, src, dst, weights, num_edges, request, request_len, num_edges, values,
        "values", report, report_len,
        [](const v1::EdgeValuesRequest& r) { return graph::EdgeValuesDirected(r); },
        [&](const graph::CsrGraph& g, const v1::EdgeValuesRequest& r, absl::Span<double> result,
            v1::EdgeValuesReport* rep) {
          return graph::EdgeValues(g, {src, num_edges}, {dst, num_edges}, r, result, rep);
        });
  });
}

mitra_status mitra_graph_leiden(uint32_t num_nodes, const uint32_t* src, const uint32_t* dst,
                                const double* weights, size_t num_edges, const uint8_t* request,
                                size_t request_len, uint32_t* membership, uint8_t** report,
                                size_t* report_len, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    // Read as undirected unless the request optimises directed modularity.
    return PerItemCall<v1::LeidenRequest, v1::LeidenReport>(
        num_nodes, src, dst, weights, num_edges, request, request_len, num_nodes, membership,
        "membership", report, report_len, [](const v1::LeidenRequest& r) { return r.directed(); },
        [](const graph::CsrGraph& g, const v1::LeidenRequest& r, absl::Span<uint32_t> result,
           v1::LeidenReport* rep) { return graph::LeidenCommunities(g, r, result, rep); });
  });
}

mitra_status mitra_graph_modularity(uint32_t num_nodes, const uint32_t* src, const uint32_t* dst,
                                    const double* weights, size_t num_edges, int32_t directed,
                                    const uint32_t* membership, double resolution, double* out,
                                    mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (out == nullptr) return Null("out");
    if (membership == nullptr && num_nodes > 0) return Null("membership");
    if (directed != 0 && directed != 1)
      return absl::InvalidArgumentError(absl::StrCat("directed: must be 0 or 1, got ", directed));
    absl::StatusOr<graph::CsrGraph> g =
        EdgeGraph(num_nodes, src, dst, weights, num_edges, directed == 1);
    if (!g.ok()) return g.status();
    absl::StatusOr<double> q = graph::ModularityChecked(
        *g, {membership, membership ? num_nodes : 0}, resolution);
    if (!q.ok()) return q.status();
    *out = *q;
    return absl::OkStatus();
  });
}

mitra_status mitra_graph_transition_product(uint32_t num_nodes, const uint32_t* src,
                                            const uint32_t* dst, const double* weights,
                                            size_t num_edges, uint32_t first, uint32_t last,
                                            const double* x, double* y, double* dangling,
                                            mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (dangling == nullptr) return Null("dangling");
    if (y == nullptr && num_nodes > 0) return Null("y");
    if (x == nullptr && last > first) return Null("x");
    if (first > last || last > num_nodes) {
      return absl::InvalidArgumentError(absl::StrCat("first, last: the block [", first, ", ", last,
                                                     ") must lie within [0, num_nodes = ",
                                                     num_nodes, "]"));
    }
    // Named by edge here (the graph below no longer knows the edge order).
    for (size_t i = 0; src != nullptr && i < num_edges; ++i) {
      if (src[i] < first || src[i] >= last) {
        return absl::InvalidArgumentError(absl::StrCat("src[", i, "]: node ", src[i],
                                                       " outside the block [", first, ", ", last,
                                                       ")"));
      }
    }
    absl::StatusOr<graph::CsrGraph> g = EdgeGraph(num_nodes, src, dst, weights, num_edges, true);
    if (!g.ok()) return g.status();
    std::vector<double> result(num_nodes);
    double mass = 0;
    if (absl::Status s = graph::PageRankBlockProduct(
            *g, first, last, {x, x ? last - first : 0}, true, absl::MakeSpan(result), &mass);
        !s.ok())
      return s;
    std::copy(result.begin(), result.end(), y);
    *dangling = mass;
    return absl::OkStatus();
  });
}

mitra_status mitra_workspace_interaction_graph(const mitra_workspace* workspace,
                                               const uint8_t* request, size_t request_len,
                                               uint8_t** out, size_t* out_len,
                                               mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return RunWorkspaceRequest<v1::InteractionGraphRequest, v1::Graph>(
        workspace, request, request_len, out, out_len, graph::InteractionGraphMessage);
  });
}

mitra_status mitra_workspace_learn_influence(const mitra_workspace* workspace,
                                             const uint8_t* request, size_t request_len,
                                             uint8_t** out, size_t* out_len,
                                             mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return RunWorkspaceRequest<v1::LearnInfluenceRequest, v1::LearnInfluenceReport>(
        workspace, request, request_len, out, out_len, graph::LearnInfluenceMessage);
  });
}

}  // extern "C"

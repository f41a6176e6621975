// The graph algorithms at the edges: mitra.v1 graph messages (graph.proto)
// <-> the C++ API of include/mitra/graph/. Used by the C ABI, the CLI and the
// Python binding (through the ABI), so that they agree. Every request field
// is checked, and errors name it: "request.pagerank.damping: must be in
// [0, 1), got 1.5" (the request is converted into the C++ options, named
// in the request's terms, and the algorithm's one validation says it). Results go into caller-owned messages and arrays, so the
// C ABI can keep messages on an Arena and write nothing on failure.
#ifndef MITRA_GRAPH_MESSAGES_H_
#define MITRA_GRAPH_MESSAGES_H_

#include <cstdint>
#include <optional>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/core/workspace.h"
#include "mitra/graph/csr_graph.h"
#include "mitra/graph/interaction_graph.h"
#include "mitra/graph/leiden.h"
#include "mitra/v1/graph.pb.h"

namespace mitra::graph {

// ---- Graphs --------------------------------------------------------------

// A graph from edge arrays (weights empty: unweighted). Errors name the
// array and the edge, under `at`: "src[3]: node 7 out of range (num_nodes
// 5)", "graph.src[3]: ...".
absl::StatusOr<CsrGraph> GraphFromEdges(uint32_t num_nodes, absl::Span<const NodeId> src,
                                        absl::Span<const NodeId> dst,
                                        absl::Span<const double> weights, bool directed,
                                        const FieldPath& at = FieldPath());
// The same from a Graph message ("graph.dst: 2 values, but src has 3",
// "graph.weight[0]: must be finite and >= 0, got -1"); `directed`
// overrides the message's own field when given.
absl::StatusOr<CsrGraph> GraphFromMessage(const v1::Graph& graph,
                                          std::optional<bool> directed = std::nullopt);

// The options of an InteractionGraphRequest that sits at `at` ("request",
// "request.graph"), named so: BuildInteractionGraph's one validation words
// its errors in the request's terms. Only what exists on the wire alone is
// refused here (an unknown or repeated kind, a time outside the schema).
absl::StatusOr<InteractionGraphOptions> InteractionGraphOptionsFrom(
    const v1::InteractionGraphRequest& request, const FieldPath& at);
// KindWeights from the list `weights` at `where` on top of `base`: each kind
// known and listed once. When `names` is given, the per-kind option
// KindOption(option, kind) of every listed kind is renamed there to its
// list entry ("<where>[i].weight"), so that the options' validation names
// the entry the caller wrote.
absl::StatusOr<KindWeights> KindWeightsFrom(
    const google::protobuf::RepeatedPtrField<v1::KindWeight>& weights, const KindWeights& base,
    absl::string_view where, absl::string_view option = "", FieldPath* names = nullptr);

// The workspace's interaction graph (whole, or one community's subgraph).
absl::StatusOr<InteractionGraph> BuildInteractionGraph(const Workspace& ws,
                                                       const v1::InteractionGraphRequest& request);
// The same as a Graph message (directed, weighted, node_ids = customer ids).
absl::Status InteractionGraphMessage(const Workspace& ws, const v1::InteractionGraphRequest& request,
                                     v1::Graph* out);

// ---- Algorithms ------------------------------------------------------------

// Runs the request's algorithm on `graph` (whose directedness the caller has
// already chosen, see CentralityDirected). values gets one value per node
// (kcore: the core numbers); `report` the run's figures. INVALID_ARGUMENT
// names the request field at fault; nothing is written to `values` on
// failure.
absl::Status Centrality(const CsrGraph& graph, const v1::CentralityRequest& request,
                        absl::Span<double> values, v1::CentralityReport* report);
// How the request reads edges: its `directed`, else `fallback`.
bool CentralityDirected(const v1::CentralityRequest& request, bool fallback = true);

// Values per input edge: values[i] is edge (src[i], dst[i])'s (the edges
// `graph` was built from, with the request's direction, EdgeValuesDirected;
// for an undirected graph the edge {u, v}'s, whichever way it was given).
absl::Status EdgeValues(const CsrGraph& graph, absl::Span<const NodeId> src,
                        absl::Span<const NodeId> dst, const v1::EdgeValuesRequest& request,
                        absl::Span<double> values, v1::EdgeValuesReport* report);
bool EdgeValuesDirected(const v1::EdgeValuesRequest& request);
// The whole request on a Graph message (its directed field unless the request
// says otherwise).
absl::Status Centrality(const v1::Graph& graph, const v1::CentralityRequest& request,
                        absl::Span<double> values, v1::CentralityReport* report);

// The options of a LeidenRequest, named in its terms ("request.resolution"):
// Leiden's one validation checks them. Only what exists on the wire alone
// is refused here (an unknown quality, node_sizes without CPM).
absl::StatusOr<LeidenOptions> LeidenOptionsFrom(const v1::LeidenRequest& request);
// Leiden on an undirected graph (a directed one is read as undirected,
// summing the two directions); membership gets one community per node.
absl::Status LeidenCommunities(const CsrGraph& graph, const v1::LeidenRequest& request,
                               absl::Span<uint32_t> membership, v1::LeidenReport* report);

// Modularity of `membership` (one community per node, each < num_nodes)
// with resolution gamma (finite, >= 0); errors name "membership[i]" and
// "resolution".
absl::StatusOr<double> ModularityChecked(const CsrGraph& graph,
                                         absl::Span<const uint32_t> membership, double resolution);

}  // namespace mitra::graph

#endif  // MITRA_GRAPH_MESSAGES_H_

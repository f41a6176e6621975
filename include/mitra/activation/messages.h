// Activation planning at the edges: mitra.v1 activation messages
// (activation.proto) <-> the C++ API of include/mitra/activation/. Used by
// the C ABI and the Python binding (through the ABI), so that they agree.
// Every request field is checked and errors name it:
// "request.epsilon: must be in (0, 1), got 1.5". Results go into
// caller-owned messages, so the C ABI can keep them on an Arena and write
// nothing on failure.
#ifndef MITRA_ACTIVATION_MESSAGES_H_
#define MITRA_ACTIVATION_MESSAGES_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/activation/diffusion.h"
#include "mitra/activation/plan.h"
#include "mitra/activation/workspace_plan.h"
#include "mitra/core/workspace.h"
#include "mitra/v1/activation.pb.h"

namespace mitra::activation {

// The diffusion graph of edge arrays (weights empty: unweighted) under the
// request's model and probabilities. Errors name the array and edge
// ("src[3]: ...") or the request field ("request.p: ...").
absl::StatusOr<DiffusionGraph> DiffusionGraphFromEdges(uint32_t num_nodes,
                                                       absl::Span<const NodeId> src,
                                                       absl::Span<const NodeId> dst,
                                                       absl::Span<const double> weights,
                                                       const v1::PlanRequest& request);
absl::StatusOr<DiffusionGraph> DiffusionGraphFromEdges(uint32_t num_nodes,
                                                       absl::Span<const NodeId> src,
                                                       absl::Span<const NodeId> dst,
                                                       absl::Span<const double> weights,
                                                       const v1::SimulateRequest& request);

// The options of a PlanRequest, checked against num_nodes.
absl::StatusOr<PlanOptions> PlanOptionsFrom(const v1::PlanRequest& request, uint32_t num_nodes);
// The options of a SimulateRequest (seeds into *seeds), checked.
absl::StatusOr<SpreadOptions> SpreadOptionsFrom(const v1::SimulateRequest& request,
                                                uint32_t num_nodes, std::vector<NodeId>* seeds);

// A PlanResult / SpreadEstimate as a message.
void PlanMessage(const PlanResult& result, uint32_t num_nodes, uint64_t num_arcs, v1::Plan* out);
void SpreadEstimateMessage(const SpreadEstimate& estimate, double z, v1::SpreadEstimate* out);

// The whole request on edge arrays; *out is written only on success.
absl::Status PlanFromEdges(uint32_t num_nodes, absl::Span<const NodeId> src,
                           absl::Span<const NodeId> dst, absl::Span<const double> weights,
                           const v1::PlanRequest& request, v1::Plan* out);
absl::Status SimulateFromEdges(uint32_t num_nodes, absl::Span<const NodeId> src,
                               absl::Span<const NodeId> dst, absl::Span<const double> weights,
                               const v1::SimulateRequest& request, v1::SpreadEstimate* out);

// A plan on the workspace's interaction graph with its leaders as
// candidates (workspace_plan.h). Errors name the request field under `at`
// ("request.plan.epsilon: ...", "request.costs[C9]: ..."; a request nested
// in another passes its own place, "request.activation"); an unknown
// customer or community id is NOT_FOUND.
absl::Status WorkspacePlanMessageAt(const Workspace& ws, const v1::WorkspacePlanRequest& request,
                                    v1::WorkspacePlan* out, const FieldPath& at);
// The same for a request of its own (at "request").
absl::Status WorkspacePlanMessage(const Workspace& ws, const v1::WorkspacePlanRequest& request,
                                  v1::WorkspacePlan* out);

}  // namespace mitra::activation

#endif  // MITRA_ACTIVATION_MESSAGES_H_

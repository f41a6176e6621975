// Influence learning at the edges: mitra.v1.LearnInfluenceRequest (graph.proto)
// <-> LearnWorkspaceInfluence (graph/workspace_influence.h). Used by the C
// ABI, the CLI and the Python binding (through the ABI), and by the
// activation plan that plans on learned probabilities. The request is
// converted into WorkspaceInfluenceOptions named in the request's terms
// ("request.em_max_iterations", "request.learning.window_seconds"), and the
// options' one check words the errors; only what exists on the wire alone
// (an unknown enum value, a community graph) is refused here.
#ifndef MITRA_GRAPH_INFLUENCE_MESSAGES_H_
#define MITRA_GRAPH_INFLUENCE_MESSAGES_H_

#include "absl/status/statusor.h"
#include "mitra/core/field_path.h"
#include "mitra/core/workspace.h"
#include "mitra/graph/workspace_influence.h"
#include "mitra/v1/graph.pb.h"

namespace mitra::graph {

// The options of a LearnInfluenceRequest that sits at `at` ("request",
// "request.learning").
absl::StatusOr<WorkspaceInfluenceOptions> WorkspaceInfluenceOptionsFrom(
    const v1::LearnInfluenceRequest& request, const FieldPath& at);

// The whole request on a workspace: the learned arcs (customer ids), the
// priors per kind, the counts and, when split, the holdout table.
absl::Status LearnInfluenceMessage(const Workspace& ws, const v1::LearnInfluenceRequest& request,
                                   v1::LearnInfluenceReport* out);

}  // namespace mitra::graph

#endif  // MITRA_GRAPH_INFLUENCE_MESSAGES_H_

// The C ABI of activation planning (mitra.h, "Activation"). Graphs are
// caller edge arrays; requests and results are messages of
// activation.proto, emitted only when the whole call succeeded (the result
// is built on an Arena first).
#include "capi_internal.h"
#include "mitra/activation/messages.h"
#include "mitra/mitra.h"

using namespace mitra::capi;  // NOLINT: the C ABI files share these helpers

namespace {

namespace v1 = mitra::v1;
namespace activation = mitra::activation;

struct EdgeSpans {
  absl::Span<const uint32_t> src, dst;
  absl::Span<const double> weights;
};

absl::StatusOr<EdgeSpans> Edges(const uint32_t* src, const uint32_t* dst, const double* weights,
                                size_t num_edges) {
  if (num_edges > 0) {
    if (src == nullptr) return Null("src");
    if (dst == nullptr) return Null("dst");
  }
  EdgeSpans e;
  if (num_edges > 0) {
    e.src = {src, num_edges};
    e.dst = {dst, num_edges};
    if (weights != nullptr) e.weights = {weights, num_edges};
  }
  return e;
}

}  // namespace

extern "C" {

mitra_status mitra_activation_plan(uint32_t num_nodes, const uint32_t* src, const uint32_t* dst,
                                   const double* weights, size_t num_edges,
                                   const uint8_t* request, size_t request_len, uint8_t** out,
                                   size_t* out_len, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = CheckOut(out, out_len); !s.ok()) return s;
    absl::StatusOr<EdgeSpans> e = Edges(src, dst, weights, num_edges);
    if (!e.ok()) return e.status();
    google::protobuf::Arena arena;
    auto* req = NewMessage<v1::PlanRequest>(arena);
    if (absl::Status s = ParseMessage(request, request_len, req, "request"); !s.ok()) return s;
    auto* plan = NewMessage<v1::Plan>(arena);
    if (absl::Status s = activation::PlanFromEdges(num_nodes, e->src, e->dst, e->weights, *req, plan);
        !s.ok())
      return s;
    return EmitMessage(*plan, out, out_len);
  });
}

mitra_status mitra_activation_simulate(uint32_t num_nodes, const uint32_t* src,
                                       const uint32_t* dst, const double* weights,
                                       size_t num_edges, const uint8_t* request,
                                       size_t request_len, uint8_t** out, size_t* out_len,
                                       mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = CheckOut(out, out_len); !s.ok()) return s;
    absl::StatusOr<EdgeSpans> e = Edges(src, dst, weights, num_edges);
    if (!e.ok()) return e.status();
    google::protobuf::Arena arena;
    auto* req = NewMessage<v1::SimulateRequest>(arena);
    if (absl::Status s = ParseMessage(request, request_len, req, "request"); !s.ok()) return s;
    auto* estimate = NewMessage<v1::SpreadEstimate>(arena);
    if (absl::Status s =
            activation::SimulateFromEdges(num_nodes, e->src, e->dst, e->weights, *req, estimate);
        !s.ok())
      return s;
    return EmitMessage(*estimate, out, out_len);
  });
}

mitra_status mitra_workspace_activation_plan(const mitra_workspace* workspace,
                                             const uint8_t* request, size_t request_len,
                                             uint8_t** out, size_t* out_len,
                                             mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return RunWorkspaceRequest<v1::WorkspacePlanRequest, v1::WorkspacePlan>(
        workspace, request, request_len, out, out_len, activation::WorkspacePlanMessage);
  });
}

}  // extern "C"

// The C ABI of activation planning (mitra.h, "Activation"). Graphs are
// caller edge arrays; requests and results are messages of
// activation.proto, emitted only when the whole call succeeded (the result
// is built on an Arena first).
#include "capi_internal.h"
#include "mitra/activation/messages.h"
#include "mitra/activation/rr_shares.h"
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

// The request's options and its diffusion graph on the edges.
struct Planned {
  activation::PlanOptions options;
  activation::DiffusionGraph graph;
};

absl::StatusOr<Planned> PlanOn(uint32_t num_nodes, const uint32_t* src, const uint32_t* dst,
                               const double* weights, size_t num_edges, const uint8_t* request,
                               size_t request_len, google::protobuf::Arena& arena) {
  absl::StatusOr<EdgeSpans> e = Edges(src, dst, weights, num_edges);
  if (!e.ok()) return e.status();
  auto* req = NewMessage<v1::PlanRequest>(arena);
  if (absl::Status s = ParseMessage(request, request_len, req, "request"); !s.ok()) return s;
  absl::StatusOr<activation::PlanOptions> o = activation::PlanOptionsFrom(*req, num_nodes);
  if (!o.ok()) return o.status();
  absl::StatusOr<activation::DiffusionGraph> dg =
      activation::DiffusionGraphFromEdges(num_nodes, e->src, e->dst, e->weights, *req);
  if (!dg.ok()) return dg.status();
  return Planned{*std::move(o), *std::move(dg)};
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

mitra_status mitra_activation_rr_sets(uint32_t num_nodes, const uint32_t* src,
                                      const uint32_t* dst, const double* weights,
                                      size_t num_edges, const uint8_t* request,
                                      size_t request_len, uint64_t first, uint64_t last,
                                      uint8_t** out, size_t* out_len,
                                      mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = CheckOut(out, out_len); !s.ok()) return s;
    google::protobuf::Arena arena;
    absl::StatusOr<Planned> p =
        PlanOn(num_nodes, src, dst, weights, num_edges, request, request_len, arena);
    if (!p.ok()) return p.status();
    absl::StatusOr<activation::RrShare> share =
        activation::SampleRrShare(p->graph, p->options.imm, first, last);
    if (!share.ok()) return share.status();
    const size_t words = share->sizes.size() + share->nodes.size();
    absl::StatusOr<uint8_t*> buf = ResultBuffer(words * sizeof(uint32_t));
    if (!buf.ok()) return buf.status();
    std::memcpy(*buf, share->sizes.data(), share->sizes.size() * sizeof(uint32_t));
    if (!share->nodes.empty())
      std::memcpy(*buf + share->sizes.size() * sizeof(uint32_t), share->nodes.data(),
                  share->nodes.size() * sizeof(uint32_t));
    *out = *buf;
    *out_len = words * sizeof(uint32_t);
    return absl::OkStatus();
  });
}

mitra_status mitra_activation_rr_coverage(uint32_t num_nodes, const uint32_t* sets,
                                          size_t sets_len, uint64_t num_sets,
                                          const uint32_t* seeds, size_t num_seeds,
                                          uint64_t* gains, uint64_t* counts,
                                          mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (sets == nullptr && sets_len > 0) return Null("sets");
    if (seeds == nullptr && num_seeds > 0) return Null("seeds");
    if (gains == nullptr && num_seeds > 0) return Null("gains");
    if (counts == nullptr && num_nodes > 0) return Null("counts");
    if (num_sets > sets_len)
      return absl::InvalidArgumentError(absl::StrCat(
          "num_sets: ", num_sets, " set sizes, but sets has only ", sets_len, " entries"));
    const size_t m = static_cast<size_t>(num_sets);
    absl::StatusOr<activation::RrCoverage> c = activation::CoverRrShare(
        num_nodes, {sets, m}, {sets == nullptr ? sets : sets + m, sets_len - m},
        {seeds, num_seeds});
    if (!c.ok()) return c.status();
    std::copy(c->gains.begin(), c->gains.end(), gains);
    std::copy(c->counts.begin(), c->counts.end(), counts);
    return absl::OkStatus();
  });
}

mitra_status mitra_activation_imm_stage(uint32_t num_nodes, const uint8_t* request,
                                        size_t request_len, uint32_t round, uint64_t covered,
                                        uint32_t* next_round, uint64_t* sets,
                                        double* lower_bound, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (next_round == nullptr) return Null("next_round");
    if (sets == nullptr) return Null("sets");
    if (lower_bound == nullptr) return Null("lower_bound");
    google::protobuf::Arena arena;
    auto* req = NewMessage<v1::PlanRequest>(arena);
    if (absl::Status s = ParseMessage(request, request_len, req, "request"); !s.ok()) return s;
    absl::StatusOr<activation::PlanOptions> o = activation::PlanOptionsFrom(*req, num_nodes);
    if (!o.ok()) return o.status();
    absl::StatusOr<activation::ImmStage> st =
        activation::ImmNextStage(num_nodes, o->imm, round, covered);
    if (!st.ok()) return st.status();
    *next_round = st->round;
    *sets = st->sets;
    *lower_bound = st->lower_bound;
    return absl::OkStatus();
  });
}

mitra_status mitra_activation_selection_plan(uint32_t num_nodes, const uint32_t* src,
                                             const uint32_t* dst, const double* weights,
                                             size_t num_edges, const uint8_t* request,
                                             size_t request_len, const uint32_t* seeds,
                                             const uint64_t* gains, size_t num_seeds,
                                             uint64_t sets, double lower_bound, uint8_t** out,
                                             size_t* out_len, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = CheckOut(out, out_len); !s.ok()) return s;
    if (seeds == nullptr && num_seeds > 0) return Null("seeds");
    if (gains == nullptr && num_seeds > 0) return Null("gains");
    google::protobuf::Arena arena;
    absl::StatusOr<Planned> p =
        PlanOn(num_nodes, src, dst, weights, num_edges, request, request_len, arena);
    if (!p.ok()) return p.status();
    absl::StatusOr<activation::PlanResult> r = activation::PlanOfSelection(
        p->graph, p->options, {seeds, num_seeds}, {gains, num_seeds}, sets, lower_bound);
    if (!r.ok()) return r.status();
    auto* plan = NewMessage<v1::Plan>(arena);
    activation::PlanMessage(*r, p->graph.num_nodes(), p->graph.num_arcs(), plan);
    return EmitMessage(*plan, out, out_len);
  });
}

}  // extern "C"

// The C ABI of the community-leader scores (mitra.h, "Leaders"): request
// message in, report message out, on a workspace held shared.
#include "capi_internal.h"
#include "mitra/leaders/messages.h"
#include "mitra/mitra.h"

using namespace mitra::capi;  // NOLINT: the C ABI files share these helpers

namespace {

namespace v1 = mitra::v1;

// Parses the request, runs `driver` on the workspace, emits the report.
template <typename Request, typename Report, typename Driver>
absl::Status Run(const mitra_workspace* workspace, const uint8_t* request, size_t request_len,
                 uint8_t** out, size_t* out_len, Driver&& driver) {
  if (absl::Status s = CheckOut(out, out_len); !s.ok()) return s;
  google::protobuf::Arena arena;
  auto* req = NewMessage<Request>(arena);
  if (absl::Status s = ParseMessage(request, request_len, req, "request"); !s.ok()) return s;
  return ReadInto(workspace, out, out_len, [&](const mitra::Workspace& ws) -> absl::Status {
    auto* report = NewMessage<Report>(arena);
    if (absl::Status s = driver(ws, *req, report); !s.ok()) return s;
    return EmitMessage(*report, out, out_len);
  });
}

}  // namespace

extern "C" {

mitra_status mitra_workspace_leaders(const mitra_workspace* workspace, const uint8_t* request,
                                     size_t request_len, uint8_t** out, size_t* out_len,
                                     mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return Run<v1::LeadersRequest, v1::LeadersReport>(workspace, request, request_len, out, out_len,
                                                      mitra::leaders::FindLeadersMessage);
  });
}

mitra_status mitra_workspace_trust(const mitra_workspace* workspace, const uint8_t* request,
                                   size_t request_len, uint8_t** out, size_t* out_len,
                                   mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return Run<v1::TrustRequest, v1::TrustReport>(workspace, request, request_len, out, out_len,
                                                  mitra::leaders::TrustMessage);
  });
}

mitra_status mitra_workspace_community_health(const mitra_workspace* workspace,
                                              const uint8_t* request, size_t request_len,
                                              uint8_t** out, size_t* out_len,
                                              mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return Run<v1::HealthRequest, v1::HealthReport>(workspace, request, request_len, out, out_len,
                                                    mitra::leaders::HealthMessage);
  });
}

}  // extern "C"

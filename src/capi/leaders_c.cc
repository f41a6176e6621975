// The C ABI of the community-leader scores (mitra.h, "Leaders"): request
// message in, report message out, on a workspace held shared.
#include "capi_internal.h"
#include "mitra/leaders/messages.h"
#include "mitra/mitra.h"

using namespace mitra::capi;  // NOLINT: the C ABI files share these helpers

namespace v1 = mitra::v1;

extern "C" {

mitra_status mitra_workspace_leaders(const mitra_workspace* workspace, const uint8_t* request,
                                     size_t request_len, uint8_t** out, size_t* out_len,
                                     mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return RunWorkspaceRequest<v1::LeadersRequest, v1::LeadersReport>(
        workspace, request, request_len, out, out_len, mitra::leaders::FindLeadersMessage);
  });
}

mitra_status mitra_workspace_trust(const mitra_workspace* workspace, const uint8_t* request,
                                   size_t request_len, uint8_t** out, size_t* out_len,
                                   mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return RunWorkspaceRequest<v1::TrustRequest, v1::TrustReport>(
        workspace, request, request_len, out, out_len, mitra::leaders::TrustMessage);
  });
}

mitra_status mitra_workspace_community_health(const mitra_workspace* workspace,
                                              const uint8_t* request, size_t request_len,
                                              uint8_t** out, size_t* out_len,
                                              mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return RunWorkspaceRequest<v1::HealthRequest, v1::HealthReport>(
        workspace, request, request_len, out, out_len, mitra::leaders::HealthMessage);
  });
}

}  // extern "C"

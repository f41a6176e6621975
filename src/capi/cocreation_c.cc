// The C ABI of co-creation programs (mitra.h, "Co-creation"): request
// message in, report message out, on a workspace held shared.
#include "capi_internal.h"
#include "mitra/cocreation/messages.h"
#include "mitra/mitra.h"

using namespace mitra::capi;  // NOLINT: the C ABI files share these helpers

namespace v1 = mitra::v1;

extern "C" {

mitra_status mitra_workspace_cocreation_panel(const mitra_workspace* workspace,
                                              const uint8_t* request, size_t request_len,
                                              uint8_t** out, size_t* out_len,
                                              mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return RunWorkspaceRequest<v1::PanelRequest, v1::PanelReport>(
        workspace, request, request_len, out, out_len, mitra::cocreation::PanelMessage);
  });
}

mitra_status mitra_workspace_cocreation_feedback(const mitra_workspace* workspace,
                                                 const uint8_t* request, size_t request_len,
                                                 uint8_t** out, size_t* out_len,
                                                 mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return RunWorkspaceRequest<v1::FeedbackRequest, v1::FeedbackReport>(
        workspace, request, request_len, out, out_len, mitra::cocreation::FeedbackMessage);
  });
}

mitra_status mitra_workspace_cocreation_adoption(const mitra_workspace* workspace,
                                                 const uint8_t* request, size_t request_len,
                                                 uint8_t** out, size_t* out_len,
                                                 mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return RunWorkspaceRequest<v1::AdoptionRequest, v1::AdoptionReport>(
        workspace, request, request_len, out, out_len, mitra::cocreation::AdoptionMessage);
  });
}

}  // extern "C"

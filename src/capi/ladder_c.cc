// The C ABI of the relationship ladder and external-employee contribution
// (mitra.h, "Ladder"): request message in, report message out, on a
// workspace held shared.
#include "capi_internal.h"
#include "mitra/ladder/messages.h"
#include "mitra/mitra.h"

using namespace mitra::capi;  // NOLINT: the C ABI files share these helpers

namespace v1 = mitra::v1;

extern "C" {

mitra_status mitra_workspace_ladder(const mitra_workspace* workspace, const uint8_t* request,
                                    size_t request_len, uint8_t** out, size_t* out_len,
                                    mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return RunWorkspaceRequest<v1::LadderRequest, v1::LadderReport>(
        workspace, request, request_len, out, out_len, mitra::ladder::LadderMessage);
  });
}

mitra_status mitra_workspace_contribution(const mitra_workspace* workspace, const uint8_t* request,
                                          size_t request_len, uint8_t** out, size_t* out_len,
                                          mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return RunWorkspaceRequest<v1::ContributionRequest, v1::ContributionReport>(
        workspace, request, request_len, out, out_len, mitra::ladder::ContributionMessage);
  });
}

}  // extern "C"

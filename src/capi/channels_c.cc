// The C ABI of channel economics (mitra.h, "Channels"): request message in,
// report message out; the workspace report on a workspace held shared, the
// budget split and the linear-demand closed forms on their own.
#include "capi_internal.h"
#include "mitra/channels/messages.h"
#include "mitra/mitra.h"

using namespace mitra::capi;  // NOLINT: the C ABI files share these helpers

namespace v1 = mitra::v1;

namespace {

// Request bytes in, report bytes out, no workspace.
template <typename Request, typename Report, typename Driver>
absl::Status RunRequest(const uint8_t* request, size_t request_len, uint8_t** out, size_t* out_len,
                        Driver&& driver) {
  if (absl::Status s = CheckOut(out, out_len); !s.ok()) return s;
  google::protobuf::Arena arena;
  auto* req = NewMessage<Request>(arena);
  if (absl::Status s = ParseMessage(request, request_len, req, "request"); !s.ok()) return s;
  auto* report = NewMessage<Report>(arena);
  if (absl::Status s = driver(*req, report); !s.ok()) return s;
  return EmitMessage(*report, out, out_len);
}

}  // namespace

extern "C" {

mitra_status mitra_workspace_channel_economics(const mitra_workspace* workspace,
                                               const uint8_t* request, size_t request_len,
                                               uint8_t** out, size_t* out_len,
                                               mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return RunWorkspaceRequest<v1::ChannelRequest, v1::ChannelReport>(
        workspace, request, request_len, out, out_len, mitra::channels::ChannelEconomicsMessage);
  });
}

mitra_status mitra_workspace_campaign_effects(const mitra_workspace* workspace,
                                              const uint8_t* request, size_t request_len,
                                              uint8_t** out, size_t* out_len,
                                              mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return RunWorkspaceRequest<v1::CampaignEffectsRequest, v1::CampaignEffectsReport>(
        workspace, request, request_len, out, out_len, mitra::channels::CampaignEffectsMessage);
  });
}

mitra_status mitra_channels_budget_split(const uint8_t* request, size_t request_len, uint8_t** out,
                                         size_t* out_len, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return RunRequest<v1::BudgetRequest, v1::BudgetSplit>(request, request_len, out, out_len,
                                                          mitra::channels::BudgetSplitMessage);
  });
}

mitra_status mitra_channels_double_marginalisation(const uint8_t* request, size_t request_len,
                                                   uint8_t** out, size_t* out_len,
                                                   mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return RunRequest<v1::LinearDemandRequest, v1::DoubleMarginalisation>(
        request, request_len, out, out_len, mitra::channels::DoubleMarginalisationMessage);
  });
}

}  // extern "C"

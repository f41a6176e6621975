// The discrete-time value models at the edges: the mitra.v1 sBG and BG/BB
// messages <-> the C++ models (sbg.h, bgbb.h) and a workspace's periods
// (discrete_periods.h). Used by the C ABI, the CLI and Python through it.
// Errors name the request's fields ("request.cohorts[2].survivors[3]: ...").
#ifndef MITRA_VALUE_DISCRETE_MESSAGES_H_
#define MITRA_VALUE_DISCRETE_MESSAGES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mitra/core/workspace.h"
#include "mitra/v1/value.pb.h"
#include "mitra/value/bgbb.h"
#include "mitra/value/sbg.h"

namespace mitra::value {

// One sBG fit per cohort, projected over the horizon, with DERL, its
// elasticity and the residual value of the active base when asked.
absl::Status FitSbgCohorts(const v1::SbgFitRequest& request, v1::SbgFitResult* out,
                           absl::string_view where = "request");

// The BG/BB fit of the request's histories.
absl::Status FitBgBbHistories(const v1::BgBbFitRequest& request, v1::BgBbModel* out,
                              absl::string_view where = "request");
// The same from columns, with the options of `options` named under `where`
// ("options": "options.penalizer: ...").
absl::Status FitBgBbColumns(const OpportunityData& data, const v1::FitOptions& options,
                            absl::string_view where, v1::BgBbModel* out);

// The parameters of a model, each finite and > 0; INVALID_ARGUMENT names
// "<where>.alpha" and so on.
absl::StatusOr<SbgParams> SbgParamsFrom(const v1::SbgModel& model,
                                        absl::string_view where = "model");
absl::StatusOr<BgBbParams> BgBbParamsFrom(const v1::BgBbModel& model,
                                          absl::string_view where = "model");

// sBG per acquisition cohort of the workspace's transactions.
absl::Status WorkspaceSbg(const Workspace& ws, const v1::WorkspaceSbgRequest& request,
                          v1::SbgFitResult* out);
// BG/BB on the workspace's customers' opportunity histories, with each
// customer's P(alive) and expected transactions.
absl::Status WorkspaceBgBb(const Workspace& ws, const v1::WorkspaceBgBbRequest& request,
                           v1::WorkspaceBgBbResult* out);

}  // namespace mitra::value

#endif  // MITRA_VALUE_DISCRETE_MESSAGES_H_

// Calling the C ABI from tests: every request-in, report-out call checked
// against the contract of mitra.h, and a fixture holding one workspace
// through the ABI beside a C++ Workspace with the same records (so reports
// can be compared with the C++ drivers).
#ifndef MITRA_TESTS_COMMON_CAPI_FIXTURE_H_
#define MITRA_TESTS_COMMON_CAPI_FIXTURE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"
#include "mitra/core/workspace.h"
#include "mitra/mitra.h"
#include "mitra/v1/batch.pb.h"

namespace mitra::testing {

// body(request, request_len, &out, &out_len, &error): one C call.
using CApiBody =
    absl::FunctionRef<mitra_status(const uint8_t*, size_t, uint8_t**, size_t*, mitra_error**)>;

// What one call returned: its status, the error message (empty on success)
// and the output bytes (empty on failure).
struct CApiResult {
  mitra_status status = MITRA_OK;
  std::string message;
  std::string bytes;
};

// Calls `body` on `request` with out/out_len set to garbage and checks the
// contract: success sets no error; failure resets out to NULL and out_len to
// 0 and returns an error carrying the same status. Frees what it got.
CApiResult CallCApi(const std::string& request, CApiBody body);

// Serializes `batch` into `ws` through mitra_workspace_ingest; the ABI's
// error message on failure.
absl::Status IngestThroughCApi(mitra_workspace* ws, const v1::Batch& batch);

// A request-in, report-out entry point on a workspace, and one without.
using WorkspaceEntry = mitra_status (*)(const mitra_workspace*, const uint8_t*, size_t, uint8_t**,
                                        size_t*, mitra_error**);
using PlainEntry = mitra_status (*)(const uint8_t*, size_t, uint8_t**, size_t*, mitra_error**);

// A fixture for the C ABI suites: Ingest(records) once, then
// Call(mitra_workspace_..., request, &report) runs on ws_ (see CApiTestOn).
class CApiTest : public ::testing::Test {
 protected:
  void TearDown() override { mitra_workspace_free(ws_); }

  // Creates ws_ if needed and puts `batch` into it and into cpp_ (a fatal
  // failure otherwise: wrap in ASSERT_NO_FATAL_FAILURE).
  void Ingest(const v1::Batch& batch);

  // Calls fn on ws_ (or fn alone) through CallCApi; on success parses the
  // report into `report`; on failure `message`, if given, receives the
  // error message.
  mitra_status Call(WorkspaceEntry fn, const std::string& request,
                    google::protobuf::Message* report, std::string* message = nullptr);
  mitra_status Call(WorkspaceEntry fn, const google::protobuf::Message& request,
                    google::protobuf::Message* report, std::string* message = nullptr);
  mitra_status Call(PlainEntry fn, const google::protobuf::Message& request,
                    google::protobuf::Message* report, std::string* message = nullptr);

  // The bad arguments every workspace entry point refuses as
  // INVALID_ARGUMENT with no buffer: a NULL workspace, bytes that are no
  // serialized Request (both named in the message) and a NULL out.
  template <typename Request>
  void ExpectBadArgumentsRefused(WorkspaceEntry fn) {
    ExpectBadArgumentsRefused(fn, Request::descriptor()->full_name());
  }
  void ExpectBadArgumentsRefused(WorkspaceEntry fn, const std::string& request_type);

  mitra_workspace* ws_ = nullptr;
  Workspace cpp_;
};

// A CApiTest whose every test starts from the records of kBatch(): a suite
// names it, e.g. `using LeadersCApi = mitra::testing::CApiTestOn<SmallBatch>;`.
template <v1::Batch (*kBatch)()>
class CApiTestOn : public CApiTest {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(Ingest(kBatch())); }
};

}  // namespace mitra::testing

#endif  // MITRA_TESTS_COMMON_CAPI_FIXTURE_H_

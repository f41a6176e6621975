#include "common/capi_fixture.h"

namespace mitra::testing {

CApiResult CallCApi(const std::string& request, CApiBody body) {
  uint8_t* out = reinterpret_cast<uint8_t*>(0x1);  // must be reset on failure
  size_t n = 99;
  mitra_error* err = nullptr;
  CApiResult r;
  r.status = body(reinterpret_cast<const uint8_t*>(request.data()), request.size(), &out, &n, &err);
  if (r.status == MITRA_OK) {
    EXPECT_EQ(err, nullptr);
    r.bytes.assign(reinterpret_cast<const char*>(out), n);
  } else {
    EXPECT_EQ(out, nullptr);
    EXPECT_EQ(n, 0u);
    EXPECT_NE(err, nullptr);
    if (err != nullptr) {
      EXPECT_EQ(mitra_error_code(err), r.status);
      r.message = mitra_error_message(err);
    }
    out = nullptr;
  }
  mitra_error_free(err);
  mitra_free(out);
  return r;
}

absl::Status IngestThroughCApi(mitra_workspace* ws, const v1::Batch& batch) {
  const std::string bytes = batch.SerializeAsString();
  mitra_error* err = nullptr;
  const mitra_status s =
      mitra_workspace_ingest(ws, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &err);
  absl::Status status;
  if (s != MITRA_OK)
    status = absl::Status(static_cast<absl::StatusCode>(s), err ? mitra_error_message(err) : "");
  mitra_error_free(err);
  return status;
}

void CApiTest::Ingest(const v1::Batch& batch) {
  if (ws_ == nullptr) ASSERT_EQ(mitra_workspace_create(&ws_, nullptr), MITRA_OK);
  const absl::Status s = IngestThroughCApi(ws_, batch);
  ASSERT_TRUE(s.ok()) << s;
  const absl::Status c = cpp_.Ingest(batch);
  ASSERT_TRUE(c.ok()) << c;
}

namespace {

// The report of a successful call, or the message of a failed one.
mitra_status Finish(const CApiResult& r, google::protobuf::Message* report, std::string* message) {
  if (r.status == MITRA_OK) {
    EXPECT_TRUE(report->ParseFromString(r.bytes));
  } else if (message != nullptr) {
    *message = r.message;
  }
  return r.status;
}

}  // namespace

mitra_status CApiTest::Call(WorkspaceEntry fn, const std::string& request,
                            google::protobuf::Message* report, std::string* message) {
  return Finish(CallCApi(request, [&](const uint8_t* q, size_t ql, uint8_t** o, size_t* ol,
                                      mitra_error** e) { return fn(ws_, q, ql, o, ol, e); }),
                report, message);
}

mitra_status CApiTest::Call(WorkspaceEntry fn, const google::protobuf::Message& request,
                            google::protobuf::Message* report, std::string* message) {
  return Call(fn, request.SerializeAsString(), report, message);
}

mitra_status CApiTest::Call(PlainEntry fn, const google::protobuf::Message& request,
                            google::protobuf::Message* report, std::string* message) {
  return Finish(CallCApi(request.SerializeAsString(), fn), report, message);
}

void CApiTest::ExpectBadArgumentsRefused(WorkspaceEntry fn, const std::string& request_type) {
  const CApiResult no_workspace =
      CallCApi("", [&](const uint8_t* q, size_t ql, uint8_t** o, size_t* ol, mitra_error** e) {
        return fn(nullptr, q, ql, o, ol, e);
      });
  EXPECT_EQ(no_workspace.status, MITRA_INVALID_ARGUMENT);
  EXPECT_NE(no_workspace.message.find("workspace is NULL"), std::string::npos)
      << no_workspace.message;
  const CApiResult malformed = CallCApi(
      std::string("\xff\xff", 2),
      [&](const uint8_t* q, size_t ql, uint8_t** o, size_t* ol, mitra_error** e) {
        return fn(ws_, q, ql, o, ol, e);
      });
  EXPECT_EQ(malformed.status, MITRA_INVALID_ARGUMENT);
  EXPECT_NE(malformed.message.find("not a valid serialized " + request_type), std::string::npos)
      << malformed.message;
  size_t n = 99;
  mitra_error* err = nullptr;
  EXPECT_EQ(fn(ws_, nullptr, 0, nullptr, &n, &err), MITRA_INVALID_ARGUMENT);
  EXPECT_NE(err, nullptr);
  if (err != nullptr) {
    EXPECT_NE(std::string(mitra_error_message(err)).find("out is NULL"), std::string::npos);
  }
  mitra_error_free(err);
}

}  // namespace mitra::testing

// What the fuzz targets share: small workspaces from CSV text, the error
// contract of every call, and checked request-in, report-out calls.
#ifndef MITRA_FUZZ_FUZZ_UTIL_H_
#define MITRA_FUZZ_FUZZ_UTIL_H_

#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>

#include "google/protobuf/message_lite.h"
#include "google/protobuf/stubs/logging.h"
#include "mitra/mitra.h"

namespace mitra::fuzz {

// protobuf logs every string field it finds not UTF-8 to stderr; fuzzers
// feed it such bytes by the million, and writing the lines cost a tenth of
// a run. The errors themselves still come back through the C ABI.
inline const bool kQuietProtobufLogs = [] {
  google::protobuf::SetLogHandler(nullptr);
  return true;
}();

// The workspace's serialized counts. Ingestion only appends, so equal counts
// before and after a failed call mean nothing changed (and are far cheaper
// than an export).
inline std::string Counts(const mitra_workspace* ws) {
  uint8_t* out = nullptr;
  size_t n = 0;
  if (mitra_workspace_counts(ws, &out, &n, nullptr) != MITRA_OK) std::abort();
  std::string s(reinterpret_cast<char*>(out), n);
  mitra_free(out);
  return s;
}

// The error contract of every call: an error exactly when the status is not
// OK, with that status and a message, and no output on failure. Frees `err`.
inline void CheckCall(mitra_status s, mitra_error* err, const uint8_t* out) {
  if ((s == MITRA_OK) != (err == nullptr)) std::abort();
  if (s != MITRA_OK && (mitra_error_code(err) != s || mitra_error_message(err)[0] == '\0'))
    std::abort();
  if (s != MITRA_OK && out != nullptr) std::abort();
  mitra_error_free(err);
}

// One CSV file of a fixed workspace: its entity kind and text.
struct CsvFile {
  const char* kind;
  std::string_view csv;
};

// A new workspace holding `files`, ingested in order through the C ABI.
// Aborts if one does not ingest: the target would then fuzz the wrong data.
inline mitra_workspace* WorkspaceFromCsv(std::initializer_list<CsvFile> files) {
  mitra_workspace* w = nullptr;
  if (mitra_workspace_create(&w, nullptr) != MITRA_OK) std::abort();
  for (const CsvFile& f : files) {
    if (mitra_workspace_ingest_csv_bytes(w, f.kind, f.kind,
                                         reinterpret_cast<const uint8_t*>(f.csv.data()),
                                         f.csv.size(), nullptr) != MITRA_OK)
      std::abort();
  }
  return w;
}

// The customers of CollaborationWorkspace().
constexpr int kCollaborationCustomers = 4;

// A small workspace for the ladder, co-creation and channel entries: four
// customers with a segment, two products, a community, a chain (producer,
// wholesaler, two retailers sharing a territory, a direct store), two
// programs (g1 on p1 rating comfort and price), purchases through the
// chain, interactions, memberships, rated feedback and referrals.
inline const mitra_workspace* CollaborationWorkspace() {
  static const mitra_workspace* ws = WorkspaceFromCsv({
      {"customers", "id,created,attributes.segment\nc1,2024-01-01,a\nc2,2024-01-05,b\nc3,,a\n"
                    "c4,2024-03-01,b\n"},
      {"products", "id,unit_price,unit_cost\np1,100,60\np2,10,\n"},
      {"communities", "id,name\nk1,One\n"},
      {"channels", "id,kind,parent_id,margin,fixed_cost_per_year,cost_per_unit,territory\n"
                   "m,producer,,0.3,100,1,\nw1,wholesaler,m,0.1,50,0.5,\nr1,retailer,w1,0.2,20,2,T\n"
                   "r2,retailer,w1,0.15,20,1,T\nd1,direct,m,0,30,3,online\n"},
      {"programs", "id,start,product_id,attributes\ng1,2024-01-01,p1,comfort;price\n"
                   "g2,2024-06-01,,\n"},
      {"transactions", "customer_id,time,amount,quantity,product_id,channel_id\n"
                       "c1,2024-01-02,100,1,p1,r1\nc1,2024-05-02,10,1,p2,r2\n"
                       "c2,2024-02-01,100,1,p1,r2\nc2,2024-02-02,20,,,\nc4,2024-04-01,100,1,p1,d1\n"
                       "c4,2024-04-09,0,1,p1,d1\n"},
      {"memberships", "customer_id,community_id,joined\nc1,k1,2024-01-10\nc2,k1,2024-02-10\n"},
      {"interactions", "from_customer_id,to_customer_id,kind,time,community_id\n"
                       "c2,c1,REPLY,2024-05-01,k1\nc2,c1,ENDORSEMENT,2024-05-02,k1\n"
                       "c1,c2,LIKE,2024-05-03,k1\nc1,,POST,2024-05-04,k1\n"
                       "c1,c4,REFERRAL,2024-03-20,\n"},
      {"feedback", "program_id,customer_id,time,ratings.comfort,ratings.price,would_recommend\n"
                   "g1,c1,2024-02-01,4,2,9\ng2,c1,2024-07-01,,,10\ng1,c2,2024-02-03,5,3,6\n"
                   "g1,c3,2024-02-05,3,1,8\n"},
      {"referrals", "referrer_id,referee_id,time,converted\nc1,c4,2024-03-20,true\n"
                    "c2,,2024-04-01,false\n"},
  });
  return ws;
}

// A request-in, report-out entry point on a workspace, and one without.
using WorkspaceEntry = mitra_status (*)(const mitra_workspace*, const uint8_t*, size_t, uint8_t**,
                                        size_t*, mitra_error**);
using PlainEntry = mitra_status (*)(const uint8_t*, size_t, uint8_t**, size_t*, mitra_error**);

// Checks a finished call (CheckCall) and that a successful one's output
// parses as `report`; frees the output. Whether the call succeeded.
inline bool Finish(mitra_status s, mitra_error* err, uint8_t* out, size_t n,
                   google::protobuf::MessageLite& report) {
  CheckCall(s, err, out);
  const bool parsed = s == MITRA_OK && report.ParseFromArray(out, static_cast<int>(n));
  mitra_free(out);
  if (s == MITRA_OK && !parsed) std::abort();
  return s == MITRA_OK;
}

// fn on the request bytes, checked as by Finish.
inline bool Call(WorkspaceEntry fn, const mitra_workspace* ws, const uint8_t* data, size_t size,
                 google::protobuf::MessageLite& report) {
  uint8_t* out = nullptr;
  size_t n = 0;
  mitra_error* err = nullptr;
  const mitra_status s = fn(ws, data, size, &out, &n, &err);
  return Finish(s, err, out, n, report);
}
inline bool Call(PlainEntry fn, const uint8_t* data, size_t size,
                 google::protobuf::MessageLite& report) {
  uint8_t* out = nullptr;
  size_t n = 0;
  mitra_error* err = nullptr;
  const mitra_status s = fn(data, size, &out, &n, &err);
  return Finish(s, err, out, n, report);
}

}  // namespace mitra::fuzz

#endif  // MITRA_FUZZ_FUZZ_UTIL_H_

// The CSV reader of one entity kind (MITRA_FUZZ_CSV_KIND) through
// mitra_workspace_ingest_csv_bytes, on a workspace that already holds a few
// records of every kind so that references can resolve.
#include <cstdlib>
#include <cstring>
#include <string>

#include "fuzz_util.h"
#include "mitra/mitra.h"

namespace {

const char* const kBase[][2] = {
    {"customers", "id,created\nc1,2024-01-01\nc2,\nc3,2024-03-01T10:00:00Z\n"},
    {"products", "id,name,unit_price\np1,Mio,1500\np2,Helmet,40\n"},
    {"communities", "id,name\nk1,Bandung\nk2,Jakarta\n"},
    {"channels", "id,kind,parent_id,margin\nprod,producer,,0.3\nw1,wholesaler,prod,0.1\n"},
    {"programs", "id,start,attributes\npg1,2024-03-01,comfort;range\n"},
    {"campaigns", "id,route,start,end,spend\nch1,chain,2024-01-01,2024-02-01,100\n"
                  "cm1,community,2024-01-01,2024-02-01,50\n"},
};

// The base records, read from CSV once and kept as a serialized batch: one
// parse per input instead of five CSV files.
const std::string& BaseBatch() {
  static const std::string* bytes = [] {
    mitra_workspace* ws = nullptr;
    if (mitra_workspace_create(&ws, nullptr) != MITRA_OK) std::abort();
    for (const auto& kv : kBase) {
      if (mitra_workspace_ingest_csv_bytes(ws, kv[0], kv[0], reinterpret_cast<const uint8_t*>(kv[1]),
                                           std::strlen(kv[1]), nullptr) != MITRA_OK)
        std::abort();
    }
    uint8_t* out = nullptr;
    size_t n = 0;
    if (mitra_workspace_export(ws, &out, &n, nullptr) != MITRA_OK) std::abort();
    auto* s = new std::string(reinterpret_cast<char*>(out), n);
    mitra_free(out);
    mitra_workspace_free(ws);
    return s;
  }();
  return *bytes;
}

mitra_workspace* Base() {
  mitra_workspace* ws = nullptr;
  const std::string& b = BaseBatch();
  if (mitra_workspace_create(&ws, nullptr) != MITRA_OK ||
      mitra_workspace_ingest(ws, reinterpret_cast<const uint8_t*>(b.data()), b.size(), nullptr) !=
          MITRA_OK)
    std::abort();
  return ws;
}


}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string base_counts = [] {
    mitra_workspace* b = Base();
    std::string c = mitra::fuzz::Counts(b);
    mitra_workspace_free(b);
    return c;
  }();
  mitra_workspace* ws = Base();
  mitra_error* err = nullptr;
  const mitra_status s =
      mitra_workspace_ingest_csv_bytes(ws, MITRA_FUZZ_CSV_KIND, "fuzz.csv", data, size, &err);
  if ((s == MITRA_OK) != (err == nullptr)) std::abort();
  if (s != MITRA_OK) {
    // The message names the file; a failed file changes nothing.
    if (std::strstr(mitra_error_message(err), "fuzz.csv") == nullptr) std::abort();
    if (mitra::fuzz::Counts(ws) != base_counts) std::abort();
  }
  mitra_error_free(err);
  mitra_workspace_free(ws);
  return 0;
}

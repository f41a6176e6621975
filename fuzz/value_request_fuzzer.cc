// The customer-value entries that take request bytes: mitra_value_fit,
// mitra_value_rfm, mitra_value_summarize and mitra_workspace_value_summary
// (selected by the first byte), on arbitrary bytes. Never a crash, an error
// always has its message, and nothing returns NaN parameters.
#include <cmath>
#include <cstdlib>

#include "fuzz_util.h"
#include "mitra/mitra.h"
#include "mitra/v1/value.pb.h"


extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t which = data[0] % 4;
  ++data;
  --size;
  uint8_t* out = nullptr;
  size_t n = 0;
  mitra_error* err = nullptr;
  mitra_status s;
  if (which == 0) {
    s = mitra_value_fit(data, size, &out, &n, &err);
    if (s == MITRA_OK) {
      mitra::v1::FittedModel m;
      if (!m.ParseFromArray(out, static_cast<int>(n))) std::abort();
      for (const auto& [k, v] : m.params())
        if (!std::isfinite(v) || v <= 0) std::abort();  // a fit never returns bad parameters
    }
  } else if (which == 1) {
    s = mitra_value_rfm(data, size, &out, &n, &err);
  } else if (which == 2) {
    // A few transactions, summarised with the request under test.
    static const uint32_t customer[] = {0, 0, 1, 2, 2, 2};
    static const int64_t time[] = {852076800, 855000000, 852163200, 852076800, 860000000, 870000000};
    static const double amount[] = {10, 20, 5, 1, 2, 3};
    s = mitra_value_summarize(customer, time, amount, 6, data, size, &out, &n, &err);
  } else {
    static const mitra_workspace* ws = mitra::fuzz::WorkspaceFromCsv({
        {"customers", "id\nc1\nc2\n"},
        {"transactions",
         "customer_id,time,amount\nc1,1997-01-01,10\nc1,1997-02-01,5\nc2,1997-01-03,7\n"},
    });
    s = mitra_workspace_value_summary(ws, data, size, &out, &n, &err);
  }
  mitra::fuzz::CheckCall(s, err, out);
  mitra_free(out);
  return 0;
}

// The customer-value entries that take a fitted model's bytes:
// mitra_value_predict (three quantities), mitra_value_expected_purchases_new,
// mitra_value_probability_of_purchases, mitra_value_expected_spend,
// mitra_value_clv and mitra_value_holdout, selected by the first byte, on
// arbitrary model bytes (for clv, the second byte splits the rest into the
// purchase and the spend model). Never a crash, an error always has its
// message, and a call that succeeds returns finite numbers (probabilities
// within [0, 1]).
#include <cmath>
#include <cstdlib>

#include "fuzz_util.h"
#include "value_fuzz_inputs.h"
#include "mitra/mitra.h"
#include "mitra/v1/value.pb.h"

namespace {

using namespace mitra::fuzz;  // NOLINT: the customers of value_fuzz_inputs.h

const double kHoldout[kN] = {0, 1, 2};
const double kHorizons[kN] = {1, 39, 78};

void CheckNumbers(mitra_status s, const double* out, bool probability) {
  mitra::fuzz::CheckNumbers(s, out, kN, probability);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t which = data[0] % 8;
  ++data;
  --size;
  double out[kN] = {0, 0, 0};
  uint8_t* report = nullptr;
  size_t n = 0;
  mitra_error* err = nullptr;
  mitra_status s;
  if (which <= 2) {
    const auto q = static_cast<mitra_value_quantity>(which + 1);
    s = mitra_value_predict(data, size, q, 39, kFrequency, kRecency, kT, kN, out, &err);
    CheckNumbers(s, out, q != MITRA_VALUE_EXPECTED_PURCHASES);
  } else if (which == 3) {
    s = mitra_value_expected_purchases_new(data, size, kHorizons, kN, out, &err);
    CheckNumbers(s, out, false);
  } else if (which == 4) {
    s = mitra_value_probability_of_purchases(data, size, 39, kCounts, kN, out, &err);
    CheckNumbers(s, out, true);
  } else if (which == 5) {
    s = mitra_value_expected_spend(data, size, kFrequency, kMonetary, kN, out, &err);
    CheckNumbers(s, out, false);
  } else if (which == 6) {
    const uint8_t* rest = size == 0 ? data : data + 1;
    const size_t left = size == 0 ? 0 : size - 1;
    const size_t first = size == 0 ? 0 : data[0] % (left + 1);
    s = mitra_value_clv(rest, first, rest + first, left - first, 12, 4.33, 0.01, kFrequency,
                        kRecency, kT, kMonetary, kN, out, &err);
    CheckNumbers(s, out, false);
  } else {
    s = mitra_value_holdout(data, size, 39, kFrequency, kRecency, kT, kHoldout, kN, &report, &n,
                            &err);
    if (s == MITRA_OK) {
      mitra::v1::HoldoutValidation h;
      if (!h.ParseFromArray(report, static_cast<int>(n))) std::abort();
    }
  }
  mitra::fuzz::CheckCall(s, err, report);
  mitra_free(report);
  return 0;
}

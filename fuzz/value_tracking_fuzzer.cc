// The tracking entries that take a fitted model's bytes:
// mitra_value_expected_cumulative_transactions, mitra_value_tracking,
// mitra_value_probability_alive_path, mitra_value_purchase_count_probability
// (new customer and given a history) and mitra_value_spend_holdout,
// selected by the first byte, on arbitrary model bytes. Never a crash, an
// error always has its message, and a call that succeeds returns finite
// numbers (probabilities within [0, 1], cumulative series non-decreasing).
#include "fuzz_util.h"
#include "value_fuzz_inputs.h"
#include "mitra/mitra.h"
#include "mitra/v1/value.pb.h"

namespace {

using namespace mitra::fuzz;  // NOLINT: the customers of value_fuzz_inputs.h

const double kHoldout[kN] = {1, 1, 2};
const double kHoldoutSpend[kN] = {12, 30, 61};
const double kBirths[kN] = {0, 1.5, 6};
const uint32_t kCustomers[4] = {0, 0, 1, 2};
const int64_t kTimes[4] = {0, 86400 * 9, 86400 * 3, 86400 * 20};
const double kPurchases[kN] = {0, 2, 7};
const double kGrid[kN] = {0, 5, 40};
constexpr int32_t kPeriods = 6;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t which = data[0] % 6;
  ++data;
  --size;
  double out[kPeriods] = {0}, actual[kPeriods] = {0};
  uint8_t* report = nullptr;
  size_t n = 0;
  mitra_error* err = nullptr;
  mitra_status s;
  if (which == 0) {
    s = mitra_value_expected_cumulative_transactions(data, size, kBirths, kN, 1, kPeriods, out, &err);
    CheckNumbers(s, out, kPeriods, false, true);
  } else if (which == 1) {
    s = mitra_value_tracking(data, size, kCustomers, kTimes, 4, 0, 86400, 604800, 1, kPeriods, out, actual, &err);
    CheckNumbers(s, out, kPeriods, false, true);
    CheckNumbers(s, actual, kPeriods, false, true);
  } else if (which == 2) {
    s = mitra_value_probability_alive_path(data, size, kPurchases, kN, kGrid, kN, out, &err);
    CheckNumbers(s, out, kN, true, false);
  } else if (which == 3) {
    s = mitra_value_purchase_count_probability(data, size, 39, kCounts, nullptr, nullptr, nullptr, kN, out, &err);
    CheckNumbers(s, out, kN, true, false);
  } else if (which == 4) {
    s = mitra_value_purchase_count_probability(data, size, 39, kCounts, kFrequency, kRecency, kT, kN, out, &err);
    CheckNumbers(s, out, kN, true, false);
  } else {
    s = mitra_value_spend_holdout(data, size, kFrequency, kMonetary, kHoldout, kHoldoutSpend, kN, &report, &n, &err);
    if (s == MITRA_OK) {
      mitra::v1::HoldoutValidation h;
      if (!h.ParseFromArray(report, static_cast<int>(n))) std::abort();
    }
  }
  mitra::fuzz::CheckCall(s, err, report);
  mitra_free(report);
  return 0;
}

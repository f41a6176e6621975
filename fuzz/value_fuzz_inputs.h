// The customers the customer-value fuzz targets score (value_model,
// value_tracking), and the check of what a call that succeeds returns.
#ifndef MITRA_FUZZ_VALUE_FUZZ_INPUTS_H_
#define MITRA_FUZZ_VALUE_FUZZ_INPUTS_H_

#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "mitra/mitra.h"

namespace mitra::fuzz {

// Three customers (x, t_x, T in model time units), spend and counts.
constexpr size_t kN = 3;
inline constexpr double kFrequency[kN] = {0, 1, 5};
inline constexpr double kRecency[kN] = {0, 10, 30};
inline constexpr double kT[kN] = {40, 40, 39};
inline constexpr double kMonetary[kN] = {0, 20, 35.5};
inline constexpr int32_t kCounts[kN] = {0, 1, 3};

// After a successful call: n finite values >= 0, at most 1 when they are
// probabilities, non-decreasing when cumulative.
inline void CheckNumbers(mitra_status s, const double* out, size_t n, bool probability,
                         bool cumulative = false) {
  if (s != MITRA_OK) return;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(out[i]) || out[i] < 0) std::abort();
    if (probability && out[i] > 1 + 1e-12) std::abort();
    if (cumulative && i > 0 && out[i] < out[i - 1] * (1 - 1e-12)) std::abort();
  }
}

}  // namespace mitra::fuzz

#endif  // MITRA_FUZZ_VALUE_FUZZ_INPUTS_H_

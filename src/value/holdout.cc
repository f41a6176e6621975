#include "mitra/value/holdout.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace mitra::value {

absl::StatusOr<HoldoutValidation> ValidateHoldout(absl::Span<const double> calibration_x,
                                                  absl::Span<const double> predicted,
                                                  absl::Span<const double> actual, int max_group) {
  const size_t n = calibration_x.size();
  if (predicted.size() != n || actual.size() != n) {
    return absl::InvalidArgumentError(
        "holdout: calibration_x, predicted and actual differ in length");
  }
  if (max_group < 0 || max_group > 100000) {
    return absl::InvalidArgumentError("holdout: max_group must be in [0, 100000]");
  }
  HoldoutValidation v;
  v.by_frequency.resize(max_group + 1);
  for (int g = 0; g <= max_group; ++g) v.by_frequency[g].x = g;
  double abs_sum = 0, sq_sum = 0;
  for (size_t i = 0; i < n; ++i) {
    const double x = calibration_x[i], p = predicted[i], a = actual[i];
    if (!(x >= 0) || !std::isfinite(x) || !std::isfinite(p) || !std::isfinite(a)) {
      return absl::InvalidArgumentError(
          absl::StrCat("holdout: row ", i, " is not finite or x < 0"));
    }
    FrequencyGroup& g = v.by_frequency[static_cast<size_t>(std::min<double>(x, max_group))];
    ++g.customers;
    g.actual_mean += a;
    g.predicted_mean += p;
    abs_sum += std::fabs(p - a);
    sq_sum += (p - a) * (p - a);
    v.actual_total += a;
    v.predicted_total += p;
  }
  for (FrequencyGroup& g : v.by_frequency) {
    if (g.customers > 0) {
      g.actual_mean /= static_cast<double>(g.customers);
      g.predicted_mean /= static_cast<double>(g.customers);
    }
  }
  v.customers = n;
  if (n > 0) {
    v.mae = abs_sum / static_cast<double>(n);
    v.rmse = std::sqrt(sq_sum / static_cast<double>(n));
  }
  if (v.actual_total > 0) v.bias = (v.predicted_total - v.actual_total) / v.actual_total;
  return v;
}

}  // namespace mitra::value

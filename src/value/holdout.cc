#include "mitra/value/holdout.h"

#include <algorithm>
#include <cmath>
#include <vector>

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

absl::StatusOr<HoldoutValidation> ValidateSpendHoldout(const GammaGammaParams& params,
                                                       const SpendData& calibration,
                                                       absl::Span<const double> holdout_x,
                                                       absl::Span<const double> holdout_spend,
                                                       int max_group) {
  const size_t n = calibration.x.size();
  if (holdout_x.size() != n || holdout_spend.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat(
        "holdout_frequency and holdout_spend: need ", n, " values each (one per customer), got ",
        holdout_x.size(), " and ", holdout_spend.size()));
  }
  std::vector<double> expected(n);
  if (absl::Status s = GammaGammaExpectedSpend(params, calibration, absl::MakeSpan(expected)); !s.ok())
    return s;
  std::vector<double> x, predicted, actual;
  for (size_t i = 0; i < n; ++i) {
    const double h = holdout_x[i], spend = holdout_spend[i];
    if (!std::isfinite(h) || h < 0 || h != std::floor(h))
      return absl::InvalidArgumentError(
          absl::StrCat("holdout_frequency[", i, "]: must be a whole number >= 0, got ", h));
    if (!std::isfinite(spend) || spend < 0)
      return absl::InvalidArgumentError(
          absl::StrCat("holdout_spend[", i, "]: must be finite and >= 0, got ", spend));
    if (h == 0) continue;
    x.push_back(calibration.x[i]);
    predicted.push_back(expected[i]);
    actual.push_back(spend / h);
  }
  return ValidateHoldout(x, predicted, actual, max_group);
}

}  // namespace mitra::value

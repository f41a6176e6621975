// Holdout validation of a purchase model: predicted against actual holdout
// purchases, by calibration frequency (as in Fader, Hardie & Lee 2005,
// Figure 4) and per customer.
#ifndef MITRA_VALUE_HOLDOUT_H_
#define MITRA_VALUE_HOLDOUT_H_

#include <cstddef>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/value/gamma_gamma.h"

namespace mitra::value {

struct FrequencyGroup {
  int x = 0;  // calibration repeat purchases; the last group is "x or more"
  size_t customers = 0;
  double actual_mean = 0;     // mean holdout purchases
  double predicted_mean = 0;  // mean predicted holdout purchases
};

struct HoldoutValidation {
  std::vector<FrequencyGroup> by_frequency;  // x = 0, 1, ..., max_group (and more)
  size_t customers = 0;
  double mae = 0;   // mean |predicted - actual| per customer
  double rmse = 0;  // sqrt(mean (predicted - actual)^2)
  double actual_total = 0;
  double predicted_total = 0;
  double bias = 0;  // (predicted_total - actual_total) / actual_total; 0 if no purchases
};

// calibration_x, predicted (e.g. ExpectedPurchases over the holdout length)
// and actual (holdout purchases) per customer; groups x = 0..max_group-1
// and max_group+ (FHL's "7+" is max_group = 7).
absl::StatusOr<HoldoutValidation> ValidateHoldout(absl::Span<const double> calibration_x,
                                                  absl::Span<const double> predicted,
                                                  absl::Span<const double> actual,
                                                  int max_group = 7);

// The spend check beside the purchase one: for each customer with holdout
// purchases (holdout_x > 0), the Gamma-Gamma conditional expected spend per
// transaction E[Z | x, zbar] from the calibration (the population mean
// p gamma / (q - 1) when x = 0) against her actual mean holdout spend
// holdout_spend / holdout_x, by calibration frequency; MAE and RMSE per such
// customer and bias = (sum predicted - sum actual) / sum actual, the
// relative error of the mean. Customers without holdout purchases have no
// holdout spend to compare and are left out (they count in no group).
// `calibration` is the calibration x and zbar; errors name the row.
absl::StatusOr<HoldoutValidation> ValidateSpendHoldout(const GammaGammaParams& params,
                                                       const SpendData& calibration,
                                                       absl::Span<const double> holdout_x,
                                                       absl::Span<const double> holdout_spend,
                                                       int max_group = 7);

}  // namespace mitra::value

#endif  // MITRA_VALUE_HOLDOUT_H_

// Gamma-Gamma model of spend per transaction: Fader & Hardie (2013), "The
// Gamma-Gamma Model of Monetary Value" (after Colombo & Jiang 1999). A
// customer's transactions are Gamma(p, nu) with nu ~ Gamma(q, gamma) across
// customers, so her mean spend is p nu^-1 and the mean of x transactions
// zbar | nu ~ Gamma(p x, nu x).
#ifndef MITRA_VALUE_GAMMA_GAMMA_H_
#define MITRA_VALUE_GAMMA_GAMMA_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "mitra/value/optimizer.h"

namespace mitra::value {

struct GammaGammaParams {
  double p = 1, q = 1, gamma = 1;
};

struct GammaGammaFit {
  GammaGammaParams params;
  FitReport report;  // standard_errors in the order p, q, gamma
};

// Rows are customers: x repeat transactions (whole), zbar their mean value;
// rows with x = 0 carry no spend information and are skipped (they do not
// count in total_weight); rows with x > 0 need zbar > 0.
struct SpendData {
  absl::Span<const double> x;
  absl::Span<const double> zbar;
  absl::Span<const double> weight;  // empty: every row weighs 1
  // How the caller names these rows in errors ("spend data row 3: ...").
  absl::string_view name = "spend data";
};

// Sum of weight * ln f(zbar | p, q, gamma; x) (Fader & Hardie 2013, eq. 5):
// lnG(px+q) - lnG(px) - lnG(q) + q ln gamma + (px-1) ln zbar + px ln x
// - (px+q) ln(gamma + x zbar); `grad` (3, may be null) its exact gradient.
absl::StatusOr<double> GammaGammaLogLikelihood(const GammaGammaParams& params,
                                               const SpendData& data, double* grad = nullptr);

// INVALID_ARGUMENT naming the row (data.name) unless the columns have one
// length, x is a whole number in [0, 1e7], zbar finite and > 0 where x > 0,
// and weights (if given) finite and >= 0.
absl::Status ValidateSpendData(const SpendData& data);

// Maximum-likelihood fit; default start p = q = gamma = 1.
absl::StatusOr<GammaGammaFit> FitGammaGamma(const SpendData& data, const FitOptions& options = {});

// E[Z | x, zbar] = (p (gamma + x zbar)) / (p x + q - 1) (eq. 7), a weighted
// mean of the population mean p gamma / (q - 1) and zbar; for x = 0 the
// population mean. Needs q > 1 (the population mean is infinite otherwise).
absl::Status GammaGammaExpectedSpend(const GammaGammaParams& params, const SpendData& data,
                                     absl::Span<double> out);

// Pearson's correlation of zbar and x over the rows with x > 0 (weighted),
// and the two-sided p-value of its t test on n - 2 degrees of freedom (n
// the rows' total weight): the check of Gamma-Gamma's assumption that spend
// per transaction does not depend on frequency. NaN correlation and p-value
// with fewer than 3 repeat buyers or no spread in x or zbar.
struct SpendFrequencyCorrelation {
  double repeat_buyers = 0;
  double correlation = 0;
  double p_value = 1;
};
absl::StatusOr<SpendFrequencyCorrelation> CheckSpendIndependence(const SpendData& data);

}  // namespace mitra::value

#endif  // MITRA_VALUE_GAMMA_GAMMA_H_

// BG/NBD's entry points: the family's implementation with no extra dropout
// (bg_family.h).
#include "mitra/value/bgnbd.h"

#include "bg_family.h"

namespace mitra::value {
namespace {
using Likelihood = BgLikelihood<BgNbdParams>;
using Predictions = BgPredictions<BgNbdParams>;
}  // namespace

absl::StatusOr<double> BgNbdLogLikelihood(const BgNbdParams& params, const CustomerData& data,
                                          double* grad) {
  return Likelihood::LogLikelihood(params, data, grad);
}

absl::StatusOr<BgNbdFit> FitBgNbd(const CustomerData& data, const FitOptions& options) {
  return Likelihood::FitParams(data, options);
}

absl::Status BgNbdProbabilityAlive(const BgNbdParams& p, const CustomerData& data,
                                   absl::Span<double> out) {
  return Predictions::ProbabilityAlive(p, data, out);
}

absl::Status BgNbdExpectedPurchases(const BgNbdParams& p, const CustomerData& data, double t,
                                    absl::Span<double> out) {
  return Predictions::ExpectedPurchases(p, data, t, out);
}

absl::Status BgNbdProbabilityAliveAt(const BgNbdParams& p, const CustomerData& data, double t,
                                     absl::Span<double> out) {
  return Predictions::ProbabilityAliveAt(p, data, t, out);
}

absl::StatusOr<double> BgNbdExpectedPurchasesNew(const BgNbdParams& p, double t) {
  return Predictions::ExpectedPurchasesNew(p, t);
}

absl::StatusOr<double> BgNbdProbabilityOfPurchases(const BgNbdParams& p, double t, int n) {
  return Predictions::ProbabilityOfPurchases(p, t, n);
}

}  // namespace mitra::value

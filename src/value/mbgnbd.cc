// MBG/NBD's entry points: the family's implementation with the extra dropout
// at the first purchase (bg_family.h).
#include "mitra/value/mbgnbd.h"

#include "bg_family.h"

namespace mitra::value {
namespace {
using Likelihood = BgLikelihood<MbgNbdParams>;
using Predictions = BgPredictions<MbgNbdParams>;
}  // namespace

absl::StatusOr<double> MbgNbdLogLikelihood(const MbgNbdParams& params, const CustomerData& data,
                                           double* grad) {
  return Likelihood::LogLikelihood(params, data, grad);
}

absl::StatusOr<MbgNbdFit> FitMbgNbd(const CustomerData& data, const FitOptions& options) {
  return Likelihood::FitParams(data, options);
}

absl::Status MbgNbdProbabilityAlive(const MbgNbdParams& p, const CustomerData& data,
                                    absl::Span<double> out) {
  return Predictions::ProbabilityAlive(p, data, out);
}

absl::Status MbgNbdExpectedPurchases(const MbgNbdParams& p, const CustomerData& data, double t,
                                     absl::Span<double> out) {
  return Predictions::ExpectedPurchases(p, data, t, out);
}

absl::Status MbgNbdProbabilityAliveAt(const MbgNbdParams& p, const CustomerData& data, double t,
                                      absl::Span<double> out) {
  return Predictions::ProbabilityAliveAt(p, data, t, out);
}

absl::StatusOr<double> MbgNbdExpectedPurchasesNew(const MbgNbdParams& p, double t) {
  return Predictions::ExpectedPurchasesNew(p, t);
}

absl::StatusOr<double> MbgNbdProbabilityOfPurchases(const MbgNbdParams& p, double t, int n) {
  return Predictions::ProbabilityOfPurchases(p, t, n);
}

}  // namespace mitra::value

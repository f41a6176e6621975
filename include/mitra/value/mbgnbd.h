// MBG/NBD: Batislam, Denizel & Filiztekin (2007), "Empirical validation and
// comparison of models for customer base analysis", IJRM 24(3) (the same
// model as Hoppe & Wagner's CBG/NBD). As BG/NBD, but a customer may also
// drop out right after her first purchase: P(alive) is below one even
// with x = 0. Parameters r, alpha (Gamma purchase rate), a, b (Beta dropout).
#ifndef MITRA_VALUE_MBGNBD_H_
#define MITRA_VALUE_MBGNBD_H_

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/value/customer_data.h"
#include "mitra/value/optimizer.h"

namespace mitra::value {

struct MbgNbdParams {
  double r = 1, alpha = 1, a = 1, b = 1;
};

struct MbgNbdFit {
  MbgNbdParams params;
  FitReport report;  // standard_errors in the order r, alpha, a, b
};

// L = B(a, b+x+1)/B(a,b) G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
//   + B(a+1, b+x)/B(a,b) G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x)).
absl::StatusOr<double> MbgNbdLogLikelihood(const MbgNbdParams& params, const CustomerData& data,
                                           double* grad = nullptr);
absl::StatusOr<MbgNbdFit> FitMbgNbd(const CustomerData& data, const FitOptions& options = {});

// E[Y(t) | x, t_x, T] = (a+b+x)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x)
//   2F1(r+x, b+x+1; a+b+x; t/(alpha+T+t))] P(alive).
absl::Status MbgNbdExpectedPurchases(const MbgNbdParams& params, const CustomerData& data, double t,
                                     absl::Span<double> out);
// P(alive) = 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)).
absl::Status MbgNbdProbabilityAlive(const MbgNbdParams& params, const CustomerData& data,
                                    absl::Span<double> out);
// P(alive at T + t): as BG/NBD with b + 1.
absl::Status MbgNbdProbabilityAliveAt(const MbgNbdParams& params, const CustomerData& data,
                                      double t, absl::Span<double> out);
// E[X(t)] = b/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t))].
absl::StatusOr<double> MbgNbdExpectedPurchasesNew(const MbgNbdParams& params, double t);
// P(X(t) = n) = [n=0] a/(a+b) + b/(a+b) P_BG/NBD(X(t) = n | r, alpha, a, b+1):
// with probability p the customer is gone at once, else she is a BG/NBD
// customer whose p has the posterior Beta(a, b+1).
absl::StatusOr<double> MbgNbdProbabilityOfPurchases(const MbgNbdParams& params, double t, int n);

}  // namespace mitra::value

#endif  // MITRA_VALUE_MBGNBD_H_

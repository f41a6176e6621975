// BG/NBD: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy
// Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2).
// While alive a customer buys at rate lambda ~ Gamma(r, alpha) (alpha a rate:
// mean r/alpha); after each repeat purchase she drops out with probability
// p ~ Beta(a, b). Times are in the unit of the summaries (e.g. weeks).
#ifndef MITRA_VALUE_BGNBD_H_
#define MITRA_VALUE_BGNBD_H_

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/value/customer_data.h"
#include "mitra/value/optimizer.h"

namespace mitra::value {

struct BgNbdParams {
  double r = 1, alpha = 1, a = 1, b = 1;
};

struct BgNbdFit {
  BgNbdParams params;
  FitReport report;  // standard_errors in the order r, alpha, a, b
};

// Sum over rows of weight * ln L(r, alpha, a, b | x, t_x, T) (FHL 2005,
// eq. 6); `grad` (4 values, may be null) receives its exact gradient.
absl::StatusOr<double> BgNbdLogLikelihood(const BgNbdParams& params, const CustomerData& data,
                                          double* grad = nullptr);

// Maximum-likelihood fit (see optimizer.h); default start r = alpha = a = b = 1.
absl::StatusOr<BgNbdFit> FitBgNbd(const CustomerData& data, const FitOptions& options = {});

// Per customer (weights are ignored): E[Y(t) | x, t_x, T], purchases in the
// next t time units (eq. 10).
absl::Status BgNbdExpectedPurchases(const BgNbdParams& params, const CustomerData& data, double t,
                                    absl::Span<double> out);
// P(alive at T | x, t_x, T) = 1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)).
absl::Status BgNbdProbabilityAlive(const BgNbdParams& params, const CustomerData& data,
                                   absl::Span<double> out);
// P(alive at T + t | x, t_x, T): P(alive) times the posterior mean of
// exp(-lambda p t) among the alive, since an alive customer survives t
// with probability exp(-lambda p t) (deaths happen at purchases, a Poisson
// stream of rate lambda p); closed form in bg_common.h.
absl::Status BgNbdProbabilityAliveAt(const BgNbdParams& params, const CustomerData& data, double t,
                                     absl::Span<double> out);
// E[X(t)] for a new customer (eq. 9).
absl::StatusOr<double> BgNbdExpectedPurchasesNew(const BgNbdParams& params, double t);
// P(X(t) = n) for a new customer (eq. 8).
absl::StatusOr<double> BgNbdProbabilityOfPurchases(const BgNbdParams& params, double t, int n);

}  // namespace mitra::value

#endif  // MITRA_VALUE_BGNBD_H_

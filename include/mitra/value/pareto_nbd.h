// Pareto/NBD: Schmittlein, Morrison & Colombo (1987), "Counting Your
// Customers: Who Are They and What Will They Do Next?", Management Science
// 33(1); likelihood and expressions as in Fader & Hardie (2005), "A Note on
// Deriving the Pareto/NBD Model and Related Expressions". While alive a
// customer buys at rate lambda ~ Gamma(r, alpha); her lifetime is
// exponential with rate mu ~ Gamma(s, beta) (alpha, beta rates).
//
// Numerics: L = Gamma(r+x) alpha^r beta^s / Gamma(r) [ (alpha+T)^-(r+x)
// (beta+T)^-s + s I ], I = int_{t_x}^T (alpha+u)^-(r+x) (beta+u)^-(s+1) du
// = G(t_x) - G(T), and G(t) = (m+t)^-(r+s+x) 2F1(r+s+x, b; r+s+x+1; z) /
// (r+s+x) with m = max(alpha, beta), z = |alpha-beta| / (m+t) in [0, 1) and
// b = s+1 if alpha >= beta, else r+x (FH 2005 eq. 22's two cases). Each
// ln G is computed in log space after Euler's transformation
// 2F1(A, b; A+1; z) = (1-z)^(1-b) 2F1(1, A+1-b; A+1; z), a series of
// positive terms bounded by 1/(1-z); when z > 0.9 (alpha and beta far
// apart) it is computed instead as the integral |alpha-beta|^-A
// int_0^Y e^((b-1)y) (1-e^-y)^(A-1) dy, Y = -ln(1-z), by tanh-sinh
// quadrature. Gradients are exact derivatives of these computations
// (forward-mode differentiation).
#ifndef MITRA_VALUE_PARETO_NBD_H_
#define MITRA_VALUE_PARETO_NBD_H_

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/value/customer_data.h"
#include "mitra/value/optimizer.h"

namespace mitra::value {

struct ParetoNbdParams {
  double r = 1, alpha = 1, s = 1, beta = 1;
};

struct ParetoNbdFit {
  ParetoNbdParams params;
  FitReport report;  // standard_errors in the order r, alpha, s, beta
};

// Sum of weight * ln L; `grad` (4 values, may be null) its exact gradient.
absl::StatusOr<double> ParetoNbdLogLikelihood(const ParetoNbdParams& params,
                                              const CustomerData& data, double* grad = nullptr);
// ln L per customer (weights ignored).
absl::Status ParetoNbdIndividualLogLikelihood(const ParetoNbdParams& params,
                                              const CustomerData& data, absl::Span<double> out);

// Maximum-likelihood fit; default start r = alpha = s = beta = 1.
absl::StatusOr<ParetoNbdFit> FitParetoNbd(const CustomerData& data, const FitOptions& options = {});

// P(alive at T | x, t_x, T) = (alpha+T)^-(r+x) (beta+T)^-s / [that + s I].
absl::Status ParetoNbdProbabilityAlive(const ParetoNbdParams& params, const CustomerData& data,
                                       absl::Span<double> out);
// P(alive at T + t | x, t_x, T) = P(alive) ((beta+T)/(beta+T+t))^s: given
// alive at T, mu | data ~ Gamma(s, beta+T) and survival is exp(-mu t).
absl::Status ParetoNbdProbabilityAliveAt(const ParetoNbdParams& params, const CustomerData& data,
                                         double t, absl::Span<double> out);
// E[Y(t) | x, t_x, T] = (r+x)(beta+T) / ((alpha+T)(s-1))
//   [1 - ((beta+T)/(beta+T+t))^(s-1)] P(alive)   (FH 2005 eq. 30; the
// limit (r+x)(beta+T)/(alpha+T) ln((beta+T+t)/(beta+T)) P(alive) at s = 1).
absl::Status ParetoNbdExpectedPurchases(const ParetoNbdParams& params, const CustomerData& data,
                                        double t, absl::Span<double> out);
// E[X(t)] = r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)] (FH 2005 eq. 27).
absl::StatusOr<double> ParetoNbdExpectedPurchasesNew(const ParetoNbdParams& params, double t);

}  // namespace mitra::value

#endif  // MITRA_VALUE_PARETO_NBD_H_

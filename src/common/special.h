// Special functions the models of several areas need (customer value,
// activation, co-creation): log-gamma, digamma and
// the Gauss hypergeometric series, the latter in log space so that large
// purchase counts do not overflow.
#ifndef MITRA_SRC_COMMON_SPECIAL_H_
#define MITRA_SRC_COMMON_SPECIAL_H_

#include "absl/status/statusor.h"

namespace mitra {

// ln Gamma(x) for x > 0 (thread-safe: no signgam).
double LogGamma(double x);

// ln B(a, b) = ln Gamma(a) + ln Gamma(b) - ln Gamma(a + b) for a, b > 0.
double LogBeta(double a, double b);

// psi(x) = d/dx ln Gamma(x) for x > 0: recurrence up to x >= 10, then the
// asymptotic series (Abramowitz & Stegun 6.3.18); error below 1e-14.
double Digamma(double x);

// ln (a)_x = ln Gamma(a + x) - ln Gamma(a) = sum_{k<x} ln(a + k), the log of
// the rising factorial, for a > 0 and whole x >= 0, in constant time
// whatever x; `*d_da` (when not null) gets its derivative in a,
// psi(a + x) - psi(a) = sum_{k<x} 1 / (a + k). Accurate to about 1e-14
// relative even where the two log-gammas are huge and nearly equal (a = 1e15,
// x = 3): the difference is formed from Stirling's series, not subtracted.
double LogRising(double a, double x, double* d_da = nullptr);

// ln 2F1(a, b; c; z) for a, b, c > 0 and 0 <= z < 1 by the power series,
// whose terms are then all positive (no cancellation). Terms are rescaled as
// they grow, so the value may exceed the range of a double. OUT_OF_RANGE
// when the series needs more than max_terms terms (z very close to 1).
absl::StatusOr<double> LogHyp2F1Positive(double a, double b, double c, double z,
                                         int max_terms = 1000000);

// Q(a, x) = Gamma(a, x) / Gamma(a), the regularized upper incomplete gamma
// function, for a > 0 and x >= 0 (NaN otherwise): the power series of P =
// 1 - Q below x = a + 1, the continued fraction of Q above (Abramowitz &
// Stegun 6.5.29 and 6.5.31); relative error about 1e-14.
double RegularizedGammaQ(double a, double x);

// P(chi-square with k degrees of freedom > x) = Q(k/2, x/2), k >= 1.
inline double ChiSquareSurvival(double x, int k) { return RegularizedGammaQ(0.5 * k, 0.5 * x); }

}  // namespace mitra

#endif  // MITRA_SRC_COMMON_SPECIAL_H_

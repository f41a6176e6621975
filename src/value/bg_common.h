// Closed forms shared by BG/NBD and MBG/NBD (MBG/NBD is BG/NBD with b + 1 in
// the places below; bg_family.h).
#ifndef MITRA_SRC_VALUE_BG_COMMON_H_
#define MITRA_SRC_VALUE_BG_COMMON_H_

#include "absl/status/statusor.h"

namespace mitra::value {

// (c / (a-1)) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; c; t/(alpha+T+t))]
// with c = a + b + x - 1: the numerator of the conditional expectation
// (Fader, Hardie & Lee 2005, eq. 10); with x = T = 0 it is E[X(t)] (eq. 9).
absl::StatusOr<double> BgConditionalNumerator(double r, double alpha, double a, double b, double x,
                                              double T, double t);

// P(alive at T+t | alive at T, x, T) for BG/NBD: the posterior mean of
// exp(-lambda p t) = (1+y)^-(r+x) 2F1(r+x, b+x; a+b+x; y/(1+y)), y = t/(alpha+T).
absl::StatusOr<double> BgAliveDecay(double r, double alpha, double a, double b, double x, double T,
                                    double t);

// P(X(t) = n) under BG/NBD (Fader, Hardie & Lee 2005, eq. 8).
double BgNbdPmf(double r, double alpha, double a, double b, double t, int n);

}  // namespace mitra::value

#endif  // MITRA_SRC_VALUE_BG_COMMON_H_

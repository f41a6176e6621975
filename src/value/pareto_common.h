// Pareto/NBD's expected purchases among the alive, shared by its
// predictions (pareto_nbd.cc) and the CLV (clv.cc).
#ifndef MITRA_SRC_VALUE_PARETO_COMMON_H_
#define MITRA_SRC_VALUE_PARETO_COMMON_H_

#include <cmath>

#include "mitra/value/pareto_nbd.h"

namespace mitra::value {

// (1 - (1+u)^-(s-1)) / (s-1), u = t / (beta + T); ln(1+u) at s = 1.
inline double SurvivalIntegral(double s, double u) {
  const double l = std::log1p(u);
  if (std::fabs(s - 1) < 1e-12) return l;
  return -std::expm1(-(s - 1) * l) / (s - 1);
}

// E[Y(t) | x, T, alive at T] = (r+x)(beta+T)/(alpha+T) SurvivalIntegral
// (FH 2005 eq. 30 without its P(alive)).
inline double ParetoAliveExpectedPurchases(const ParetoNbdParams& p, double x, double T,
                                           double t) {
  return (p.r + x) * (p.beta + T) / (p.alpha + T) * SurvivalIntegral(p.s, t / (p.beta + T));
}

}  // namespace mitra::value

#endif  // MITRA_SRC_VALUE_PARETO_COMMON_H_

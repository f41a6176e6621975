// The Beta distribution's CDF and quantile, for posterior intervals.
#ifndef MITRA_SRC_GRAPH_BETA_DISTRIBUTION_H_
#define MITRA_SRC_GRAPH_BETA_DISTRIBUTION_H_

namespace mitra::graph {

// I_x(a, b) for a, b > 0, x in [0, 1], from the series
// I_x(a, b) = x^a (1-x)^b / (a B(a, b)) 2F1(a + b, 1; a + 1; x) (DLMF 8.17.8),
// for x < (a + 1) / (a + b + 2), else as 1 - I_{1-x}(b, a), so that the
// terms fall from the first; relative accuracy about 1e-14.
double BetaCdf(double a, double b, double x);

// The x with I_x(a, b) = q, q in [0, 1]: Newton's method kept inside a
// bisection bracket, to 1e-13 in x.
double BetaQuantile(double a, double b, double q);

}  // namespace mitra::graph

#endif  // MITRA_SRC_GRAPH_BETA_DISTRIBUTION_H_

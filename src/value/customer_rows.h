// One customer's log-likelihood at her own parameters, with its gradient
// in those parameters: what a fit with covariates (covariates.cc) sums,
// since with time-invariant covariates each customer follows the model
// without covariates at parameters of her own.
#ifndef MITRA_SRC_VALUE_CUSTOMER_ROWS_H_
#define MITRA_SRC_VALUE_CUSTOMER_ROWS_H_

namespace mitra::value {

// Pareto/NBD: p = (r, alpha, s, beta); ln L (Fader & Hardie 2005, eq. 19
// in the integral form of pareto_nbd.cc) and d ln L / d p in grad[0..3].
// `log_rising_r` and `d_log_rising_r` are ln (r)_x and its derivative in r
// (shared by the customers with the same x).
double ParetoNbdRowLogLikelihood(const double p[4], double x, double t_x, double T,
                                 double log_rising_r, double d_log_rising_r, double grad[4]);

}  // namespace mitra::value

#endif  // MITRA_SRC_VALUE_CUSTOMER_ROWS_H_

// The number of purchases a purchase model expects, as a distribution: for a
// new customer, P(X(t) = n) and E[X(t)] in her first t time units; for a
// customer with history (x, t_x, T), P(Y(t) = n), n purchases in (T, T + t].
//
// Conditional on being alive at T, a customer's rates have the posterior
// that her alive-branch likelihood gives, and that posterior factorises:
// BG/NBD lambda ~ Gamma(r+x, alpha+T), p ~ Beta(a, b+x) (MBG/NBD b+x+1);
// Pareto/NBD lambda ~ Gamma(r+x, alpha+T), mu ~ Gamma(s, beta+T) (the
// exponential lifetime is memoryless). From T on she is then a new customer
// of the same model with those parameters, so
//   P(Y(t) = n | x, t_x, T) = [n = 0] (1 - P(alive)) + P(alive) P_new(X(t) = n)
// at the updated parameters. Summed over n times n this is the conditional
// expectation (FHL 2005 eq. 10, FH 2005 eq. 30).
#ifndef MITRA_VALUE_PURCHASE_COUNTS_H_
#define MITRA_VALUE_PURCHASE_COUNTS_H_

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/value/clv.h"
#include "mitra/value/customer_data.h"
#include "mitra/value/pareto_nbd.h"

namespace mitra::value {

// Pareto/NBD P(X(t) = n) for a new customer. With tau her lifetime,
// X(t) | tau has the NBD(r, alpha) distribution of an exposure min(tau, t),
// and lambda and tau are independent, so
//   P(X(t) = n) = NB_n(t) (beta/(beta+t))^s + int_0^t NB_n(u) f(u) du,
// NB_n(u) = G(r+n)/(G(r) n!) (alpha/(alpha+u))^r (u/(alpha+u))^n and f the
// Pareto(II) density of tau, s beta^s (beta+u)^-(s+1). The integral is
// taken over v = (beta/(beta+u))^s in [(beta/(beta+t))^s, 1] (dv = -f du,
// a bounded integrand) by globally adaptive Gauss-Kronrod (15 points) to an
// absolute 1e-12, at most 400 panels; a result still above 1e-9 then, or a
// non-finite integrand (parameters far outside any fit's range), is an
// error naming the parameters. The same quantity as Fader & Hardie (2006), "Deriving an
// Expression for P(X(t) = x) Under the Pareto/NBD Model", eq. 11, which
// writes the integral with Gauss hypergeometric functions.
absl::StatusOr<double> ParetoNbdProbabilityOfPurchases(const ParetoNbdParams& params, double t,
                                                       int n);

// E[X(t)] and P(X(t) = n) for a new customer under any purchase model.
absl::StatusOr<double> ExpectedPurchasesNew(const PurchaseModel& model, double t);
absl::StatusOr<double> ProbabilityOfPurchasesNew(const PurchaseModel& model, double t, int n);

// out[i] = P(Y(t) = count[i] | x_i, t_x_i, T_i) (see above); counts >= 0.
// Errors name "count[i]" or the customer row as `customers.name` does.
absl::Status ProbabilityOfPurchasesGiven(const PurchaseModel& model, const CustomerData& customers,
                                         double t, absl::Span<const int> count,
                                         absl::Span<double> out);

}  // namespace mitra::value

#endif  // MITRA_VALUE_PURCHASE_COUNTS_H_

// The process noise of a customer's future: her purchases (and their
// revenue) over a horizon simulated from the model given her history, for
// prediction intervals of realised figures (RealisedInterval in
// value.proto; the derivation is in docs/VALUE.md).
//
// Given (x, t_x, T), a customer is alive at T with probability P(alive).
// Given alive, the likelihood of her history is lambda^x e^(-lambda T)
// times her survival, so her purchase rate is Gamma(r + x, alpha + T)
// (shape, rate) for all three models, independent of her drop-out:
//  - BG/NBD: she survived x drop-out chances, p ~ Beta(a, b + x); ahead,
//    purchases come at rate lambda and after each she drops out with
//    probability p, so the count is min(Poisson(lambda t), Geometric(p)).
//  - MBG/NBD: she also survived the chance at her first purchase, p ~
//    Beta(a, b + x + 1); the rest as BG/NBD.
//  - Pareto/NBD: her drop-out rate is Gamma(s, beta + T); her remaining
//    lifetime is Exponential(mu) (memoryless), the count
//    Poisson(lambda min(lifetime, t)).
// A dead customer buys nothing. Revenue: each purchase's value is
// Gamma(p, nu), her nu ~ Gamma(q + p x, gamma + x zbar) given her past
// spend, so N purchases sum to Gamma(N p, nu).
#ifndef MITRA_VALUE_REALISED_DRAWS_H_
#define MITRA_VALUE_REALISED_DRAWS_H_

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "mitra/v1/value.pb.h"
#include "mitra/value/customer_data.h"

namespace mitra {
class Rng;
}

namespace mitra::value {

// One simulated future per customer at natural parameters `params`
// (the purchase model's four in ParamNames order, then Gamma-Gamma's p, q,
// gamma when `monetary` is given): purchases in (T, T + horizon] into
// `purchases` and, when `revenue` is not empty, their total value into it.
absl::Status SimulateFutures(v1::ValueModel model, absl::Span<const double> params,
                             const CustomerData& data, absl::Span<const double> monetary,
                             double horizon, Rng& rng, absl::Span<double> purchases,
                             absl::Span<double> revenue);

}  // namespace mitra::value

#endif  // MITRA_VALUE_REALISED_DRAWS_H_

// Customer lifetime value: expected purchases of a purchase model times the
// Gamma-Gamma expected spend, discounted period by period.
//
// CLV_i = sum_{k=1..K} m_i (E_i[Y(k L)] - E_i[Y((k-1) L)]) / (1 + d)^k
// with m_i the Gamma-Gamma conditional expected spend, E_i[Y(t)] the
// model's conditional expected purchases in the next t, L the period
// length in the model's time unit, K the number of periods and d the
// discount rate per period. This is lifetimes' customer_lifetime_value with
// time = K, discount_rate = d and its `freq` factor made explicit as L
// (lifetimes hard-codes 4.345 weeks or 30 days per month; mitra takes the
// number you mean, e.g. TimeUnit::Month() / TimeUnit::Week() = 4.348).
#ifndef MITRA_VALUE_CLV_H_
#define MITRA_VALUE_CLV_H_

#include <variant>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "mitra/value/bgnbd.h"
#include "mitra/value/customer_data.h"
#include "mitra/value/gamma_gamma.h"
#include "mitra/value/mbgnbd.h"
#include "mitra/value/pareto_nbd.h"

namespace mitra::value {

using PurchaseModel = std::variant<BgNbdParams, MbgNbdParams, ParetoNbdParams>;

struct ClvOptions {
  int periods = 12;            // K
  double period_length = 0;    // L, in the summaries' time unit; must be > 0
  double discount_rate = 0.0;  // d per period, >= 0 (0.01 = 1% a period)
};

// E[Y(t) | x, t_x, T] under any of the purchase models.
absl::Status ExpectedPurchases(const PurchaseModel& model, const CustomerData& customers, double t,
                               absl::Span<double> out);
// P(alive at T) and P(alive at T + t) under any of the purchase models.
absl::Status ProbabilityAlive(const PurchaseModel& model, const CustomerData& customers,
                              absl::Span<double> out);
absl::Status ProbabilityAliveAt(const PurchaseModel& model, const CustomerData& customers, double t,
                                absl::Span<double> out);

// CLV per customer; `monetary` is each customer's mean repeat spend (zbar),
// 0 for x = 0. Errors: bad options, mismatched lengths, a model error.
absl::Status CustomerLifetimeValue(const PurchaseModel& model, const GammaGammaParams& spend,
                                   const CustomerData& customers, absl::Span<const double> monetary,
                                   const ClvOptions& options, absl::Span<double> out);

}  // namespace mitra::value

#endif  // MITRA_VALUE_CLV_H_

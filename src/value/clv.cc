#include "mitra/value/clv.h"

#include <cmath>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "bg_family.h"
#include "model_driver.h"
#include "pareto_common.h"

namespace mitra::value {
namespace {

template <class... F>
struct Overload : F... {
  using F::operator()...;
};
template <class... F>
Overload(F...) -> Overload<F...>;

// Discounted increments sum_k w_k (f(kL) - f((k-1)L)), w_k = (1+d)^-k.
template <class F>
absl::StatusOr<double> Discounted(const ClvOptions& o, F&& f) {
  double total = 0, prev = 0, disc = 1;
  for (int k = 1; k <= o.periods; ++k) {
    absl::StatusOr<double> v = f(k * o.period_length);
    if (!v.ok()) return v.status();
    disc /= 1 + o.discount_rate;
    total += disc * (*v - prev);
    prev = *v;
  }
  return total;
}

}  // namespace

absl::Status ExpectedPurchases(const PurchaseModel& model, const CustomerData& customers, double t,
                               absl::Span<double> out) {
  return std::visit(
      Overload{[&](const BgNbdParams& p) { return BgNbdExpectedPurchases(p, customers, t, out); },
               [&](const MbgNbdParams& p) { return MbgNbdExpectedPurchases(p, customers, t, out); },
               [&](const ParetoNbdParams& p) {
                 return ParetoNbdExpectedPurchases(p, customers, t, out);
               }},
      model);
}

absl::Status ProbabilityAlive(const PurchaseModel& model, const CustomerData& customers,
                              absl::Span<double> out) {
  return std::visit(
      Overload{
          [&](const BgNbdParams& p) { return BgNbdProbabilityAlive(p, customers, out); },
          [&](const MbgNbdParams& p) { return MbgNbdProbabilityAlive(p, customers, out); },
          [&](const ParetoNbdParams& p) { return ParetoNbdProbabilityAlive(p, customers, out); }},
      model);
}

absl::Status ProbabilityAliveAt(const PurchaseModel& model, const CustomerData& customers, double t,
                                absl::Span<double> out) {
  return std::visit(
      Overload{
          [&](const BgNbdParams& p) { return BgNbdProbabilityAliveAt(p, customers, t, out); },
          [&](const MbgNbdParams& p) { return MbgNbdProbabilityAliveAt(p, customers, t, out); },
          [&](const ParetoNbdParams& p) {
            return ParetoNbdProbabilityAliveAt(p, customers, t, out);
          }},
      model);
}

absl::Status CustomerLifetimeValue(const PurchaseModel& model, const GammaGammaParams& spend,
                                   const CustomerData& customers, absl::Span<const double> monetary,
                                   const ClvOptions& o, absl::Span<double> out) {
  if (o.periods < 1 || o.periods > 100000 || !(o.period_length > 0) ||
      !std::isfinite(o.period_length) || !(o.discount_rate >= 0) ||
      !std::isfinite(o.discount_rate)) {
    return absl::InvalidArgumentError(
        "CLV needs periods in [1, 100000], a finite period_length > 0 and a finite "
        "discount_rate >= 0");
  }
  if (monetary.size() != customers.x.size() || out.size() != customers.x.size()) {
    return absl::InvalidArgumentError("CLV: monetary, output and customers differ in length");
  }
  // Expected spend per customer (Gamma-Gamma), into `out`.
  if (absl::Status s = GammaGammaExpectedSpend(spend, SpendData{customers.x, monetary, {}}, out);
      !s.ok()) {
    return s;
  }
  // Every model's E[Y(t) | x, t_x, T] is P(alive) times a function of
  // (x, T, t): discount that function once per distinct (x, T).
  std::vector<double> alive(out.size());
  if (absl::Status s = ProbabilityAlive(model, customers, absl::MakeSpan(alive)); !s.ok()) {
    return s;
  }
  auto flow = [&](double x, double T) -> absl::StatusOr<double> {
    return std::visit(
        Overload{[&](const ParetoNbdParams& p) {
                   return Discounted(o, [&](double t) -> absl::StatusOr<double> {
                     return ParetoAliveExpectedPurchases(p, x, T, t);
                   });
                 },
                 [&](const auto& bg_family) {
                   return Discounted(
                       o, [&](double t) { return BgFamilyNumerator(bg_family, x, T, t); });
                 }},
        model);
  };
  return FillPairScores(
      customers, out, flow, [&](size_t i, double v) { return out[i] * (alive[i] * v); },
      [](size_t i) { return NotFinite("CLV", i); });
}

}  // namespace mitra::value

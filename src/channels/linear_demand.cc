#include "mitra/channels/linear_demand.h"

#include <cmath>

#include "common/request_errors.h"
#include "absl/strings/str_cat.h"

namespace mitra::channels {

absl::Status ValidateDemand(const LinearDemand& d) {
  if (absl::Status s = CheckRange(d.a, d.names("a"), d.a > 0, "finite and > 0"); !s.ok()) return s;
  if (absl::Status s = CheckRange(d.b, d.names("b"), d.b > 0, "finite and > 0"); !s.ok()) return s;
  // Prices reach a / b and profits and surplus a^2 / b: both must fit a double.
  if (!std::isfinite(d.a / d.b * d.a))
    return Invalid(d.names("a"), absl::StrCat("with b = ", d.b, ", a^2 / b overflows a double (a = ",
                                              d.a, "); rescale the units"));
  if (!(std::isfinite(d.c) && d.c >= 0 && d.c < d.a / d.b))
    return Invalid(d.names("c"), absl::StrCat("must be in [0, a / b) = [0, ", d.a / d.b, "), got ", d.c));
  // The chain's profit share divides by the integrated profit: it must not
  // underflow (tiny a and b).
  const double gap = d.a - d.b * d.c;
  if (const double integrated = gap * gap / (4 * d.b); !std::isnormal(integrated))
    return Invalid(d.names("a"),
                   absl::StrCat("with b = ", d.b, " and c = ", d.c,
                                ", the integrated profit (a - b c)^2 / 4b = ", integrated,
                                " is too small for a double (a = ", d.a, "); rescale the units"));
  return absl::OkStatus();
}

absl::StatusOr<MarketOutcome> Integrated(const LinearDemand& d) {
  if (absl::Status s = ValidateDemand(d); !s.ok()) return s;
  const double A = d.a / d.b;
  MarketOutcome m;
  m.price = (A + d.c) / 2;
  m.quantity = d.a - d.b * m.price;
  m.profit = (m.price - d.c) * m.quantity;
  m.consumer_surplus = (A - m.price) * m.quantity / 2;
  return m;
}

absl::StatusOr<ChainOutcome> SuccessiveMonopolies(const LinearDemand& d, int tiers) {
  if (absl::Status s = ValidateDemand(d); !s.ok()) return s;
  if (tiers < 1 || tiers > 60)
    return absl::InvalidArgumentError(absl::StrCat("tiers: must be in [1, 60], got ", tiers));
  const double A = d.a / d.b;
  ChainOutcome o;
  o.tiers = tiers;
  double w = d.c;
  for (int k = 0; k < tiers; ++k) {
    const double next = (A + w) / 2;  // a monopolist on the linear residual demand
    o.prices.push_back(next);
    o.margins.push_back(next - w);
    w = next;
  }
  o.market.price = w;
  o.market.quantity = d.a - d.b * w;
  for (double m : o.margins) {
    o.profits.push_back(m * o.market.quantity);
    o.market.profit += o.profits.back();
  }
  o.market.consumer_surplus = (A - w) * o.market.quantity / 2;
  const double integrated = (d.a - d.b * d.c) * (d.a - d.b * d.c) / (4 * d.b);
  o.profit_share = o.market.profit / integrated;
  return o;
}

double ChainProfitShare(int tiers) {
  const double half_n = std::ldexp(1.0, -tiers);
  return 4 * (1 - half_n) * half_n;
}

}  // namespace mitra::channels

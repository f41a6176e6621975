// Double marginalisation under linear demand (Spengler 1950): what a chain
// of independent tiers, each pricing as a monopolist on the one below, costs
// against one integrated firm.
//
// Demand q = a - b p (a, b > 0; choke price A = a / b), producer unit cost
// c in [0, A). Integrated: p* = (A + c) / 2, q* = (a - b c) / 2, profit
// (a - b c)^2 / 4b. A chain of n tiers (tier 1 the producer, tier n the
// retailer) solved backwards: a tier buying at w faces a demand still
// linear with choke A, so it prices halfway, w_k = (A + w_{k-1}) / 2 with
// w_0 = c. Hence A - w_k = (A - c) / 2^k, q = b (A - c) / 2^n, tier k's
// margin (A - c) / 2^k and profit b (A - c)^2 / 2^(n+k), and the chain
// earns 4 (1 - 2^-n) / 2^n of the integrated profit: 1, 3/4, 7/16, ...
// For n = 2: wholesale price (A + c) / 2, retail price (3A + c) / 4, maker
// (a - b c)^2 / 8b, retailer (a - b c)^2 / 16b (docs/CHANNELS.md).
#ifndef MITRA_CHANNELS_LINEAR_DEMAND_H_
#define MITRA_CHANNELS_LINEAR_DEMAND_H_

#include <vector>

#include "absl/status/statusor.h"
#include "mitra/core/field_path.h"

namespace mitra::channels {

struct LinearDemand {
  double a = 0;  // quantity at price 0, finite, > 0
  double b = 0;  // units lost per unit of price, finite, > 0
  double c = 0;  // producer's unit cost, finite, in [0, a / b)
  // How the caller names these options in errors (empty: as here).
  FieldPath names;
};

struct MarketOutcome {
  double price = 0;  // to the customer
  double quantity = 0;
  double profit = 0;            // all tiers together
  double consumer_surplus = 0;  // (A - price) * quantity / 2
};

struct ChainOutcome {
  int tiers = 0;
  std::vector<double> prices;   // tier k's selling price, producer first
  std::vector<double> margins;  // per unit: prices[k] - (k ? prices[k-1] : c)
  std::vector<double> profits;  // margins[k] * quantity
  MarketOutcome market;         // the shelf price, quantity, summed profit
  double profit_share = 0;      // market.profit / integrated profit
};

// The one validation of a demand: INVALID_ARGUMENT naming "a", "b" or "c"
// in the caller's terms (`names`: "request.demand.c").
absl::Status ValidateDemand(const LinearDemand& d);
absl::StatusOr<MarketOutcome> Integrated(const LinearDemand& d);
// tiers in [1, 60].
absl::StatusOr<ChainOutcome> SuccessiveMonopolies(const LinearDemand& d, int tiers);
// 4 (1 - 2^-n) / 2^n, the chain's share of the integrated profit.
double ChainProfitShare(int tiers);

}  // namespace mitra::channels

#endif  // MITRA_CHANNELS_LINEAR_DEMAND_H_

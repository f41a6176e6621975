// The margin stack of one unit sold by a member: the price at each tier from
// the producer to the shelf and the money each tier keeps.
//
// With margin shares m_k (of each tier's selling price), the tier buying at
// w_{k-1} sells at w_k = w_{k-1} / (1 - m_k) and keeps m_k * w_k; the shelf
// price is the producer's price / prod(1 - m_k) = unit cost * prod(1 +
// markup_k) over every tier including the producer (markup = m / (1 - m)).
// Two directions: from the producer's unit cost up (list prices the margins
// imply) or from a realised shelf price down (what each tier got of it).
#ifndef MITRA_CHANNELS_MARGIN_STACK_H_
#define MITRA_CHANNELS_MARGIN_STACK_H_

#include <vector>

#include "absl/status/statusor.h"
#include "mitra/channels/chain.h"

namespace mitra::channels {

struct StackTier {
  Index member = kNoIndex;
  double price = 0;         // its selling price per unit
  double margin = 0;        // share of its selling price
  double markup = 0;        // margin / (1 - margin): on its buying price
  double margin_money = 0;  // per unit: margin * price
};

struct MarginStack {
  std::vector<StackTier> tiers;  // the root (producer) first, the seller last
  double unit_cost = 0;          // the producer's cost per unit (0: unknown)
  double producer_price = 0;     // the root's selling price
  double shelf_price = 0;        // what the customer pays
  double chain_margin = 0;       // shelf - producer price: kept below the producer
  // Producer price minus the root's own cost_per_unit.
  double producer_net_per_unit = 0;
  // producer_net_per_unit - unit_cost: the producer's profit per unit before
  // fixed costs.
  double producer_profit_per_unit = 0;
};

// From a shelf price paid to `seller` (finite, >= 0) down to the producer;
// unit_cost (finite, >= 0) only enters producer_profit_per_unit. The root's
// margin money is its declared share of its price.
absl::StatusOr<MarginStack> StackFromShelfPrice(const Chain& chain, Index seller,
                                                double shelf_price, double unit_cost);
// From the producer's unit cost (finite, >= 0) up: producer price =
// unit_cost / (1 - m_root), then each tier's price as above.
absl::StatusOr<MarginStack> StackFromUnitCost(const Chain& chain, Index seller, double unit_cost);

}  // namespace mitra::channels

#endif  // MITRA_CHANNELS_MARGIN_STACK_H_

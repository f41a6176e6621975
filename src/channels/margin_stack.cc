#include "mitra/channels/margin_stack.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace mitra::channels {
namespace {

absl::Status CheckArgs(const Chain& chain, Index seller, double money, const char* what,
                       double unit_cost) {
  if (seller >= chain.size())
    return absl::InvalidArgumentError(
        absl::StrCat("seller: member ", seller, " out of range (", chain.size(), " members)"));
  if (!(std::isfinite(money) && money >= 0))
    return absl::InvalidArgumentError(absl::StrCat(what, ": must be finite and >= 0, got ", money));
  if (!(std::isfinite(unit_cost) && unit_cost >= 0))
    return absl::InvalidArgumentError(
        absl::StrCat("unit_cost: must be finite and >= 0, got ", unit_cost));
  return absl::OkStatus();
}

// Fills the tiers root first from prices already set, and the totals.
MarginStack Finish(const Chain& chain, std::vector<StackTier> tiers, double unit_cost) {
  MarginStack s;
  for (StackTier& t : tiers) {
    t.margin = chain.margin(t.member);
    t.markup = t.margin / (1 - t.margin);
    t.margin_money = t.margin * t.price;
  }
  s.unit_cost = unit_cost;
  s.producer_price = tiers.front().price;
  s.shelf_price = tiers.back().price;
  s.chain_margin = s.shelf_price - s.producer_price;
  s.producer_net_per_unit = s.producer_price - chain.cost_per_unit(tiers.front().member);
  s.producer_profit_per_unit = s.producer_net_per_unit - unit_cost;
  s.tiers = std::move(tiers);
  return s;
}

}  // namespace

absl::StatusOr<MarginStack> StackFromShelfPrice(const Chain& chain, Index seller,
                                                double shelf_price, double unit_cost) {
  if (absl::Status s = CheckArgs(chain, seller, shelf_price, "shelf_price", unit_cost); !s.ok())
    return s;
  const auto path = chain.Path(seller);
  std::vector<StackTier> tiers(path.size());
  double price = shelf_price;
  for (size_t k = 0; k < path.size(); ++k) {  // seller up to the root
    StackTier& t = tiers[path.size() - 1 - k];
    t.member = path[k];
    t.price = price;
    price *= 1 - chain.margin(path[k]);  // its buying price
  }
  return Finish(chain, std::move(tiers), unit_cost);
}

absl::StatusOr<MarginStack> StackFromUnitCost(const Chain& chain, Index seller, double unit_cost) {
  if (absl::Status s = CheckArgs(chain, seller, unit_cost, "unit_cost", unit_cost); !s.ok())
    return s;
  const auto path = chain.Path(seller);
  std::vector<StackTier> tiers(path.size());
  double price = unit_cost;
  for (size_t k = path.size(); k-- > 0;) {  // the root down to the seller
    StackTier& t = tiers[path.size() - 1 - k];
    t.member = path[k];
    price /= 1 - chain.margin(path[k]);
    t.price = price;
  }
  return Finish(chain, std::move(tiers), unit_cost);
}

}  // namespace mitra::channels

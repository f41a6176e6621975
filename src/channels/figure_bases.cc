#include "figure_bases.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/money_basis_message.h"

namespace mitra::channels {
namespace {

// "2 of 5 members have no margin; 0 assumed (Channel.margin)".
std::string Lacking(size_t n, size_t of, const char* things, const char* field,
                    const char* assumed) {
  return absl::StrCat(n, " of ", of, " ", things, n == 1 ? " has no " : " have no ", field, "; ",
                      assumed);
}

void AddLacking(FigureInputs& f, size_t n, size_t of, const char* things, const char* field,
                const char* assumed) {
  if (n > 0) f.defaults.push_back(Lacking(n, of, things, field, assumed));
}

bool InWindow(const Economics& e, int64_t t) { return t >= e.start && t < e.end; }

// Goods (unit costs x units) and the units themselves, from the window's rows.
void RowInputs(const Tables& tables, const Economics& e, FigureBases& b) {
  const TransactionTable& t = tables.transactions;
  size_t rows = 0, no_product = 0, no_quantity = 0, sold = 0, no_cost = 0;
  std::vector<uint8_t> seen(tables.products.ids.size(), 0);
  for (size_t i = 0; i < t.customer.size(); ++i) {
    if (!InWindow(e, t.time[i])) continue;
    ++rows;
    no_quantity += t.quantity[i] == 0;
    const Index p = t.product[i];
    if (p == kNoIndex) {
      ++no_product;
      continue;
    }
    if (seen[p]) continue;
    seen[p] = 1;
    ++sold;
    no_cost += tables.products.unit_cost[p] == 0;
  }
  b.sales.given = absl::StrCat("Transaction.amount of the ", rows, " transactions in the window");
  b.goods.given = absl::StrCat("Product.unit_cost x Transaction.quantity of the ", rows,
                               " transactions in the window");
  AddLacking(b.goods, no_product, rows, "transactions", "product_id", "goods 0 assumed");
  AddLacking(b.goods, no_cost, sold, "products sold", "unit_cost",
             "0 assumed (Product.unit_cost)");
  // Units = quantity, 1 when not recorded: goods and handling per unit.
  const std::string units =
      Lacking(no_quantity, rows, "transactions", "quantity", "1 unit assumed (Transaction.quantity)");
  if (no_quantity > 0) {
    b.goods.defaults.push_back(units);
    b.handling.defaults.push_back(units);
  }
}

// Margins, per-unit and fixed costs of the members.
void MemberInputs(const Tables& tables, const Chain& chain, const Economics& e, FigureBases& b) {
  const ChannelTable& ch = tables.channels;
  size_t independent = 0, no_margin = 0, handled = 0, no_unit_cost = 0, no_fixed = 0;
  for (Index m = 0; m < chain.size(); ++m) {
    const MemberEconomics& me = e.members[m];
    no_fixed += ch.fixed_cost_per_year[m] == 0;
    if (me.tree_units > 0) {
      ++handled;
      no_unit_cost += ch.cost_per_unit[m] == 0;
    }
    // A producer-run member keeps no margin unless given one; an
    // independent member's zero margin is one not recorded.
    if (me.tree_transactions > 0 && !chain.ProducerRun(m)) {
      ++independent;
      no_margin += ch.margin[m] == 0;
    }
  }
  b.margins.given = absl::StrCat("Channel.margin of the ", independent,
                                 " independent members the window's sales passed through");
  AddLacking(b.margins, no_margin, independent, "independent members that sold", "margin",
             "0 assumed (Channel.margin)");
  b.handling.given = absl::StrCat("Channel.cost_per_unit of the ", handled,
                                  " members that handled units in the window");
  AddLacking(b.handling, no_unit_cost, handled, "members that handled units", "cost_per_unit",
             "0 assumed (Channel.cost_per_unit)");
  b.fixed.given = absl::StrCat("Channel.fixed_cost_per_year of the ", chain.size(),
                               " members x the window's ", e.years, " years");
  AddLacking(b.fixed, no_fixed, chain.size(), "members", "fixed_cost_per_year",
             "0 assumed (Channel.fixed_cost_per_year)");
}

// The request's incentives and activity rates.
void RequestInputs(const v1::ChannelRequest& r, FigureBases& b) {
  std::vector<std::string> set, unset;
  bool route_set[4] = {false, false, false, false};
  for (const v1::ChannelRouteIncentive& x : r.incentives())
    if (x.route() > 0 && x.route() < 4) route_set[x.route()] = true;
  for (const auto& [route, name] : {std::pair{v1::CHANNEL_ROUTE_CHAIN, "chain"},
                                    {v1::CHANNEL_ROUTE_DIRECT, "direct"},
                                    {v1::CHANNEL_ROUTE_COMMUNITY, "community"}})
    (route_set[route] ? set : unset).push_back(name);
  b.incentives.given = absl::StrCat("ChannelRequest.incentives (", absl::StrJoin(set, ", "), ")");
  if (!unset.empty())
    b.incentives.defaults.push_back(absl::StrCat(
        "incentives = 0 for ", absl::StrJoin(unset, ", "), " (ChannelRequest.incentives)"));

  const v1::ChannelActivityRates& m = r.rates();
  std::vector<std::string> rates;
  for (const auto& [has, v, name] :
       {std::tuple{m.has_per_order(), m.per_order(), "per_order"},
        {m.has_per_delivery(), m.per_delivery(), "per_delivery"},
        {m.has_per_return(), m.per_return(), "per_return"},
        {m.has_per_support_contact(), m.per_support_contact(), "per_support_contact"}}) {
    if (has)
      rates.push_back(absl::StrCat(name, " = ", v));
    else
      b.cost_to_serve.defaults.push_back(
          absl::StrCat(name, " = 0 (ChannelRequest.rates.", name, ")"));
  }
  if (m.has_per_support_contact() && m.support_kinds_size() == 0)
    b.cost_to_serve.defaults.push_back(
        "no interaction kind counts as a support contact (ChannelRequest.rates.support_kinds)");
  const bool handling = !m.has_include_handling() || m.include_handling();
  b.cost_to_serve.given = absl::StrCat(
      "ChannelRequest.rates (", absl::StrJoin(rates, ", "), ")",
      handling ? " + the producer-run members' Channel.cost_per_unit" : "");
  if (handling)
    for (const std::string& d : b.handling.defaults) b.cost_to_serve.defaults.push_back(d);
}

}  // namespace

MoneyBasis FigureInputs::Basis() const {
  if (defaults.empty()) return MoneyBasis::Given(given);
  return MoneyBasis::Assumed(absl::StrJoin(defaults, "; "));
}

FigureInputs FigureInputs::With(const FigureInputs& other, std::string given_source) const {
  FigureInputs f{std::move(given_source), defaults};
  for (const std::string& d : other.defaults)
    if (std::find(f.defaults.begin(), f.defaults.end(), d) == f.defaults.end())
      f.defaults.push_back(d);
  return f;
}

FigureBases FigureBasesOf(const Tables& tables, const Chain& chain, const Economics& e,
                          const v1::ChannelRequest& r) {
  FigureBases b;
  RowInputs(tables, e, b);
  MemberInputs(tables, chain, e, b);
  RequestInputs(r, b);
  // Combined figures name what they are computed from.
  b.profit = b.margins.With(b.goods, "").With(b.handling, "").With(
      b.fixed, "sales less margins (Channel.margin), goods (Product.unit_cost), per-unit and "
               "fixed costs (Channel.cost_per_unit, fixed_cost_per_year)");
  b.contribution = b.profit.With(
      b.incentives,
      "producer revenue less goods, the producer's per-unit and fixed costs and the incentives "
      "(Channel.margin, Product.unit_cost, Channel.cost_per_unit, fixed_cost_per_year, "
      "ChannelRequest.incentives)");
  b.variable_acquisition = b.margins.With(
      b.handling, "margins and handling on the acquiring purchases (Channel.margin, cost_per_unit)");
  b.acquisition_cost = b.variable_acquisition.With(b.fixed, "").With(
      b.incentives,
      "margins and handling on the acquiring purchases + their share of the producer-run "
      "members' fixed costs and the incentives (Channel.margin, cost_per_unit, "
      "fixed_cost_per_year, ChannelRequest.incentives)");
  b.value_per_acquired = b.goods.With(
      b.handling, "first purchases less goods and the roots' per-unit cost (Transaction.amount, "
                  "Product.unit_cost, Channel.cost_per_unit)");
  b.contribution_per_acquired = b.value_per_acquired.With(
      b.variable_acquisition,
      "value per acquired customer less the margins and handling on the acquiring purchases "
      "(Product.unit_cost, Channel.margin, cost_per_unit)");
  b.net = b.margins.With(b.goods, "").With(
      b.cost_to_serve, "revenue less goods, margins and cost to serve (Product.unit_cost, "
                       "Channel.margin, ChannelRequest.rates)");
  return b;
}

void FigureBasesMessage(const FigureBases& b, v1::ChannelFigureBases* out) {
  ToMessage(b.sales.Basis(), out->mutable_sales());
  FigureInputs revenue = b.margins;
  revenue.given = absl::StrCat("Transaction.amount less the margins kept below the roots (",
                               b.margins.given, ")");
  ToMessage(revenue.Basis(), out->mutable_producer_revenue());
  ToMessage(b.margins.Basis(), out->mutable_margins_conceded());
  ToMessage(b.goods.Basis(), out->mutable_goods_cost());
  ToMessage(b.handling.Basis(), out->mutable_handling_cost());
  ToMessage(b.fixed.Basis(), out->mutable_fixed_cost());
  ToMessage(b.incentives.Basis(), out->mutable_incentives());
  ToMessage(b.cost_to_serve.Basis(), out->mutable_cost_to_serve());
  ToMessage(b.profit.Basis(), out->mutable_profit());
  ToMessage(b.contribution.Basis(), out->mutable_contribution());
  ToMessage(b.acquisition_cost.Basis(), out->mutable_acquisition_cost());
  ToMessage(b.value_per_acquired.Basis(), out->mutable_value_per_acquired());
  ToMessage(b.contribution_per_acquired.Basis(), out->mutable_contribution_per_acquired());
  ToMessage(b.net.Basis(), out->mutable_net());
}

}  // namespace mitra::channels

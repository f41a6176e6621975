// Channel economics over a window of transactions: sales
// attributed to each member and rolled up the tree, the money each tier
// keeps, each member's profit, the producer's revenue, activity-based cost
// to serve per customer, and the economics of each route (chain, direct,
// community) including its cost per acquired customer.
//
// Conventions (docs/CHANNELS.md has the formulas):
//  * A transaction's seller is its channel_id; rows without one are counted
//    as unattributed sales only. Units = quantity, or 1 when quantity is 0
//    (not recorded). Goods = the product's unit_cost x units (0 when the
//    product or its cost is unknown).
//  * Money flows up the seller's path: a member keeps its margin share of
//    its selling-price money and passes the rest up, so a sale of A at
//    seller s reaches the root as A * producer_share(s). Margin money is
//    linear in A, so it is rolled up from per-seller totals:
//    revenue(k) = own sales(k) + sum over children c of revenue(c) (1 - m_c).
//  * Member profit: a non-root keeps margin_money - cost_per_unit x units
//    through it - fixed cost for the window; a root keeps its revenue -
//    goods - cost_per_unit x units - fixed cost. Fixed cost for the window =
//    fixed_cost_per_year x window length / 365.25 days.
//  * Cost to serve (Kaplan's activity-based costing): per customer,
//    sum over activities of driver x rate, plus handling: the per-unit cost
//    of the producer-run members on each purchase's path (an independent
//    member's handling is paid out of its margin). Drivers: orders (an
//    order id, or a transaction without one), deliveries (orders with a line
//    of quantity > 0), returns (lines of amount 0 and quantity > 0: the
//    schema has no negative amounts, so a return or exchange is a
//    zero-money line), support contacts (the customer's interactions of
//    the chosen kinds). The net per customer is revenue - goods - margins
//    conceded - cost to serve (docs/CHANNELS.md, "Cost to serve"). A member's
//    cost to serve is that of its own sales: an order's and a delivery's
//    cost go to the seller of their first line, support to the customer's
//    main seller (most money in the window).
//  * A customer is acquired in the window when their first transaction
//    ever (earliest time, then row) lies in it; the acquiring member is its
//    seller.
//  * Route acquisition cost (the producer's view): the margins conceded on
//    the acquiring purchases + the handling of non-root producer-run
//    members on them + (fixed costs of the route's non-root producer-run
//    members + the route's incentives) x the acquiring purchases' share of
//    the route's sales. Independent members' fixed costs are not added:
//    their margins already pay for them. An acquired customer's value is
//    their first purchase less goods and the root's per-unit cost; less the
//    route's variable acquisition costs (margins, handling) it is the
//    contribution per acquired customer.
#ifndef MITRA_CHANNELS_ECONOMICS_H_
#define MITRA_CHANNELS_ECONOMICS_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/channels/chain.h"
#include "mitra/core/field_path.h"
#include "mitra/core/tables.h"

namespace mitra::channels {

struct ActivityRates {
  double per_order = 0;  // finite, >= 0
  double per_delivery = 0;
  double per_return = 0;
  double per_support_contact = 0;
  // Bit k set: interactions of InteractionKind k made by a customer in the
  // window are support contacts. 0: none.
  uint32_t support_kinds = 0;
  bool include_handling = true;
};

struct EconomicsOptions {
  int64_t start = kNoTime;  // window [start, end); kNoTime: the first transaction
  int64_t end = kNoTime;    // kNoTime: one second after the last transaction
  ActivityRates rates;
  // Money spent on each route (by Route) in the window besides margins:
  // trade promotions, activation programs. Finite, >= 0.
  std::array<double, kNumRoutes> incentives{};
  bool per_customer = true;  // fill Economics::customers
  // How the caller names these options in errors (empty: as here).
  FieldPath names;
};

// The name of one route's incentive option: "incentives[1] (direct)".
std::string IncentiveOption(int route);

struct MemberEconomics {
  // Its own sales to customers, as the seller.
  double sales = 0, units = 0;
  uint64_t transactions = 0, customers = 0, acquired = 0;
  // Its subtree's: its own and every member's below it.
  double tree_sales = 0, tree_units = 0;
  uint64_t tree_transactions = 0, tree_customers = 0, tree_acquired = 0;
  double revenue = 0;        // the subtree's sales at this member's selling prices
  double margin_money = 0;   // margin x revenue
  double goods_cost = 0;     // roots only: unit_cost x units
  double handling_cost = 0;  // cost_per_unit x tree_units
  double fixed_cost = 0;     // for the window
  double profit = 0;
  // Activity-based cost of serving its own customers, and per customer.
  double cost_to_serve = 0;
  double cost_to_serve_per_customer = 0;
};

struct RouteEconomics {
  double sales = 0, units = 0;
  uint64_t transactions = 0, customers = 0, acquired = 0;
  double producer_revenue = 0;  // what reaches the roots
  double margins_conceded = 0;  // sales - producer_revenue
  double goods_cost = 0;
  double producer_handling = 0;  // per-unit costs of producer-run members on the paths
  double producer_fixed = 0;     // fixed costs of the route's non-root producer-run members
  double incentives = 0;
  // producer_revenue - goods - producer_handling - producer_fixed - incentives
  double contribution = 0;
  double acquisition_sales = 0;
  double acquisition_margins = 0;   // conceded on the acquiring purchases
  double acquisition_handling = 0;  // non-root producer-run handling on them
  double acquisition_cost = 0;      // see the file comment
  double cost_per_acquired = 0;     // acquisition_cost / acquired (0 when none)
  // What an acquired customer's first purchase is worth before any route
  // cost: (acquisition sales - goods - the roots' per-unit cost) / acquired.
  double value_per_acquired = 0;
  // ... less the route's variable costs (acquisition margins and handling):
  // the producer's contribution per acquired customer, the value of one
  // more conversion through the route.
  double contribution_per_acquired = 0;
};

// One row per customer with a transaction in the window (columns).
struct CustomerCosts {
  std::vector<Index> customer;
  std::vector<double> revenue, goods, margins, orders, deliveries, returns, support_contacts,
      handling, cost_to_serve, net;
  std::vector<Index> main_member;  // most money in the window (kNoIndex: no channel)
};

struct Economics {
  int64_t start = 0, end = 0;
  double years = 0;                      // (end - start) / 365.25 days
  std::vector<MemberEconomics> members;  // by member index
  std::array<RouteEconomics, kNumRoutes> routes;
  CustomerCosts customers;
  double sales = 0;               // every transaction in the window
  double unattributed_sales = 0;  // without a channel
  uint64_t transactions = 0, buyers = 0, acquired = 0;
  double producer_revenue = 0, goods_cost = 0, margins_conceded = 0;
  double cost_to_serve = 0;
};

// INVALID_ARGUMENT naming the option in the caller's terms (`names`:
// "rates.per_order", "request.start_unix_seconds", ...) for a negative or
// non-finite rate or incentive, a time outside 1900-2200, or start >= end.
absl::StatusOr<Economics> ComputeEconomics(const Tables& tables, const Chain& chain,
                                           const EconomicsOptions& options);

// The window's default ends from the transactions: [first, last + 1), or
// [0, 1) without transactions. Given times are kept.
std::pair<int64_t, int64_t> DefaultWindow(const TransactionTable& t, int64_t start, int64_t end);

// Units of a transaction row: quantity, 1 when 0 (not recorded).
inline double Units(double quantity) { return quantity > 0 ? quantity : 1.0; }

}  // namespace mitra::channels

#endif  // MITRA_CHANNELS_ECONOMICS_H_

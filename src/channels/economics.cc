#include "mitra/channels/economics.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "common/request_errors.h"
#include "absl/strings/str_cat.h"
#include "customer_rows.h"
#include "member_spend.h"
#include "mitra/core/time_format.h"

namespace mitra::channels {
namespace {

constexpr double kSecondsPerYear = 365.25 * 86400;

absl::Status CheckOptions(const EconomicsOptions& o) {
  const ActivityRates& r = o.rates;
  for (const auto& [v, name] : {std::pair{r.per_order, "rates.per_order"},
                                {r.per_delivery, "rates.per_delivery"},
                                {r.per_return, "rates.per_return"},
                                {r.per_support_contact, "rates.per_support_contact"}}) {
    if (absl::Status s = CheckRange(v, o.names(name), v >= 0, "finite and >= 0"); !s.ok()) return s;
  }
  for (int k = 0; k < kNumRoutes; ++k) {
    const double v = o.incentives[k];
    if (absl::Status s = CheckRange(v, o.names(IncentiveOption(k)), v >= 0, "finite and >= 0"); !s.ok())
      return s;
  }
  for (const auto& [t, field] : {std::pair{o.start, "start"}, {o.end, "end"}}) {
    if (t == kNoTime) continue;
    if (absl::Status s = CheckTime(t, o.names(field)); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// One customer's lines in the window, priced by the activity rates.
struct CustomerLines {
  double revenue = 0, goods = 0, margins = 0, orders = 0, deliveries = 0, returns = 0,
         handling = 0;
  MemberSpend spend;
};

// The three passes over the data, into an Economics.
class Accounts {
 public:
  Accounts(const Tables& tables, const Chain& chain, const EconomicsOptions& o, Economics& e)
      : tables_(tables), t_(tables.transactions), chain_(chain), o_(o), r_(o.rates), e_(e),
        M_(chain.size()), run_handling_(M_, 0), nonroot_handling_(M_, 0) {
    HandlingAlongPaths();
  }

  // Pass 1, rows: per-seller and per-route totals.
  void SumRows() {
    seller_goods_.assign(M_, 0);
    for (size_t i = 0; i < t_.customer.size(); ++i) {
      if (!InWindow(t_.time[i])) continue;
      const double a = t_.amount[i], u = Units(t_.quantity[i]);
      e_.sales += a;
      ++e_.transactions;
      const Index s = t_.channel[i];
      if (s == kNoIndex) {
        e_.unattributed_sales += a;
        continue;
      }
      MemberEconomics& me = e_.members[s];
      me.sales += a;
      me.units += u;
      ++me.transactions;
      const double g = GoodsOf(i, u);
      seller_goods_[s] += g;
      RouteEconomics& re = RouteOf(s);
      re.sales += a;
      re.units += u;
      ++re.transactions;
      re.goods_cost += g;
      re.producer_handling += run_handling_[s] * u;
    }
  }

  // Pass 2, the tree: children before parents; then what reaches the
  // producer per route.
  void RollUpTree() {
    std::vector<double> tree_goods(seller_goods_);
    for (MemberEconomics& me : e_.members) {
      me.tree_sales = me.sales;
      me.tree_units = me.units;
      me.tree_transactions = me.transactions;
      me.revenue = me.sales;
    }
    for (Index k : chain_.BottomUp()) RollUpMember(k, tree_goods);
    for (Index s = 0; s < M_; ++s) {
      RouteOf(s).producer_revenue += e_.members[s].sales * chain_.producer_share(s);
      if (chain_.parent(s) != kNoIndex && chain_.ProducerRun(s))
        RouteOf(s).producer_fixed += e_.members[s].fixed_cost;
    }
  }

  // Pass 3, customers: distinct buyers, acquisition, cost to serve.
  void SumCustomers() {
    const size_t C = tables_.customers.ids.size();
    const std::vector<uint32_t> support = SupportContacts(C);
    const CustomerRows rows(t_, C);
    own_seen_.assign(M_, 0);
    tree_seen_.assign(M_, 0);
    for (size_t c = 0; c < C; ++c) {
      const auto mine = rows.Of(c);
      if (mine.empty()) continue;
      const uint32_t stamp = static_cast<uint32_t>(c) + 1;
      if (InWindow(t_.time[mine[0]])) Acquire(mine[0]);
      CustomerLines lines;
      for (uint32_t i : mine)
        if (InWindow(t_.time[i])) AddLine(i, stamp, lines);
      // Nothing in the window: not a buyer.
      if (lines.revenue == 0 && lines.orders == 0 && lines.returns == 0) continue;
      AddBuyer(c, support[c], lines);
    }
  }

  // The roll-ups and ratios once every pass is done.
  void Finish() {
    // tree_acquired rolls up like the sales.
    for (MemberEconomics& me : e_.members) me.tree_acquired = me.acquired;
    for (Index k : chain_.BottomUp()) {
      const Index p = chain_.parent(k);
      if (p != kNoIndex) e_.members[p].tree_acquired += e_.members[k].tree_acquired;
    }
    for (MemberEconomics& me : e_.members)
      me.cost_to_serve_per_customer = me.customers ? me.cost_to_serve / me.customers : 0;
    for (int k = 0; k < kNumRoutes; ++k) FinishRoute(k);
  }

 private:
  bool InWindow(int64_t time) const { return time >= e_.start && time < e_.end; }
  RouteEconomics& RouteOf(Index s) { return e_.routes[static_cast<int>(chain_.RouteOf(s))]; }
  double GoodsOf(size_t i, double units) const {
    const Index p = t_.product[i];
    return p == kNoIndex ? 0.0 : tables_.products.unit_cost[p] * units;
  }

  // Per-unit costs the producer bears along each seller's path (all
  // producer-run members; and without the root).
  void HandlingAlongPaths() {
    for (Index s = 0; s < M_; ++s) {
      for (Index m : chain_.Path(s)) {
        if (!chain_.ProducerRun(m)) continue;
        run_handling_[s] += chain_.cost_per_unit(m);
        if (chain_.parent(m) != kNoIndex) nonroot_handling_[s] += chain_.cost_per_unit(m);
      }
    }
  }

  // Member k's margin, costs and profit; its subtree's totals into its parent.
  void RollUpMember(Index k, std::vector<double>& tree_goods) {
    MemberEconomics& me = e_.members[k];
    me.margin_money = chain_.margin(k) * me.revenue;
    me.handling_cost = chain_.cost_per_unit(k) * me.tree_units;
    me.fixed_cost = chain_.fixed_cost_per_year(k) * e_.years;
    const Index p = chain_.parent(k);
    if (p == kNoIndex) {
      me.goods_cost = tree_goods[k];
      me.profit = me.revenue - me.goods_cost - me.handling_cost - me.fixed_cost;
      e_.producer_revenue += me.revenue;
      e_.goods_cost += me.goods_cost;
      return;
    }
    me.profit = me.margin_money - me.handling_cost - me.fixed_cost;
    MemberEconomics& pe = e_.members[p];
    pe.revenue += me.revenue * (1 - chain_.margin(k));
    pe.tree_sales += me.tree_sales;
    pe.tree_units += me.tree_units;
    pe.tree_transactions += me.tree_transactions;
    tree_goods[p] += tree_goods[k];
  }

  // Support contacts per customer in the window.
  std::vector<uint32_t> SupportContacts(size_t C) const {
    std::vector<uint32_t> support(C, 0);
    if (r_.support_kinds == 0) return support;
    const InteractionTable& x = tables_.interactions;
    for (size_t i = 0; i < x.from.size(); ++i) {
      if (!InWindow(x.time[i]) || x.kind[i] >= 32) continue;
      if (r_.support_kinds >> x.kind[i] & 1u) ++support[x.from[i]];
    }
    return support;
  }

  // A customer whose first purchase (row `first`) falls in the window.
  void Acquire(uint32_t first) {
    ++e_.acquired;
    const Index s = t_.channel[first];
    if (s == kNoIndex) return;
    const double a = t_.amount[first], u = Units(t_.quantity[first]);
    const int k = static_cast<int>(chain_.RouteOf(s));
    ++e_.members[s].acquired;
    RouteEconomics& re = e_.routes[k];
    ++re.acquired;
    re.acquisition_sales += a;
    re.acquisition_margins += a * (1 - chain_.producer_share(s));
    re.acquisition_handling += nonroot_handling_[s] * u;
    acq_value_[k] += a - GoodsOf(first, u) - (run_handling_[s] - nonroot_handling_[s]) * u;
  }

  // Row i of the customer stamped `stamp`: its line cost, and the members
  // and route it counts them as a customer of.
  void AddLine(uint32_t i, uint32_t stamp, CustomerLines& lines) {
    const double a = t_.amount[i], q = t_.quantity[i], u = Units(q);
    lines.revenue += a;
    lines.goods += GoodsOf(i, u);
    double line_cost = 0;
    if (a == 0 && q > 0) {  // a return
      ++lines.returns;
      line_cost = r_.per_return;
    } else {
      ++lines.orders;
      line_cost = r_.per_order;
      if (q > 0) ++lines.deliveries, line_cost += r_.per_delivery;
    }
    const Index s = t_.channel[i];
    if (s == kNoIndex) return;
    lines.margins += a * (1 - chain_.producer_share(s));
    if (r_.include_handling) {
      lines.handling += run_handling_[s] * u;
      line_cost += run_handling_[s] * u;
    }
    e_.members[s].cost_to_serve += line_cost;
    lines.spend.Add(s, a);
    if (own_seen_[s] != stamp) own_seen_[s] = stamp, ++e_.members[s].customers;
    // The walk stops at the first member already stamped for this customer,
    // which is only correct because every member above it was stamped too.
    for (Index m : chain_.Path(s)) {
      if (tree_seen_[m] == stamp) break;
      tree_seen_[m] = stamp;
      ++e_.members[m].tree_customers;
    }
    const int k = static_cast<int>(chain_.RouteOf(s));
    if (route_seen_[k] != stamp) route_seen_[k] = stamp, ++e_.routes[k].customers;
  }

  // A customer with lines in the window: their cost to serve (support
  // contacts charged to the member they spent most with) and, when asked,
  // their row of Economics::customers.
  void AddBuyer(size_t c, double contacts, const CustomerLines& l) {
    ++e_.buyers;
    const Index main = l.spend.Main();
    if (main != kNoIndex) e_.members[main].cost_to_serve += contacts * r_.per_support_contact;
    const double cts = l.orders * r_.per_order + l.deliveries * r_.per_delivery +
                       l.returns * r_.per_return + contacts * r_.per_support_contact + l.handling;
    e_.cost_to_serve += cts;
    e_.margins_conceded += l.margins;
    if (!o_.per_customer) return;
    CustomerCosts& cc = e_.customers;
    cc.customer.push_back(static_cast<Index>(c));
    cc.revenue.push_back(l.revenue);
    cc.goods.push_back(l.goods);
    cc.margins.push_back(l.margins);
    cc.orders.push_back(l.orders);
    cc.deliveries.push_back(l.deliveries);
    cc.returns.push_back(l.returns);
    cc.support_contacts.push_back(contacts);
    cc.handling.push_back(l.handling);
    cc.cost_to_serve.push_back(cts);
    cc.net.push_back(l.revenue - l.goods - l.margins - cts);
    cc.main_member.push_back(main);
  }

  void FinishRoute(int k) {
    RouteEconomics& re = e_.routes[k];
    re.incentives = o_.incentives[k];
    re.margins_conceded = re.sales - re.producer_revenue;
    re.contribution = re.producer_revenue - re.goods_cost - re.producer_handling -
                      re.producer_fixed - re.incentives;
    const double share = re.sales > 0 ? re.acquisition_sales / re.sales : 0;
    re.acquisition_cost = re.acquisition_margins + re.acquisition_handling +
                          share * (re.producer_fixed + re.incentives);
    if (re.acquired == 0) return;
    const double n = static_cast<double>(re.acquired);
    re.cost_per_acquired = re.acquisition_cost / n;
    re.value_per_acquired = acq_value_[k] / n;
    re.contribution_per_acquired =
        (acq_value_[k] - re.acquisition_margins - re.acquisition_handling) / n;
  }

  const Tables& tables_;
  const TransactionTable& t_;
  const Chain& chain_;
  const EconomicsOptions& o_;
  const ActivityRates& r_;
  Economics& e_;
  const size_t M_;
  std::vector<double> run_handling_, nonroot_handling_, seller_goods_;
  std::vector<uint32_t> own_seen_, tree_seen_;  // customer stamps
  std::array<uint32_t, kNumRoutes> route_seen_{};
  std::array<double, kNumRoutes> acq_value_{};
};

}  // namespace

std::pair<int64_t, int64_t> DefaultWindow(const TransactionTable& t, int64_t start, int64_t end) {
  if (start != kNoTime && end != kNoTime) return {start, end};
  int64_t lo = 0, hi = 1;
  if (!t.time.empty()) {
    const auto [a, b] = std::minmax_element(t.time.begin(), t.time.end());
    lo = *a;
    hi = *b + 1;
  }
  return {start == kNoTime ? lo : start, end == kNoTime ? hi : end};
}

std::string IncentiveOption(int route) {
  return absl::StrCat("incentives[", route, "] (", RouteName(Route(route)), ")");
}

absl::StatusOr<Economics> ComputeEconomics(const Tables& tables, const Chain& chain,
                                           const EconomicsOptions& o) {
  if (absl::Status s = CheckOptions(o); !s.ok()) return s;
  if (chain.size() != tables.channels.ids.size())
    return absl::InvalidArgumentError("chain: built from another channel table");
  const auto [start, end] = DefaultWindow(tables.transactions, o.start, o.end);
  if (start >= end)
    return Invalid(o.names("end"),
                   absl::StrCat("must be after start (", FormatTime(start), "), got ", FormatTime(end)));
  Economics e;
  e.start = start;
  e.end = end;
  e.years = static_cast<double>(end - start) / kSecondsPerYear;
  e.members.resize(chain.size());
  Accounts accounts(tables, chain, o, e);
  accounts.SumRows();
  accounts.RollUpTree();
  accounts.SumCustomers();
  accounts.Finish();
  return e;
}

}  // namespace mitra::channels

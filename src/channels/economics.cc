#include "mitra/channels/economics.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "customer_rows.h"
#include "mitra/core/time_format.h"

namespace mitra::channels {
namespace {

constexpr double kSecondsPerYear = 365.25 * 86400;

absl::Status CheckMoney(double v, const std::string& where) {
  if (std::isfinite(v) && v >= 0) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(where, ": must be finite and >= 0, got ", v));
}

absl::Status CheckTime(int64_t t, const char* where) {
  if (t == kNoTime) return absl::OkStatus();
  if (std::string p = TimeProblem(t); !p.empty())
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", p));
  return absl::OkStatus();
}

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

absl::StatusOr<Economics> ComputeEconomics(const Tables& tables, const Chain& chain,
                                           const EconomicsOptions& o) {
  const ActivityRates& r = o.rates;
  for (const auto& [v, name] : {std::pair{r.per_order, "rates.per_order"},
                                {r.per_delivery, "rates.per_delivery"},
                                {r.per_return, "rates.per_return"},
                                {r.per_support_contact, "rates.per_support_contact"}}) {
    if (absl::Status s = CheckMoney(v, name); !s.ok()) return s;
  }
  for (int k = 0; k < kNumRoutes; ++k) {
    if (absl::Status s = CheckMoney(
            o.incentives[k], absl::StrCat("incentives[", k, "] (", RouteName(Route(k)), ")"));
        !s.ok())
      return s;
  }
  if (absl::Status s = CheckTime(o.start, "start"); !s.ok()) return s;
  if (absl::Status s = CheckTime(o.end, "end"); !s.ok()) return s;
  const ChannelTable& ch = tables.channels;
  if (chain.size() != ch.ids.size())
    return absl::InvalidArgumentError("chain: built from another channel table");
  const TransactionTable& t = tables.transactions;
  const auto [start, end] = DefaultWindow(t, o.start, o.end);
  if (start >= end)
    return absl::InvalidArgumentError(
        absl::StrCat("end: must be after start (", FormatTime(start), "), got ", FormatTime(end)));
  Economics e;
  e.start = start;
  e.end = end;
  e.years = static_cast<double>(end - start) / kSecondsPerYear;
  const size_t M = chain.size();
  e.members.resize(M);

  // Per-unit costs the producer bears along each seller's path (all
  // producer-run members; and without the root).
  std::vector<double> run_handling(M, 0), nonroot_handling(M, 0);
  for (Index s = 0; s < M; ++s) {
    for (Index m : chain.Path(s)) {
      if (!chain.ProducerRun(m)) continue;
      run_handling[s] += chain.cost_per_unit(m);
      if (chain.parent(m) != kNoIndex) nonroot_handling[s] += chain.cost_per_unit(m);
    }
  }
  const std::vector<double>& unit_cost = tables.products.unit_cost;
  auto goods_of = [&](size_t i, double units) {
    const Index p = t.product[i];
    return p == kNoIndex ? 0.0 : unit_cost[p] * units;
  };

  // Pass 1, rows: per-seller and per-route totals.
  std::vector<double> seller_goods(M, 0);
  const size_t n = t.customer.size();
  for (size_t i = 0; i < n; ++i) {
    if (t.time[i] < start || t.time[i] >= end) continue;
    const double a = t.amount[i], u = Units(t.quantity[i]);
    e.sales += a;
    ++e.transactions;
    const Index s = t.channel[i];
    if (s == kNoIndex) {
      e.unattributed_sales += a;
      continue;
    }
    MemberEconomics& me = e.members[s];
    me.sales += a;
    me.units += u;
    ++me.transactions;
    const double g = goods_of(i, u);
    seller_goods[s] += g;
    RouteEconomics& re = e.routes[static_cast<int>(chain.RouteOf(s))];
    re.sales += a;
    re.units += u;
    ++re.transactions;
    re.goods_cost += g;
    re.producer_handling += run_handling[s] * u;
  }

  // Pass 2, the tree: children before parents.
  std::vector<double> tree_goods(seller_goods);
  for (Index m = 0; m < M; ++m) {
    MemberEconomics& me = e.members[m];
    me.tree_sales = me.sales;
    me.tree_units = me.units;
    me.tree_transactions = me.transactions;
    me.revenue = me.sales;
  }
  for (Index k : chain.BottomUp()) {
    MemberEconomics& me = e.members[k];
    me.margin_money = chain.margin(k) * me.revenue;
    me.handling_cost = chain.cost_per_unit(k) * me.tree_units;
    me.fixed_cost = chain.fixed_cost_per_year(k) * e.years;
    const Index p = chain.parent(k);
    if (p == kNoIndex) {
      me.goods_cost = tree_goods[k];
      me.profit = me.revenue - me.goods_cost - me.handling_cost - me.fixed_cost;
      e.producer_revenue += me.revenue;
      e.goods_cost += me.goods_cost;
      continue;
    }
    me.profit = me.margin_money - me.handling_cost - me.fixed_cost;
    MemberEconomics& pe = e.members[p];
    pe.revenue += me.revenue * (1 - chain.margin(k));
    pe.tree_sales += me.tree_sales;
    pe.tree_units += me.tree_units;
    pe.tree_transactions += me.tree_transactions;
    tree_goods[p] += tree_goods[k];
  }
  for (Index s = 0; s < M; ++s) {
    RouteEconomics& re = e.routes[static_cast<int>(chain.RouteOf(s))];
    re.producer_revenue += e.members[s].sales * chain.producer_share(s);
    if (chain.parent(s) != kNoIndex && chain.ProducerRun(s))
      e.routes[static_cast<int>(chain.RouteOf(s))].producer_fixed += e.members[s].fixed_cost;
  }

  // Support contacts per customer in the window.
  const size_t C = tables.customers.ids.size();
  std::vector<uint32_t> support(C, 0);
  if (r.support_kinds != 0) {
    const InteractionTable& x = tables.interactions;
    for (size_t i = 0; i < x.from.size(); ++i) {
      if (x.time[i] < start || x.time[i] >= end || x.kind[i] >= 32) continue;
      if (r.support_kinds >> x.kind[i] & 1u) ++support[x.from[i]];
    }
  }

  // Pass 3, customers: distinct buyers, acquisition, cost to serve.
  const CustomerRows rows(t, C);
  std::vector<uint32_t> own_seen(M, 0), tree_seen(M, 0);
  std::array<uint32_t, kNumRoutes> route_seen{};
  std::array<double, kNumRoutes> acq_value{};
  std::vector<std::pair<Index, double>> spend;  // this customer's money per seller
  CustomerCosts& cc = e.customers;
  for (size_t c = 0; c < C; ++c) {
    const auto mine = rows.Of(c);
    if (mine.empty()) continue;
    const uint32_t stamp = static_cast<uint32_t>(c) + 1;
    const uint32_t first = mine[0];
    if (t.time[first] >= start && t.time[first] < end) {
      ++e.acquired;
      const Index s = t.channel[first];
      if (s != kNoIndex) {
        const double a = t.amount[first], u = Units(t.quantity[first]);
        const int k = static_cast<int>(chain.RouteOf(s));
        ++e.members[s].acquired;
        RouteEconomics& re = e.routes[k];
        ++re.acquired;
        re.acquisition_sales += a;
        re.acquisition_margins += a * (1 - chain.producer_share(s));
        re.acquisition_handling += nonroot_handling[s] * u;
        acq_value[k] += a - goods_of(first, u) - (run_handling[s] - nonroot_handling[s]) * u;
      }
    }
    double revenue = 0, goods = 0, margins = 0, orders = 0, deliveries = 0, returns = 0,
           handling = 0;
    spend.clear();
    for (uint32_t i : mine) {
      if (t.time[i] < start || t.time[i] >= end) continue;
      const double a = t.amount[i], q = t.quantity[i], u = Units(q);
      revenue += a;
      goods += goods_of(i, u);
      const Index s = t.channel[i];
      double line_cost = 0;
      if (a == 0 && q > 0) {
        ++returns;
        line_cost = r.per_return;
      } else {
        ++orders;
        line_cost = r.per_order;
        if (q > 0) ++deliveries, line_cost += r.per_delivery;
      }
      if (s == kNoIndex) continue;
      margins += a * (1 - chain.producer_share(s));
      if (r.include_handling) {
        handling += run_handling[s] * u;
        line_cost += run_handling[s] * u;
      }
      e.members[s].cost_to_serve += line_cost;
      auto it =
          std::find_if(spend.begin(), spend.end(), [&](const auto& p) { return p.first == s; });
      if (it == spend.end())
        spend.emplace_back(s, a);
      else
        it->second += a;
      if (own_seen[s] != stamp) own_seen[s] = stamp, ++e.members[s].customers;
      for (Index m : chain.Path(s)) {
        if (tree_seen[m] == stamp) break;  // and so is everything above it
        tree_seen[m] = stamp;
        ++e.members[m].tree_customers;
      }
      const int k = static_cast<int>(chain.RouteOf(s));
      if (route_seen[k] != stamp) route_seen[k] = stamp, ++e.routes[k].customers;
    }
    if (revenue == 0 && orders == 0 && returns == 0) continue;  // nothing in the window
    ++e.buyers;
    Index main = kNoIndex;
    double best = -1;
    for (const auto& [s, a] : spend)
      if (a > best) best = a, main = s;
    const double contacts = support[c];
    if (main != kNoIndex) e.members[main].cost_to_serve += contacts * r.per_support_contact;
    const double cts = orders * r.per_order + deliveries * r.per_delivery + returns * r.per_return +
                       contacts * r.per_support_contact + handling;
    e.cost_to_serve += cts;
    e.margins_conceded += margins;
    if (!o.per_customer) continue;
    cc.customer.push_back(static_cast<Index>(c));
    cc.revenue.push_back(revenue);
    cc.goods.push_back(goods);
    cc.margins.push_back(margins);
    cc.orders.push_back(orders);
    cc.deliveries.push_back(deliveries);
    cc.returns.push_back(returns);
    cc.support_contacts.push_back(contacts);
    cc.handling.push_back(handling);
    cc.cost_to_serve.push_back(cts);
    cc.net.push_back(revenue - goods - margins - cts);
    cc.main_member.push_back(main);
  }
  // A member's tree_seen walk stops at the first member already stamped for
  // this customer, which is only correct because every member above it was
  // stamped with it; tree_acquired rolls up like the sales.
  for (Index m = 0; m < M; ++m) e.members[m].tree_acquired = e.members[m].acquired;
  for (Index k : chain.BottomUp()) {
    const Index p = chain.parent(k);
    if (p != kNoIndex) e.members[p].tree_acquired += e.members[k].tree_acquired;
  }
  for (MemberEconomics& me : e.members)
    me.cost_to_serve_per_customer = me.customers ? me.cost_to_serve / me.customers : 0;
  for (int k = 0; k < kNumRoutes; ++k) {
    RouteEconomics& re = e.routes[k];
    re.incentives = o.incentives[k];
    re.margins_conceded = re.sales - re.producer_revenue;
    re.contribution = re.producer_revenue - re.goods_cost - re.producer_handling -
                      re.producer_fixed - re.incentives;
    const double share = re.sales > 0 ? re.acquisition_sales / re.sales : 0;
    re.acquisition_cost = re.acquisition_margins + re.acquisition_handling +
                          share * (re.producer_fixed + re.incentives);
    if (re.acquired > 0) {
      const double n = static_cast<double>(re.acquired);
      re.cost_per_acquired = re.acquisition_cost / n;
      re.value_per_acquired = acq_value[k] / n;
      re.contribution_per_acquired =
          (acq_value[k] - re.acquisition_margins - re.acquisition_handling) / n;
    }
  }
  return e;
}

}  // namespace mitra::channels

#include "mitra/channels/messages.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "common/money_basis_message.h"
#include "community_bases.h"
#include "figure_bases.h"
#include "common/request_errors.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "mitra/activation/messages.h"
#include "mitra/channels/chain.h"
#include "mitra/channels/community_route.h"
#include "mitra/channels/conflict.h"
#include "mitra/channels/economics.h"
#include "mitra/channels/fitted_split.h"
#include "mitra/channels/linear_demand.h"
#include "mitra/channels/margin_stack.h"
#include "mitra/core/time_format.h"

namespace mitra::channels {
namespace {

constexpr size_t kMaxRoutes = 1000;
constexpr size_t kMaxPoints = 1000000;

v1::ChannelRoute RouteMessage(Route r) {
  switch (r) {
    case Route::kChain:
      return v1::CHANNEL_ROUTE_CHAIN;
    case Route::kDirect:
      return v1::CHANNEL_ROUTE_DIRECT;
    case Route::kCommunity:
      return v1::CHANNEL_ROUTE_COMMUNITY;
  }
  return v1::CHANNEL_ROUTE_UNSPECIFIED;
}

v1::ChannelRelation RelationMessage(Relation r) {
  switch (r) {
    case Relation::kVertical:
      return v1::CHANNEL_RELATION_VERTICAL;
    case Relation::kSiblings:
      return v1::CHANNEL_RELATION_SIBLINGS;
    case Relation::kSameTier:
      return v1::CHANNEL_RELATION_SAME_TIER;
    case Relation::kOther:
      return v1::CHANNEL_RELATION_OTHER;
    case Relation::kSame:
      break;
  }
  return v1::CHANNEL_RELATION_UNSPECIFIED;
}

// --- request -> options -------------------------------------------------

// The request's names of the options' window.
FieldPath RequestWindowNames() {
  FieldPath names("request");
  names.Rename("start", "request.start_unix_seconds").Rename("end", "request.end_unix_seconds");
  return names;
}

absl::StatusOr<EconomicsOptions> EconomicsOptionsFrom(const v1::ChannelRequest& r) {
  EconomicsOptions o;
  o.names = RequestWindowNames();
  if (r.has_start_unix_seconds()) {
    if (std::string p = TimeProblem(r.start_unix_seconds()); !p.empty())
      return Invalid("request.start_unix_seconds", p);
    o.start = r.start_unix_seconds();
  }
  if (r.has_end_unix_seconds()) {
    if (std::string p = TimeProblem(r.end_unix_seconds()); !p.empty())
      return Invalid("request.end_unix_seconds", p);
    o.end = r.end_unix_seconds();
  }
  if (o.start != kNoTime && o.end != kNoTime && o.start >= o.end)
    return Invalid("request.end_unix_seconds",
                   absl::StrCat("must be after start_unix_seconds (", FormatTime(o.start),
                                "), got ", FormatTime(o.end)));
  const v1::ChannelActivityRates& m = r.rates();
  struct Rate {
    bool has;
    double value;
    double* into;
    const char* name;
  };
  for (const Rate& x :
       {Rate{m.has_per_order(), m.per_order(), &o.rates.per_order, "per_order"},
        Rate{m.has_per_delivery(), m.per_delivery(), &o.rates.per_delivery, "per_delivery"},
        Rate{m.has_per_return(), m.per_return(), &o.rates.per_return, "per_return"},
        Rate{m.has_per_support_contact(), m.per_support_contact(), &o.rates.per_support_contact,
             "per_support_contact"}}) {
    if (!x.has) continue;
    if (absl::Status s = CheckMoney(x.value, absl::StrCat("request.rates.", x.name)); !s.ok())
      return s;
    *x.into = x.value;
  }
  for (int i = 0; i < m.support_kinds_size(); ++i) {
    const int k = m.support_kinds(i);
    if (k <= 0 || k > v1::InteractionKind_MAX)
      return Invalid(absl::StrCat("request.rates.support_kinds[", i, "]"),
                     absl::StrCat("unknown or unspecified interaction kind ", k));
    o.rates.support_kinds |= 1u << k;
  }
  if (m.has_include_handling()) o.rates.include_handling = m.include_handling();
  std::vector<bool> seen(kNumRoutes, false);
  for (int i = 0; i < r.incentives_size(); ++i) {
    const v1::ChannelRouteIncentive& x = r.incentives(i);
    const std::string at = absl::StrCat("request.incentives[", i, "]");
    int k = -1;
    switch (x.route()) {
      case v1::CHANNEL_ROUTE_CHAIN:
        k = static_cast<int>(Route::kChain);
        break;
      case v1::CHANNEL_ROUTE_DIRECT:
        k = static_cast<int>(Route::kDirect);
        break;
      case v1::CHANNEL_ROUTE_COMMUNITY:
        k = static_cast<int>(Route::kCommunity);
        break;
      default:
        return Invalid(at + ".route",
                       absl::StrCat("unknown or unspecified route ", static_cast<int>(x.route())));
    }
    if (seen[k])
      return Invalid(at + ".route", absl::StrCat("route ", RouteName(Route(k)), " given twice"));
    seen[k] = true;
    if (absl::Status s = CheckMoney(x.amount(), at + ".amount"); !s.ok()) return s;
    o.incentives[k] = x.amount();
    o.names.Rename(IncentiveOption(k), at + ".amount");
  }
  o.per_customer = r.per_customer();
  return o;
}

absl::StatusOr<ConflictOptions> ConflictOptionsFrom(const v1::ChannelRequest& r,
                                                    const EconomicsOptions& e) {
  ConflictOptions o;
  o.names = RequestWindowNames();
  o.start = e.start;
  o.end = e.end;
  if (r.has_min_shared_customers()) {
    if (r.min_shared_customers() < 1)
      return Invalid("request.min_shared_customers", "must be >= 1, got 0");
    o.min_shared_customers = r.min_shared_customers();
  }
  if (r.has_undercut_threshold()) o.undercut_threshold = r.undercut_threshold();
  if (r.has_min_units()) {
    if (absl::Status s = CheckMoney(r.min_units(), "request.min_units"); !s.ok()) return s;
    o.min_units = r.min_units();
  }
  if (r.has_period_seconds()) o.period_seconds = r.period_seconds();
  // Checked here, before any work (the request runs FindCheckedConflicts).
  if (absl::Status s = CheckConflictOptions(o); !s.ok()) return s;
  return o;
}

absl::StatusOr<LinearDemand> DemandFrom(const v1::LinearDemandRequest& m, const std::string& where,
                                        int* max_tiers) {
  LinearDemand d;
  d.a = m.a();
  d.b = m.b();
  d.c = m.c();
  d.names = FieldPath(where);
  if (absl::Status s = ValidateDemand(d); !s.ok()) return s;
  *max_tiers = 4;
  if (m.has_max_tiers()) {
    if (m.max_tiers() < 1 || m.max_tiers() > 60)
      return Invalid(where + ".max_tiers", absl::StrCat("must be in [1, 60], got ", m.max_tiers()));
    *max_tiers = static_cast<int>(m.max_tiers());
  }
  return d;
}

void OutcomeMessage(const MarketOutcome& m, v1::DemandOutcome* out) {
  out->set_price(m.price);
  out->set_quantity(m.quantity);
  out->set_profit(m.profit);
  out->set_consumer_surplus(m.consumer_surplus);
}

absl::Status FillDoubleMarginalisation(const LinearDemand& d, int max_tiers,
                                       v1::DoubleMarginalisation* out) {
  auto integrated = Integrated(d);
  if (!integrated.ok()) return integrated.status();
  out->set_a(d.a);
  out->set_b(d.b);
  out->set_c(d.c);
  OutcomeMessage(*integrated, out->mutable_integrated());
  for (int n = 1; n <= max_tiers; ++n) {
    auto o = SuccessiveMonopolies(d, n);
    if (!o.ok()) return o.status();
    v1::DemandChainOutcome* c = out->add_chains();
    c->set_tiers(static_cast<uint32_t>(n));
    for (size_t k = 0; k < o->prices.size(); ++k) {
      c->add_prices(o->prices[k]);
      c->add_margins(o->margins[k]);
      c->add_profits(o->profits[k]);
    }
    OutcomeMessage(o->market, c->mutable_market());
    c->set_profit_share(o->profit_share);
  }
  return absl::OkStatus();
}

// --- pieces of the report -------------------------------------------------

void MemberMessages(const Tables& t, const Chain& chain, const Economics& e,
                    v1::ChannelReport* out) {
  const ChannelTable& ch = t.channels;
  for (Index m = 0; m < chain.size(); ++m) {
    const MemberEconomics& me = e.members[m];
    v1::ChannelMember* x = out->add_members();
    x->set_channel_id(std::string(ch.ids.Id(m)));
    x->set_name(ch.name[m]);
    x->set_kind(static_cast<v1::ChannelKind>(chain.kind(m)));
    if (chain.parent(m) != kNoIndex) x->set_parent_id(std::string(ch.ids.Id(chain.parent(m))));
    x->set_depth(chain.depth(m));
    x->set_route(RouteMessage(chain.RouteOf(m)));
    x->set_margin(chain.margin(m));
    x->set_markup(chain.margin(m) / (1 - chain.margin(m)));
    x->set_producer_share(chain.producer_share(m));
    x->set_sales(me.sales);
    x->set_units(me.units);
    x->set_transactions(me.transactions);
    x->set_customers(me.customers);
    x->set_acquired(me.acquired);
    x->set_tree_sales(me.tree_sales);
    x->set_tree_units(me.tree_units);
    x->set_tree_transactions(me.tree_transactions);
    x->set_tree_customers(me.tree_customers);
    x->set_tree_acquired(me.tree_acquired);
    x->set_revenue(me.revenue);
    x->set_margin_money(me.margin_money);
    x->set_goods_cost(me.goods_cost);
    x->set_handling_cost(me.handling_cost);
    x->set_fixed_cost(me.fixed_cost);
    x->set_profit(me.profit);
    x->set_cost_to_serve(me.cost_to_serve);
    x->set_cost_to_serve_per_customer(me.cost_to_serve_per_customer);
  }
  for (int k = 0; k < kNumRoutes; ++k) {
    const RouteEconomics& re = e.routes[k];
    v1::ChannelRouteEconomics* x = out->add_routes();
    x->set_route(RouteMessage(Route(k)));
    x->set_sales(re.sales);
    x->set_units(re.units);
    x->set_transactions(re.transactions);
    x->set_customers(re.customers);
    x->set_acquired(re.acquired);
    x->set_producer_revenue(re.producer_revenue);
    x->set_margins_conceded(re.margins_conceded);
    x->set_goods_cost(re.goods_cost);
    x->set_producer_handling(re.producer_handling);
    x->set_producer_fixed(re.producer_fixed);
    x->set_incentives(re.incentives);
    x->set_contribution(re.contribution);
    x->set_acquisition_sales(re.acquisition_sales);
    x->set_acquisition_margins(re.acquisition_margins);
    x->set_acquisition_cost(re.acquisition_cost);
    x->set_cost_per_acquired(re.cost_per_acquired);
    x->set_contribution_per_acquired(re.contribution_per_acquired);
    x->set_value_per_acquired(re.value_per_acquired);
    x->set_acquisition_handling(re.acquisition_handling);
  }
  const CustomerCosts& cc = e.customers;
  for (size_t i = 0; i < cc.customer.size(); ++i) {
    v1::ChannelCustomerCost* x = out->add_customers();
    x->set_customer_id(std::string(t.customers.ids.Id(cc.customer[i])));
    x->set_revenue(cc.revenue[i]);
    x->set_goods(cc.goods[i]);
    x->set_margins(cc.margins[i]);
    x->set_orders(cc.orders[i]);
    x->set_deliveries(cc.deliveries[i]);
    x->set_returns(cc.returns[i]);
    x->set_support_contacts(cc.support_contacts[i]);
    x->set_handling(cc.handling[i]);
    x->set_cost_to_serve(cc.cost_to_serve[i]);
    x->set_net(cc.net[i]);
    if (cc.main_member[i] != kNoIndex)
      x->set_main_channel_id(std::string(t.channels.ids.Id(cc.main_member[i])));
  }
}

// Margin stacks of every member that sold in the window, at the product's
// list price (or from its unit cost up).
absl::Status StackMessages(const Workspace& ws, const v1::ChannelRequest& r, const Chain& chain,
                           const Economics& e, v1::ChannelReport* out) {
  const Tables& t = ws.tables();
  Index product = kNoIndex;
  if (!r.product_id().empty()) {
    absl::StatusOr<Index> p = FindIndex(t.products.ids, r.product_id(), "product", "request.product_id");
    if (!p.ok()) return p.status();
    product = *p;
  } else {
    std::vector<double> money(t.products.ids.size(), 0);
    const TransactionTable& x = t.transactions;
    for (size_t i = 0; i < x.customer.size(); ++i)
      if (x.product[i] != kNoIndex && x.time[i] >= e.start && x.time[i] < e.end)
        money[x.product[i]] += x.amount[i];
    for (Index p = 0; p < money.size(); ++p)
      if (money[p] > 0 && (product == kNoIndex || money[p] > money[product])) product = p;
    if (product == kNoIndex) {
      out->add_notes("margin stacks: no product sold in the window");
      return absl::OkStatus();
    }
  }
  const double price = t.products.unit_price[product], cost = t.products.unit_cost[product];
  out->set_stack_product_id(std::string(t.products.ids.Id(product)));
  out->set_stack_list_price(price);
  if (price <= 0 && cost <= 0) {
    out->add_notes(absl::StrCat("margin stacks: product ", std::string(t.products.ids.Id(product)),
                                " has neither a unit price nor a unit cost"));
    return absl::OkStatus();
  }
  for (Index m = 0; m < chain.size(); ++m) {
    if (e.members[m].transactions == 0) continue;
    auto s =
        price > 0 ? StackFromShelfPrice(chain, m, price, cost) : StackFromUnitCost(chain, m, cost);
    if (!s.ok()) return s.status();
    v1::ChannelMarginStack* x = out->add_stacks();
    x->set_seller_id(std::string(t.channels.ids.Id(m)));
    for (const StackTier& tier : s->tiers) {
      v1::ChannelStackTier* y = x->add_tiers();
      y->set_channel_id(std::string(t.channels.ids.Id(tier.member)));
      y->set_price(tier.price);
      y->set_margin(tier.margin);
      y->set_markup(tier.markup);
      y->set_margin_money(tier.margin_money);
    }
    x->set_unit_cost(s->unit_cost);
    x->set_producer_price(s->producer_price);
    x->set_shelf_price(s->shelf_price);
    x->set_chain_margin(s->chain_margin);
    x->set_producer_net_per_unit(s->producer_net_per_unit);
    x->set_producer_profit_per_unit(s->producer_profit_per_unit);
  }
  return absl::OkStatus();
}

void ConflictMessages(const Tables& t, const Conflicts& c, size_t top, int64_t period,
                      v1::ChannelConflicts* out) {
  const IdInterner& ids = t.channels.ids;
  auto keep = [&](size_t n) { return top == 0 ? n : std::min(n, top); };
  for (size_t i = 0; i < keep(c.shared.size()); ++i) {
    const SharedCustomers& s = c.shared[i];
    v1::ChannelSharedCustomers* x = out->add_shared();
    x->set_channel_id(std::string(ids.Id(s.a)));
    x->set_other_id(std::string(ids.Id(s.b)));
    x->set_shared(s.shared);
    x->set_customers(s.customers_a);
    x->set_other_customers(s.customers_b);
    x->set_jaccard(s.jaccard);
    x->set_relation(RelationMessage(s.relation));
    x->set_same_territory(s.same_territory);
  }
  for (const TerritoryOverlap& o : c.territories) {
    v1::ChannelTerritory* x = out->add_territories();
    x->set_territory(o.territory);
    for (Index m : o.members) x->add_channel_ids(std::string(ids.Id(m)));
  }
  for (size_t i = 0; i < keep(c.undercuts.size()); ++i) {
    const Undercut& u = c.undercuts[i];
    v1::ChannelUndercut* x = out->add_undercuts();
    x->set_channel_id(std::string(ids.Id(u.member)));
    x->set_other_id(std::string(ids.Id(u.other)));
    x->set_product_id(std::string(t.products.ids.Id(u.product)));
    x->set_price(u.price);
    x->set_other_price(u.other_price);
    x->set_units(u.units);
    x->set_other_units(u.other_units);
    x->set_gap(u.gap);
    x->set_relation(RelationMessage(u.relation));
  }
  std::vector<Transition> switches;
  for (const Transition& tr : c.transitions)
    if (tr.from != tr.to) switches.push_back(tr);
  std::stable_sort(switches.begin(), switches.end(), [](const Transition& a, const Transition& b) {
    return a.customers > b.customers;
  });
  for (size_t i = 0; i < keep(switches.size()); ++i) {
    v1::ChannelTransition* x = out->add_switches();
    x->set_from_id(std::string(ids.Id(switches[i].from)));
    x->set_to_id(std::string(ids.Id(switches[i].to)));
    x->set_customers(switches[i].customers);
  }
  for (const PeriodSwitching& p : c.periods) {
    v1::ChannelPeriodSwitching* x = out->add_periods();
    x->set_start_unix_seconds(p.start);
    x->set_active(p.active);
    x->set_stayed(p.stayed);
    x->set_switched(p.switched);
  }
  for (Index m = 0; m < c.members.size(); ++m) {
    const MemberSwitching& s = c.members[m];
    if (s.kept == 0 && s.lost == 0 && s.won == 0) continue;
    v1::ChannelMemberSwitching* x = out->add_members();
    x->set_channel_id(std::string(ids.Id(m)));
    x->set_kept(s.kept);
    x->set_lost(s.lost);
    x->set_won(s.won);
  }
  out->set_stays(c.stays);
  out->set_switches_total(c.switches);
  out->set_switching_share(c.switching_share);
  out->set_period_seconds(period);
}

// The plan's figures from its message, checked against the workspace.
absl::StatusOr<PlanFigures> FiguresFrom(const v1::WorkspacePlan& wp, size_t customers,
                                        const std::string& where) {
  const v1::Plan& p = wp.plan();
  if (p.costs_size() != p.seeds_size())
    return Invalid(where + ".plan.costs",
                   absl::StrCat("has ", p.costs_size(), " values for ", p.seeds_size(), " seeds"));
  if (p.marginal_gains_size() != p.seeds_size())
    return Invalid(
        where + ".plan.marginal_gains",
        absl::StrCat("has ", p.marginal_gains_size(), " values for ", p.seeds_size(), " seeds"));
  for (int i = 0; i < p.seeds_size(); ++i)
    if (p.seeds(i) >= customers)
      return Invalid(absl::StrCat(where, ".plan.seeds[", i, "]"),
                     absl::StrCat("customer ", p.seeds(i), " out of range (", customers,
                                  " customers): not a plan on this workspace"));
  PlanFigures f;
  f.costs.assign(p.costs().begin(), p.costs().end());
  f.gains.assign(p.marginal_gains().begin(), p.marginal_gains().end());
  f.total_cost = p.total_cost();
  f.reach = p.check().mean();
  f.reach_low = p.check().ci_low();
  f.reach_high = p.check().ci_high();
  return f;
}

void CommunityMessage(const Tables& t, const CommunityRoute& r, const v1::WorkspacePlan& wp,
                      v1::ChannelCommunityRoute* out) {
  out->set_cost(r.cost);
  out->set_seeds(r.seeds);
  for (uint32_t s : wp.plan().seeds())
    out->add_seed_customer_ids(std::string(t.customers.ids.Id(s)));
  out->set_reached(r.reached);
  out->set_reached_low(r.reached_low);
  out->set_reached_high(r.reached_high);
  v1::ChannelConversionRate* c = out->mutable_conversion();
  c->set_rate(r.conversion.rate);
  c->set_low(r.conversion.low);
  c->set_high(r.conversion.high);
  c->set_converted(r.conversion.converted);
  c->set_referrals(r.conversion.referrals);
  c->set_from_referrals(r.conversion.from_referrals);
  out->set_conversions(r.conversions);
  out->set_conversions_low(r.conversions_low);
  out->set_conversions_high(r.conversions_high);
  out->set_cost_per_acquired(r.cost_per_acquired);
  out->set_cost_per_acquired_low(r.cost_per_acquired_low);
  out->set_cost_per_acquired_high(r.cost_per_acquired_high);
  out->set_value_per_conversion(r.value_per_conversion);
  out->set_expected_profit(r.expected_profit);
  for (size_t i = 0; i < r.curve_spend.size(); ++i) {
    out->add_curve_spend(r.curve_spend[i]);
    out->add_curve_conversions(r.curve_conversions[i]);
  }
  *out->mutable_plan() = wp;
}

void SplitMessage(double budget, const std::vector<BudgetRoute>& routes, const BudgetSplitResult& s,
                  v1::BudgetSplit* out, const std::vector<MoneyBasis>& bases = {}) {
  out->set_budget(budget);
  out->set_spent(s.spent);
  out->set_unspent(std::max(0.0, budget - s.spent));
  out->set_expected_profit(s.expected_profit);
  out->set_multiplier(s.multiplier);
  out->set_binding(s.binding);
  for (size_t i = 0; i < routes.size(); ++i) {
    v1::BudgetRouteSpend* x = out->add_routes();
    x->set_name(routes[i].name);
    x->set_spend(s.routes[i].spend);
    x->set_conversions(s.routes[i].conversions);
    x->set_profit(s.routes[i].profit);
    x->set_marginal_left(s.routes[i].marginal_left);
    x->set_marginal_right(s.routes[i].marginal_right);
    x->set_concavified(routes[i].response.concavified());
    if (i < bases.size()) ToMessage(bases[i], x->mutable_basis());
  }
}

void Compare(const std::string& name, const std::string& basis, double cost, double acquired,
             double low, double high, double cpa, double cpa_low, double cpa_high, double value,
             const ColumnBases& bases, v1::ChannelReport* out) {
  v1::ChannelRouteComparison* x = out->add_comparison();
  x->set_name(name);
  x->set_basis(basis);
  x->set_cost(cost);
  x->set_acquired(acquired);
  x->set_acquired_low(low);
  x->set_acquired_high(high);
  x->set_cost_per_acquired(cpa);
  x->set_cost_per_acquired_low(cpa_low);
  x->set_cost_per_acquired_high(cpa_high);
  x->set_value_per_acquired(value);
  x->set_profit_per_acquired(value - cpa);
  ColumnBasesMessage(bases, x);
}

}  // namespace

absl::StatusOr<ResponseCurve> ResponseCurveFrom(const v1::BudgetResponse& m,
                                                const std::string& where) {
  switch (m.shape_case()) {
    case v1::BudgetResponse::kPoints: {
      const v1::BudgetPiecewiseLinear& p = m.points();
      if (static_cast<size_t>(p.spend_size()) > kMaxPoints)
        return Invalid(where + ".points.spend", absl::StrCat("more than ", kMaxPoints, " points"));
      return ResponseCurve::PiecewiseLinear({p.spend().begin(), p.spend().end()},
                                            {p.response().begin(), p.response().end()},
                                            FieldPath(where + ".points"));
    }
    case v1::BudgetResponse::kExponential:
      return ResponseCurve::Exponential(m.exponential().a(), m.exponential().b(),
                                        FieldPath(where + ".exponential"));
    case v1::BudgetResponse::kLogarithmic:
      return ResponseCurve::Logarithmic(m.logarithmic().a(), m.logarithmic().b(),
                                        FieldPath(where + ".logarithmic"));
    case v1::BudgetResponse::SHAPE_NOT_SET:
      break;
  }
  return Invalid(where, "required: points, exponential or logarithmic");
}

v1::WorkspacePlanRequest DefaultActivation(const Workspace& ws, const v1::ChannelRequest& request,
                                           uint32_t leaders, uint32_t bridges,
                                           double cost_per_leader, uint64_t check_runs) {
  const Tables& t = ws.tables();
  const uint64_t slots = static_cast<uint64_t>(leaders) * t.communities.ids.size() + bridges;
  if (!(cost_per_leader > 0)) {
    const auto [start, end] = DefaultWindow(
        t.transactions, request.has_start_unix_seconds() ? request.start_unix_seconds() : kNoTime,
        request.has_end_unix_seconds() ? request.end_unix_seconds() : kNoTime);
    const double years = static_cast<double>(std::max<int64_t>(end - start, 0)) / (365.25 * 86400);
    double program = 0;
    for (size_t m = 0; m < t.channels.ids.size(); ++m)
      if (t.channels.kind[m] == kCommunityActivist)
        program += t.channels.fixed_cost_per_year[m] * years;
    const uint64_t per = static_cast<uint64_t>(leaders) * t.communities.ids.size();
    // No activist spend to go by: default_cost stays unset, so the plan's
    // cost is the activation default (1) and the report says it is assumed.
    cost_per_leader = program > 0 && per > 0 ? program / static_cast<double>(per) : 0;
  }
  v1::WorkspacePlanRequest r;
  r.set_candidates(v1::CANDIDATE_SOURCE_LEADERS);
  r.mutable_leaders()->set_top(leaders);
  r.mutable_leaders()->set_top_bridges(bridges);
  if (cost_per_leader > 0) r.set_default_cost(cost_per_leader);
  const uint64_t customers = t.customers.ids.size();
  r.mutable_plan()->set_k(static_cast<uint32_t>(std::max<uint64_t>(1, std::min(slots, customers))));
  r.mutable_plan()->set_check_runs(check_runs);
  return r;
}

absl::Status BudgetSplitMessage(const v1::BudgetRequest& request, v1::BudgetSplit* out) {
  if (static_cast<size_t>(request.routes_size()) > kMaxRoutes)
    return Invalid("request.routes", absl::StrCat("more than ", kMaxRoutes, " routes"));
  std::vector<BudgetRoute> routes;
  for (int i = 0; i < request.routes_size(); ++i) {
    const v1::BudgetRoute& m = request.routes(i);
    const std::string at = absl::StrCat("request.routes[", i, "]");
    auto curve = ResponseCurveFrom(m.response(), at + ".response");
    if (!curve.ok()) return curve.status();
    BudgetRoute r{m.name(), *std::move(curve), m.value_per_conversion()};
    if (m.has_max_spend()) {
      if (absl::Status s = CheckMoney(m.max_spend(), at + ".max_spend"); !s.ok()) return s;
      r.max_spend = m.max_spend();
    }
    routes.push_back(std::move(r));
  }
  auto s = SplitBudget(request.budget(), routes, FieldPath("request"));
  if (!s.ok()) return s.status();
  SplitMessage(request.budget(), routes, *s, out);
  return absl::OkStatus();
}

absl::Status DoubleMarginalisationMessage(const v1::LinearDemandRequest& request,
                                          v1::DoubleMarginalisation* out) {
  int max_tiers = 0;
  auto d = DemandFrom(request, "request", &max_tiers);
  if (!d.ok()) return d.status();
  return FillDoubleMarginalisation(*d, max_tiers, out);
}

namespace {

// What a channel request asks for besides the economics and conflicts
// options, each field checked before any work is done.
struct ChannelInputs {
  EconomicsOptions economics;
  ConflictOptions conflicts;
  std::optional<LinearDemand> demand;
  int max_tiers = 0;
  std::optional<ConversionRate> given_rate;
  std::optional<ResponseCurve> chain_response;
  double saturation = 0.5;
  std::optional<PlanFigures> given_plan;
};

absl::Status CheckOptionalMoney(bool has, double v, const char* where) {
  return has ? CheckMoney(v, where) : absl::OkStatus();
}

// The community-route and budget fields.
absl::Status RouteInputsFrom(const Tables& t, const v1::ChannelRequest& r, ChannelInputs& in) {
  if (r.has_plan() && r.has_activation())
    return Invalid("request.activation", "give a plan or an activation request, not both");
  if (r.has_conversion_rate()) {
    const double v = r.conversion_rate();
    if (!(v > 0 && v <= 1))
      return Invalid("request.conversion_rate", absl::StrCat("must be in (0, 1], got ", v));
    in.given_rate = ConversionRate{v, v, v, 0, 0, false};
  }
  if (absl::Status s = CheckOptionalMoney(r.has_value_per_conversion(), r.value_per_conversion(),
                                          "request.value_per_conversion");
      !s.ok())
    return s;
  if (absl::Status s = CheckOptionalMoney(r.has_budget(), r.budget(), "request.budget"); !s.ok())
    return s;
  if (r.has_chain_response()) {
    auto c = ResponseCurveFrom(r.chain_response(), "request.chain_response");
    if (!c.ok()) return c.status();
    in.chain_response = *std::move(c);
  }
  if (r.has_chain_saturation()) {
    const double v = r.chain_saturation();
    if (!(std::isfinite(v) && v > 0))
      return Invalid("request.chain_saturation", absl::StrCat("must be finite and > 0, got ", v));
    in.saturation = v;
  }
  if (absl::Status s = CheckOptionalMoney(r.has_chain_value_per_conversion(),
                                          r.chain_value_per_conversion(),
                                          "request.chain_value_per_conversion");
      !s.ok())
    return s;
  if (!r.product_id().empty()) {
    if (absl::StatusOr<Index> p = FindIndex(t.products.ids, r.product_id(), "product", "request.product_id");
        !p.ok())
      return p.status();
  }
  if (r.has_plan()) {
    auto f = FiguresFrom(r.plan(), t.customers.ids.size(), "request.plan");
    if (!f.ok()) return f.status();
    in.given_plan = *std::move(f);
  }
  return absl::OkStatus();
}

absl::StatusOr<ChannelInputs> ChannelInputsFrom(const Tables& t, const v1::ChannelRequest& r) {
  ChannelInputs in;
  auto eo = EconomicsOptionsFrom(r);
  if (!eo.ok()) return eo.status();
  in.economics = *eo;
  auto co = ConflictOptionsFrom(r, *eo);
  if (!co.ok()) return co.status();
  in.conflicts = *co;
  if (r.has_demand()) {
    auto d = DemandFrom(r.demand(), "request.demand", &in.max_tiers);
    if (!d.ok()) return d.status();
    in.demand = *d;
  }
  if (absl::Status s = RouteInputsFrom(t, r, in); !s.ok()) return s;
  return in;
}

void TotalsMessage(const Economics& e, v1::ChannelReport* out) {
  out->set_start_unix_seconds(e.start);
  out->set_end_unix_seconds(e.end);
  out->set_years(e.years);
  out->set_sales(e.sales);
  out->set_unattributed_sales(e.unattributed_sales);
  out->set_transactions(e.transactions);
  out->set_buyers(e.buyers);
  out->set_acquired(e.acquired);
  out->set_producer_revenue(e.producer_revenue);
  out->set_goods_cost(e.goods_cost);
  out->set_margins_conceded(e.margins_conceded);
  out->set_cost_to_serve(e.cost_to_serve);
}

// The observed routes, side by side.
void ObservedRouteComparisons(const Economics& e, const FigureBases& bases,
                              v1::ChannelReport* out) {
  const ColumnBases observed = ObservedColumnBases(bases);
  for (const auto& [k, name] : {std::pair{Route::kChain, "chain"},
                                {Route::kDirect, "direct"},
                                {Route::kCommunity, "community channel"}}) {
    const RouteEconomics& re = e.routes[static_cast<int>(k)];
    if (re.transactions == 0) continue;
    const double n = static_cast<double>(re.acquired);
    Compare(name, "observed", re.acquisition_cost, n, n, n, re.cost_per_acquired,
            re.cost_per_acquired, re.cost_per_acquired, re.value_per_acquired, observed, out);
  }
}

// The plan of an activation request, made now, into `made` and its figures
// into in.given_plan; its errors name request.activation's fields.
absl::Status PlanFromActivation(const Workspace& ws, const v1::ChannelRequest& r,
                                v1::WorkspacePlan* made, ChannelInputs& in) {
  if (absl::Status s = activation::WorkspacePlanMessageAt(ws, r.activation(), made,
                                                          FieldPath("request.activation"));
      !s.ok())
    return s;
  auto f = FiguresFrom(*made, ws.tables().customers.ids.size(), "request.activation");
  if (!f.ok()) return f.status();
  in.given_plan = *std::move(f);
  return absl::OkStatus();
}

// Conversions are expected to buy like the community channel's new
// customers (else the chain's): its variable acquisition cost per customer
// (margins, handling) is theirs too, and its contribution per acquired
// customer their value. nullptr when neither route acquired anyone.
const RouteEconomics* ConversionsLike(const Economics& e, v1::ChannelReport* out) {
  const RouteEconomics& chain_route = e.routes[static_cast<int>(Route::kChain)];
  const RouteEconomics& community_route = e.routes[static_cast<int>(Route::kCommunity)];
  const RouteEconomics* like = community_route.acquired > 0 ? &community_route
                               : chain_route.acquired > 0   ? &chain_route
                                                            : nullptr;
  if (like == &chain_route)
    out->add_notes(
        "community route: conversions valued like the chain's new customers (no "
        "customer was acquired through the community channel in the window)");
  return like;
}

// The community route from the plan, compared with the observed routes;
// nullopt when no conversion rate is given or observed.
absl::StatusOr<std::optional<CommunityRoute>> CommunityRouteFrom(
    const Tables& t, const v1::ChannelRequest& r, const ChannelInputs& in, const Economics& e,
    const FigureBases& bases, const v1::WorkspacePlan& wp, v1::ChannelReport* out) {
  std::optional<ConversionRate> rate = in.given_rate;
  if (!rate) {
    auto from = ReferralConversionRate(t.referrals, e.start, e.end);
    if (from.ok())
      rate = *from;
    else
      out->add_notes(absl::StrCat("community route: ", from.status().message()));
  }
  if (!rate) return std::optional<CommunityRoute>();
  const RouteEconomics* like = ConversionsLike(e, out);
  const double variable = like ? (like->acquisition_margins + like->acquisition_handling) /
                                     static_cast<double>(like->acquired)
                               : 0;
  CommunityRouteOptions ro;
  // The plan's figures come from request.plan (a plan made before) or from
  // the plan request.activation made now.
  ro.names = FieldPath("request");
  ro.names.Rename("plan", r.has_plan() ? "request.plan.plan" : "request.activation.plan");
  ro.include_seeds = r.include_seeds();
  // Where the value per conversion and the variable cost come from.
  const char* like_name = like == &e.routes[static_cast<int>(Route::kChain)] ? "chain"
                                                                             : "community channel";
  FigureInputs value, variable_inputs;
  if (like)
    variable_inputs = bases.variable_acquisition.With(
        {}, absl::StrCat("the ", like_name,
                         "'s margins and handling per acquired customer in the window"));
  if (r.has_value_per_conversion()) {
    ro.value_per_conversion = r.value_per_conversion();
    value.given = absl::StrCat("ChannelRequest.value_per_conversion = ", r.value_per_conversion());
  } else if (like) {
    ro.value_per_conversion = std::max(0.0, like->contribution_per_acquired);
    value = bases.contribution_per_acquired.With(
        {}, absl::StrCat("the ", like_name,
                         "'s observed contribution per acquired customer in the window"));
  } else {
    out->add_notes("community route: no value per conversion given and none observed: 0");
    value.defaults.push_back(
        "value_per_conversion = 0 (ChannelRequest.value_per_conversion): none given, no "
        "customer acquired through the community channel or the chain in the window");
  }
  auto cr = EvaluateCommunityRoute(*in.given_plan, *rate, ro);
  if (!cr.ok()) return cr.status();
  const CommunityRoute& route = *cr;
  CommunityMessage(t, route, wp, out->mutable_community());
  const MoneyBasis plan_cost = PlanCostBasis(wp);
  CommunityBasesMessage(route, plan_cost, value, out->mutable_community());
  const double inf = std::numeric_limits<double>::infinity();
  auto per = [&](double conv) { return conv > 0 ? route.cost / conv + variable : inf; };
  const double value_per_acquired = route.value_per_conversion + variable;
  Compare("community activation", "expected", route.cost + route.conversions * variable,
          route.conversions, route.conversions_low, route.conversions_high,
          per(route.conversions), per(route.conversions_high), per(route.conversions_low),
          value_per_acquired,
          ExpectedColumnBases(route, plan_cost, variable, variable_inputs,
                              per(route.conversions_high), per(route.conversions_low),
                              value_per_acquired, value),
          out);
  return std::optional<CommunityRoute>(*std::move(cr));
}

// Contribution per unit of sales: what a unit of extra sales is worth to
// the producer (0 when there were no sales or they lost money).
double ContributionShare(double contribution, double sales) {
  return sales > 0 ? std::max(0.0, contribution / sales) : 0.0;
}

// The split on the curves fitted to the campaigns (both routes have one).
absl::Status FittedSplitOf(const v1::ChannelRequest& r, const Economics& e,
                           const WorkspaceCampaignEffects& c, v1::ChannelReport* out) {
  const RouteEconomics& chain_route = e.routes[static_cast<int>(Route::kChain)];
  double contribution = 0, sales = 0;
  for (const RouteEconomics& x : e.routes) contribution += x.contribution, sales += x.sales;
  const double chain_value = ContributionShare(chain_route.contribution, chain_route.sales);
  const double community_value = ContributionShare(contribution, sales);
  auto f = SplitOnFittedCurves(r.budget(), c.curves[0], chain_value, c.curves[1], community_value,
                               c.confidence, FieldPath("request"));
  if (!f.ok()) return f.status();
  std::vector<MoneyBasis> bases;
  for (size_t i = 0; i < 2; ++i) {
    const RouteCurve& curve = c.curves[i];
    bases.push_back(MoneyBasis::Estimated(
        f->response_low[i], f->response_high[i], c.confidence,
        absl::StrCat("extra sales a(1 - e^(-b x)) fitted to ", curve.campaigns, " measured ",
                     i == 0 ? "chain" : "community",
                     " campaigns (request.campaign_effects), each unit worth ",
                     i == 0 ? chain_value : community_value,
                     i == 0 ? " (the chain's contribution per unit of sales in the window)"
                            : " (the contribution per unit of sales of all routes in the window)")));
  }
  v1::BudgetSplit* split = out->mutable_budget_split();
  SplitMessage(r.budget(), f->routes, f->split, split, bases);
  split->set_ranking_probability(f->ranking_probability);
  return absl::OkStatus();
}

// The budget split between chain incentives (a response calibrated on the
// chain's acquisitions unless given) and activation; on the curves fitted
// to the campaigns instead when `campaigns` has both.
absl::Status BudgetSplitOf(const v1::ChannelRequest& r, ChannelInputs& in, const Economics& e,
                           const std::optional<CommunityRoute>& route,
                           const WorkspaceCampaignEffects* campaigns, v1::ChannelReport* out) {
  if (campaigns && campaigns->curves.size() == 2) return FittedSplitOf(r, e, *campaigns, out);
  if (campaigns)
    out->add_notes(
        "budget split: campaign curves were asked for but not both routes have one (see "
        "campaign_effects.notes); the assumed responses are used");
  const RouteEconomics& chain_route = e.routes[static_cast<int>(Route::kChain)];
  std::vector<BudgetRoute> routes;
  std::vector<MoneyBasis> bases;
  // The split's own routes: only the chain's value is the request's.
  FieldPath names("request");
  if (!in.chain_response && chain_route.acquired > 0 && chain_route.cost_per_acquired > 0) {
    const double a = in.saturation * static_cast<double>(chain_route.acquired);
    auto curve = ResponseCurve::Exponential(a, 1 / (a * chain_route.cost_per_acquired));
    if (curve.ok()) in.chain_response = *std::move(curve);
  }
  if (in.chain_response) {
    const double v = r.has_chain_value_per_conversion()
                         ? r.chain_value_per_conversion()
                         : std::max(0.0, chain_route.contribution_per_acquired);
    names.Rename("routes[0].value_per_conversion", "request.chain_value_per_conversion");
    routes.push_back({"chain", *in.chain_response, v});
    bases.push_back(
        r.has_chain_response()
            ? MoneyBasis::Given("the chain's response: request.chain_response")
            : MoneyBasis::Assumed(absl::StrCat(
                  "chain_saturation = ", in.saturation,
                  " (request.chain_saturation): a(1 - e^(-b x)) with a = chain_saturation x the "
                  "chain's acquisitions and a b = 1 / its cost per acquired customer")));
  } else {
    out->add_notes(
        "budget split: no chain response given and none to calibrate (no customer "
        "acquired through the chain in the window)");
  }
  if (route) {
    auto curve = ResponseCurve::PiecewiseLinear(route->curve_spend, route->curve_conversions);
    if (!curve.ok()) return curve.status();
    routes.push_back({"community", *std::move(curve), route->value_per_conversion});
    bases.push_back(MoneyBasis::Assumed(
        "diffusion x conversion: the activation plan's expected reach x the conversion rate "
        "(request.conversion_rate, or the referrals' converted share)"));
  } else {
    out->add_notes("budget split: no community route (give a plan or an activation request)");
  }
  if (routes.empty()) return absl::OkStatus();
  auto s = SplitBudget(r.budget(), routes, names);
  if (!s.ok()) return s.status();
  SplitMessage(r.budget(), routes, *s, out->mutable_budget_split(), bases);
  return absl::OkStatus();
}

}  // namespace

absl::Status ChannelEconomicsMessage(const Workspace& ws, const v1::ChannelRequest& r,
                                     v1::ChannelReport* out) {
  const Tables& t = ws.tables();
  // Every request field first, then the work.
  absl::StatusOr<ChannelInputs> in = ChannelInputsFrom(t, r);
  if (!in.ok()) return in.status();
  std::optional<WorkspaceCampaignEffects> campaigns;
  if (r.has_campaign_effects()) {
    auto o = CampaignOptionsFrom(r.campaign_effects(), FieldPath("request.campaign_effects"));
    if (!o.ok()) return o.status();
    auto c = WorkspaceCampaignEffectsOf(ws, *o);
    if (!c.ok()) return c.status();
    campaigns = *std::move(c);
    CampaignEffectsReportMessage(ws, *campaigns, out->mutable_campaign_effects());
  }
  auto chain = Chain::Build(t.channels);
  if (!chain.ok()) return chain.status();
  auto e = ComputeEconomics(t, *chain, in->economics);
  if (!e.ok()) return e.status();
  auto c = FindCheckedConflicts(t, *chain, in->conflicts);
  if (!c.ok()) return c.status();

  TotalsMessage(*e, out);
  const FigureBases bases = FigureBasesOf(t, *chain, *e, r);
  FigureBasesMessage(bases, out->mutable_bases());
  MemberMessages(t, *chain, *e, out);
  if (absl::Status s = StackMessages(ws, r, *chain, *e, out); !s.ok()) return s;
  if (chain->size() > 0)
    for (uint32_t n = 1; n <= chain->max_depth() + 1 && n <= 60; ++n)
      out->add_tier_profit_share(ChainProfitShare(static_cast<int>(n)));
  if (in->demand) {
    if (absl::Status s = FillDoubleMarginalisation(*in->demand, in->max_tiers,
                                                   out->mutable_double_marginalisation());
        !s.ok())
      return s;
  }
  ConflictMessages(t, *c, r.has_top() ? r.top() : 20, in->conflicts.period_seconds,
                   out->mutable_conflicts());
  ObservedRouteComparisons(*e, bases, out);

  // The community route from a plan (given, or made from an activation request).
  v1::WorkspacePlan made;
  const v1::WorkspacePlan* wp = r.has_plan() ? &r.plan() : nullptr;
  if (r.has_activation()) {
    if (absl::Status s = PlanFromActivation(ws, r, &made, *in); !s.ok()) return s;
    wp = &made;
  }
  std::optional<CommunityRoute> route;
  if (in->given_plan) {
    auto cr = CommunityRouteFrom(t, r, *in, *e, bases, *wp, out);
    if (!cr.ok()) return cr.status();
    route = *std::move(cr);
  }
  if (r.has_budget())
    return BudgetSplitOf(r, *in, *e, route, campaigns ? &*campaigns : nullptr, out);
  return absl::OkStatus();
}

}  // namespace mitra::channels

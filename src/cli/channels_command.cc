// `mitra channels`: the distribution chain's economics beside community
// activation (docs/CHANNELS.md). The flags build the mitra.v1.ChannelRequest
// the C ABI takes (channels/messages.h), so the CLI, the C ABI and Python
// give the same answers; without a plan the community route activates the
// leaders as channels::DefaultActivation describes.
#include <cmath>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "args.h"
#include "channel_bases.h"
#include "common.h"
#include "mitra/channels/messages.h"
#include "mitra/core/absl_view.h"
#include "mitra/core/text_checks.h"
#include "mitra/core/time_format.h"

namespace mitra::cli {

const char kChannelsHelp[] = R"(Usage: mitra channels (SNAPSHOT | DIR) [options]

The distribution chain's economics and community activation side by side
(docs/CHANNELS.md): per member its sales (own and rolled up the tree), margin
money, profit and activity-based cost to serve; the margin stack from the
producer's price to the shelf; per route (chain, direct, community) the
cost per acquired customer; conflict signals (shared customers and
territory, undercutting, customers switching between members); the expected
conversions and cost per acquired customer of activating the community
leaders (IMM on the interaction graph); and with --budget the split of the
budget between chain incentives and activation that maximises profit. Where
each money figure comes from is printed beside it: given by the host,
ASSUMED (a default, named with the option or record field that sets it) or
estimated (with its interval).

Options (times: ISO 8601 or unix seconds; durations: hour, day, week, month
(30.4375 days), year, or seconds):
  --start TIME, --end TIME  the window (default: the data's span)
  --period DURATION        switching periods (default month)
  --order-cost C           cost to serve: per order (default 0)
  --delivery-cost C        ... per delivery (transaction with quantity > 0)
  --return-cost C          ... per return (line of amount 0, quantity > 0)
  --support-cost C         ... per support contact
  --support-kind KIND      interactions of this kind are support contacts
                           (message, reply, ...); repeatable
  --no-handling            leave producer-run members' per-unit costs out
  --incentive ROUTE=C      money spent on chain, direct or community in the
                           window besides margins; repeatable
  --product ID             margin stacks of this product (default: best seller)
  --min-shared N           list member pairs sharing >= N customers (default 1)
  --undercut T             undercutting threshold, relative (default 0.02)
  --min-units U            units each member needs to compare prices (default 5)
  --top N                  rows per conflict list (default 10; 0 = all)
  --demand A,B,C[,TIERS]   linear demand q = A - B p, unit cost C: closed forms
  --leaders N              community route: leaders per community (default 3)
  --bridges N              ... and bridge leaders (default 0)
  --leader-cost C          ... cost of activating one (default: the
                           community-activist members' fixed cost for the
                           window over leaders x communities)
  --runs R                 ... Monte-Carlo runs checking the reach (default 10000)
  --no-activation          no community route
  --conversion-rate R      conversions per reached customer (default: the
                           referrals' converted share)
  --value V                value per conversion (default: observed)
  --include-seeds          count the activated leaders as reached
  --budget B               split B between chain incentives and activation
  --chain-saturation S     calibrated chain response: most extra conversions
                           = S x the chain's acquisitions (default 0.5)
  --campaign-curves        split the budget on the response curves fitted to
                           the workspace's campaigns when both routes have
                           one (the options of --campaign-effects below apply)
  --customers FILE         write every buyer's cost to serve (CSV)
  --format text|json       (default text; json: the mitra.v1.ChannelReport)
  -o FILE                  write to FILE

With --campaign-effects, instead: what the workspace's campaigns did
(docs/CHANNELS.md, "Campaign effects"): each campaign's effect per treated
unit and period by difference in differences against the units no campaign
of its route treated, its total and return per unit spent with 95%
intervals; each route's response a(1 - e^(-b spend)) fitted to its
campaigns; with both routes, the probability that community returns more.
--start, --end (default: from the campaigns) and --period (default week)
set the panel; json output is the mitra.v1.CampaignEffectsReport.
  --baseline N             periods before each campaign (default 8; 0 = all)
  --draws N                bootstrap draws per route (default 2000)
  --seed N                 bootstrap seed (default 1)
  --compare-at X           spend at which to compare the routes; repeatable
                           (default: the campaigns' mean spend)
)";

namespace {

std::string Num(double v, int decimals = 0) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  const std::string s = GroupThousands(Decimals(std::fabs(v), decimals));
  return (v < 0 && s.find_first_not_of("0.,") != std::string::npos ? "-" : "") + s;
}
std::string Pct(double share) { return Num(100 * share, 1) + "%"; }
std::string Pad(std::string s, size_t w) { return s.size() < w ? s.append(w - s.size(), ' ') : s; }
std::string Right(const std::string& s, size_t w) {
  return s.size() < w ? std::string(w - s.size(), ' ') + s : s;
}

const char* RouteName(v1::ChannelRoute r) {
  switch (r) {
    case v1::CHANNEL_ROUTE_CHAIN:
      return "chain";
    case v1::CHANNEL_ROUTE_DIRECT:
      return "direct";
    case v1::CHANNEL_ROUTE_COMMUNITY:
      return "community";
    default:
      return "?";
  }
}

const char* RelationName(v1::ChannelRelation r) {
  switch (r) {
    case v1::CHANNEL_RELATION_VERTICAL:
      return "vertical";
    case v1::CHANNEL_RELATION_SIBLINGS:
      return "siblings";
    case v1::CHANNEL_RELATION_SAME_TIER:
      return "same tier";
    case v1::CHANNEL_RELATION_OTHER:
      return "other";
    default:
      return "?";
  }
}

std::string KindName(v1::ChannelKind k) {
  std::string s = v1::ChannelKind_Name(k);
  if (s.rfind("CHANNEL_KIND_", 0) == 0) s = s.substr(13);
  return absl::AsciiStrToLower(s);
}

void WriteCampaignText(const v1::CampaignEffectsReport& r, std::ostream& out) {
  out << "campaign effects, " << FormatTime(r.start_unix_seconds()) << " to "
      << FormatTime(r.end_unix_seconds()) << " in " << r.periods() << " periods of "
      << Num(r.period_seconds() / 86400.0, 2) << " days; " << Pct(r.confidence())
      << " intervals\n  " << Pad("campaign", 18) << Pad("route", 10) << Right("spend", 11)
      << Right("units", 9) << Right("effect/unit/period", 28) << Right("total", 26)
      << Right("return/spend", 22) << "\n";
  auto range = [](double x, double lo, double hi, int decimals) {
    return Num(x, decimals) + " [" + Num(lo, decimals) + ", " + Num(hi, decimals) + "]";
  };
  for (const v1::CampaignEffect& e : r.campaigns()) {
    out << "  " << Pad(e.campaign_id(), 18)
        << Pad(e.route() == v1::CAMPAIGN_ROUTE_CHAIN ? "chain" : "community", 10)
        << Right(Num(e.spend()), 11);
    if (!e.estimated()) {
      out << "  not measured: " << e.note() << "\n";
      continue;
    }
    out << Right(absl::StrCat(e.treated_units(), "/", e.comparison_units()), 9)
        << Right(range(e.effect(), e.effect_low(), e.effect_high(), 2), 28)
        << Right(range(e.total(), e.total_low(), e.total_high(), 0), 26)
        << Right(range(e.return_per_spend(), e.return_low(), e.return_high(), 2), 22) << "\n";
  }
  for (const v1::CampaignRouteCurve& c : r.curves())
    out << "\n" << (c.route() == v1::CAMPAIGN_ROUTE_CHAIN ? "chain" : "community")
        << " response to spend x: " << Num(c.a(), 0) << " (1 - e^(-" << c.b() << " x)), a in ["
        << Num(c.a_low(), 0) << ", " << Num(c.a_high(), 0) << "], from " << c.campaigns()
        << " campaigns" << (c.saturation_identified() ? "" : " (no saturation seen: only a x b is known)");
  if (r.curves_size() > 0) out << "\n";
  for (const v1::CampaignRouteOdds& o : r.odds())
    out << "P(community returns more than chain at spend " << Num(o.spend(), 0)
        << ") = " << Num(o.probability_community_returns_more(), 3) << "\n";
  for (const std::string& n : r.notes()) out << "note: " << n << "\n";
}

void WriteText(const v1::ChannelReport& r, std::ostream& out) {
  out << "window " << FormatTime(r.start_unix_seconds()) << " to "
      << FormatTime(r.end_unix_seconds()) << " (" << Num(r.years(), 2) << " years): sales "
      << Num(r.sales(), 2) << " in " << Num(r.transactions()) << " transactions, "
      << Num(r.buyers()) << " buyers, " << Num(r.acquired()) << " acquired\n"
      << "producer revenue " << Num(r.producer_revenue(), 2) << ", goods " << Num(r.goods_cost(), 2)
      << ", margins kept by the chain " << Num(r.margins_conceded(), 2) << ", cost to serve "
      << Num(r.cost_to_serve(), 2);
  if (r.unattributed_sales() > 0)
    out << ", sales without a channel " << Num(r.unattributed_sales(), 2);
  out << "\nwhere the figures come from (the members', routes' and customers' figures of the "
         "same name too):\n";
  WriteFigureBases(r.bases(), "  ", out);
  out << "\nmembers (own sales as the seller; tree = with everyone below)\n"
      << "  " << Pad("member", 18) << Pad("kind", 12) << Right("margin", 7)
      << Right("own sales", 13) << Right("tree sales", 13) << Right("margin money", 13)
      << Right("profit", 12) << Right("buyers", 8) << Right("acquired", 9) << Right("CTS/buyer", 10)
      << "\n";
  for (const v1::ChannelMember& m : r.members()) {
    out << "  " << Pad(std::string(2 * m.depth(), ' ') + m.channel_id(), 18)
        << Pad(KindName(m.kind()), 12) << Right(Num(m.margin(), 2), 7) << Right(Num(m.sales()), 13)
        << Right(Num(m.tree_sales()), 13) << Right(Num(m.margin_money()), 13)
        << Right(Num(m.profit()), 12) << Right(Num(m.tree_customers()), 8)
        << Right(Num(m.tree_acquired()), 9)
        << Right(m.customers() ? Num(m.cost_to_serve_per_customer(), 2) : "-", 10) << "\n";
  }
  if (r.stacks_size() > 0) {
    out << "\nmargin stack of " << r.stack_product_id() << " at its list price "
        << Num(r.stack_list_price(), 2) << " (each tier's price, its margin money in brackets)\n";
    for (const v1::ChannelMarginStack& s : r.stacks()) {
      out << "  " << Pad(s.seller_id(), 10);
      for (int k = 0; k < s.tiers_size(); ++k)
        out << (k ? " > " : "") << s.tiers(k).channel_id() << " " << Num(s.tiers(k).price(), 2)
            << " (" << Num(s.tiers(k).margin_money(), 2) << ")";
      out << "; producer keeps " << Num(s.producer_profit_per_unit(), 2) << " a unit\n";
    }
  }
  if (r.tier_profit_share_size() > 0) {
    out << "\nlinear demand, independent tiers pricing in turn (Spengler): the chain's profit as a "
           "share of"
           " one integrated firm's:";
    for (int n = 0; n < r.tier_profit_share_size(); ++n)
      out << "  " << n + 1 << " tier" << (n ? "s " : " ") << Pct(r.tier_profit_share(n));
    out << "\n";
  }
  if (r.has_double_marginalisation()) {
    const v1::DoubleMarginalisation& d = r.double_marginalisation();
    out << "  q = " << Num(d.a(), 2) << " - " << Num(d.b(), 2) << " p, unit cost " << Num(d.c(), 2)
        << ": integrated price " << Num(d.integrated().price(), 2) << ", profit "
        << Num(d.integrated().profit(), 2) << "\n";
    for (const v1::DemandChainOutcome& c : d.chains())
      out << "  " << c.tiers() << " tiers: shelf price " << Num(c.market().price(), 2)
          << ", quantity " << Num(c.market().quantity(), 2) << ", profit "
          << Num(c.market().profit(), 2) << " (" << Pct(c.profit_share()) << ")\n";
  }
  out << "\nroutes\n  " << Pad("", 11) << Right("sales", 14) << Right("producer gets", 15)
      << Right("margins", 13) << Right("contribution", 14) << Right("acquired", 10)
      << Right("cost/acq", 10) << Right("value/acq", 11) << "\n";
  for (const v1::ChannelRouteEconomics& x : r.routes()) {
    out << "  " << Pad(RouteName(x.route()), 11) << Right(Num(x.sales()), 14)
        << Right(Num(x.producer_revenue()), 15) << Right(Num(x.margins_conceded()), 13)
        << Right(Num(x.contribution()), 14) << Right(Num(x.acquired()), 10)
        << Right(x.acquired() ? Num(x.cost_per_acquired(), 2) : "-", 10)
        << Right(x.acquired() ? Num(x.value_per_acquired(), 2) : "-", 11) << "\n";
  }
  const v1::ChannelConflicts& c = r.conflicts();
  out << "\nconflicts\n";
  for (const v1::ChannelTerritory& t : c.territories()) {
    out << "  shared territory " << t.territory() << ":";
    for (const std::string& id : t.channel_ids()) out << " " << id;
    out << "\n";
  }
  out << "  shared customers (Jaccard):\n";
  for (const v1::ChannelSharedCustomers& s : c.shared())
    out << "    " << Pad(s.channel_id() + " + " + s.other_id(), 22) << Right(Num(s.shared()), 6)
        << " of " << Num(s.customers()) << " / " << Num(s.other_customers()) << "  J "
        << Num(s.jaccard(), 3) << "  " << RelationName(s.relation())
        << (s.same_territory() ? ", same territory" : "") << "\n";
  out << "  undercutting (realised price per unit):\n";
  if (c.undercuts_size() == 0) out << "    none\n";
  for (const v1::ChannelUndercut& u : c.undercuts())
    out << "    " << Pad(u.channel_id() + " under " + u.other_id(), 24) << Pad(u.product_id(), 10)
        << Num(u.price(), 2) << " vs " << Num(u.other_price(), 2) << " (" << Pct(u.gap()) << ", "
        << RelationName(u.relation()) << ")\n";
  out << "  switching between members, period " << Num(c.period_seconds() / 86400.0, 2)
      << " days: " << Num(c.switches_total()) << " switches, " << Num(c.stays()) << " stays ("
      << Pct(c.switching_share()) << ")\n";
  for (const v1::ChannelTransition& t : c.switches())
    out << "    " << Pad(t.from_id() + " -> " + t.to_id(), 24) << Right(Num(t.customers()), 6)
        << "\n";
  if (r.has_community()) {
    const v1::ChannelCommunityRoute& m = r.community();
    out << "\ncommunity activation: " << m.seeds() << " leaders for " << Num(m.cost(), 2)
        << "; expected reach " << Num(m.reached(), 1) << " (95% CI " << Num(m.reached_low(), 1)
        << " - " << Num(m.reached_high(), 1) << ") besides them; conversion rate "
        << Num(m.conversion().rate(), 3);
    if (m.conversion().from_referrals())
      out << " (" << m.conversion().converted() << " of " << m.conversion().referrals()
          << " referrals)";
    out << "\n  expected conversions " << Num(m.conversions(), 1) << " ("
        << Num(m.conversions_low(), 1) << " - " << Num(m.conversions_high(), 1)
        << "), activation cost per conversion " << Num(m.cost_per_acquired(), 2) << ", value "
        << Num(m.value_per_conversion(), 2) << " each, expected profit "
        << Num(m.expected_profit(), 2) << "\n";
    WriteCommunityBases(m, "  ", out);
  }
  if (r.comparison_size() > 0) {
    out << "\nthe routes side by side (per acquired customer; value = first purchase less goods "
           "and the"
           " producer's unit cost)\n  "
        << Pad("", 22) << Pad("basis", 10) << Right("acquired", 10) << Right("cost", 14)
        << Right("cost/acq", 11) << Right("value/acq", 11) << Right("profit/acq", 12) << "\n";
    for (const v1::ChannelRouteComparison& x : r.comparison())
      out << "  " << Pad(x.name(), 22) << Pad(x.basis(), 10) << Right(Num(x.acquired(), 1), 10)
          << Right(Num(x.cost()), 14) << Right(Num(x.cost_per_acquired(), 2), 11)
          << Right(Num(x.value_per_acquired(), 2), 11) << Right(Num(x.profit_per_acquired(), 2), 12)
          << "\n";
    out << "  where they come from:\n";
    WriteComparisonBases(r, "    ", out);
  }
  if (r.has_budget_split()) {
    const v1::BudgetSplit& b = r.budget_split();
    out << "\nbudget " << Num(b.budget(), 2) << ": spend " << Num(b.spent(), 2)
        << ", expected profit " << Num(b.expected_profit(), 2)
        << "; marginal return of money at the optimum " << Num(b.multiplier(), 3)
        << (b.binding() ? "" : " (the budget does not bind)") << "\n";
    for (const v1::BudgetRouteSpend& x : b.routes())
      out << "  " << Pad(x.name(), 11) << " spend " << Right(Num(x.spend(), 2), 12)
          << ", response " << Right(Num(x.conversions(), 1), 8) << ", marginal return "
          << Num(x.marginal_left(), 3) << " / " << Num(x.marginal_right(), 3)
          << " (last / next unit)\n    " << BasisText(x.basis(), 1)
          << "\n";
    if (b.has_ranking_probability())
      out << "  the ranking of the routes holds in " << Pct(b.ranking_probability())
          << " of the curves' bootstrap draws\n";
  }
  for (const std::string& n : r.notes()) out << "note: " << n << "\n";
}

void WriteCustomers(const v1::ChannelReport& r, std::ostream& out) {
  out << "customer_id,revenue,goods,margins,orders,deliveries,returns,support_contacts,handling,"
         "cost_to_serve,net,main_channel_id\n";
  for (const v1::ChannelCustomerCost& c : r.customers())
    out << c.customer_id() << "," << absl::StrCat(c.revenue()) << "," << absl::StrCat(c.goods())
        << "," << absl::StrCat(c.margins()) << "," << c.orders() << "," << c.deliveries() << ","
        << c.returns() << "," << c.support_contacts() << "," << absl::StrCat(c.handling()) << ","
        << absl::StrCat(c.cost_to_serve()) << "," << absl::StrCat(c.net()) << ","
        << c.main_channel_id() << "\n";
}

}  // namespace

int ChannelsCommand(const std::vector<std::string>& args) {
  CommandArgs cl("channels", args, {"text", "json"});
  std::string customers;
  v1::ChannelRequest req;
  req.set_top(10);
  uint32_t leaders = 3, bridges = 0;
  double leader_cost = 0;
  uint64_t runs = 10000;
  bool activate = true;
  // --campaign-effects: the campaign report instead, from these options.
  bool campaigns = false, campaign_curves = false;
  v1::CampaignEffectsRequest creq;
  // Range checks are the library's (its errors name the request field).
  while (cl.Next()) {
    const std::string& a = cl.option();
    std::string v, route, amount;
    double d;
    uint32_t k;
    int64_t t;
    if (a == "--start" || a == "--end") {
      if (!cl.Time(&t)) return cl.Needs(kTimeArg);
      if (a == "--start") {
        req.set_start_unix_seconds(t);
        creq.set_start_unix_seconds(t);
      } else {
        req.set_end_unix_seconds(t);
        creq.set_end_unix_seconds(t);
      }
    } else if (a == "--period") {
      if (!cl.Duration(&t)) return cl.Needs("a duration (hour, day, week, month, year or seconds)");
      req.set_period_seconds(t);
      creq.set_period_seconds(t);
    } else if (a == "--campaign-effects") {
      campaigns = true;
    } else if (a == "--campaign-curves") {
      campaign_curves = true;
    } else if (a == "--baseline" || a == "--draws") {
      if (!cl.Whole(&k)) return cl.Needs("a whole number");
      (a == "--baseline") ? creq.set_baseline_periods(k) : creq.set_draws(k);
    } else if (a == "--seed") {
      uint64_t seed;
      if (!cl.Whole(&seed)) return cl.Needs("a whole number");
      creq.set_seed(seed);
    } else if (a == "--compare-at") {
      if (!cl.Number(&d)) return cl.Needs("a number");
      creq.add_compare_at_spends(d);
    } else if (a == "--order-cost" || a == "--delivery-cost" || a == "--return-cost" ||
               a == "--support-cost") {
      if (!cl.Number(&d)) return cl.Needs("a number");
      v1::ChannelActivityRates* r = req.mutable_rates();
      if (a == "--order-cost")
        r->set_per_order(d);
      else if (a == "--delivery-cost")
        r->set_per_delivery(d);
      else if (a == "--return-cost")
        r->set_per_return(d);
      else
        r->set_per_support_contact(d);
    } else if (a == "--support-kind") {
      v1::InteractionKind kind;
      if (!cl.Value(&v) ||
          !v1::InteractionKind_Parse("INTERACTION_KIND_" + absl::AsciiStrToUpper(v), &kind) ||
          kind == v1::INTERACTION_KIND_UNSPECIFIED)
        return cl.Needs("an interaction kind (reply, mention, message, ...)");
      req.mutable_rates()->add_support_kinds(kind);
    } else if (a == "--no-handling") {
      req.mutable_rates()->set_include_handling(false);
    } else if (a == "--incentive") {
      if (!cl.Pair(&route, &amount) || !absl::SimpleAtod(Av(amount), &d))
        return cl.Needs("ROUTE=AMOUNT (chain, direct, community)");
      v1::ChannelRouteIncentive* x = req.add_incentives();
      if (route == "chain")
        x->set_route(v1::CHANNEL_ROUTE_CHAIN);
      else if (route == "direct")
        x->set_route(v1::CHANNEL_ROUTE_DIRECT);
      else if (route == "community")
        x->set_route(v1::CHANNEL_ROUTE_COMMUNITY);
      else
        return Usage("--incentive: route " + Quote(route) + " is not chain, direct or community");
      x->set_amount(d);
    } else if (a == "--product") {
      if (!cl.Value(&v)) return cl.Needs("an id");
      req.set_product_id(v);
    } else if (a == "--min-shared" || a == "--top" || a == "--leaders" || a == "--bridges") {
      if (!cl.Whole(&k)) return cl.Needs("a whole number");
      if (a == "--min-shared")
        req.set_min_shared_customers(k);
      else if (a == "--top")
        req.set_top(k);
      else
        (a == "--leaders" ? leaders : bridges) = k;
    } else if (a == "--undercut" || a == "--min-units" || a == "--conversion-rate" ||
               a == "--value" || a == "--budget" || a == "--chain-saturation") {
      if (!cl.Number(&d)) return cl.Needs("a number");
      if (a == "--undercut")
        req.set_undercut_threshold(d);
      else if (a == "--min-units")
        req.set_min_units(d);
      else if (a == "--conversion-rate")
        req.set_conversion_rate(d);
      else if (a == "--value")
        req.set_value_per_conversion(d);
      else if (a == "--budget")
        req.set_budget(d);
      else
        req.set_chain_saturation(d);
    } else if (a == "--demand") {
      std::vector<std::string> parts =
          cl.Value(&v) ? absl::StrSplit(v, ',') : std::vector<std::string>{};
      double x[3];
      uint32_t tiers = 0;
      if ((parts.size() != 3 && parts.size() != 4) || !absl::SimpleAtod(Av(parts[0]), &x[0]) ||
          !absl::SimpleAtod(Av(parts[1]), &x[1]) || !absl::SimpleAtod(Av(parts[2]), &x[2]) ||
          (parts.size() == 4 && !absl::SimpleAtoi(Av(parts[3]), &tiers)))
        return cl.Needs("A,B,C or A,B,C,TIERS");
      req.mutable_demand()->set_a(x[0]);
      req.mutable_demand()->set_b(x[1]);
      req.mutable_demand()->set_c(x[2]);
      if (parts.size() == 4) req.mutable_demand()->set_max_tiers(tiers);
    } else if (a == "--leader-cost") {
      if (!cl.Number(&d) || !(d > 0)) return cl.Needs("a number > 0");
      leader_cost = d;
    } else if (a == "--runs") {
      if (!cl.Whole(&runs)) return cl.Needs("a whole number");
    } else if (a == "--no-activation") {
      activate = false;
    } else if (a == "--include-seeds") {
      req.set_include_seeds(true);
    } else if (a == "--customers") {
      if (!cl.Value(&customers)) return cl.Needs("a file");
      req.set_per_customer(true);
    } else {
      return cl.Unknown();
    }
  }
  if (int rc = cl.Finish(); rc != 0) return rc;
  auto ws = LoadWorkspace(cl.source());
  if (!ws.ok()) return Fail(ws.status());
  if (campaigns) {
    v1::CampaignEffectsReport report;
    if (absl::Status s = channels::CampaignEffectsMessage(**ws, creq, &report); !s.ok())
      return Fail(s);
    return cl.Write(report, [&](std::ostream& out) { WriteCampaignText(report, out); },
                    absl::StrCat(report.campaigns_size(), " campaigns, ", report.curves_size(),
                                 " route curves"));
  }
  if (campaign_curves) *req.mutable_campaign_effects() = creq;
  if (activate && (*ws)->tables().communities.ids.size() > 0 && leaders > 0)
    *req.mutable_activation() =
        channels::DefaultActivation(**ws, req, leaders, bridges, leader_cost, runs);
  v1::ChannelReport report;
  if (absl::Status s = channels::ChannelEconomicsMessage(**ws, req, &report); !s.ok())
    return Fail(s);
  if (!customers.empty()) {
    std::ostringstream rows;
    WriteCustomers(report, rows);
    if (int rc =
            WriteOutput(rows.str(), customers, absl::StrCat(report.customers_size(), " buyers"));
        rc != 0)
      return rc;
    report.clear_customers();  // written to the file, not repeated below
  }
  return cl.Write(report, [&](std::ostream& out) { WriteText(report, out); },
                  absl::StrCat(report.members_size(), " members, ",
                               report.conflicts().shared_size(), " shared-customer pairs"));
}

}  // namespace mitra::cli
